"""Simulator benchmark: events per second (generate + store, rollups included), size on disk per
million events, peak memory.

    .venv/bin/python bench/bench_simulator.py --campaigns 1000 --days 90 --events 100000000

`--events` sizes the campaigns' daily budgets so the run produces about that many events.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_setup import default_start, make_campaigns, workspace  # noqa: E402

from adplane.analytics.store import analytics_path, open_store  # noqa: E402
from adplane.simulator.simulation import simulate_period  # noqa: E402

# Measured: with maxBid $5 a campaign spends about $2.37 per 1,000 events (impressions and the
# clicks/video events that follow them), for the creative-type mix of bench_setup.
DOLLARS_PER_THOUSAND_EVENTS = Decimal("2.37")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--campaigns", type=int, default=100)
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--events", type=int, default=1_000_000, help="about how many events to generate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()

    settings, db = workspace(args.data_dir)
    per_campaign_day = args.events / (args.campaigns * args.days)
    budget_day = (DOLLARS_PER_THOUSAND_EVENTS * Decimal(per_campaign_day) / 1000 / Decimal("0.87")).quantize(
        Decimal("0.01"))
    start = default_start()
    t0 = time.perf_counter()
    make_campaigns(db, args.campaigns, start, args.days, budget_day)
    setup_s = time.perf_counter() - t0
    store = open_store(settings)
    last = [time.perf_counter()]

    def progress(step: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 10 or step == total:
            last[0] = now
            print(f"  {step}/{total} chunks, {now - t1:.0f}s", flush=True)

    t1 = time.perf_counter()
    with db.session() as session:
        summary = simulate_period(session, store, start.date(), (start + timedelta(days=args.days - 1)).date(),
                                  seed=args.seed, progress=progress)
    elapsed = time.perf_counter() - t1
    store.close()
    size = analytics_path(settings).stat().st_size if analytics_path(settings).exists() else 0
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    events = summary.events
    print(f"campaigns={args.campaigns} days={args.days} budget_day=${budget_day} (setup {setup_s:.1f}s)")
    print(f"events={events:,} impressions={summary.impressions:,} spend=${summary.spend_micro / 1e6:,.2f}")
    print(f"simulate+store: {elapsed:.1f}s = {events / elapsed:,.0f} events/s (rollups maintained)")
    per_million = size / 2**20 / max(events / 1e6, 1e-9)
    print(f"DuckDB file: {size / 2**20:,.1f} MiB = {per_million:,.1f} MiB per million events")
    print(f"peak RSS: {peak_mib:,.0f} MiB")
    if events:
        target = 100_000_000
        print(f"extrapolated to {target:,} events at this rate: {target / (events / elapsed) / 60:,.1f} min")


if __name__ == "__main__":
    main()
