"""Last-touch attribution of recorded hits to the clicks and impressions in the analytics store.

For each pending hit with a user key, the touches considered are the organization's clicks and impressions of
the same user on campaigns the conversion is attached to, at or before the conversion and inside its windows:
- hybrid (1): the last click inside the post-click window; with none, the last impression inside the post-view
  window (a click outranks a later impression, as click-through attribution does);
- click based (2): the last click only; view based (3): the last impression only.
Ties at the same instant go to the higher campaign id, then creative id. An attributed hit becomes a `conversion`
event in the store carrying the touch's dimensions, so reports (conversions, CPA, CVR) count it, and an
`attributed_view` or `attributed_click` marker event (the touch's kind) the reports' attributed figures count.

Set-based: a pass claims up to `SET_SIZE` pending hits (oldest first), ships them to the store as an Arrow table
and finds every hit's touch with one windowed join over the events (`settle_sql`: a hash join on user, then
the best touch per hit by `arg_max` on DuckDB, `argMax` on ClickHouse, `DISTINCT ON` on PostgreSQL).

Exactly once: the claim ("<first id>-<last id>", kept on the hits until they are settled) names the set, and the
conversion events of an organization's hits in it are one store batch, `conversions:<owId>:<claim>`, written
before any hit is marked settled. A pass that fails after that is retried on the same claimed hits (those still
pending), and the store drops the batch it already holds: nothing is written twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import String, Table, func, select, type_coerce, update
from sqlalchemy.orm import Session

from adplane.analytics.handle import store_for
from adplane.analytics.store import AnalyticsStore
from adplane.conversions import catalog
from adplane.conversions import repository as repo
from adplane.conversions.models import HIT_ATTRIBUTED, HIT_PENDING, HIT_UNATTRIBUTED, Conversion, ConversionHit
from adplane.core.clock import as_utc, utcnow
from adplane.core.db import Database
from adplane.core.settings import Settings
from adplane.jobs.registry import periodic

# The touch's dimensions the conversion event inherits.
DIMENSIONS = ("ow_id", "io_id", "campaign_id", "creative_id", "creative_type_id", "exchange_id", "device_type_id",
              "os", "traffic_type_id", "publisher", "country_id", "state_id", "city", "zip", "dma_id", "gender_id",
              "age_range_id", "npi")
SET_SIZE = 500_000  # hits per claimed set: one join over the events
WRITE_CHUNK = 20_000  # hit updates per commit (SQLite's single writer is never held long)
US = pa.timestamp("us", tz="UTC")
_HITS = cast(Table, ConversionHit.__table__)


@dataclass(frozen=True)
class Windows:
    """A conversion's windows; None: that kind of touch does not count for it."""

    click: timedelta | None
    view: timedelta | None


def windows(conversion: Conversion) -> Windows:
    click = timedelta(days=conversion.post_click_days)
    view = timedelta(days=conversion.post_view_days)
    if conversion.attribution_id == catalog.ATTRIBUTION_CLICK:
        return Windows(click, None)
    if conversion.attribution_id == catalog.ATTRIBUTION_VIEW:
        return Windows(None, view)
    return Windows(click, view)


# ------------------------------------------------------------------------------------------ the join


def settle_sql(dialect: str, hits: str, links: str) -> str:
    """Per hit of `hits` (hit_id, ow_id, user_id, conversion_id, at, click_from, view_from) that a touch earns:
    hit_id, hit_at, hit_user, touch_time, touch_type and the touch's DIMENSIONS. `links` (ow_id, conversion_id,
    campaign_id): the campaigns each conversion is attached to. Two parameters: the set's earliest window start
    and latest hit (bounds on the events read)."""
    dims = ", ".join(f"e.{d} AS {d}" for d in DIMENSIONS)
    candidates = (
        f"SELECT h.hit_id, h.at AS hit_at, h.user_id AS hit_user, e.event_time AS touch_time, "
        f"e.event_type AS touch_type, {dims} "
        f"FROM events e JOIN {hits} h ON e.ow_id = h.ow_id AND e.user_id = h.user_id "
        f"JOIN {links} l ON l.ow_id = h.ow_id AND l.conversion_id = h.conversion_id AND l.campaign_id = e.campaign_id "
        "WHERE e.event_type IN ('click', 'impression') AND e.event_time >= ? AND e.event_time <= ? "
        "AND e.event_time <= h.at AND ((e.event_type = 'click' AND e.event_time >= h.click_from) "
        "OR (e.event_type = 'impression' AND e.event_time >= h.view_from))")
    fields = ("hit_at", "hit_user", "touch_time", "touch_type", *DIMENSIONS)
    if dialect == "duckdb":
        picked = ", ".join(f"{f} := {f}" for f in fields)
        return (f"SELECT hit_id, best.* FROM (SELECT hit_id, arg_max(struct_pack({picked}), "
                "struct_pack(k := touch_type = 'click', t := touch_time, c := campaign_id, r := creative_id)) AS best "
                f"FROM ({candidates}) c GROUP BY hit_id) b")
    if dialect == "clickhouse":
        columns = ", ".join(f"tupleElement(best, {i}) AS {f}" for i, f in enumerate(fields, 1))
        return (f"SELECT hit_id, {columns} FROM (SELECT hit_id, argMax(tuple({', '.join(fields)}), "
                "tuple(touch_type = 'click', touch_time, campaign_id, creative_id)) AS best "
                f"FROM ({candidates}) c GROUP BY hit_id) b")
    order = "(touch_type = 'click') DESC, touch_time DESC, campaign_id DESC, creative_id DESC"
    if dialect == "postgresql":
        return f"SELECT DISTINCT ON (hit_id) hit_id, {', '.join(fields)} FROM ({candidates}) c ORDER BY hit_id, {order}"
    return (f"SELECT hit_id, {', '.join(fields)} FROM (SELECT c.*, row_number() OVER (PARTITION BY hit_id "
            f"ORDER BY {order}) AS _rank FROM ({candidates}) c) r WHERE _rank = 1")


# ------------------------------------------------------------------------------------------ claims


def _in_flight(session: Session) -> str | None:
    """The claim of a set a failed pass left, if any. By the claim alone, so the claim's index answers (a hit
    loses its claim when it is settled; `attribute_pending` clears one that outlived its hits)."""
    return session.scalar(select(_HITS.c.claim).where(_HITS.c.claim.is_not(None)).limit(1))


def _claim(session: Session, limit: int) -> str | None:
    """Claim the oldest `limit` pending hits (their id range: a hit that commits late inside it joins them)."""
    oldest = (select(_HITS.c.id).where(_HITS.c.state == HIT_PENDING, _HITS.c.claim.is_(None))
              .order_by(_HITS.c.id).limit(limit).subquery())
    first, last = session.execute(select(func.min(oldest.c.id), func.max(oldest.c.id))).one()
    session.commit()  # the read ends here: the update below starts its own write
    if first is None:
        return None
    token = f"{first}-{last}"
    session.execute(update(_HITS).where(_HITS.c.state == HIT_PENDING, _HITS.c.claim.is_(None),
                                        _HITS.c.id >= first, _HITS.c.id <= last).values(claim=token))
    session.commit()
    return token


# ------------------------------------------------------------------------------------------ a pass


@dataclass(frozen=True)
class ClaimedHits:
    """The pending hits of a claim, column by column (ascending id)."""

    ids: list[int]
    conversion_ids: list[int]
    ow_ids: list[int]
    user_keys: list[str | None]
    at: pa.TimestampArray  # occurred_at, UTC µs


def _claimed(session: Session, token: str) -> ClaimedHits:
    sqlite = session.get_bind().dialect.name == "sqlite"
    # SQLite keeps instants as text: read as it is, parsed by Arrow (not row by row)
    occurred = type_coerce(_HITS.c.occurred_at, String) if sqlite else _HITS.c.occurred_at
    # by the claim's index (the state's would walk every pending hit); the state is checked here
    rows = [row[:5] for row in session.execute(
        select(_HITS.c.id, _HITS.c.conversion_id, _HITS.c.ow_id, _HITS.c.user_key, occurred, _HITS.c.state)
        .where(_HITS.c.claim == token).order_by(_HITS.c.id)) if row[5] == HIT_PENDING]
    ids, conversion_ids, ow_ids, user_keys, times = (list(c) for c in zip(*rows, strict=True)) if rows else (
        [], [], [], [], [])
    at = (pa.array(times, pa.string()).cast(pa.timestamp("us")).cast(US) if sqlite
          else pa.array([as_utc(t) for t in times], US))
    return ClaimedHits(ids, conversion_ids, ow_ids, user_keys, at)


def _next_set(session: Session, limit: int) -> tuple[str, ClaimedHits] | None:
    """The set to settle: a failed pass's leftover, else a new claim; None when no hit is pending."""
    if (token := _in_flight(session)) is not None:
        hits = _claimed(session, token)
        if hits.ids:
            return token, hits
        # a claim no pending hit holds any more: let it go
        session.execute(update(_HITS).where(_HITS.c.claim == token).values(claim=None))
        session.commit()
    if (token := _claim(session, limit)) is None:
        return None
    return token, _claimed(session, token)


def attribute_pending(session: Session, store: AnalyticsStore, *, limit: int = SET_SIZE) -> int:
    """Settle one claimed set: a failed pass's leftover, else up to `limit` pending hits (oldest first).
    Returns the number of hits settled."""
    claimed = _next_set(session, limit)
    if claimed is None:
        return 0
    token, hits = claimed
    conversions = {c.id: c for c in session.scalars(
        select(Conversion).where(Conversion.id.in_(sorted(set(hits.conversion_ids)))))}
    links: list[tuple[int, int, int]] = []
    for ow_id in sorted(set(hits.ow_ids)):
        for conversion_id, campaigns in repo.campaigns_by_conversion(repo.org_campaigns(session, ow_id)).items():
            links.extend((ow_id, conversion_id, c.id) for c in campaigns)
    live = {(ow_id, conversion_id) for ow_id, conversion_id, _ in links
            if (c := conversions.get(conversion_id)) is not None and not c.is_deleted}
    # hits with a user, of a live conversion attached to one of its organization's campaigns
    candidate = np.fromiter((bool(user) and (ow_id, conversion_id) in live for user, ow_id, conversion_id in
                             zip(hits.user_keys, hits.ow_ids, hits.conversion_ids, strict=True)),
                            bool, len(hits.ids))
    touches = _best_touches(store, hits, candidate, conversions, links) if candidate.any() else None
    if touches is not None and touches.num_rows:
        _append_conversions(store, touches, token)
    _settle(session, token, hits.ids, touches, utcnow())
    return len(hits.ids)


def _best_touches(store: AnalyticsStore, hits: ClaimedHits, candidate: np.ndarray,
                  conversions: dict[int, Conversion], links: Sequence[tuple[int, int, int]]) -> pa.Table:
    """One row per candidate hit a touch earns (see `settle_sql`)."""
    mask = pa.array(candidate)
    conversion_ids = np.asarray(hits.conversion_ids, np.int64)[candidate]
    at = hits.at.filter(mask)
    at_us = at.cast(pa.int64()).to_numpy()
    known, inverse = np.unique(conversion_ids, return_inverse=True)
    starts = {}
    for name, span_of in (("click_from", lambda w: w.click), ("view_from", lambda w: w.view)):
        spans = [span_of(windows(conversions[int(c)])) for c in known]
        span_us = np.array([0 if s is None else s // timedelta(microseconds=1) for s in spans], np.int64)[inverse]
        none = np.array([s is None for s in spans], bool)[inverse]
        starts[name] = pa.array(at_us - span_us, pa.int64(), mask=none).cast(US)
    table = pa.table({
        "hit_id": pa.array(hits.ids, pa.int64()).filter(mask),
        "ow_id": pa.array(hits.ow_ids, pa.int64()).filter(mask),
        "user_id": pa.array(hits.user_keys, pa.string()).filter(mask),
        "conversion_id": pa.array(conversion_ids, pa.int64()),
        "at": at, **starts})
    link_table = pa.table({name: pa.array(column, pa.int64()) for name, column in
                           zip(("ow_id", "conversion_id", "campaign_id"), zip(*links, strict=True), strict=True)})
    earliest = min(m for column in starts.values() if (m := pc.min(column).as_py()) is not None)
    suffix = uuid.uuid4().hex[:12]
    names = {"hits": f"_attr_hits_{suffix}", "links": f"_attr_links_{suffix}"}
    return store.query_arrow_with(settle_sql(store.dialect.name, names["hits"], names["links"]),
                                  [earliest, pc.max(at).as_py()],
                                  {names["hits"]: table, names["links"]: link_table})


def _append_conversions(store: AnalyticsStore, touches: pa.Table, token: str) -> None:
    """The earned conversions as events (the touch's dimensions, the hit's time and user), one batch per
    organization of the set; with each, in the same batch, its marker (`attributed_view` or `attributed_click`
    by the touch's kind), which the reports' attributed figures count."""
    conversions = pa.table({**{d: touches[d] for d in DIMENSIONS}, "event_time": touches["hit_at"],
                            "event_type": pa.array(["conversion"] * touches.num_rows, pa.string()),
                            "user_id": touches["hit_user"]})
    kinds = pc.if_else(pc.equal(pc.cast(touches["touch_type"], pa.string()), "click"), "attributed_click",
                       "attributed_view")
    markers = conversions.set_column(conversions.schema.get_field_index("event_type"), "event_type",
                                     pc.cast(kinds, pa.string()))
    events = pa.concat_tables([conversions, markers])
    for ow_id in sorted(pc.unique(events["ow_id"]).to_pylist()):
        mine = events.filter(pc.equal(events["ow_id"], ow_id))
        # the claim names the set: a retried pass's batch is the one already stored, and the store drops it
        store.append_events(mine, batch_id=f"conversions:{ow_id}:{token}", source="conversions", ow_id=ow_id)


def _settle(session: Session, token: str, hit_ids: Sequence[int], touches: pa.Table | None, now: datetime) -> None:
    """Mark the claimed hits `hit_ids` (ascending) attributed, with their touch, or else unattributed; a commit
    every WRITE_CHUNK hits. The attributed ones by primary key through the driver (executemany: no per-row work
    in SQLAlchemy), then the rest of each chunk's id range in one statement."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    earned: dict[int, tuple[Any, ...]] = {}
    if touches is not None and touches.num_rows:
        instants = touches["touch_time"].cast(US)
        # SQLite: the text SQLAlchemy stores a naive UTC instant as; others: the instant itself
        times = (pc.strftime(instants, format="%Y-%m-%d %H:%M:%S").to_pylist() if sqlite
                 else [as_utc(t) for t in instants.to_pylist()])
        stamp = now.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else now
        for hit_id, kind, instant, campaign_id in zip(touches["hit_id"].to_pylist(),
                                                      touches["touch_type"].to_pylist(), times,
                                                      touches["campaign_id"].to_pylist(), strict=True):
            earned[hit_id] = ("click" if kind == "click" else "view", instant, campaign_id, stamp, hit_id)
    mark = "?" if sqlite else "%s"
    attributed = (f"UPDATE {_HITS.name} SET state = '{HIT_ATTRIBUTED}', touch = {mark}, touch_time = {mark}, "
                  f"campaign_id = {mark}, attributed_at = {mark}, claim = NULL WHERE id = {mark}")
    for offset in range(0, len(hit_ids), WRITE_CHUNK):
        part = hit_ids[offset: offset + WRITE_CHUNK]
        if won := [earned[i] for i in part if i in earned]:
            cursor = session.connection().connection.cursor()
            try:
                cursor.executemany(attributed, won)
            finally:
                cursor.close()
        session.execute(update(_HITS).where(_HITS.c.claim == token, _HITS.c.state == HIT_PENDING,
                                            _HITS.c.id >= part[0], _HITS.c.id <= part[-1])
                        .values(state=HIT_UNATTRIBUTED, touch=None, touch_time=None, campaign_id=None,
                                attributed_at=now, claim=None))
        session.commit()


def attribution_pass(db: Database, settings: Settings) -> dict[str, int]:
    """One periodic pass: settle pending hits set by set (a set short of SET_SIZE was the last one)."""
    store = store_for(settings)
    settled = 0
    with db.session() as session:
        while (done := attribute_pending(session, store)) > 0:
            settled += done
            if done < SET_SIZE:
                break
    return {"settled": settled}


JOB_KINDS = [periodic("conversion-attribution", attribution_pass, interval_seconds=30.0,
                      description="attribute recorded conversion hits to clicks and impressions")]
