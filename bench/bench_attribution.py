"""Attributing recorded conversion hits to clicks and impressions (DuckDB store, SQLite app database).

    .venv/bin/python bench/bench_attribution.py --events 100000000 --conversions 10000000 --users 10000000

Generates `--events` clicks and impressions (one in five a click) straight into a DuckDB analytics store with
one SQL statement per 10 M rows (`--campaigns` campaigns, three creatives each, `--users` users, over 40 days in
time order, as ingestion appends them), and `--conversions` pending pixel hits of users drawn from the same
population in the app database (SQLite), spread over three conversions: hybrid 28/15 days attached to every
campaign, click based 7 days to the first half, view based 14 days to the second. Then:

1. `--legacy-hits` of them settled by the previous engine (batches of 2000 hits, one `user_id IN (...)` query
   over the events per batch, the last-touch choice in Python; `legacy_attribute_pending`, kept here only to
   compare), its hits/s;
2. the rest settled by `adplane.conversions.attribution.attribute_pending` (claimed sets of `--set-size` hits,
   one windowed join in the store per set), its hits/s, and the time of each step of a set;
3. `--verify` settled hits drawn at random checked against an independent computation: their users' touches
   read from the store in one query, the rules applied with pandas; and one conversion event per attributed hit.

`--dir` keeps the generated data (reused by a later run with the same sizes: the hits are put back to pending
and the conversion events removed), so the set size can be varied without generating again.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from adplane.analytics.store import AnalyticsStore, DuckDBStore
from adplane.campaigns.models import Campaign
from adplane.conversions import attribution
from adplane.conversions import repository as repo
from adplane.conversions.models import (
    HIT_ATTRIBUTED,
    HIT_PENDING,
    HIT_UNATTRIBUTED,
    Conversion,
    ConversionHit,
)
from adplane.core.clock import as_utc, utcnow
from adplane.core.db import Database
from adplane.insertion_orders.models import InsertionOrder

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_setup import organization_db  # noqa: E402

OW_ID = 1
END = datetime(2026, 3, 31, tzinfo=UTC)
DAY_US = 86_400_000_000
SPAN_DAYS = 40
# conversion id: (attribution id, post-view days, post-click days, campaigns attached, share of hits)
CONVERSIONS = {1: (1, 28, 15, "all", 0.6), 2: (2, 28, 7, "first half", 0.2), 3: (3, 14, 15, "second half", 0.2)}


def attached(conversion_id: int, campaign: int, campaigns: int) -> bool:
    which = CONVERSIONS[conversion_id][3]
    return which == "all" or (which == "first half") == (campaign <= campaigns // 2)


# ----------------------------------------------------------------------------------------------- data


def fill_store(store: DuckDBStore, events: int, campaigns: int, users: int) -> None:
    """`events` clicks and impressions in time order, by SQL in the store (10 M rows a statement)."""
    start_us = int((END - timedelta(days=SPAN_DAYS)).timestamp() * 1_000_000)
    step = SPAN_DAYS * DAY_US // events  # one event every `step` µs on average, jittered inside its slot
    for first in range(0, events, 10_000_000):
        count = min(10_000_000, events - first)
        store.execute(
            "INSERT INTO events (event_time, event_type, ow_id, io_id, campaign_id, creative_id, creative_type_id, "
            "exchange_id, user_id) "
            f"SELECT make_timestamptz({start_us} + i * {step} + CAST(hash(i, 1) % {step} AS BIGINT)), "
            "CASE WHEN hash(i, 2) % 5 = 0 THEN 'click' ELSE 'impression' END, "
            f"{OW_ID}, 1, c, c * 100 + CAST(hash(i, 4) % 3 AS BIGINT), 11, 3, "
            f"'u' || CAST(hash(i, 3) % {users} AS VARCHAR) "
            f"FROM (SELECT range AS i, 1 + CAST(hash(range, 5) % {campaigns} AS BIGINT) AS c "
            f"FROM range({first}, {first + count}))")


def make_app_db(url: str, campaigns: int, conversions: int, users: int, seed: int) -> Database:
    db = organization_db(url, OW_ID)
    with db.session() as session:
        session.execute(insert(InsertionOrder), [{"id": 1, "ow_id": OW_ID, "name": "IO", "start_time": END,
                                                  "timezone_id": 29}])
        for cid, (kind, view, click, _, _) in CONVERSIONS.items():
            session.add(Conversion(id=cid, ow_id=OW_ID, uuid=f"{cid:032d}", type_id=1, name=f"bench {cid}",
                                   status_id=1, attribution_id=kind, post_view_days=view, post_click_days=click,
                                   custom_fields=[]))
        session.execute(insert(Campaign), [
            {"id": c, "ow_id": OW_ID, "io_id": 1, "name": f"Campaign {c}", "status": "running",
             "creative_type_id": 11, "budget_day": Decimal(100), "budget_total": Decimal(9000),
             "max_bid": Decimal("5.5"), "timezone_id": 29, "start_time": END,
             "extra": {"conversionIds": ",".join(str(i) for i in CONVERSIONS if attached(i, c, campaigns))}}
            for c in range(1, campaigns + 1)])
        session.commit()
    # the hits: straight through the driver (the ORM would take longer than the attribution)
    rng = np.random.default_rng(seed)
    raw = sqlite3.connect(url.removeprefix("sqlite:///"))
    raw.execute("PRAGMA journal_mode=WAL")
    received = END.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    shares = np.cumsum([spec[4] for spec in CONVERSIONS.values()])
    for first in range(0, conversions, 1_000_000):
        n = min(1_000_000, conversions - first)
        offsets = rng.integers(0, 20 * 86_400_000_000, n)  # the last 20 days, µs
        who = rng.integers(0, users, n)
        which = 1 + np.searchsorted(shares, rng.random(n), side="right")
        at = (np.datetime64(END.replace(tzinfo=None), "us") - offsets.astype("timedelta64[us]")).astype(str)
        raw.executemany(
            "INSERT INTO conversion_hits (conversion_id, ow_id, source, transaction_id, user_key, occurred_at, "
            "received_at, custom_fields, state) VALUES (?, ?, 'pixel', ?, ?, ?, ?, '{}', 'pending')",
            ((int(which[i]), OW_ID, f"t{first + i}", f"u{who[i]}", at[i].replace("T", " "), received)
             for i in range(n)))
        raw.commit()
    raw.close()
    return db


def reset(db: Database, store: DuckDBStore) -> None:
    """Back to the generated state: every hit pending, no conversion event."""
    with db.session() as session:
        session.execute(update(ConversionHit).values(state=HIT_PENDING, touch=None, touch_time=None,
                                                     campaign_id=None, attributed_at=None, claim=None))
        session.commit()
    store.execute("DELETE FROM events WHERE event_type IN ('conversion', 'attributed_view', 'attributed_click')")
    store.execute("DELETE FROM ingest_batches WHERE batch_id LIKE 'conversions:%' OR batch_id LIKE 'legacy:%'")
    # the rollups keep the earlier runs' conversions: the bench reads no report


# ---------------------------------------------------------------------------------- the previous engine


def _legacy_touches(store: AnalyticsStore, ow_id: int, campaign_ids: Sequence[int], users: Sequence[str],
                    since: datetime, until: datetime) -> dict[str, list[dict[str, Any]]]:
    marks = ", ".join("?" for _ in campaign_ids)
    user_marks = ", ".join("?" for _ in users)
    table = store.query_arrow(
        f"SELECT event_time, event_type, user_id, {', '.join(attribution.DIMENSIONS)} FROM events "
        f"WHERE ow_id = ? AND event_type IN ('click', 'impression') AND campaign_id IN ({marks}) "
        f"AND user_id IN ({user_marks}) AND event_time >= ? AND event_time <= ?",
        [ow_id, *campaign_ids, *users, since, until])
    by_user: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in table.to_pylist():
        row["event_time"] = as_utc(row["event_time"])
        by_user[row["user_id"]].append(row)
    return by_user


def legacy_attribute_pending(session: Session, store: AnalyticsStore, *, limit: int = 2000) -> int:
    """The engine before set-based attribution (2026-12-05), as it was, for comparison only."""
    rows = session.execute(
        select(ConversionHit, Conversion).join(Conversion, Conversion.id == ConversionHit.conversion_id)
        .where(ConversionHit.state == HIT_PENDING).order_by(ConversionHit.id).limit(limit)).all()
    if not rows:
        return 0
    now = utcnow()
    linked = {cid: [c.id for c in cs]
              for cid, cs in repo.campaigns_by_conversion(repo.org_campaigns(session, OW_ID)).items()}
    pairs = [(h, c) for h, c in rows]
    candidates = [(h, c) for h, c in pairs if h.user_key and not c.is_deleted and linked.get(c.id)]
    longest = max(max(w for w in (attribution.windows(c).click, attribution.windows(c).view) if w is not None)
                  for _, c in candidates)
    times = [as_utc(h.occurred_at) for h, _ in candidates]
    touches = _legacy_touches(store, OW_ID, sorted({i for _, c in candidates for i in linked[c.id]}),
                              sorted({h.user_key for h, _ in candidates}), min(times) - longest, max(times))
    events, settled = [], []
    for hit, conversion in pairs:
        eligible = set(linked.get(conversion.id, []))
        mine = [t for t in touches.get(hit.user_key or "", []) if t["campaign_id"] in eligible]
        at, window = as_utc(hit.occurred_at), attribution.windows(conversion)

        def best(kind: str, span: timedelta | None, at: datetime = at, mine: list = mine) -> dict | None:
            if span is None:
                return None
            ok = [t for t in mine if t["event_type"] == kind and at - span <= t["event_time"] <= at]
            return max(ok, key=lambda t: (t["event_time"], t["campaign_id"], t["creative_id"]), default=None)

        touch = best("click", window.click) or best("impression", window.view)
        values: dict[str, Any] = {"id": hit.id, "attributed_at": now}
        if touch is None:
            values.update(state=HIT_UNATTRIBUTED, touch=None, touch_time=None, campaign_id=None)
        else:
            values.update(state=HIT_ATTRIBUTED, touch="click" if touch["event_type"] == "click" else "view",
                          touch_time=touch["event_time"], campaign_id=touch["campaign_id"])
            events.append({**{d: touch[d] for d in attribution.DIMENSIONS}, "event_time": at,
                           "event_type": "conversion", "user_id": hit.user_key})
        settled.append(values)
    for state in (HIT_UNATTRIBUTED, HIT_ATTRIBUTED):
        if chosen := [v for v in settled if v["state"] == state]:
            session.execute(update(ConversionHit), chosen)
    if events:
        store.append_events(pa.Table.from_pylist(events), batch_id=f"legacy:{pairs[0][0].id}-{pairs[-1][0].id}",
                            source="conversions", ow_id=OW_ID)
    session.commit()
    return len(rows)


# ------------------------------------------------------------------------------------------- checks


def verify(db: Database, store: AnalyticsStore, sample: int, campaigns: int, seed: int) -> tuple[int, int]:
    """(hits checked, attributed among them): settled hits drawn at random against an independent computation."""
    with db.session() as session:
        ids = session.scalars(select(ConversionHit.id)).all()
        rng = np.random.default_rng(seed + 1)
        chosen = sorted(rng.choice(ids, min(sample, len(ids)), replace=False).tolist())
        hits = pd.DataFrame([
            {"hit_id": h.id, "conversion_id": h.conversion_id, "user_key": h.user_key,
             "occurred_at": pd.Timestamp(h.occurred_at), "state": h.state, "touch": h.touch,
             "touch_time": pd.Timestamp(h.touch_time) if h.touch_time else pd.NaT, "campaign_id": h.campaign_id}
            for h in session.scalars(select(ConversionHit).where(ConversionHit.id.in_(chosen)))])
    users = sorted(set(hits["user_key"]))
    marks = ", ".join("?" for _ in users)
    touches = store.query_arrow(
        "SELECT user_id, event_time, event_type, campaign_id, creative_id FROM events "
        f"WHERE ow_id = ? AND event_type IN ('click', 'impression') AND user_id IN ({marks})",
        [OW_ID, *users]).to_pandas()
    touches["event_time"] = pd.to_datetime(touches["event_time"], utc=True)
    links = pd.DataFrame([(cid, c) for cid in CONVERSIONS for c in range(1, campaigns + 1)
                          if attached(cid, c, campaigns)], columns=["conversion_id", "campaign_id"])
    spans = pd.DataFrame([{"conversion_id": cid, "view_days": None if kind == 2 else view,
                           "click_days": None if kind == 3 else click}
                          for cid, (kind, view, click, _, _) in CONVERSIONS.items()])
    joined = (hits[["hit_id", "conversion_id", "user_key", "occurred_at"]].merge(spans, on="conversion_id")
              .merge(links, on="conversion_id").merge(touches, left_on=["user_key", "campaign_id"],
                                                      right_on=["user_id", "campaign_id"]))
    age = joined["occurred_at"] - joined["event_time"]
    days = {kind: pd.to_timedelta(joined[f"{kind}_days"].astype(float).fillna(-1), unit="D")
            for kind in ("click", "view")}
    ok = ((joined["event_type"] == "click") & (age >= pd.Timedelta(0)) & (age <= days["click"])) | (
        (joined["event_type"] == "impression") & (age >= pd.Timedelta(0)) & (age <= days["view"]))
    eligible = joined[ok].assign(is_click=lambda d: d["event_type"] == "click")
    best = eligible.sort_values(["hit_id", "is_click", "event_time", "campaign_id", "creative_id"],
                                ascending=[True, False, False, False, False]).groupby("hit_id").head(1)
    expected = hits[["hit_id"]].merge(best, on="hit_id", how="left").set_index("hit_id").sort_index()
    got = hits.set_index("hit_id").sort_index()
    assert (got["state"] == np.where(expected["campaign_id"].notna(), HIT_ATTRIBUTED, HIT_UNATTRIBUTED)).all()
    won = expected["campaign_id"].notna()
    assert (got.loc[won, "campaign_id"] == expected.loc[won, "campaign_id"]).all()
    assert (got.loc[won, "touch"] == np.where(expected.loc[won, "is_click"], "click", "view")).all()
    assert (got.loc[won, "touch_time"].dt.tz_convert(UTC) == expected.loc[won, "event_time"].dt.tz_convert(UTC)).all()
    return len(hits), int(won.sum())


def counts(db: Database, store: AnalyticsStore) -> tuple[int, int, int]:
    """(hits attributed, hits settled, conversion events in the store)."""
    with db.session() as session:
        by_state = dict(session.execute(text("SELECT state, count(*) FROM conversion_hits GROUP BY state")).all())
    events = store.query("SELECT count(*) FROM events WHERE event_type = 'conversion'")[0][0]
    return (by_state.get(HIT_ATTRIBUTED, 0), by_state.get(HIT_ATTRIBUTED, 0) + by_state.get(HIT_UNATTRIBUTED, 0),
            int(events))


# --------------------------------------------------------------------------------------------- main


def timed_sets(db: Database, store: AnalyticsStore, set_size: int) -> tuple[int, float]:
    """Settle every pending hit with the set-based engine; prints each set's steps."""
    steps: dict[str, float] = defaultdict(float)
    originals = {name: getattr(attribution, name) for name in ("_claim", "_claimed", "_best_touches",
                                                              "_append_conversions", "_settle")}

    def timing(name: str) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return originals[name](*args, **kwargs)
            finally:
                steps[name] += time.perf_counter() - began
        return wrapper

    for name in originals:
        setattr(attribution, name, timing(name))
    settled, began = 0, time.perf_counter()
    try:
        with db.session() as session:
            while True:
                set_began = time.perf_counter()
                done = attribution.attribute_pending(session, store, limit=set_size)
                if not done:
                    break
                settled += done
                print(f"  set of {done:,} hits in {time.perf_counter() - set_began:.1f} s "
                      f"(claim {steps['_claim']:.1f}, read {steps['_claimed']:.1f}, join {steps['_best_touches']:.1f}, "
                      f"events {steps['_append_conversions']:.1f}, hits {steps['_settle']:.1f} s so far)",
                      flush=True)
    finally:
        for name, original in originals.items():
            setattr(attribution, name, original)
    return settled, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversions", type=int, default=1_000_000, help="pending hits")
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--campaigns", type=int, default=50)
    parser.add_argument("--set-size", type=int, default=attribution.SET_SIZE)
    parser.add_argument("--legacy-hits", type=int, default=20_000, help="hits settled by the previous engine first")
    parser.add_argument("--verify", type=int, default=5_000, help="settled hits checked independently")
    parser.add_argument("--memory-limit", default="8GB", help="DuckDB's memory limit")
    parser.add_argument("--dir", default="", help="keep (and reuse) the generated data here")
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    scratch = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="adplane-bench-attribution-"))
    scratch.mkdir(parents=True, exist_ok=True)
    sizes = {k: getattr(args, k) for k in ("conversions", "events", "users", "campaigns", "seed")}
    marker = scratch / "sizes.json"
    reuse = marker.exists() and json.loads(marker.read_text()) == sizes
    try:
        began = time.perf_counter()
        if not reuse:
            for name in ("analytics.duckdb", "analytics.duckdb.wal", "app.db", "app.db-wal", "app.db-shm"):
                (scratch / name).unlink(missing_ok=True)
        store = DuckDBStore(scratch / "analytics.duckdb", memory_limit=args.memory_limit)
        url = f"sqlite:///{scratch / 'app.db'}"
        if reuse:
            db = Database(url)
            reset(db, store)
            print(f"setup: reused {args.events:,} events and {args.conversions:,} hits in {scratch}, reset in "
                  f"{time.perf_counter() - began:.1f} s", flush=True)
        else:
            fill_store(store, args.events, args.campaigns, args.users)
            filled = time.perf_counter() - began
            db = make_app_db(url, args.campaigns, args.conversions, args.users, args.seed)
            marker.write_text(json.dumps(sizes))
            print(f"setup: {args.events:,} events generated in the store in {filled:.1f} s; {args.conversions:,} "
                  f"pending hits of {args.users:,} users in {time.perf_counter() - began - filled:.1f} s", flush=True)
        legacy_rate = None
        if args.legacy_hits:
            began, done = time.perf_counter(), 0
            with db.session() as session:
                while done < args.legacy_hits and (n := legacy_attribute_pending(session, store)):
                    done += n
            elapsed = time.perf_counter() - began
            legacy_rate = done / elapsed
            print(f"previous engine (batches of 2000): {done:,} hits in {elapsed:.1f} s, {legacy_rate:,.0f} hits/s; "
                  f"all {args.conversions:,} would take {args.conversions / legacy_rate / 3600:.1f} h (projected)",
                  flush=True)
        settled, elapsed = timed_sets(db, store, args.set_size)
        print(f"set-based engine (sets of {args.set_size:,}): {settled:,} hits over {args.events:,} events in "
              f"{elapsed:.1f} s, {settled / elapsed:,.0f} hits/s"
              + (f" ({settled / elapsed / legacy_rate:,.0f}x the previous engine)" if legacy_rate else ""), flush=True)
        attributed, total, events = counts(db, store)
        print(f"{attributed:,} of {total:,} hits attributed ({attributed / max(total, 1):.0%}); "
              f"{events:,} conversion events in the store", flush=True)
        assert events == attributed, "one conversion event per attributed hit"
        if args.verify:
            began = time.perf_counter()
            checked, won = verify(db, store, args.verify, args.campaigns, args.seed)
            print(f"verified: {checked:,} random settled hits ({won:,} attributed) match an independent pandas "
                  f"computation over their users' touches ({time.perf_counter() - began:.1f} s)", flush=True)
        store.close()
        db.dispose()
    finally:
        if not args.dir:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
