"""IQM's attributed conversion figures on the campaign screens (`/api/v3/cmp/io/campaigns/list`, its totals row)
and the conversion list are what the attribution credited: checked against the attribution worked out here in
plain Python from the recorded impressions, clicks and hits, on each analytics store."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pyarrow as pa

from adplane.conversions import repository as repo
from adplane.conversions.attribution import attribute_pending
from adplane.core.clock import clock
from test_conversions_api import add_pixel, attach
from test_conversions_attribution import analytics_url, setting  # noqa: F401  (a fixture, shared)
from test_events_ingest import make_campaign

NOW = datetime(2026, 3, 31, tzinfo=UTC)
USERS = [f"user-{i}" for i in range(20)]
FIELDS = ("totalAttributedConversion", "totalAttributedViewThroughConversion",
          "totalAttributedClickThroughConversion", "costPerAttributedConversion", "totalAttributedConversionRate")




@dataclass(frozen=True)
class Touch:
    time: datetime
    kind: str  # click | impression
    ow_id: int
    campaign_id: int
    creative_id: int
    user: str
    media_cost: Decimal


@dataclass(frozen=True)
class Hit:
    at: datetime
    conversion_id: int
    user: str | None


def make_touches(rng: random.Random, campaigns: list[dict], n: int) -> list[Touch]:
    touches = []
    for _ in range(n):
        c = rng.choice(campaigns)
        touches.append(Touch(NOW - timedelta(seconds=rng.randrange(0, 30 * 86400)),
                             "click" if rng.random() < 0.3 else "impression", c["ow_id"], c["campaign_id"],
                             c["creative_id"], rng.choice(USERS), Decimal(rng.randrange(1, 5000)) / 1000))
    # the same user touched at the same instant by two campaigns: the tie rule (higher campaign id) decides
    for touch in rng.sample(touches, n // 10):
        c = rng.choice(campaigns[:2])
        touches.append(Touch(touch.time, touch.kind, c["ow_id"], c["campaign_id"], c["creative_id"], touch.user,
                             Decimal("0.001")))
    return touches


def credited(hit: Hit, touches: list[Touch], links: dict[int, set[int]],
             windows: dict[int, tuple[int | None, int | None]]) -> tuple[int, str] | None:
    """The rules, written again: the newest click of an attached campaign inside the click window, else the
    newest impression inside the view window; at one instant the higher campaign, then creative, wins."""
    if not hit.user:
        return None
    view_days, click_days = windows[hit.conversion_id]
    best: tuple[bool, datetime, int, int] | None = None
    for t in touches:
        days = click_days if t.kind == "click" else view_days
        if t.user != hit.user or t.campaign_id not in links[hit.conversion_id] or days is None:
            continue
        if hit.at - timedelta(days=days) <= t.time <= hit.at:
            key = (t.kind == "click", t.time, t.campaign_id, t.creative_id)
            best = key if best is None or key > best else best
    return None if best is None else (best[2], "click" if best[0] else "view")


def ratio(numerator: Decimal | int, denominator: Decimal | int, scale: int = 1) -> float:
    return round(float(Decimal(numerator) * scale / Decimal(denominator)), 4) if denominator else 0.0


def expected_row(credits: list[tuple[datetime, int, str]], touches: list[Touch], campaign_ids: set[int],
                 start: datetime | None, end: datetime | None) -> dict:
    def inside(at: datetime) -> bool:
        return (start is None or at >= start) and (end is None or at < end)

    mine = [kind for at, cid, kind in credits if cid in campaign_ids and inside(at)]
    shown = [t for t in touches if t.campaign_id in campaign_ids and inside(t.time)]
    spend = sum((t.media_cost for t in shown), Decimal(0))
    impressions = sum(t.kind == "impression" for t in shown)
    view, click = mine.count("view"), mine.count("click")
    return {"totalAttributedConversion": view + click, "totalAttributedViewThroughConversion": view,
            "totalAttributedClickThroughConversion": click, "costPerAttributedConversion": ratio(spend, view + click),
            "totalAttributedConversionRate": ratio(view + click, impressions, 100)}


def campaigns_list(client, headers: dict, io_ids: list[int], **extra: object) -> dict:
    response = client.post("/api/v3/cmp/io/campaigns/list", headers=headers,
                           json={"ioIdsList": io_ids, "noOfEntries": 50, **extra})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_campaign_figures_are_the_attribution_exactly(client, headers, other_headers, db, tenant):
    rng = random.Random(1515)
    ow_id, other_ow = tenant["owId"], int(other_headers["X-IAA-OW-ID"])
    a, b, c = (make_campaign(db, ow_id, status="running") for _ in range(3))
    foreign = make_campaign(db, other_ow, status="running")
    hybrid = add_pixel(client, headers, name="hybrid", attributionId=1, conversionSetting=setting(6, 10))
    clicks = add_pixel(client, headers, name="clicks", attributionId=2, conversionSetting=setting(5, 7))
    views = add_pixel(client, headers, name="views", attributionId=3, conversionSetting=setting(4, 7))
    attach(db, a["campaign_id"], f"{hybrid['id']},{clicks['id']},{views['id']}")
    attach(db, b["campaign_id"], f"{hybrid['id']},{views['id']}")  # c has none
    attach(db, foreign["campaign_id"], str(hybrid["id"]))  # another organization's campaign names ours: no credit
    links = {hybrid["id"]: {a["campaign_id"], b["campaign_id"]}, clicks["id"]: {a["campaign_id"]},
             views["id"]: {a["campaign_id"], b["campaign_id"]}}
    windows = {hybrid["id"]: (6, 10), clicks["id"]: (None, 7), views["id"]: (4, None)}
    touches = make_touches(rng, [a, b, c, foreign], 700)
    store = client.app.state.analytics
    store.append_events(pa.Table.from_pylist([
        {"event_time": t.time, "event_type": t.kind, "ow_id": t.ow_id, "io_id": cm["io_id"],
         "campaign_id": t.campaign_id, "creative_id": t.creative_id, "creative_type_id": 11, "user_id": t.user,
         "media_cost": t.media_cost}
        for t in touches for cm in [next(x for x in (a, b, c, foreign) if x["campaign_id"] == t.campaign_id)]]),
        batch_id="touches")
    hits = []
    for i in range(160):
        hit = Hit(NOW - timedelta(seconds=rng.randrange(0, 20 * 86400)), rng.choice([hybrid, clicks, views])["id"],
                  rng.choice(USERS) if i % 8 else None)
        hits.append(hit)
        clock.set(hit.at)
        uuid = next(x for x in (hybrid, clicks, views) if x["id"] == hit.conversion_id)["uuid"]
        assert client.get(f"/i/pixel/{uuid}?uid={hit.user or ''}&tid=t{i}").status_code == 200
    clock.set(NOW)
    with db.session() as session:
        assert attribute_pending(session, store) == len(hits)
    credits = [(h.at, *won) for h in hits if (won := credited(h, touches, links, windows)) is not None]
    assert {kind for _, _, kind in credits} == {"view", "click"} and len(credits) > 40
    assert {cid for _, cid, _ in credits} == {a["campaign_id"], b["campaign_id"]}

    io_ids = [a["io_id"], b["io_id"], c["io_id"]]
    start, end = NOW - timedelta(days=12, hours=5), NOW - timedelta(days=2, seconds=17)
    for window, extra in (((None, None), {}),
                          ((start, end), {"startDate": int(start.timestamp() * 1000),
                                          "endDate": int(end.timestamp() * 1000)})):
        data = campaigns_list(client, headers, io_ids, **extra)
        rows = {r["campaignId"]: r for r in data["recordsList"]}
        assert set(rows) == {a["campaign_id"], b["campaign_id"], c["campaign_id"]}
        for campaign in (a, b, c):
            want = expected_row(credits, touches, {campaign["campaign_id"]}, *window)
            assert {k: rows[campaign["campaign_id"]][k] for k in FIELDS} == want, (campaign, window)
        # the totals row: sums of the counts, cost and rate from the sums
        want = expected_row(credits, touches, {a["campaign_id"], b["campaign_id"], c["campaign_id"]}, *window)
        assert {k: data["recordsTotal"][k] for k in FIELDS} == want
        assert want["totalAttributedViewThroughConversion"] > 0 and want["totalAttributedClickThroughConversion"] > 0
    # the figures sort like the other metrics
    ordered = campaigns_list(client, headers, io_ids, sortBy="-totalAttributedClickThroughConversion")["recordsList"]
    keys = [(r["totalAttributedClickThroughConversion"], r["campaignId"]) for r in ordered]
    assert [k[0] for k in keys] == sorted((k[0] for k in keys), reverse=True)

    # the conversion list splits each conversion's attributed hits the same way
    listed = {r["id"]: r for r in client.get("/api/v3/conversion/list", headers=headers).json()["data"]["data"]}
    for conversion in (hybrid, clicks, views):
        won = [credited(h, touches, links, windows) for h in hits if h.conversion_id == conversion["id"]]
        kinds = [w[1] for w in won if w is not None]
        row = listed[conversion["id"]]
        assert (row["attributedConversion"], row["attributedViewThroughConversion"],
                row["attributedClickThroughConversion"]) == (len(kinds), kinds.count("view"), kinds.count("click"))
        assert row["totalConversion"] == len(won)

    # isolation: another organization sees none of our campaigns, and its own campaign got no credit from our hits
    assert campaigns_list(client, other_headers, io_ids)["recordsList"] == []
    theirs = campaigns_list(client, other_headers, [foreign["io_id"]])
    assert [r["campaignId"] for r in theirs["recordsList"]] == [foreign["campaign_id"]]
    assert theirs["recordsList"][0]["totalAttributedConversion"] == 0
    assert theirs["recordsList"][0]["impressions"] > 0
    assert theirs["recordsTotal"]["totalAttributedConversion"] == 0


def test_hits_count_only_for_their_own_organization(client, headers, db, tenant):
    """The claims are read by (campaign, owner): a campaign id asked for under another owner counts nothing."""
    a = make_campaign(db, tenant["owId"], status="running")
    pixel = add_pixel(client, headers, name="p", attributionId=1, conversionSetting=setting(10, 10))
    attach(db, a["campaign_id"], str(pixel["id"]))
    store = client.app.state.analytics
    store.append_events(pa.Table.from_pylist([
        {"event_time": NOW - timedelta(hours=2), "event_type": "click", "ow_id": a["ow_id"], "io_id": a["io_id"],
         "campaign_id": a["campaign_id"], "creative_id": a["creative_id"], "creative_type_id": 11, "user_id": "u"}]),
        batch_id="one-click")
    clock.set(NOW)
    assert client.get(f"/i/pixel/{pixel['uuid']}?uid=u&tid=1").status_code == 200
    with db.session() as session:
        assert attribute_pending(session, store) == 1
        assert repo.attributed_by_campaign(session, {a["campaign_id"]: a["ow_id"]}, None, None) == {
            a["campaign_id"]: (0, 1)}
        assert repo.attributed_by_campaign(session, {a["campaign_id"]: a["ow_id"] + 1}, None, None) == {}
        assert repo.attributed_by_campaign(session, {a["campaign_id"]: a["ow_id"]}, NOW, None) == {
            a["campaign_id"]: (0, 1)}  # the conversion time is NOW: inside [NOW, ...)
        assert repo.attributed_by_campaign(session, {a["campaign_id"]: a["ow_id"]}, None, NOW) == {}
    row = campaigns_list(client, headers, [a["io_id"]])["recordsList"][0]
    assert {k: row[k] for k in FIELDS} == {
        "totalAttributedConversion": 1, "totalAttributedViewThroughConversion": 0,
        "totalAttributedClickThroughConversion": 1, "costPerAttributedConversion": 0.0,
        "totalAttributedConversionRate": 0.0}
