"""Shared setup of the insights tests: reference data, an IO with healthcare campaigns, delivery
events for their exposed prescribers, funds. Imported by tests/insights/test_insights*.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pyarrow as pa

from adplane.analytics.schema import arrow_schema
from adplane.auth.organizations import change_funds
from adplane.campaigns.models import Campaign
from adplane.core.clock import clock
from adplane.healthcare import dataset
from adplane.healthcare.audiences import set_campaign_npis
from adplane.healthcare.synthetic import SyntheticSpec, generate
from adplane.insertion_orders.models import InsertionOrder

NOW = datetime(2026, 7, 6, 12, tzinfo=UTC)
STUDY_START = datetime(2026, 4, 6, tzinfo=UTC)
STUDY_END = datetime(2026, 6, 28, 23, 59, 59, tzinfo=UTC)
IO_ID = 1234
CAMPAIGN_IDS = (1, 2, 3)
PLD_SAMPLE_CAMPAIGN = 12345


def ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


@dataclass
class World:
    ow_id: int
    exposures: dict[str, date]
    by_campaign: dict[int, list[str]]
    events: list[dict[str, Any]] = field(default_factory=list)
    users: dict[str, int] = field(default_factory=dict)  # user id -> impressions

    def impressions(self, campaign_ids: tuple[int, ...] = CAMPAIGN_IDS, start: datetime = STUDY_START,
                    end: datetime = STUDY_END) -> int:
        return sum(1 for e in self.events if e["event_type"] == "impression" and e["campaign_id"] in campaign_ids
                   and start <= e["event_time"] <= end)


def event(ow_id: int, campaign_id: int, kind: str, when: datetime, npi: str | None, user: str | None,
          cost: str = "0.004") -> dict[str, Any]:
    return {
        "event_time": when, "event_type": kind, "ow_id": ow_id, "io_id": IO_ID, "campaign_id": campaign_id,
        "creative_id": 1, "creative_type_id": 11, "npi": npi, "user_id": user,
        "media_cost": Decimal(cost) if kind == "impression" else Decimal("0"),
        "data_cost": Decimal("0.001") if kind == "impression" else Decimal("0"),
        "platform_margin": Decimal("0"),
    }


def append(store: Any, rows: list[dict[str, Any]]) -> None:
    store.append_events(pa.Table.from_pylist(rows, schema=arrow_schema()))


def build_world(db: Any, app: Any, ow_id: int, *, lift: float = 0.2, seed: int = 3, funds: str = "1000",
                prescribers: int = 120) -> World:
    clock.set(NOW)
    store = app.state.analytics
    store.reset()
    result = generate(SyntheticSpec(seed=seed, prescribers=prescribers, weeks=26, first_week=date(2026, 1, 5),
                                    lift=lift, exposure_start=date(2026, 4, 6)))
    exposed = sorted(result.exposures)
    by_campaign = {cid: exposed[i::len(CAMPAIGN_IDS)] for i, cid in enumerate(CAMPAIGN_IDS)}
    with db.session() as session:
        dataset.store(session, result.dataset)
        session.add(InsertionOrder(id=IO_ID, ow_id=ow_id, name="Cardio IO", start_time=NOW - timedelta(days=200),
                                   timezone_id=29))
        session.flush()
        for cid in (*CAMPAIGN_IDS, PLD_SAMPLE_CAMPAIGN):
            session.add(Campaign(id=cid, ow_id=ow_id, io_id=IO_ID, name=f"Cardio campaign {cid}", status="running",
                                 creative_type_id=11, timezone_id=29, start_time=datetime(2026, 3, 30, tzinfo=UTC),
                                 end_time=datetime(2026, 12, 31, tzinfo=UTC)))
        session.flush()
        for cid, npis in by_campaign.items():
            set_campaign_npis(session, ow_id, cid, npis)
        set_campaign_npis(session, ow_id, PLD_SAMPLE_CAMPAIGN, exposed[:5])
        change_funds(session, ow_id, Decimal(funds), "top_up", "tests")
        session.commit()
    world = World(ow_id=ow_id, exposures=result.exposures, by_campaign=by_campaign)
    rows = []
    for cid, npis in by_campaign.items():
        for index, npi in enumerate(npis):
            first = datetime.combine(result.exposures[npi], datetime.min.time(), UTC) + timedelta(hours=10)
            user = f"hcu-{(index * 7 + cid) % 1000}"
            for repeat in range(1 + index % 3):
                when = first + timedelta(days=7 * repeat)
                rows.append(event(ow_id, cid, "impression", when, npi, user))
                world.users[user] = world.users.get(user, 0) + 1
            if index % 4 == 0:
                rows.append(event(ow_id, cid, "click", first + timedelta(minutes=1), npi, user))
            if index % 5 == 0:
                rows.append(event(ow_id, cid, "video_complete", first + timedelta(minutes=2), npi, user))
    world.events = rows
    append(store, rows)
    return world
