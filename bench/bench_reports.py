"""Report execution against the raw events table, on a generated dataset (DuckDB, PostgreSQL, ClickHouse).

    .venv/bin/python bench/bench_reports.py --events 10000000 --campaigns 1000 --days 90
    .venv/bin/python bench/bench_reports.py --stores duckdb,postgresql,clickhouse   # all three stores

Generates `--events` events over `--days` days for `--campaigns` campaigns straight into a DuckDB
analytics store (SQL `range()`, no Python loop), builds the rollups, then times four reports
through `adplane.reports.service.execute_report` (a page of 50 rows + totalRecords + totals, as the
API answers) against the same question asked of the raw `events` table of the same store, in the same run:

1. campaign by day over 90 days (US/Eastern days);
2. campaign by state by device type (aggregated, 90 days);
3. a single campaign's daily report (90 days);
4. campaign by state by device type over the middle two thirds of the data (60 of 90 days), where
   both running-total checkpoints are full (case 2 starts where the data starts).

Prints the median of `--repeat` runs of each and the ratio. Figures only; nothing is asserted.
With `clickhouse` among `--stores`, the same events (exported from DuckDB to Parquet) are loaded into a
ClickHouse store through chDB (its materialized views build the rollups) and the same cases are timed
there, each against the raw question asked of ClickHouse's own `events` table. With `postgresql`, they are
copied into a PostgreSQL store (`--postgres-url`; COPY, then the store rebuilds the rollups) likewise.
`--dir` keeps every store's data for the next run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from adplane.analytics.store import AnalyticsStore, DuckDBStore
from adplane.campaigns.models import Campaign
from adplane.core.db import Database
from adplane.insertion_orders.models import InsertionOrder
from adplane.reports import catalog, query, service
from adplane.reports.definition import Definition, DimensionChoice

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_setup import organization_db  # noqa: E402

OW_ID = 200001
EASTERN_ID = 29
START = datetime(2026, 1, 1, 5, tzinfo=UTC)  # local midnight in US/Eastern


def generate_events(store: DuckDBStore, events: int, campaigns: int, days: int) -> None:
    """Uniform-ish delivery with realistic mixes, generated inside DuckDB.

    Events are stored in time order, as ingestion appends them (batches arrive as time passes)."""
    seconds = days * 24 * 3600
    store.execute(f"""
        INSERT INTO events (event_time, event_type, ow_id, io_id, campaign_id, creative_id, creative_type_id,
                            exchange_id, device_type_id, os, traffic_type_id, publisher, country_id, state_id,
                            city, zip, dma_id, gender_id, age_range_id, npi, user_id, bid_price, media_cost,
                            data_cost, platform_margin, batch_id)
        SELECT
            TIMESTAMPTZ '{START.isoformat()}' + to_seconds(CAST(i * {seconds} // {events} AS BIGINT)),
            CASE WHEN r < 40 THEN 'bid' WHEN r < 88 THEN 'impression' WHEN r < 89 THEN 'click'
                 WHEN r < 90 THEN 'conversion' WHEN r < 94 THEN 'video_start' WHEN r < 96 THEN 'video_midpoint'
                 ELSE 'video_complete' END,
            {OW_ID}, 1 + c % 20, c, 10000 + c, CASE WHEN c % 4 = 0 THEN 14 ELSE 11 END,
            1 + hash(i, 3) % 8, 11 + hash(i, 4) % 5, CASE WHEN hash(i, 5) % 2 = 0 THEN 'iOS' ELSE 'Android' END,
            11 + hash(i, 6) % 2, 'site' || (hash(i, 7) % 500) || '.example', 30100001,
            30200001 + hash(i, 8) % 50, NULL, NULL, NULL,
            10200001 + hash(i, 9) % 2, 10100001 + hash(i, 10) % 7, NULL,
            'u' || (hash(i, 11) % 5000000), NULL,
            CASE WHEN r >= 40 AND r < 88 THEN CAST((500 + hash(i, 12) % 3500) / 1000000.0 AS DECIMAL(18,6))
                 ELSE 0 END,
            CASE WHEN r >= 40 AND r < 88 THEN CAST(0.0001 AS DECIMAL(18,6)) ELSE 0 END,
            CASE WHEN r >= 40 AND r < 88 THEN CAST(0.00025 AS DECIMAL(18,6)) ELSE 0 END,
            NULL
        FROM (SELECT range AS i, 1 + hash(range, 2) % {campaigns} AS c, hash(range, 13) % 100 AS r
              FROM range({events}))
    """)
    store.rebuild_rollups()


def make_app_db(path: Path, campaigns: int) -> Database:
    url = f"sqlite:///{path}"
    db = organization_db(url, OW_ID)
    with db.session() as session:
        session.execute(insert(InsertionOrder), [
            {"id": n, "ow_id": OW_ID, "name": f"IO {n}", "start_time": START, "timezone_id": EASTERN_ID}
            for n in range(1, 21)
        ])
        session.execute(insert(Campaign), [
            {"id": c, "ow_id": OW_ID, "io_id": 1 + c % 20, "name": f"Campaign {c}", "status": "running",
             "creative_type_id": 14 if c % 4 == 0 else 11, "budget_day": Decimal(100), "budget_total": Decimal(9000),
             "max_bid": Decimal("5.5"), "timezone_id": EASTERN_ID, "start_time": START}
            for c in range(1, campaigns + 1)
        ])
        session.commit()
    return db


def definition(dimensions: list[DimensionChoice], columns: list[str], *, daily: bool, days: int,
               first_day: int = 0) -> Definition:
    first = START + timedelta(days=first_day)
    return Definition(
        ow_id=OW_ID, name="bench", dimensions=dimensions, columns=columns, request_type=1 if daily else 2,
        start_date=first, end_date=first + timedelta(days=days - 1), timezone_id=EASTERN_ID,
        timezone_name="US/Eastern",
    )


def raw_window(report: Definition, backend: str = "duckdb") -> str:
    start, end = report.period()
    if backend == "clickhouse":
        def stamp(t: datetime) -> str:
            return f"toDateTime64('{t.astimezone(UTC):%Y-%m-%d %H:%M:%S}', 6, 'UTC')"
    else:
        def stamp(t: datetime) -> str:
            return f"TIMESTAMPTZ '{t.isoformat()}'"
    return f"ow_id = {OW_ID} AND event_time >= {stamp(start)} AND event_time < {stamp(end)}"


def clickhouse_copy(duck: DuckDBStore, folder: Path, events: int) -> AnalyticsStore:
    """The DuckDB store's events loaded into a chDB store in the same folder (once)."""
    from adplane.analytics.clickhouse import INGEST_TABLE, ClickHouseStore

    store = ClickHouseStore(f"chdb://{folder / f'chdb_{events}'}?database=bench")
    if not store.query("SELECT 1 FROM events LIMIT 1"):
        parquet = folder / f"events_{events}.parquet"
        began = time.perf_counter()
        duck.execute(f"COPY (SELECT * FROM events) TO '{parquet}' (FORMAT parquet)")
        store.execute(f"INSERT INTO {INGEST_TABLE} SELECT * FROM file('{parquet}', Parquet)")
        store.compact_rollups()
        print(f"loaded {events:,} events into ClickHouse (chDB) + rollups in {time.perf_counter() - began:.1f} s")
        parquet.unlink()
    began = time.perf_counter()
    if built := store.refresh_running_totals():
        print(f"built {built} ClickHouse running-total checkpoints in {time.perf_counter() - began:.1f} s")
    return store


def postgres_copy(duck: DuckDBStore, url: str, events: int) -> AnalyticsStore:
    """The DuckDB store's events loaded into a PostgreSQL store (schema `bench_<events>`, once): COPY from
    a CSV export in time order (as events arrive: the store's BRIN index on event_time only prunes on
    time-ordered rows), then the rollups rebuilt and the running totals built by the store itself."""
    import psycopg

    from adplane.analytics.schema import EVENT_COLUMN_NAMES
    from adplane.analytics.store import PostgresStore

    plain_url = url.replace("postgresql+psycopg://", "postgresql://")
    database = plain_url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(plain_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            admin.execute(f'CREATE DATABASE "{database}"')
    schema = f"bench_{events}"
    store = PostgresStore(url, schema=schema)
    if not store.query("SELECT 1 FROM events LIMIT 1"):
        began = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            csv_path = Path(tmp) / "events.csv"
            names = ", ".join(EVENT_COLUMN_NAMES)
            duck.execute(f"COPY (SELECT {names}, batch_id FROM events ORDER BY event_time) TO '{csv_path}' "
                         "(FORMAT csv, HEADER true)")
            with psycopg.connect(plain_url) as conn, conn.cursor() as cur:
                cur.execute(f"SET search_path TO {schema}")
                with cur.copy(f"COPY events ({names}, batch_id) FROM STDIN WITH (FORMAT csv, HEADER true)") as copy, \
                        csv_path.open("rb") as handle:
                    while chunk := handle.read(1 << 22):
                        copy.write(chunk)
                cur.execute("ANALYZE events")
        copied = time.perf_counter() - began
        # one row per key and period already (no compaction); it also summarizes the BRIN ranges the COPY filled
        store.rebuild_rollups()
        print(f"loaded {events:,} events into PostgreSQL in {copied:.1f} s, rollups in "
              f"{time.perf_counter() - began - copied:.1f} s")
    began = time.perf_counter()
    if built := store.refresh_running_totals():
        print(f"built {built} PostgreSQL running-total checkpoints in {time.perf_counter() - began:.1f} s")
    return store


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    fn()  # warm-up (file cache, catalog)
    runs = []
    result = None
    for _ in range(repeat):
        began = time.perf_counter()
        result = fn()
        runs.append((time.perf_counter() - began) * 1000)
    return statistics.median(runs), result


RAW_MEASURES = """
    count(*) FILTER (WHERE event_type = 'impression') AS impressions,
    count(*) FILTER (WHERE event_type = 'click') AS clicks,
    sum(media_cost + data_cost + platform_margin) AS spent
"""


def run_cases(store: AnalyticsStore, db: Database, args: argparse.Namespace) -> None:
    dim = catalog.find_dimension
    metrics = ["impressions", "clicks", "spent", "CTR", "eCPM"]
    whole = definition([], [], daily=False, days=args.days)
    start, end = whole.period()  # the reports' own period: whole US/Eastern days
    # the raw queries cut days exactly as the engine does (epoch arithmetic with the zone's offsets),
    # so both sides answer the same question at their best
    local_day = query.local_day_sql("event_time", query.ReportQuery(
        ow_id=OW_ID, dimensions=[], start=start, end=end, zone_name="US/Eastern", daily=True,
        backend=store.backend))
    window = raw_window(whole, store.backend)
    # the middle of the data: both running-total checkpoints are full (the 90-day case starts where the data does)
    middle_days = args.days * 2 // 3
    middle_first = (args.days - middle_days) // 2
    geo = [DimensionChoice(dim("campaign")), DimensionChoice(dim("state")), DimensionChoice(dim("deviceType"))]
    middle = definition(geo, ["campaignName", "state", "deviceType", *metrics], daily=False, days=middle_days,
                        first_day=middle_first)
    middle_window = raw_window(middle, store.backend)
    cases = [
        ("campaign by day, 90 days",
         definition([DimensionChoice(dim("campaign"))], ["campaignName", *metrics], daily=True, days=args.days),
         f"SELECT {local_day}, campaign_id, {RAW_MEASURES} FROM events WHERE {window} GROUP BY 1, 2 "
         "ORDER BY 1, 3 DESC LIMIT 50"),
        ("campaign by state by device",
         definition([DimensionChoice(dim("campaign")), DimensionChoice(dim("state")),
                     DimensionChoice(dim("deviceType"))], ["campaignName", "state", "deviceType", *metrics],
                    daily=False, days=args.days),
         f"SELECT campaign_id, state_id, device_type_id, {RAW_MEASURES} FROM events WHERE {window} "
         "GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 50"),
        ("single campaign daily",
         definition([DimensionChoice(dim("campaign"), (7,))], ["campaignName", *metrics], daily=True,
                    days=args.days),
         f"SELECT {local_day}, campaign_id, {RAW_MEASURES} FROM events WHERE {window} AND campaign_id = 7 "
         "GROUP BY 1, 2 ORDER BY 1"),
        (f"campaign x state x device, {middle_days} d mid",
         middle,
         f"SELECT campaign_id, state_id, device_type_id, {RAW_MEASURES} FROM events WHERE {middle_window} "
         "GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 50"),
    ]
    print(f"\n{store.backend} store")
    print(f"{'report':32} {'source':46} {'report ms':>10} {'raw ms':>10} {'speed-up':>9}")
    for label, report, raw_sql in cases:
        with db.session() as session:
            prepared = service.prepare(session, report, backend=store.backend,
                                       checkpoints=service.checkpoint_states(store))
            run = lambda r=report, s=session: service.execute_report(s, store, r, with_daily_totals=False)  # noqa: E731
            report_ms, result = timed(run, args.repeat)
        raw_ms, _ = timed(lambda sql=raw_sql: store.query(sql), args.repeat)
        print(f"{label:32} {prepared.source.table:46} {report_ms:10.1f} {raw_ms:10.1f} {raw_ms / report_ms:8.1f}x"
              f"   ({result.total_records:,} rows)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--campaigns", type=int, default=1000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=None, help="keep the data here (reused when present)")
    parser.add_argument("--stores", default="duckdb",
                        help="comma-separated: duckdb, clickhouse (chDB), postgresql (--postgres-url)")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/adplane_bench",
                        help="the PostgreSQL store's database (created when missing; schema bench_<events>)")
    args = parser.parse_args()

    folder = args.dir or Path(tempfile.mkdtemp(prefix="bench_reports_"))
    folder.mkdir(parents=True, exist_ok=True)
    store_path = folder / f"analytics_{args.events}.duckdb"
    fresh = not store_path.exists()
    store = DuckDBStore(store_path)
    if fresh:
        began = time.perf_counter()
        generate_events(store, args.events, args.campaigns, args.days)
        print(f"generated {args.events:,} events + rollups in {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()
    built = store.refresh_running_totals()  # a file generated before running totals existed has none
    if built:
        print(f"built {built} running-total checkpoints in {time.perf_counter() - began:.1f} s")
    app_db_path = folder / "app.db"
    app_db_path.unlink(missing_ok=True)
    db = make_app_db(app_db_path, args.campaigns)
    stores: list[AnalyticsStore] = []
    for name in (n.strip() for n in args.stores.split(",")):
        if name == "duckdb":
            stores.append(store)
        elif name == "postgresql":
            stores.append(postgres_copy(store, args.postgres_url, args.events))
        else:
            stores.append(clickhouse_copy(store, folder, args.events))
    print(f"{args.events:,} events, {args.campaigns} campaigns, {args.days} days; median of {args.repeat} runs")
    for each in stores:
        run_cases(each, db, args)
    for each in stores:
        if each is not store:
            each.close()
    store.close()
    db.dispose()


if __name__ == "__main__":
    main()
