"""What insight reports read from the analytics store's raw `events` table (by NPI, by user).

All reads are scoped by `ow_id` and the report's campaigns; instants are UTC, ranges inclusive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from adplane.analytics.store import AnalyticsStore


@dataclass(frozen=True)
class NpiDelivery:
    npi: str
    impressions: int
    clicks: int
    video_completes: int
    spend: Decimal
    first_exposure: datetime | None
    last_exposure: datetime | None


def _scope(ow_id: int, campaign_ids: Sequence[int]) -> tuple[str, list[Any]]:
    marks = ", ".join("?" for _ in campaign_ids) or "NULL"
    return f"ow_id = ? AND campaign_id IN ({marks})", [ow_id, *campaign_ids]


def _utc(value: Any) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def impressions(store: AnalyticsStore, ow_id: int, campaign_ids: Sequence[int], start: datetime,
                end: datetime) -> int:
    """Impressions of the campaigns in [start, end]: what an insight report charges for."""
    scope, params = _scope(ow_id, campaign_ids)
    rows = store.query(
        f"SELECT COUNT(*) FROM events WHERE {scope} AND event_type = 'impression' "
        "AND event_time >= ? AND event_time <= ?",
        [*params, start, end],
    )
    return int(rows[0][0] or 0)


def npi_delivery(store: AnalyticsStore, ow_id: int, campaign_ids: Sequence[int], start: datetime,
                 end: datetime) -> list[NpiDelivery]:
    """Per prescriber reached (at least one impression): delivery over [start, end], by NPI."""
    scope, params = _scope(ow_id, campaign_ids)
    rows = store.query(
        "SELECT npi,"
        " SUM(CASE WHEN event_type = 'impression' THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN event_type = 'click' THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN event_type = 'video_complete' THEN 1 ELSE 0 END),"
        " SUM(COALESCE(media_cost, 0) + COALESCE(data_cost, 0) + COALESCE(platform_margin, 0)),"
        " MIN(CASE WHEN event_type = 'impression' THEN event_time END),"
        " MAX(CASE WHEN event_type = 'impression' THEN event_time END)"
        f" FROM events WHERE {scope} AND npi IS NOT NULL AND event_time >= ? AND event_time <= ?"
        " GROUP BY npi ORDER BY npi",
        [*params, start, end],
    )
    out = []
    for npi, imps, clicks, completes, spend, first, last in rows:
        if not imps:
            continue
        out.append(NpiDelivery(
            npi=str(npi), impressions=int(imps), clicks=int(clicks or 0), video_completes=int(completes or 0),
            spend=Decimal(str(spend or 0)), first_exposure=_utc(first), last_exposure=_utc(last),
        ))
    return out


def first_exposures(store: AnalyticsStore, ow_id: int, campaign_ids: Sequence[int], start: datetime,
                    end: datetime) -> dict[str, datetime]:
    """NPI → first impression instant within [start, end]."""
    return {d.npi: d.first_exposure for d in npi_delivery(store, ow_id, campaign_ids, start, end)
            if d.first_exposure is not None}


def ever_exposed_npis(store: AnalyticsStore, ow_id: int, campaign_ids: Sequence[int], until: datetime) -> set[str]:
    """NPIs with an impression of the campaigns at any time up to `until` (never controls)."""
    scope, params = _scope(ow_id, campaign_ids)
    rows = store.query(
        f"SELECT DISTINCT npi FROM events WHERE {scope} AND npi IS NOT NULL AND event_type = 'impression' "
        "AND event_time <= ?",
        [*params, until],
    )
    return {str(r[0]) for r in rows}


def exposed_users(store: AnalyticsStore, ow_id: int, campaign_ids: Sequence[int], start: datetime,
                  end: datetime) -> dict[str, int]:
    """Pseudonymous user id → impressions in [start, end]."""
    scope, params = _scope(ow_id, campaign_ids)
    rows = store.query(
        f"SELECT user_id, COUNT(*) FROM events WHERE {scope} AND user_id IS NOT NULL "
        "AND event_type = 'impression' AND event_time >= ? AND event_time <= ? GROUP BY user_id",
        [*params, start, end],
    )
    return {str(user): int(count) for user, count in rows}
