"""Ingestion benchmark: events per second through `adplane events ingest` (validation + store +
rollups) from Parquet and from NDJSON, against DuckDB's own `INSERT ... SELECT * FROM
read_parquet(...)` of the same file into the same table (no validation, no rollups), in one run.

    .venv/bin/python bench/bench_ingest.py --events 1000000
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb  # noqa: E402
from bench_setup import default_start, make_campaigns, workspace  # noqa: E402

from adplane.analytics.dialect import DuckDBDialect  # noqa: E402
from adplane.analytics.store import DuckDBStore, analytics_path  # noqa: E402
from adplane.events.ingest import ingest_file  # noqa: E402
from adplane.simulator.simulation import simulate_period  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--campaigns", type=int, default=100)
    parser.add_argument("--days", type=int, default=10)
    args = parser.parse_args()

    settings, db = workspace()
    work = settings.data_dir
    start = default_start()
    budget_day = (Decimal("2.37") * Decimal(args.events / (args.campaigns * args.days)) / 1000 / Decimal("0.87")
                  ).quantize(Decimal("0.01"))
    make_campaigns(db, args.campaigns, start, args.days, budget_day)
    print(f"generating about {args.events:,} events for the input files ...", flush=True)
    source = DuckDBStore(analytics_path(settings))
    with db.session() as session:
        simulate_period(session, source, start.date(), (start + timedelta(days=args.days - 1)).date(), seed=5)
    source.close()
    parquet, ndjson = work / "events.parquet", work / "events.ndjson"
    con = duckdb.connect(str(analytics_path(settings)), read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    rows = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
    con.execute(f"COPY (SELECT * EXCLUDE (batch_id) FROM events) TO '{parquet}' (FORMAT parquet)")
    con.execute(f"COPY (SELECT * EXCLUDE (batch_id) FROM events) TO '{ndjson}' (FORMAT json)")
    con.close()
    print(f"{rows:,} events; Parquet {parquet.stat().st_size / 2**20:,.0f} MiB, "
          f"NDJSON {ndjson.stat().st_size / 2**20:,.0f} MiB")

    results = {}
    for label, path in (("adplane ingest Parquet", parquet), ("adplane ingest NDJSON", ndjson)):
        store = DuckDBStore(work / f"{path.suffix[1:]}.duckdb")
        t0 = time.perf_counter()
        with db.session() as session:
            result = ingest_file(session, store, path)
        elapsed = time.perf_counter() - t0
        assert result.events == rows, result
        store.close()
        results[label] = elapsed

    raw_path = work / "raw.duckdb"
    con = duckdb.connect(str(raw_path))
    con.execute("SET TimeZone = 'UTC'")
    con.execute(DuckDBDialect().events_ddl())
    t0 = time.perf_counter()
    con.execute(f"INSERT INTO events SELECT *, NULL FROM read_parquet('{parquet}')")
    con.execute("CHECKPOINT")
    results["DuckDB INSERT ... read_parquet (no checks, no rollups)"] = time.perf_counter() - t0
    con.close()

    baseline = results["DuckDB INSERT ... read_parquet (no checks, no rollups)"]
    for label, elapsed in results.items():
        print(f"{label:55s} {elapsed:7.2f}s {rows / elapsed:12,.0f} events/s  ({elapsed / baseline:4.1f}x)")


if __name__ == "__main__":
    main()
