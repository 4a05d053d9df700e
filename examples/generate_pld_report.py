"""Seed 002: generate a Provider Level Data (PLD) insight report for a campaign and download it."""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta

from adplane.client import AdplaneClient

READY, FAILED = 2, 3
XLSX, CSV = 1, 2


def epoch_ms(day: str, end_of_day: bool = False) -> int:
    moment = datetime.fromisoformat(day).replace(tzinfo=UTC)
    if end_of_day:
        moment += timedelta(days=1) - timedelta(seconds=1)
    return int(moment.timestamp() * 1000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--campaign-id", type=int, help="default: the first eligible running campaign")
    parser.add_argument("--start", required=True, help="ISO date")
    parser.add_argument("--end", required=True, help="ISO date (inclusive)")
    parser.add_argument("--out", default="pld-report.xlsx", help=".xlsx or .csv")
    parser.add_argument("--poll-seconds", type=float, default=5.0)
    parser.add_argument("--timeout-seconds", type=float, default=600.0)
    args = parser.parse_args(argv)

    with AdplaneClient() as api:
        campaign_id = args.campaign_id
        if campaign_id is None:
            eligible = api.insights.pld.campaigns()
            campaigns = eligible["running"] or eligible["paused"] or eligible["expired"]
            if not campaigns:
                print("no campaign is eligible for a PLD report")
                return 1
            campaign_id = campaigns[0]["campaignId"]
        answer = api.insights.pld.generate(campaign_id=campaign_id, pld_start_date=epoch_ms(args.start),
                                           pld_end_date=epoch_ms(args.end, end_of_day=True))
        if not answer.get("pldReportCreated") and "pldId" not in answer:
            print(answer.get("message", "the report was not created"))
            return 1
        pld_id = answer["pldId"]
        print(f"PLD report {pld_id} for campaign {campaign_id}: {answer.get('pldChargeableImps', 0)} impressions, "
              f"cost {answer.get('pldChargeableCost', 0)}")

        deadline = time.monotonic() + args.timeout_seconds
        while True:  # generation runs in the background: wait until it is ready
            report = next(r for r in api.insights.pld.iter() if r["pldId"] == pld_id)
            if report["pldStatusId"] in (READY, FAILED) or time.monotonic() > deadline:
                break
            time.sleep(args.poll_seconds)
        if report["pldStatusId"] != READY:
            print(f"PLD report {pld_id} is not ready: {report.get('failureReason') or 'still processing'}")
            return 1
        file_type = CSV if args.out.endswith(".csv") else XLSX
        link = api.insights.pld.download(pld_id, file_type)["pldReportUrl"]
        api.download(link, args.out)
        print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
