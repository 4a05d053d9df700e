"""Attributing recorded conversion hits to clicks and impressions (DuckDB store, SQLite app database).

    .venv/bin/python bench/bench_attribution.py --conversions 20000 --events 2000000 --users 200000

Generates `--events` clicks and impressions (one in five a click) of `--campaigns` campaigns for `--users` users
over 40 days straight into a DuckDB analytics store, `--conversions` pending pixel hits of users drawn from the
same population in the app database, then times `adplane.conversions.attribution.attribute_pending` settling
them all (batches of 2000 hits: one store query per batch, the last-touch choice in Python, the conversion events
appended, the hits updated). Prints hits/s and the share attributed. Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
from sqlalchemy import insert

from adplane.analytics.store import DuckDBStore
from adplane.auth.models import Organization, Workspace
from adplane.campaigns.models import Campaign
from adplane.conversions.attribution import attribute_pending
from adplane.conversions.models import Conversion, ConversionHit
from adplane.core.db import Database
from adplane.core.migrate import upgrade
from adplane.insertion_orders.models import InsertionOrder

OW_ID = 1
END = datetime(2026, 3, 31, tzinfo=UTC)
DAY_US = 86_400_000_000


def make_app_db(path: Path, campaigns: int, conversions: int, users: int, rng: np.random.Generator) -> Database:
    url = f"sqlite:///{path}"
    upgrade(url)
    db = Database(url)
    with db.session() as session:
        session.add(Workspace(id=1, host="bench.test", name="bench"))
        session.flush()
        session.add(Organization(ow_id=OW_ID, workspace_id=1, name="Bench"))
        session.flush()
        session.execute(insert(InsertionOrder), [{"id": 1, "ow_id": OW_ID, "name": "IO", "start_time": END,
                                                  "timezone_id": 29}])
        session.add(Conversion(id=1, ow_id=OW_ID, uuid="0" * 32, type_id=1, name="bench", status_id=1,
                               attribution_id=1, post_view_days=28, post_click_days=15, custom_fields=[]))
        session.execute(insert(Campaign), [
            {"id": c, "ow_id": OW_ID, "io_id": 1, "name": f"Campaign {c}", "status": "running",
             "creative_type_id": 11, "budget_day": Decimal(100), "budget_total": Decimal(9000),
             "max_bid": Decimal("5.5"), "timezone_id": 29, "start_time": END, "extra": {"conversionIds": "1"}}
            for c in range(1, campaigns + 1)])
        offsets = rng.integers(0, 20 * 86400, conversions)
        who = rng.integers(0, users, conversions)
        for start in range(0, conversions, 50_000):
            session.execute(insert(ConversionHit), [
                {"conversion_id": 1, "ow_id": OW_ID, "source": "pixel", "transaction_id": f"t{i}",
                 "user_key": f"u{who[i]}", "occurred_at": END - timedelta(seconds=int(offsets[i])),
                 "received_at": END, "custom_fields": {}, "state": "pending"}
                for i in range(start, min(start + 50_000, conversions))])
        session.commit()
    return db


def fill_store(store: DuckDBStore, events: int, campaigns: int, users: int, rng: np.random.Generator) -> None:
    end_us = int(END.timestamp() * 1_000_000)
    for start in range(0, events, 5_000_000):
        n = min(5_000_000, events - start)
        campaign = rng.integers(1, campaigns + 1, n)
        table = pa.table({
            "event_time": pa.array(end_us - rng.integers(0, 40 * DAY_US, n), pa.timestamp("us", tz="UTC")),
            "event_type": pa.array(np.where(rng.random(n) < 0.2, "click", "impression")),
            "ow_id": pa.array(np.full(n, OW_ID)), "io_id": pa.array(np.ones(n, dtype=np.int64)),
            "campaign_id": pa.array(campaign), "creative_id": pa.array(campaign),
            "creative_type_id": pa.array(np.full(n, 11)),
            "user_id": pa.array(np.char.add("u", rng.integers(0, users, n).astype(str))),
        })
        store.append_events(table, build_checkpoints=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversions", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--users", type=int, default=200_000)
    parser.add_argument("--campaigns", type=int, default=50)
    args = parser.parse_args()
    rng = np.random.default_rng(19)
    with tempfile.TemporaryDirectory(prefix="adplane-bench-attribution-") as scratch:
        folder = Path(scratch)
        began = time.perf_counter()
        store = DuckDBStore(folder / "analytics.duckdb")
        fill_store(store, args.events, args.campaigns, args.users, rng)
        db = make_app_db(folder / "app.db", args.campaigns, args.conversions, args.users, rng)
        print(f"setup: {args.events:,} events, {args.conversions:,} pending hits, {args.users:,} users "
              f"in {time.perf_counter() - began:.1f} s")
        began = time.perf_counter()
        settled = 0
        with db.session() as session:
            while (done := attribute_pending(session, store)) > 0:
                settled += done
        elapsed = time.perf_counter() - began
        attributed = store.query("SELECT count(*) FROM events WHERE event_type = 'conversion'")[0][0]
        print(f"attributed {settled:,} hits over {args.events:,} events in {elapsed:.1f} s "
              f"({settled / elapsed:,.0f} hits/s); {attributed:,} ({attributed / max(settled, 1):.0%}) earned "
              "by a touch")
        store.close()
        db.dispose()


if __name__ == "__main__":
    main()
