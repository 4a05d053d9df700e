"""Seed 003 quickstart: log in, create an insertion order, then a campaign in it (with a creative)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta

from adplane.client import AdplaneClient

US_EASTERN = 29
BANNER_URL = "https://cdn.example.com/spring-728x90.png"
IMAGE = 11


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--start", default=(datetime.now(UTC) + timedelta(days=1)).date().isoformat(),
                        help="first day of the flight (ISO date, UTC)")
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--budget", type=float, default=1500)
    parser.add_argument("--name", default="Spring")
    args = parser.parse_args(argv)
    start = datetime.fromisoformat(args.start).replace(tzinfo=UTC)
    end = start + timedelta(days=args.days)

    with AdplaneClient() as api:  # URL and credentials from ADPLANE_API_* variables
        api.login()
        print(f"logged in: owId {api.ow_id}")

        creatives = api.creatives.add({"banner": {
            "creativeName": f"{args.name} banner", "platformCreativeTypeId": IMAGE, "creativeSourceType": "URL",
            "creativeSource": BANNER_URL, "clickUrl": "https://example.com/spring",
            "imageDetails": {"creativeWidth": 728, "creativeHeight": 90}}})
        if "banner" not in creatives["successData"]:
            raise SystemExit(f"creative refused: {creatives['failedData']}")
        creative_id = int(creatives["successData"]["banner"])

        io = api.io.add(io_name=f"{args.name} IO", io_start_time=int(start.timestamp() * 1000),
                        io_end_time=int((end + timedelta(days=1)).timestamp() * 1000), io_time_zone_id=US_EASTERN,
                        io_total_budget=args.budget, is_auto_sum_io_total_budget=True, io_budget_type_id=1,
                        io_budget_distribution_method_id=1)
        print(f"insertion order {io['ioId']}: {io['ioName']}")

        created = api.campaigns.add(
            campaign_name=f"{args.name} campaign", io_id=io["ioId"], creative_ids=str(creative_id), creative_type=IMAGE,
            start_time=int(start.timestamp()), end_time=int(end.timestamp()), timezone=US_EASTERN,
            budget_total=args.budget, budget_day=round(args.budget / args.days, 2), max_bid=5,
            total_budget_pacing=False, country_id="30100001", advertiser_domain="https://example.com",
            is_agreement_checked=True, budget_type_id=1, campaign_type=1,
        )
        campaign = api.campaigns.get(created["data"])
        print(f"campaign {campaign['id']}: {campaign['campaignName']} is {campaign['status']}")


if __name__ == "__main__":
    main()
