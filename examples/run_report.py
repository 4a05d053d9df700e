"""Seeds 000/001: run a report (campaign dimension) and print it, optionally saving it as CSV."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta

from adplane.client import AdplaneClient

COLUMNS = ["campaignId", "campaignName", "impressions", "clicks", "CTR", "spent", "eCPM"]


def epoch_ms(day: str, end_of_day: bool = False) -> int:
    moment = datetime.fromisoformat(day).replace(tzinfo=UTC)
    if end_of_day:
        moment += timedelta(days=1) - timedelta(milliseconds=1)
    return int(moment.timestamp() * 1000)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    today = datetime.now(UTC).date()
    parser.add_argument("--start", default=(today - timedelta(days=7)).isoformat(), help="ISO date")
    parser.add_argument("--end", default=today.isoformat(), help="ISO date (inclusive)")
    parser.add_argument("--timezone-id", type=int, default=29, help="report timezone (29: US/Eastern)")
    parser.add_argument("--csv", help="also save the report as this CSV file")
    args = parser.parse_args(argv)
    report = {"startDate": epoch_ms(args.start), "endDate": epoch_ms(args.end, end_of_day=True),
              "dimensions": [{"filter": "campaign"}], "columns": COLUMNS, "requestType": 2,
              "timezoneId": args.timezone_id}

    with AdplaneClient() as api:
        rows = list(api.reports.iter_rows(report))  # every page
        print("\t".join(COLUMNS))
        for row in rows:
            print("\t".join(str(row.get(column, "")) for column in COLUMNS))
        total = api.reports.execute(report)["total"]
        print(f"total\t\t{total['impressions']}\t{total['clicks']}\t{total['CTR']}\t{total['spent']}\t{total['eCPM']}")
        if args.csv:
            link = api.reports.download(report, file_type=1)["url"]  # a signed, expiring link
            api.download(link, args.csv)
            print(f"saved {args.csv}")


if __name__ == "__main__":
    main()
