"""Helpers of the lookalike / campaign-audience / v2 / insights tests: audiences and events written directly."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pyarrow as pa

from adplane.audiences import catalog
from adplane.audiences.derived_jobs import build_pending
from adplane.audiences.models import Audience, AudienceMember
from adplane.campaigns.models import Campaign

T0 = datetime(2026, 3, 1, tzinfo=UTC)
STATES = [30200005, 30200010, 30200033, 30200044]  # master state ids
DEVICES = [11, 12, 13]
EXCHANGES = [1, 3, 7, 9]


def audience(db: Any, ow_id: int, users: list[int], *, status: int = catalog.STATUS_READY, cost: str = "0",
             type_id: int = catalog.TYPE_MATCHED, name: str = "seed") -> int:
    with db.session() as session:
        row = Audience(ow_id=ow_id, name=name, type_id=type_id, status_id=status, data_cost=Decimal(cost),
                       reach=len(users), details={})
        session.add(row)
        session.flush()
        session.add_all(AudienceMember(audience_id=row.id, user_id=u) for u in users)
        session.commit()
        return row.id


def events(campaign: dict, rng: random.Random, users: list[int], n: int, *, types: tuple[str, ...] = ("impression",),
           start: datetime = T0, days: int = 20) -> list[dict]:
    out = []
    for _ in range(n):
        out.append({"event_time": start + timedelta(seconds=rng.randrange(0, days * 86400)),
                    "event_type": rng.choice(types), "ow_id": campaign["ow_id"], "io_id": campaign["io_id"],
                    "campaign_id": campaign["campaign_id"], "creative_id": campaign["creative_id"],
                    "creative_type_id": campaign["creative_type_id"], "user_id": str(rng.choice(users)),
                    "state_id": rng.choice(STATES), "device_type_id": rng.choice(DEVICES),
                    "exchange_id": rng.choice(EXCHANGES), "country_id": 30100001,
                    "age_range_id": rng.choice([10100001, 10100002, 10100003]),
                    "gender_id": rng.choice([10200001, 10200002])})
    return out


def append(app: Any, rows: list[dict], batch: str) -> None:
    app.state.analytics.append_events(pa.Table.from_pylist(rows), batch_id=batch)


def build(app: Any) -> int:
    return build_pending(app.state.db, app.state.settings)


def members(db: Any, audience_id: int) -> list[int]:
    with db.session() as session:
        return sorted(u for (u,) in session.query(AudienceMember.user_id).filter_by(audience_id=audience_id))


def target(db: Any, campaign_id: int, **extra: Any) -> None:
    with db.session() as session:
        campaign = session.get(Campaign, campaign_id)
        campaign.extra = {**(campaign.extra or {}), **extra}
        session.commit()
