"""Rebuilding every rollup from the raw events: regrouping the derivable rollups against reading the events for each.

    .venv/bin/python bench/bench_rebuild.py --events 5000000 --stores duckdb,postgresql --repeat 2

Generates the events as `bench_reports.py` does (DuckDB, SQL `range()`; `--dir` keeps them, and the
PostgreSQL copy in schema `bench_<events>` of `--postgres-url` is reused too), then times
`store.rebuild_rollups()` both ways, interleaved, in the same run:

- derived (what the stores do): the 10 rollups nothing else derives from read the events, and the other 7
  (the campaign days of every day offset, the geo weeks) regroup the hourly or daily rollup just rebuilt;
- from the events: each of the 17 rollups aggregates the events itself (as before this change).

Prints the best of `--repeat` of each and their ratio, and checks that both leave the same rollup rows.
Figures only; nothing is asserted about time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from adplane.analytics import dialect
from adplane.analytics.rollups import MEASURE_NAMES, ROLLUPS
from adplane.analytics.store import AnalyticsStore, DuckDBStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_reports import generate_events, postgres_copy  # noqa: E402


@contextmanager
def every_rollup_from_the_events() -> Iterator[None]:
    """The rebuild as it was: no rollup regroups another."""
    planned = dialect.rollup_derivations
    dialect.rollup_derivations = lambda rollups: {}  # type: ignore[assignment]
    try:
        yield
    finally:
        dialect.rollup_derivations = planned


def rollup_digest(store: AnalyticsStore) -> dict[str, tuple]:
    """Per rollup: rows, and the sums of every measure (both rebuilds must leave the same)."""
    sums = ", ".join(f"sum({m})" for m in MEASURE_NAMES)
    return {r.table: tuple(store.query(f"SELECT count(*), {sums} FROM {r.table}")[0]) for r in ROLLUPS}


def timed_rebuild(store: AnalyticsStore) -> float:
    began = time.perf_counter()
    store.rebuild_rollups()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--campaigns", type=int, default=1000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--dir", type=Path, default=None, help="keep the data here (reused when present)")
    parser.add_argument("--stores", default="duckdb,postgresql", help="comma-separated: duckdb, postgresql")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/adplane_bench")
    args = parser.parse_args()

    folder = args.dir or Path(tempfile.mkdtemp(prefix="bench_rebuild_"))
    folder.mkdir(parents=True, exist_ok=True)
    store_path = folder / f"analytics_{args.events}.duckdb"
    duck = DuckDBStore(store_path)
    if not duck.query("SELECT 1 FROM events LIMIT 1"):
        began = time.perf_counter()
        generate_events(duck, args.events, args.campaigns, args.days)
        print(f"generated {args.events:,} events + rollups in {time.perf_counter() - began:.1f} s", flush=True)
    stores: list[tuple[str, AnalyticsStore]] = []
    for name in (n.strip() for n in args.stores.split(",")):
        stores.append((name, duck if name == "duckdb" else postgres_copy(duck, args.postgres_url, args.events)))
    print(f"{args.events:,} events; best of {args.repeat} (interleaved)")
    print(f"{'store':<12} {'derived s':>10} {'from events s':>14} {'ratio':>7}  same rows")
    for name, store in stores:
        derived, from_events = [], []
        digests = []
        for _ in range(args.repeat):
            with every_rollup_from_the_events():
                from_events.append(timed_rebuild(store))
            digests.append(rollup_digest(store))
            derived.append(timed_rebuild(store))
            digests.append(rollup_digest(store))
        same = all(d == digests[0] for d in digests)
        print(f"{name:<12} {min(derived):>10.1f} {min(from_events):>14.1f} "
              f"{min(from_events) / min(derived):>6.2f}×  {'yes' if same else 'NO'}")
    for _, store in stores:
        if store is not duck:
            store.close()
    duck.close()


if __name__ == "__main__":
    main()
