"""Ingestion benchmark: events per second through `adplane events ingest` (read + validation + store +
batch record + content digest) from Parquet, NDJSON and CSV, each beside DuckDB's own
`INSERT INTO events SELECT * FROM read_parquet / read_json / read_csv (...)` of the same file into
the same table (no validation, no rollups, then a CHECKPOINT), in one run: the machine may be shared,
so a format's reference and adplane's ingestion run back to back, and the ratio is what to compare.

Two figures for adplane: the ingest call (the batch is committed and every read is exact when it returns; its
rollups are pending, `adplane.analytics.pending`), and the call plus building those rollups and running totals
(`settle_rollups`, what the first report or the store's upkeep does next): the whole work of a batch.

    .venv/bin/python bench/bench_ingest.py --events 1000000 [--repeat 2] [--formats parquet,ndjson,csv]
        [--dir DIR]  # keep the generated files there and reuse them in a later run
        [--arrow]    # also the Arrow path (`ingest_table(read_events(...))`, pyarrow readers)
        [--without-rollups]  # also adplane's ingestion without the rollups (an instrument: their share)
        [--immediate]  # also adplane's ingestion with the rollups built in the append (the path before deferral)
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb  # noqa: E402
import pyarrow as pa  # noqa: E402
from bench_setup import default_start, make_campaigns, workspace  # noqa: E402

from adplane.analytics.dialect import DuckDBDialect  # noqa: E402
from adplane.analytics.schema import EVENT_COLUMNS  # noqa: E402
from adplane.analytics.store import DuckDBStore, analytics_path  # noqa: E402
from adplane.events.ingest import ingest_file, ingest_table, read_events  # noqa: E402
from adplane.simulator.simulation import simulate_period  # noqa: E402

_TYPES = DuckDBDialect().types
COLUMNS = "{" + ", ".join(f"'{c.name}': '{_TYPES[c.type]}'" for c in EVENT_COLUMNS) + "}"
READERS = {  # the engine's own readers, with the stored column types declared (no detection)
    "parquet": "read_parquet('{path}')",
    "ndjson": "read_json('{path}', format = 'newline_delimited', columns = " + COLUMNS + ")",
    "csv": "read_csv('{path}', header = true, auto_detect = false, columns = " + COLUMNS + ")",
}


def _fresh(path: Path) -> Path:
    for name in (path, Path(f"{path}.wal")):
        if name.exists():
            os.remove(name)
    return path


def reference(work: Path, fmt: str, path: Path, rows: int) -> float:
    """DuckDB alone: one INSERT ... SELECT from its reader into an empty events table, then CHECKPOINT."""
    con = duckdb.connect(str(_fresh(work / "reference.duckdb")))
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(DuckDBDialect().events_ddl())
        t0 = time.perf_counter()
        con.execute(f"INSERT INTO events SELECT *, NULL FROM {READERS[fmt].replace('{path}', str(path))}")
        con.execute("CHECKPOINT")
        elapsed = time.perf_counter() - t0
        assert con.execute("SELECT count(*) FROM events").fetchall()[0][0] == rows
        return elapsed
    finally:
        con.close()


def adplane(work: Path, db, fmt: str, path: Path, rows: int, *, arrow: bool = False,  # noqa: ANN001
            rollups: bool = True, defer: bool = True) -> tuple[float, float]:
    """`adplane events ingest FILE` into an empty DuckDB store (batch record, digest, rollups pending):
    (seconds of the call, seconds of the call plus building its rollups and running totals).
    `rollups=False` (an instrument, not a product path): the same without the rollups, to show their share."""
    store = DuckDBStore(_fresh(work / "adplane.duckdb"), defer_rollups=defer)
    if not rollups:
        store.append_staged = functools.partial(store.append_staged, rollups=())  # type: ignore[method-assign]
    try:
        t0 = time.perf_counter()
        with db.session() as session:
            if arrow:
                result = ingest_table(session, store, read_events(path.read_bytes(), fmt), batch_id=path.name)
            else:
                result = ingest_file(session, store, path)
        elapsed = time.perf_counter() - t0
        assert result.events == rows, result
        store.settle_rollups()
        settled = time.perf_counter() - t0
        return elapsed, settled
    finally:
        store.close()


def generate(work: Path, db, events: int, campaigns: int, days: int, settings,  # noqa: ANN001
             formats: list[str]) -> int:
    start = default_start()
    budget_day = (Decimal("2.37") * Decimal(events / (campaigns * days)) / 1000 / Decimal("0.87")
                  ).quantize(Decimal("0.01"))
    make_campaigns(db, campaigns, start, days, budget_day)
    print(f"generating about {events:,} events for the input files ...", flush=True)
    source = DuckDBStore(analytics_path(settings))
    with db.session() as session:
        simulate_period(session, source, start.date(), (start + timedelta(days=days - 1)).date(), seed=5)
    source.close()
    con = duckdb.connect(str(analytics_path(settings)), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        for fmt in formats:
            options = {"parquet": "FORMAT parquet", "ndjson": "FORMAT json", "csv": "FORMAT csv, HEADER"}[fmt]
            con.execute(f"COPY (SELECT * EXCLUDE (batch_id) FROM events) TO '{work / f'events.{fmt}'}' ({options})")
        return int(con.execute("SELECT count(*) FROM events").fetchall()[0][0])
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--campaigns", type=int, default=100)
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement (the best is kept)")
    parser.add_argument("--formats", default="parquet,ndjson,csv")
    parser.add_argument("--dir", type=Path, default=None, help="data dir to keep (and reuse) the input files in")
    parser.add_argument("--arrow", action="store_true", help="also time the Arrow path (pyarrow readers)")
    parser.add_argument("--without-rollups", action="store_true",
                        help="also time adplane's ingestion without the rollups (their share of the time)")
    parser.add_argument("--immediate", action="store_true",
                        help="also time adplane's ingestion with the rollups built in the append (no deferral)")
    args = parser.parse_args()

    if args.dir is not None:
        args.dir.mkdir(parents=True, exist_ok=True)
    settings, db = workspace(args.dir)
    work = settings.data_dir
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    marker = work / "events.rows"
    if marker.exists() and all((work / f"events.{f}").exists() for f in formats):
        rows = int(marker.read_text())
        print(f"reusing the input files of {work}")
    else:
        rows = generate(work, db, args.events, args.campaigns, args.days, settings, formats)
        marker.write_text(str(rows))
    sizes = ", ".join(f"{fmt} {(work / f'events.{fmt}').stat().st_size / 2**20:,.0f} MiB" for fmt in formats)
    print(f"{rows:,} events; {sizes}; {os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}", flush=True)

    # One-time costs of a process, paid before any timing: DuckDB's Python `register` (the checks register the
    # campaign facts) imports pandas on first use (about 0.3 s), which the first measured run would carry.
    warm = duckdb.connect()
    warm.register("_warm", pa.table({"a": [1]}))
    warm.close()

    print(f"{'':10s} {'DuckDB INSERT ... FROM reader':>31s} {'adplane events ingest (call)':>28s} {'ratio':>7s}"
          f" {'call + rollups built':>28s} {'ratio':>7s}")
    inf = (float("inf"), float("inf"))
    for fmt in formats:
        path = work / f"events.{fmt}"
        best_ref, best_ours, best_arrow, best_bare, best_now = float("inf"), inf, inf, inf, inf
        for _ in range(args.repeat):  # interleaved, so both see the same machine
            best_ref = min(best_ref, reference(work, fmt, path, rows))
            best_ours = min(best_ours, adplane(work, db, fmt, path, rows))
            if args.arrow:
                best_arrow = min(best_arrow, adplane(work, db, fmt, path, rows, arrow=True))
            if args.without_rollups:
                best_bare = min(best_bare, adplane(work, db, fmt, path, rows, rollups=False))
            if args.immediate:
                best_now = min(best_now, adplane(work, db, fmt, path, rows, defer=False))
        for label, (call, settled) in ((fmt, best_ours), ("  Arrow", best_arrow), ("  no rollups", best_bare),
                                       ("  immediate", best_now)):
            if call == float("inf"):
                continue
            reference_column = f"{best_ref:8.2f} s {rows / best_ref:13,.0f} ev/s" if label == fmt else ""
            print(f"{label:10s} {reference_column:>31s} {call:8.2f} s {rows / call:10,.0f} ev/s "
                  f"{best_ref / call:6.0%} {settled:8.2f} s {rows / settled:10,.0f} ev/s {best_ref / settled:6.0%}",
                  flush=True)


if __name__ == "__main__":
    main()
