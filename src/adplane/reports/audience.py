"""The report dimension "audience": a campaign's delivery broken down by the included audiences its users belong to.

The rule (exact, and the same for every metric): an event counts for audience A when its campaign includes A
(the campaign's current `whiteListedAudienceIds`, A being an audience of the report's organization) and the
event's `user_id` is a current member of A (`audience_members`, matched as the member's user key in decimal,
the form the simulator and ingestion write). An event whose user is in several of its campaign's included
audiences counts once for each of them, so the rows' sums (and the totals row, which is their sum) may
exceed the campaign's own totals; reach counts distinct users per row (the totals' reach: distinct users over
every row). Events of campaigns without included audiences, of users in none of them, or without a user id
are in no row. Excluded audiences are never a row; pre-bid audiences have no members, so neither are they.

Membership and targeting are read from the application database when the report runs (not as they were when
the impression was served) and handed to the analytics store as two Arrow tables, joined to the raw events
in one query on every backend (`AnalyticsStore.query_arrow_with`): `(campaign_id, audience_id)` of the
targeting and `(audience_id, user_id)` of the members, each audience's members once whatever the number of
campaigns including it. Rollups have no user, so these reports always read raw events."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.analytics.schema import EVENT_COLUMN_NAMES
from adplane.analytics.store import STREAM_CHUNK_ROWS
from adplane.audiences import repository as audience_repo
from adplane.audiences import targeting
from adplane.audiences.models import Audience
from adplane.campaigns.models import Campaign
from adplane.core.errors import ValidationFailed
from adplane.reports.query import RAW_TABLE, ReportQuery

AUDIENCE_COLUMN = "audience_id"


def _campaign_targets(session: Session, ow_id: int, campaign_ids: Sequence[int] | None,
                      audience_ids: Sequence[int] | None) -> list[tuple[int, int]]:
    """(campaign, included audience) pairs of the organization, narrowed to the report's filters."""
    stmt = select(Campaign.id, Campaign.extra).where(Campaign.ow_id == ow_id)
    if campaign_ids is not None:
        stmt = stmt.where(Campaign.id.in_(list(campaign_ids)))
    pairs: list[tuple[int, int]] = []
    for campaign_id, extra in session.execute(stmt):
        try:
            included = targeting.parse((extra or {}).get(targeting.INCLUDED_FIELD), targeting.INCLUDED_FIELD)
        except ValidationFailed:  # a campaign saved with unreadable targeting includes nothing
            continue
        pairs += [(int(campaign_id), a) for a in included if audience_ids is None or a in audience_ids]
    if not pairs:
        return []
    own = set(session.scalars(select(Audience.id).where(Audience.ow_id == ow_id,
                                                         Audience.id.in_({a for _, a in pairs}))))
    return sorted(p for p in pairs if p[1] in own)  # another organization's (or a deleted) audience: no row


def tables(session: Session, ow_id: int, campaign_ids: Sequence[int] | None = None,
           audience_ids: Sequence[int] | None = None) -> tuple[pa.Table, pa.Table]:
    """The targeting `(campaign_id, audience_id)` and the members `(audience_id, user_id)` the rule joins."""
    pairs = _campaign_targets(session, ow_id, campaign_ids, audience_ids)
    targets = pa.table({"campaign_id": pa.array([c for c, _ in pairs], pa.int64()),
                        "audience_id": pa.array([a for _, a in pairs], pa.int64())})
    audience_parts, user_parts = [], []
    for audience_id in sorted({a for _, a in pairs}):
        users = audience_repo.member_ids(session, [audience_id])
        audience_parts.append(np.full(len(users), audience_id, dtype=np.int64))
        user_parts.append(users.astype(np.int64))
    audiences = np.concatenate(audience_parts) if audience_parts else np.zeros(0, np.int64)
    users = np.concatenate(user_parts) if user_parts else np.zeros(0, np.int64)
    members = pa.table({"audience_id": pa.array(audiences, pa.int64()),
                        "user_id": pc.cast(pa.array(users, pa.int64()), pa.string())})
    return targets, members


def attach(session: Session, query: ReportQuery) -> None:
    """When the report has the audience dimension: its raw events become the events joined to the
    targeting and the members (every other part of the query is unchanged)."""
    if not any(d.column == AUDIENCE_COLUMN for d in query.dimensions):
        return
    campaign_filter = query.value_filters.get("campaign_id")
    audience_filter = query.value_filters.get(AUDIENCE_COLUMN)
    targets, members = tables(session, query.ow_id, campaign_filter, audience_filter)
    suffix = uuid.uuid4().hex[:16]  # the store's tables of concurrent reports must not share a name
    targets_name, members_name = f"report_audience_targets_{suffix}", f"report_audience_members_{suffix}"
    query.tables = {targets_name: targets, members_name: members}
    # every column named (ClickHouse renames `e.*` columns that the joined tables also have)
    columns = ", ".join(f"e.{name} AS {name}" for name in EVENT_COLUMN_NAMES)
    query.raw_relation = (
        f"(SELECT {columns}, t.audience_id AS {AUDIENCE_COLUMN} FROM {RAW_TABLE} e "
        f"JOIN {targets_name} t ON t.campaign_id = e.campaign_id "
        f"JOIN {members_name} m ON m.audience_id = t.audience_id AND m.user_id = e.user_id) audience_events")


class JoinedStore:
    """The analytics store as the report engine reads it, with the query's tables joined to every statement."""

    def __init__(self, store: Any, joined: Mapping[str, pa.Table]) -> None:
        self.store = store
        self.joined = dict(joined)

    @property
    def backend(self) -> str:
        return str(getattr(self.store, "backend", "duckdb"))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return list(_rows(self.store.query_arrow_with(sql, params, self.joined)))

    def query_report(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """A report statement: joined like any other (not the store's own `query_report`, which joins nothing)."""
        return self.query(sql, params)

    def stream(self, sql: str, params: Sequence[Any] = (), chunk_rows: int = STREAM_CHUNK_ROWS) -> Iterator[tuple]:
        """The rows in chunks (the answer itself is read whole: one row per audience and group)."""
        yield from _rows(self.store.query_arrow_with(sql, params, self.joined), chunk_rows)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def _rows(table: pa.Table, chunk_rows: int = STREAM_CHUNK_ROWS) -> Iterator[tuple]:
    for batch in table.to_batches(max_chunksize=chunk_rows):
        yield from zip(*(column.to_pylist() for column in batch.columns), strict=True)


def reading(store: Any, query: ReportQuery) -> Any:
    """The store a prepared query is run on: joined to its tables when it has any."""
    if not query.tables or isinstance(store, JoinedStore):
        return store
    return JoinedStore(store, query.tables)
