"""The inventory catalogue: every app and site delivery can reach, with the caller's volumes.

Entries are the publishers found in the analytics store's delivered events (ingested batches and the
simulator bring new ones; the simulator also registers the supply it draws from before it delivers, so a
block list can name an app before its first impression). An entry's id is assigned once, in the order
entries are first seen, and never changes. Volumes (impressions, spend, video share) are the caller's
own organization's delivery, read from the store's `rollup_publisher_daily`: one organization never sees
another's volumes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.analytics.store import AnalyticsStore
from adplane.inventory.models import Inventory
from adplane.master import catalog

TRAFFIC_CTV = catalog.TRAFFIC_TYPE_CTV
INVENTORY_TYPE_BY_TRAFFIC = {catalog.TRAFFIC_TYPE_APP: "App", catalog.TRAFFIC_TYPE_WEB: "Site",
                             catalog.TRAFFIC_TYPE_OTT: "CTV", catalog.TRAFFIC_TYPE_CTV: "CTV"}  # IQM's 13 OTT, 14 CTV
VIDEO_CREATIVE_TYPES = (catalog.CREATIVE_TYPE_VIDEO,)


def _publisher_label(app_id: str) -> str:
    """A readable publisher name: the domain's first label, or a bundle id's organization part."""
    parts = app_id.split(".")
    if len(parts) >= 3 and parts[0] in ("com", "net", "org", "tv", "io"):
        return parts[1]
    return parts[0]


def register(session: Session, entries: Sequence[tuple[str, int | None]]) -> int:
    """Add the entries not in the catalogue yet (by app id); returns how many were added."""
    have = set(session.scalars(select(Inventory.app_id)))
    added = 0
    for app_id, traffic in entries:
        if not app_id or app_id in have:
            continue
        have.add(app_id)
        session.add(Inventory(app_id=app_id[:500], name=app_id[:500], publisher=_publisher_label(app_id)[:255],
                              traffic_type_id=traffic,
                              inventory_type=INVENTORY_TYPE_BY_TRAFFIC.get(traffic or 0, "Other")))
        added += 1
    if added:
        session.flush()
    return added


@dataclass
class Volume:
    impressions: int = 0
    video_impressions: int = 0
    spend: Decimal = Decimal("0")

    @property
    def video_percentage(self) -> float:
        return round(100 * self.video_impressions / self.impressions, 2) if self.impressions else 0


def delivered_publishers(store: AnalyticsStore) -> list[tuple[str, int | None]]:
    """Every (publisher, traffic type) that delivered, from the publisher rollup."""
    rows = store.query("SELECT DISTINCT publisher, traffic_type_id FROM rollup_publisher_daily "
                       "WHERE publisher IS NOT NULL ORDER BY publisher")
    return [(str(p), int(t) if t is not None else None) for p, t in rows]


def sync(session: Session, store: AnalyticsStore) -> None:
    """The catalogue holds every publisher delivered so far."""
    register(session, delivered_publishers(store))


def volumes(store: AnalyticsStore, ow_id: int) -> dict[str, Volume]:
    """Impressions, video impressions and spend of `ow_id`'s delivery, per publisher."""
    video = ", ".join(str(t) for t in VIDEO_CREATIVE_TYPES)
    rows = store.query(
        "SELECT publisher, sum(impressions), "
        f"sum(CASE WHEN creative_type_id IN ({video}) THEN impressions ELSE 0 END), "
        "sum(media_cost) + sum(data_cost) + sum(platform_margin) "
        "FROM rollup_publisher_daily WHERE ow_id = ? AND publisher IS NOT NULL GROUP BY publisher", [ow_id])
    return {str(p): Volume(int(i or 0), int(v or 0), Decimal(s or 0)) for p, i, v, s in rows}
