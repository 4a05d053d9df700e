"""Seeds 000/001: save a report, then have it e-mailed every week until an end date."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from adplane.client import AdplaneClient

CSV, XLS = 1, 2
ONCE, DAILY, WEEKLY, MONTHLY = 1, 2, 3, 4


def epoch_ms(day: str) -> int:
    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp() * 1000)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--start", required=True, help="report period start (ISO date)")
    parser.add_argument("--end", required=True, help="report period end (ISO date)")
    parser.add_argument("--email", action="append", required=True, help="subscriber (repeatable)")
    parser.add_argument("--day", default="MONDAY", help="delivery weekday")
    parser.add_argument("--until", required=True, help="last delivery date (ISO date)")
    args = parser.parse_args(argv)

    with AdplaneClient() as api:
        report_id = api.reports.add(report_name="Weekly campaign performance", start_date=epoch_ms(args.start),
                                    end_date=epoch_ms(args.end), dimensions=[{"filter": "campaign"}],
                                    columns=["campaignId", "campaignName", "impressions", "clicks", "spent"],
                                    request_type=1, timezone_id=29)
        print(f"report {report_id} saved")
        answer = api.schedules.create(report_id=report_id, subscriber_emails=args.email, file_type=XLS,
                                      delivery_frequency=WEEKLY, delivery_day=args.day,
                                      event_end_date=epoch_ms(args.until))
        scheduled = answer["scheduledData"]
        print(answer["message"])
        print(f"every {scheduled['deliveryDay']} to {', '.join(scheduled['subscriberEmails'])} "
              f"until {scheduled['eventEndDate']}")


if __name__ == "__main__":
    main()
