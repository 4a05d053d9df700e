"""Shared by the event benchmarks: a throw-away data dir with an organization and N running campaigns."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

from adplane.auth.admin import bootstrap
from adplane.auth.models import Organization, Workspace
from adplane.campaigns.models import Campaign, CampaignCreative
from adplane.core.db import Database
from adplane.core.migrate import upgrade
from adplane.core.settings import Settings
from adplane.creatives.models import Creative
from adplane.insertion_orders.models import InsertionOrder

TIMEZONES = (29, 423, 421)  # US/Eastern, US/Central, US/Arizona
CREATIVE_TYPES = (11, 11, 13, 14, 15)  # mostly display, some HTML, video, native


def workspace(data_dir: Path | None = None) -> tuple[Settings, Database]:
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="adplane-bench-"))
    settings = Settings(data_dir=data_dir, secret_key="bench", run_background_jobs=False)
    settings.ensure_dirs()
    upgrade(settings.resolved_database_url)
    return settings, Database(settings.resolved_database_url)


def make_campaigns(db: Database, count: int, start: datetime, days: int, budget_day: Decimal,
                   max_bid: Decimal = Decimal("5")) -> list[int]:
    """`count` running campaigns (one IO each, one creative each) flying `days` days from `start`."""
    with db.session() as session:
        ow_id = bootstrap(session, host="bench.test", email="bench@bench.test", password="Bench-Passw0rd!",
                          organization="Bench").as_dict()["owId"]
    end = start + timedelta(days=days)
    with db.session() as session:
        io_rows = [{"ow_id": ow_id, "name": f"IO {i}", "start_time": start, "end_time": end, "timezone_id": 29,
                    "total_budget": budget_day * days} for i in range(count)]
        io_ids = list(session.scalars(insert(InsertionOrder).returning(InsertionOrder.id), io_rows))
        creative_rows = [{"ow_id": ow_id, "name": f"Creative {i}", "creative_type_id": CREATIVE_TYPES[i % 5],
                          "status_id": 2, "source_type": "url", "source": "https://example.test/ad"}
                         for i in range(count)]
        creative_ids = list(session.scalars(insert(Creative).returning(Creative.id), creative_rows))
        campaign_rows = [{
            "ow_id": ow_id, "io_id": io_ids[i], "name": f"Campaign {i}", "status": "running",
            "creative_type_id": CREATIVE_TYPES[i % 5], "timezone_id": TIMEZONES[i % 3], "start_time": start,
            "end_time": end, "budget_day": budget_day, "budget_total": budget_day * days, "max_bid": max_bid,
            "total_budget_pacing": i % 4 == 0, "device_type_ids": [], "traffic_type_ids": [], "exchange_ids": [],
            "state_ids": [], "publisher_ad_category_ids": [], "extra": {},
        } for i in range(count)]
        campaign_ids = list(session.scalars(insert(Campaign).returning(Campaign.id), campaign_rows))
        session.execute(insert(CampaignCreative), [{"campaign_id": c, "creative_id": k}
                                                   for c, k in zip(campaign_ids, creative_ids, strict=True)])
        session.commit()
    return campaign_ids


def default_start() -> datetime:
    return datetime(2026, 1, 1, tzinfo=UTC)


def organization_db(url: str, ow_id: int) -> Database:
    """A migrated app database at ``url`` holding one workspace and the organization ``ow_id``."""
    upgrade(url)
    db = Database(url)
    with db.session() as session:
        session.add(Workspace(id=1, host="bench.test", name="bench"))
        session.flush()
        session.add(Organization(ow_id=ow_id, workspace_id=1, name="Bench"))
        session.commit()
    return db
