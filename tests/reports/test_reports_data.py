"""Known delivery for report tests, and an independent computation of every metric from raw rows (no tests here)."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa

from adplane.analytics.schema import arrow_schema
from adplane.campaigns.models import Campaign
from adplane.insertion_orders.models import InsertionOrder

EASTERN = ZoneInfo("US/Eastern")
EASTERN_ID = 29
DAY0 = datetime(2026, 3, 2, tzinfo=EASTERN)  # Monday; DST starts 2026-03-08, outside these days
DEVICE_IDS = (11, 12, 13)
STATE_IDS = (30200001, 30200002, 30200003)
GENDER_IDS = (10200001, 10200002)
OS_NAMES = ("iOS", "Android")


def make_campaigns(db: Any, ow_id: int, count: int = 3, *, first_id: int = 1) -> list[int]:
    """An IO and `count` campaigns of organization `ow_id` (ids first_id...)."""
    with db.session() as session:
        io = InsertionOrder(ow_id=ow_id, name=f"IO {ow_id}", start_time=DAY0 - timedelta(days=10),
                            timezone_id=EASTERN_ID)
        session.add(io)
        session.flush()
        ids = []
        for n in range(count):
            campaign = Campaign(
                id=first_id + n, ow_id=ow_id, io_id=io.id, name=f"Campaign {chr(65 + n)} of {ow_id}",
                status=("running", "paused", "expired")[n % 3], creative_type_id=14 if n == 2 else 11,
                budget_day=Decimal("100.50") + n, budget_total=Decimal("5000") + n, max_bid=Decimal("4.25"),
                total_budget_pacing=n == 0, timezone_id=EASTERN_ID, start_time=DAY0 - timedelta(days=5),
                end_time=DAY0 + timedelta(days=30),
            )
            session.add(campaign)
            ids.append(campaign.id)
        session.commit()
        return ids


def make_events(ow_id: int, campaign_ids: list[int], io_id: int, *, days: int = 3, seed: int = 7,
                per_day: int = 160) -> list[dict[str, Any]]:
    """Deterministic events over `days` Eastern days, some just around local midnight."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for day in range(days):
        midnight = (DAY0 + timedelta(days=day)).astimezone(UTC)
        for n in range(per_day):
            if n < 6:  # a few minutes before / after local midnight: the day cut matters
                at = midnight + timedelta(minutes=rng.choice([-3, -1, 1, 2]))
            else:
                at = midnight + timedelta(seconds=rng.randrange(0, 24 * 3600))
            campaign = rng.choice(campaign_ids)
            kind = rng.choices(
                ["bid", "impression", "click", "conversion", "video_start", "video_first_quartile",
                 "video_midpoint", "video_third_quartile", "video_complete"],
                weights=[30, 40, 6, 2, 8, 6, 5, 4, 3],
            )[0]
            media = Decimal(rng.randrange(500, 4000)) / Decimal(1_000_000) if kind == "impression" else Decimal(0)
            rows.append({
                "event_time": at,
                "event_type": kind,
                "ow_id": ow_id,
                "io_id": io_id,
                "campaign_id": campaign,
                "creative_id": 900 + campaign,
                "creative_type_id": 14 if campaign == campaign_ids[-1] else 11,
                "exchange_id": None,
                "device_type_id": rng.choice(DEVICE_IDS),
                "os": rng.choice(OS_NAMES),
                "traffic_type_id": 11,
                "publisher": rng.choice(["news.example", "games.example"]),
                "country_id": 30100001,
                "state_id": rng.choice(STATE_IDS),
                "city": None,
                "zip": rng.choice(["10001", "94105"]),
                "dma_id": None,
                "gender_id": rng.choice(GENDER_IDS),
                "age_range_id": None,
                "npi": None,
                "user_id": f"u{rng.randrange(0, 25)}",
                "bid_price": None,
                "media_cost": media,
                "data_cost": (media / 10).quantize(Decimal("0.000001")) if media else Decimal(0),
                "platform_margin": Decimal("0.000250") if kind == "impression" else Decimal(0),
            })
    return rows


def to_arrow(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=arrow_schema())


def io_id_of(db: Any, ow_id: int) -> int:
    with db.session() as session:
        from sqlalchemy import select

        return session.scalar(select(InsertionOrder.id).where(InsertionOrder.ow_id == ow_id))


# --- the independent computation -----------------------------------------------------------------

COUNTED = {
    "impression": "impressions", "click": "clicks", "conversion": "conversions", "bid": "bidImpressions",
    "video_start": "startCount", "video_first_quartile": "firstQuartileCount", "video_midpoint": "midPointCount",
    "video_third_quartile": "thirdQuartileCount", "video_complete": "completeCount",
}


def _div(a: Decimal | int, b: Decimal | int, scale: int = 1) -> float:
    return float(Decimal(a) * scale / Decimal(b)) if b else 0.0


def expected_groups(rows: Iterable[dict[str, Any]], key: Callable[[dict[str, Any]], Any],
                    keep: Callable[[dict[str, Any]], bool] = lambda r: True) -> dict[Any, dict[str, Any]]:
    """Every metric per group, straight from the raw rows."""
    sums: dict[Any, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    users: dict[Any, set[str]] = defaultdict(set)
    for row in rows:
        if not keep(row):
            continue
        group = key(row)
        s = sums[group]
        s[COUNTED[row["event_type"]]] += 1
        s["media"] += row["media_cost"]
        s["data"] += row["data_cost"]
        s["margin"] += row["platform_margin"]
        if row["event_type"] == "impression":
            users[group].add(row["user_id"])
    out = {}
    for group, s in sums.items():
        spent = Decimal(s["media"]) + Decimal(s["data"]) + Decimal(s["margin"])
        out[group] = {
            **{name: s[name] for name in COUNTED.values()},
            "spent": float(spent), "mediaSpent": float(Decimal(s["media"])), "dataCost": float(Decimal(s["data"])),
            "CTR": _div(s["clicks"], s["impressions"], 100), "CVR": _div(s["conversions"], s["clicks"], 100),
            "VCR": _div(s["completeCount"], s["startCount"], 100),
            "winRate": _div(s["impressions"], s["bidImpressions"], 100),
            "eCPM": _div(spent, s["impressions"], 1000), "eCPC": _div(spent, s["clicks"]),
            "eCPCV": _div(spent, s["completeCount"]),
            "reach": len(users[group]), "frequency": _div(s["impressions"], len(users[group])),
        }
    return out


def local_day(row: dict[str, Any], zone: ZoneInfo = EASTERN) -> str:
    return row["event_time"].astimezone(zone).date().isoformat()
