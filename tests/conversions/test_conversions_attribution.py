"""Attribution is exact: hits settled by the engine match an independent pandas computation, on each analytics
store (DuckDB or PostgreSQL with the database, ClickHouse through chDB), the conversion events it writes are what
reports count, and a pass that fails halfway is retried without writing anything twice."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pandas as pd
import pyarrow as pa
import pytest
from sqlalchemy import func, select

from adplane.conversions import attribution
from adplane.conversions.attribution import attribute_pending
from adplane.conversions.models import HIT_ATTRIBUTED, HIT_PENDING, ConversionHit
from adplane.core.clock import clock
from test_conversions_api import add_pixel, attach
from test_events_ingest import make_campaign

NOW = datetime(2026, 3, 31, tzinfo=UTC)
USERS = [f"user-{i}" for i in range(25)]


@pytest.fixture
def analytics_url(every_analytics_url):  # noqa: ANN001, ANN201
    """Every analytics store: the database's own (DuckDB / PostgreSQL) and ClickHouse (chDB)."""
    return every_analytics_url


def setting(view: int, click: int) -> dict:
    return {"conversionDuration": {"view": view, "click": click},
            "repeatConversion": {"count": 0, "frequency": 1, "unit": "Day"}, "crossModelling": False}


def touch_rows(rng: random.Random, campaigns: list[dict], n: int) -> list[dict]:
    rows = []
    for _ in range(n):
        c = rng.choice(campaigns)
        rows.append({"event_time": NOW - timedelta(seconds=rng.randrange(0, 40 * 86400)),
                     "event_type": "click" if rng.random() < 0.25 else "impression", "ow_id": c["ow_id"],
                     "io_id": c["io_id"], "campaign_id": c["campaign_id"], "creative_id": c["creative_id"],
                     "creative_type_id": c["creative_type_id"], "user_id": rng.choice(USERS), "exchange_id": 3})
    # ties: the same user touched at the same instant by another campaign, or another creative of the same one
    for row in rng.sample(rows, n // 10):
        c = rng.choice(campaigns[:2])
        twin = {**row, "campaign_id": c["campaign_id"], "io_id": c["io_id"], "ow_id": c["ow_id"],
                "creative_id": row["creative_id"] + rng.choice([-1, 1]) * 1000}
        rows.append(twin if twin["creative_id"] > 0 else {**twin, "creative_id": row["creative_id"] + 1000})
    return rows


def expected_attribution(touches: pd.DataFrame, hits: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """The rules, written independently: per hit, the newest eligible click in its click window, else the newest
    eligible impression in its view window (ties: higher campaign, then creative)."""
    joined = hits.merge(links, on="conversion_id").merge(
        touches, left_on=["user_key", "campaign_id", "ow_id"], right_on=["user_id", "campaign_id", "ow_id"])
    age = joined["occurred_at"] - joined["event_time"]
    in_click = (joined["event_type"] == "click") & joined["click_days"].notna() & (age >= pd.Timedelta(0)) & (
        age <= pd.to_timedelta(joined["click_days"].fillna(0), unit="D"))
    in_view = (joined["event_type"] == "impression") & joined["view_days"].notna() & (age >= pd.Timedelta(0)) & (
        age <= pd.to_timedelta(joined["view_days"].fillna(0), unit="D"))
    eligible = joined[in_click | in_view].assign(is_click=lambda d: d["event_type"] == "click")
    best = eligible.sort_values(["hit_id", "is_click", "event_time", "campaign_id", "creative_id"],
                                ascending=[True, False, False, False, False]).groupby("hit_id").head(1)
    out = hits[["hit_id"]].merge(best[["hit_id", "campaign_id", "event_type", "event_time"]], on="hit_id", how="left")
    out = out.set_index("hit_id").sort_index()
    # hits whose winner shares its instant (and kind) with another eligible touch: the tie rule decides them
    rivals = eligible.merge(best[["hit_id", "is_click", "event_time"]], on=["hit_id", "is_click", "event_time"])
    out.attrs["ties"] = int((rivals.groupby("hit_id").size() > 1).sum())
    return out


def test_attribution_matches_an_independent_computation(client, headers, other_headers, db, tenant):
    rng = random.Random(15)
    ow_id = tenant["owId"]
    a, b, c = (make_campaign(db, ow_id, status="running") for _ in range(3))
    foreign = make_campaign(db, int(other_headers["X-IAA-OW-ID"]), status="running")
    hybrid = add_pixel(client, headers, name="hybrid", attributionId=1, conversionSetting=setting(5, 10))
    clicks = add_pixel(client, headers, name="clicks", attributionId=2, conversionSetting=setting(5, 7))
    views = add_pixel(client, headers, name="views", attributionId=3, conversionSetting=setting(3, 7))
    attach(db, a["campaign_id"], f"{hybrid['id']},{clicks['id']},{views['id']}")
    attach(db, b["campaign_id"], f"{hybrid['id']},{views['id']}")  # c has none
    attach(db, foreign["campaign_id"], f"{hybrid['id']}")  # another organization's campaign names ours: ignored
    touches = touch_rows(rng, [a, b, c, foreign], 900)
    store = client.app.state.analytics
    store.append_events(pa.Table.from_pylist(touches), batch_id="touches")
    for i in range(150):
        clock.set(NOW - timedelta(seconds=rng.randrange(0, 20 * 86400)))
        conversion = rng.choice([hybrid, clicks, views])
        user = rng.choice(USERS) if i % 10 else ""
        assert client.get(f"/i/pixel/{conversion['uuid']}?uid={user}&cv={i}").status_code == 200
    clock.set(NOW)
    with db.session() as session:
        assert attribute_pending(session, store, limit=70) == 70  # two passes: the batch boundary holds
        assert attribute_pending(session, store) == 80
        assert attribute_pending(session, store) == 0
        settled = list(session.scalars(select(ConversionHit).order_by(ConversionHit.id)))
    windows = {hybrid["id"]: (5, 10), clicks["id"]: (None, 7), views["id"]: (3, None)}
    hits = pd.DataFrame([{"hit_id": h.id, "conversion_id": h.conversion_id, "ow_id": h.ow_id,
                          "user_key": h.user_key or None, "occurred_at": pd.Timestamp(h.occurred_at),
                          "view_days": windows[h.conversion_id][0], "click_days": windows[h.conversion_id][1]}
                         for h in settled])
    links = pd.DataFrame([(hybrid["id"], a["campaign_id"]), (clicks["id"], a["campaign_id"]),
                          (views["id"], a["campaign_id"]), (hybrid["id"], b["campaign_id"]),
                          (views["id"], b["campaign_id"])], columns=["conversion_id", "campaign_id"])
    frame = pd.DataFrame(touches).assign(event_time=lambda d: pd.to_datetime(d["event_time"], utc=True))
    expected = expected_attribution(frame, hits, links)
    assert all(h.claim is None for h in settled)
    got = pd.DataFrame([{"hit_id": h.id, "campaign_id": h.campaign_id,
                         "event_type": {"click": "click", "view": "impression"}.get(h.touch or ""),
                         "event_time": pd.Timestamp(h.touch_time) if h.touch_time else pd.NaT}
                        for h in settled]).set_index("hit_id").sort_index()
    assert expected["campaign_id"].notna().sum() > 20 and expected["campaign_id"].isna().sum() > 10
    assert expected.attrs["ties"] >= 3
    assert got["campaign_id"].astype("Int64").tolist() == expected["campaign_id"].astype("Int64").tolist()
    assert got["event_type"].tolist() == expected["event_type"].where(expected["event_type"].notna(), None).tolist()
    assert [t if pd.isna(t) else t.tz_convert(UTC) for t in got["event_time"]] == [
        t if pd.isna(t) else t.tz_convert(UTC) for t in expected["event_time"]]
    assert sum(h.state == HIT_ATTRIBUTED for h in settled) == expected["campaign_id"].notna().sum()
    # the store holds one conversion event per attributed hit, on the touch's campaign
    stored = dict(store.query("SELECT campaign_id, count(*) FROM events WHERE event_type = 'conversion' "
                              "GROUP BY campaign_id"))
    assert stored == expected["campaign_id"].dropna().astype(int).value_counts().to_dict()
    listed = {row["id"]: row for row in client.get("/api/v3/conversion/list", headers=headers).json()["data"]["data"]}
    for conversion in (hybrid, clicks, views):
        mine = hits[hits["conversion_id"] == conversion["id"]]["hit_id"]
        assert listed[conversion["id"]]["attributedConversion"] == expected.loc[mine, "campaign_id"].notna().sum()


def _conversion_events(store) -> int:  # noqa: ANN001
    return store.query("SELECT count(*) FROM events WHERE event_type = 'conversion'")[0][0]


def test_a_pass_that_fails_halfway_is_retried_without_writing_twice(client, headers, db, tenant, monkeypatch):
    rng = random.Random(7)
    a = make_campaign(db, tenant["owId"], status="running")
    pixel = add_pixel(client, headers, name="hybrid", attributionId=1, conversionSetting=setting(28, 15))
    attach(db, a["campaign_id"], str(pixel["id"]))
    store = client.app.state.analytics
    store.append_events(pa.Table.from_pylist(touch_rows(rng, [a], 400)), batch_id="touches")

    def hit(i: int) -> None:
        clock.set(NOW - timedelta(seconds=rng.randrange(0, 10 * 86400)))
        assert client.get(f"/i/pixel/{pixel['uuid']}?uid={rng.choice(USERS)}&tid=t{i}").status_code == 200

    for i in range(30):
        hit(i)
    clock.set(NOW)
    real_settle = attribution._settle

    def fail(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("the database went away")

    with db.session() as session:
        # 1. the store holds the set's conversions, no hit is settled yet
        monkeypatch.setattr(attribution, "_settle", fail)
        with pytest.raises(RuntimeError):
            attribute_pending(session, store)
        written = _conversion_events(store)
        assert written > 0
        hit(30)  # a hit arrives before the retry: it is not in the claimed set
        clock.set(NOW)
        # 2. the retry fails again after its first chunk of updates
        monkeypatch.setattr(attribution, "WRITE_CHUNK", 7)
        chunks = []

        def fail_after_one(session, token, hit_ids, touches, now):  # noqa: ANN001, ANN202
            chunks.append(len(hit_ids))
            real_settle(session, token, hit_ids[:7], touches, now)
            raise RuntimeError("the database went away again")

        monkeypatch.setattr(attribution, "_settle", fail_after_one)
        with pytest.raises(RuntimeError):
            attribute_pending(session, store)
        assert chunks == [30] and _conversion_events(store) == written
        # 3. the next pass settles what is left of the claimed set, then the newcomer
        monkeypatch.setattr(attribution, "_settle", real_settle)
        assert attribute_pending(session, store) == 23
        assert attribute_pending(session, store) == 1
        assert attribute_pending(session, store) == 0
        attributed = session.scalar(select(func.count()).select_from(ConversionHit)
                                    .where(ConversionHit.state == HIT_ATTRIBUTED))
        assert session.scalar(select(func.count()).select_from(ConversionHit)
                              .where(ConversionHit.state == HIT_PENDING)) == 0
        assert session.scalar(select(func.count()).select_from(ConversionHit)
                              .where(ConversionHit.claim.is_not(None))) == 0
    assert attributed >= 20 and _conversion_events(store) == attributed  # one event per attributed hit
    # a claim left on a settled hit (by hand) holds nothing up
    with db.session() as session:
        settled = session.scalars(select(ConversionHit).limit(1)).one()
        settled.claim = "1-1"
        session.commit()
        hit(31)
        clock.set(NOW)
        assert attribute_pending(session, store) == 1
        assert session.scalar(select(func.count()).select_from(ConversionHit)
                              .where(ConversionHit.claim.is_not(None))) == 0
