"""Last-touch attribution of recorded hits to the clicks and impressions in the analytics store.

For each pending hit with a user key, the touches considered are the organization's clicks and impressions of
the same user on campaigns the conversion is attached to, at or before the conversion and inside its windows:
- hybrid (1): the last click inside the post-click window; with none, the last impression inside the post-view
  window (a click outranks a later impression, as click-through attribution does);
- click based (2): the last click only; view based (3): the last impression only.
Ties at the same instant go to the higher campaign id, then creative id. An attributed hit becomes a `conversion`
event in the store carrying the touch's dimensions, so reports (conversions, CPA, CVR) count it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pyarrow as pa
from sqlalchemy import select, update
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
BATCH = 2000


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


def last_touch(at: datetime, touches: Sequence[dict[str, Any]], window: Windows) -> dict[str, Any] | None:
    """The touch that earns a conversion at `at` (touches of one user on eligible campaigns)."""
    def best(kind: str, span: timedelta | None) -> dict[str, Any] | None:
        if span is None:
            return None
        eligible = [t for t in touches if t["event_type"] == kind and at - span <= t["event_time"] <= at]
        return max(eligible, key=lambda t: (t["event_time"], t["campaign_id"], t["creative_id"]), default=None)

    return best("click", window.click) or best("impression", window.view)


def _touches(store: AnalyticsStore, ow_id: int, campaign_ids: Sequence[int], users: Sequence[str],
             since: datetime, until: datetime) -> dict[str, list[dict[str, Any]]]:
    marks = ", ".join("?" for _ in campaign_ids)
    user_marks = ", ".join("?" for _ in users)
    table = store.query_arrow(
        f"SELECT event_time, event_type, user_id, {', '.join(DIMENSIONS)} FROM events "
        f"WHERE ow_id = ? AND event_type IN ('click', 'impression') AND campaign_id IN ({marks}) "
        f"AND user_id IN ({user_marks}) AND event_time >= ? AND event_time <= ?",
        [ow_id, *campaign_ids, *users, since, until])
    by_user: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in table.to_pylist():
        row["event_time"] = as_utc(row["event_time"])
        by_user[row["user_id"]].append(row)
    return by_user


def attribute_pending(session: Session, store: AnalyticsStore, *, limit: int = BATCH) -> int:
    """Attribute up to `limit` pending hits (oldest first); the number of hits settled."""
    rows = session.execute(
        select(ConversionHit, Conversion).join(Conversion, Conversion.id == ConversionHit.conversion_id)
        .where(ConversionHit.state == HIT_PENDING).order_by(ConversionHit.id).limit(limit)).all()
    if not rows:
        return 0
    by_org: dict[int, list[tuple[ConversionHit, Conversion]]] = defaultdict(list)
    for hit, conversion in rows:
        by_org[hit.ow_id].append((hit, conversion))
    now = utcnow()
    for ow_id, pairs in by_org.items():
        events = _attribute_org(session, store, ow_id, pairs, now)
        if events:
            first, last = pairs[0][0].id, pairs[-1][0].id
            # the batch id makes a retried pass (store written, hits not yet committed) a no-op
            store.append_events(pa.Table.from_pylist(events), batch_id=f"conversions:{ow_id}:{first}-{last}",
                                source="conversions", ow_id=ow_id)
    session.commit()
    return len(rows)


def _attribute_org(session: Session, store: AnalyticsStore, ow_id: int,
                   pairs: Sequence[tuple[ConversionHit, Conversion]], now: datetime) -> list[dict[str, Any]]:
    linked = {cid: [c.id for c in campaigns]
              for cid, campaigns in repo.campaigns_by_conversion(repo.org_campaigns(session, ow_id)).items()}
    candidates = [(h, c) for h, c in pairs if h.user_key and not c.is_deleted and linked.get(c.id)]
    touches: dict[str, list[dict[str, Any]]] = {}
    if candidates:
        longest = max(max(w for w in (windows(c).click, windows(c).view) if w is not None) for _, c in candidates)
        times = [as_utc(h.occurred_at) for h, _ in candidates]
        campaign_ids = sorted({i for _, c in candidates for i in linked[c.id]})
        users = sorted({h.user_key for h, _ in candidates if h.user_key})
        touches = _touches(store, ow_id, campaign_ids, users, min(times) - longest, max(times))
    events: list[dict[str, Any]] = []
    settled: list[dict[str, Any]] = []
    for hit, conversion in pairs:
        eligible = set(linked.get(conversion.id, []))
        mine = [t for t in touches.get(hit.user_key or "", []) if t["campaign_id"] in eligible]
        at = as_utc(hit.occurred_at)
        touch = last_touch(at, mine, windows(conversion)) if mine and not conversion.is_deleted else None
        values: dict[str, Any] = {"id": hit.id, "attributed_at": now}
        if touch is None:
            values.update(state=HIT_UNATTRIBUTED, touch=None, touch_time=None, campaign_id=None)
        else:
            values.update(state=HIT_ATTRIBUTED, touch="click" if touch["event_type"] == "click" else "view",
                          touch_time=touch["event_time"], campaign_id=touch["campaign_id"])
            events.append({**{d: touch[d] for d in DIMENSIONS}, "event_time": at, "event_type": "conversion",
                           "user_id": hit.user_key})
        settled.append(values)
    # by primary key, in one executemany (the periodic kind runs in one process at a time)
    for state in (HIT_UNATTRIBUTED, HIT_ATTRIBUTED):
        rows = [v for v in settled if v["state"] == state]
        if rows:
            session.execute(update(ConversionHit), rows)
    return events


def attribution_pass(db: Database, settings: Settings) -> dict[str, int]:
    """One periodic pass: settle pending hits batch by batch."""
    store = store_for(settings)
    settled = 0
    with db.session() as session:
        while (done := attribute_pending(session, store)) > 0:
            settled += done
            if done < BATCH:
                break
    return {"settled": settled}


JOB_KINDS = [periodic("conversion-attribution", attribution_pass, interval_seconds=30.0,
                      description="attribute recorded conversion hits to clicks and impressions")]
