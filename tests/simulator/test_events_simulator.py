"""The delivery simulator: budgets, max bid, pacing, targeting, determinism, counters."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from adplane.analytics.counters import delivery_by_campaign
from adplane.analytics.rollups import ROLLUPS
from adplane.master import catalog
from adplane.simulator.simulation import local_day_bounds, simulate_period, simulate_window
from test_events_ingest import make_campaign

START = datetime(2026, 3, 1, 5, tzinfo=UTC)  # midnight US/Eastern
END = datetime(2026, 3, 11, 4, tzinfo=UTC)


def daily_spend(store, campaign_id, tz_id=29):
    tz = catalog.zoneinfo_for(tz_id)
    rows = {}
    for offset in range(12):
        day = date(2026, 2, 28) + timedelta(days=offset)
        lo, hi = local_day_bounds(tz, day)
        rows[day] = store.query("SELECT coalesce(sum(media_cost + data_cost + platform_margin), 0) FROM events "
                                "WHERE campaign_id = ? AND event_time >= ? AND event_time < ?",
                                [campaign_id, lo, hi])[0][0]
    return rows


def test_budgets_max_bid_and_counters(db, tenant, store):
    ow = tenant["owId"]
    capped_daily = make_campaign(db, ow, start=START, end=END, budget_day=Decimal("3"), budget_total=Decimal("1000"),
                                 max_bid=Decimal("4.50"))
    capped_total = make_campaign(db, ow, start=START, end=END, budget_day=Decimal("5"), budget_total=Decimal("12"),
                                 max_bid=Decimal("6"), creative_type_id=14)
    paced = make_campaign(db, ow, start=START, end=END, budget_day=None, budget_total=Decimal("20"),
                          total_budget_pacing=True, max_bid=Decimal("3"), state_ids=[30200005, 30200044],
                          device_type_ids=[13])
    with db.session() as session:
        summary = simulate_period(session, store, date(2026, 3, 1), date(2026, 3, 12), seed=7)
    assert summary.events > 1000 and summary.duplicate_batches == 0

    for c, day_budget in ((capped_daily, Decimal("3")), (capped_total, Decimal("5"))):
        spends = daily_spend(store, c["campaign_id"])
        assert max(spends.values()) <= day_budget
        assert sum(spends.values()) > 0
    totals = delivery_by_campaign(store, [c["campaign_id"] for c in (capped_daily, capped_total, paced)])
    assert totals[capped_total["campaign_id"]].spend <= Decimal("12")
    assert totals[capped_total["campaign_id"]].spend > Decimal("11")  # reached: then it stops
    assert totals[paced["campaign_id"]].spend <= Decimal("20")
    # paced: spread evenly, no day above the even share of what was left
    paced_days = [v for v in daily_spend(store, paced["campaign_id"]).values() if v > 0]
    assert len(paced_days) == 10 and max(paced_days) <= Decimal("20") / 10 + Decimal("0.3")

    # never above maxBid, never outside flight, targeting respected
    over = store.query("SELECT count(*) FROM events e WHERE event_type = 'impression' AND "
                       "((campaign_id = ? AND media_cost * 1000 >= 4.5) OR (campaign_id = ? AND media_cost * 1000 >= 6)"
                       " OR (campaign_id = ? AND media_cost * 1000 >= 3) OR bid_price > 6)",
                       [capped_daily["campaign_id"], capped_total["campaign_id"], paced["campaign_id"]])
    assert over == [(0,)]
    assert store.query("SELECT count(*) FROM events WHERE event_time < ? OR event_time >= ?", [START, END]) == [(0,)]
    assert store.query("SELECT DISTINCT state_id FROM events WHERE campaign_id = ? ORDER BY 1",
                       [paced["campaign_id"]]) == [(30200005,), (30200044,)]
    assert store.query("SELECT DISTINCT device_type_id FROM events WHERE campaign_id = ?",
                       [paced["campaign_id"]]) == [(13,)]
    # video campaign has completes, plausible rate; clicks plausible
    video = totals[capped_total["campaign_id"]]
    assert 0.5 < video.video_completes / video.impressions < 0.9
    assert 0 < video.clicks < video.impressions * 0.02

    # counters equal raw sums
    for c in (capped_daily, capped_total, paced):
        raw = store.query("SELECT count(*) FILTER (WHERE event_type = 'impression'), sum(media_cost + data_cost + "
                          "platform_margin) FROM events WHERE campaign_id = ?", [c["campaign_id"]])[0]
        got = totals[c["campaign_id"]]
        assert (got.impressions, got.spend) == (raw[0], Decimal(raw[1]))

    # every rollup agrees with the raw events (secondary rollups are rebuilt at the end of the run)
    raw_totals = store.query("SELECT count(*), sum(media_cost) FROM events")[0]
    for rollup in ROLLUPS:
        if rollup.where is None:
            assert store.query(f"SELECT sum(events), sum(media_cost) FROM {rollup.table}")[0] == raw_totals
    # running totals are built at the end of the run: the last checkpoint holds everything before it
    valid = store.running_state()["running_geo_device"].valid_through
    (latest,) = store.query("SELECT max(event_time) FROM events")[0]
    assert valid == latest.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    assert store.query("SELECT sum(events), sum(media_cost) FROM running_geo_device WHERE period_start = ?",
                       [valid]) == store.query("SELECT count(*), sum(media_cost) FROM events WHERE event_time < ?",
                                               [valid])

    # the spent campaign expired
    assert capped_total["campaign_id"] in summary.expired


def test_same_seed_same_data_and_reruns_store_nothing(db, tenant, store, settings):
    make_campaign(db, tenant["owId"], start=START, end=END, max_bid=Decimal("5"))
    with db.session() as session:
        first = simulate_period(session, store, date(2026, 3, 2), date(2026, 3, 3), seed=3)
        again = simulate_period(session, store, date(2026, 3, 2), date(2026, 3, 3), seed=3)
    assert first.events > 0 and again.events == 0 and again.duplicate_batches == first.batches
    fingerprint = store.query("SELECT count(*), sum(media_cost), min(event_time), max(event_time), "
                              "count(DISTINCT user_id) FROM events")
    store.reset()
    with db.session() as session:
        simulate_period(session, store, date(2026, 3, 2), date(2026, 3, 3), seed=3)
    assert store.query("SELECT count(*), sum(media_cost), min(event_time), max(event_time), "
                       "count(DISTINCT user_id) FROM events") == fingerprint


def test_real_time_windows_respect_the_daily_budget(db, tenant, store):
    c = make_campaign(db, tenant["owId"], start=START, end=END, budget_day=Decimal("2"), max_bid=Decimal("5"))
    day_start = datetime(2026, 3, 3, 5, tzinfo=UTC)
    with db.session() as session:
        for tick in range(48):  # half-hour ticks over a day
            lo = day_start + timedelta(minutes=30 * tick)
            simulate_window(session, store, lo, lo + timedelta(minutes=30), seed=1)
    spend = delivery_by_campaign(store, [c["campaign_id"]], start=day_start,
                                 end=day_start + timedelta(days=1))[c["campaign_id"]].spend
    assert Decimal("1") < spend <= Decimal("2")
    hourly = store.query("SELECT extract(hour FROM period_start), sum(impressions) FROM rollup_campaign_hourly "
                         "GROUP BY 1 ORDER BY 2")
    assert hourly[0][0] in (6, 7, 8, 9, 10, 11)  # quietest hours are the local night (01-05 Eastern)


def test_campaign_api_counters_equal_sums_over_raw_events(client, db, tenant, headers, other_headers, store):
    from decimal import ROUND_HALF_UP

    c = make_campaign(db, tenant["owId"], start=START, end=END, budget_day=Decimal("4"), max_bid=Decimal("5"))
    with db.session() as session:
        simulate_period(session, client.app.state.analytics, date(2026, 3, 2), date(2026, 3, 4), seed=11)
    analytics = client.app.state.analytics
    raw_spend = analytics.query("SELECT sum(media_cost + data_cost + platform_margin) FROM events "
                                "WHERE campaign_id = ?", [c["campaign_id"]])[0][0]
    assert raw_spend > 0
    response = client.get(f"/api/v2/cmp/campaign/{c['campaign_id']}", params={"isSpentRequired": "true"},
                          headers=headers)
    assert response.status_code == 200, response.text
    spent = Decimal(str(response.json()["responseObject"]["spent"]))
    assert spent == Decimal(raw_spend).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    assert client.get(f"/api/v2/cmp/campaign/{c['campaign_id']}", headers=other_headers).status_code == 404


def test_healthcare_impressions_carry_the_campaigns_npis(db, tenant, store):
    from adplane.healthcare.audiences import set_campaign_npis
    from adplane.healthcare.npi import make_npi

    c = make_campaign(db, tenant["owId"], start=START, end=END, budget_day=Decimal("3"))
    plain = make_campaign(db, tenant["owId"], start=START, end=END, budget_day=Decimal("3"))
    npis = [make_npi(serial) for serial in range(100, 130)]
    with db.session() as session:
        set_campaign_npis(session, tenant["owId"], c["campaign_id"], npis)
        session.commit()
        simulate_period(session, store, date(2026, 3, 2), date(2026, 3, 2), seed=2)
    seen = {row[0] for row in store.query("SELECT DISTINCT npi FROM events WHERE campaign_id = ? "
                                          "AND event_type = 'impression'", [c["campaign_id"]])}
    assert seen and seen <= set(npis)
    assert store.query("SELECT count(*) FROM events WHERE campaign_id = ? AND npi IS NOT NULL",
                       [plain["campaign_id"]]) == [(0,)]
    # healthcare audiences cost data: a higher data CPM than plain targeting
    data_cpm = dict(store.query("SELECT campaign_id, sum(data_cost) * 1000 / count(*) FROM events "
                                "WHERE event_type = 'impression' GROUP BY campaign_id"))
    assert data_cpm[c["campaign_id"]] > data_cpm[plain["campaign_id"]]


def test_serve_simulate_ticks_deliver_in_real_time(client, db, tenant, store):
    from adplane.core.clock import clock
    from adplane.simulator.realtime import RealtimeSimulator

    c = make_campaign(db, tenant["owId"], start=START, end=END, budget_day=Decimal("3"))
    clock.set(datetime(2026, 3, 4, 17, tzinfo=UTC))
    simulator = RealtimeSimulator(client.app, interval_seconds=3600)
    simulator._last = datetime(2026, 3, 4, 15, tzinfo=UTC)
    simulator.tick()
    rows = client.app.state.analytics.query(
        "SELECT count(*), min(event_time), max(event_time) FROM events WHERE campaign_id = ?", [c["campaign_id"]])
    count, first, last = rows[0]
    assert count > 0
    assert first >= datetime(2026, 3, 4, 15, tzinfo=UTC) and last < datetime(2026, 3, 4, 17, tzinfo=UTC)
    clock.advance(timedelta(hours=1))
    simulator.tick()
    assert client.app.state.analytics.query("SELECT max(event_time) FROM events")[0][0] >= datetime(
        2026, 3, 4, 17, tzinfo=UTC)
