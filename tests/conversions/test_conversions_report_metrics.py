"""IQM's attributed conversion figures in the report API (`totalAttributedConversion`, its view-through and
click-through parts, `costPerAttributedConversion`, `totalAttributedConversionRate`) are what the attribution
credited, by every dimension: reports by campaign, by day, by exchange and by device type are checked against the
attribution worked out here in plain Python from the recorded impressions, clicks and hits, on each analytics
store (DuckDB with SQLite, PostgreSQL with PostgreSQL, ClickHouse through chDB)."""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest

from adplane.conversions.attribution import attribute_pending
from adplane.core.clock import clock
from test_conversions_api import add_pixel, attach
from test_conversions_attribution import analytics_url, setting  # noqa: F401  (a fixture, shared)
from test_events_ingest import make_campaign
from test_reports_data import EASTERN, EASTERN_ID

NOW = datetime(2026, 3, 31, tzinfo=UTC)
USERS = [f"user-{i}" for i in range(20)]
ATTRIBUTED = ("totalAttributedConversion", "totalAttributedViewThroughConversion",
              "totalAttributedClickThroughConversion", "costPerAttributedConversion", "totalAttributedConversionRate")
COLUMNS = ["impressions", "clicks", "conversions", "spent", *ATTRIBUTED]


@dataclass(frozen=True)
class Touch:
    time: datetime
    kind: str  # click | impression
    campaign: dict
    creative_id: int
    user: str
    media_cost: Decimal
    exchange_id: int
    device_type_id: int

    def row(self) -> dict:
        c = self.campaign
        return {"event_time": self.time, "event_type": self.kind, "ow_id": c["ow_id"], "io_id": c["io_id"],
                "campaign_id": c["campaign_id"], "creative_id": self.creative_id, "creative_type_id": 11,
                "user_id": self.user, "media_cost": self.media_cost, "exchange_id": self.exchange_id,
                "device_type_id": self.device_type_id}


@dataclass(frozen=True)
class Hit:
    at: datetime
    conversion_id: int
    user: str | None


def make_touches(rng: random.Random, campaigns: list[dict], n: int) -> list[Touch]:
    """`n` touches at distinct instants, then a tenth of them again at the same instant for the same user on
    another campaign (of the first two) with other dimensions: the tie rule decides which one's dimensions the
    conversion takes."""
    seconds = rng.sample(range(0, 30 * 86400), n)
    touches = [Touch(NOW - timedelta(seconds=s), "click" if rng.random() < 0.3 else "impression", c,
                     c["creative_id"], rng.choice(USERS), Decimal(rng.randrange(1, 5000)) / 1000,
                     rng.randrange(1, 5), rng.randrange(1, 4))
               for s in seconds for c in [rng.choice(campaigns)]]
    for touch in rng.sample(touches, n // 10):
        c = rng.choice([x for x in campaigns[:2] if x["campaign_id"] != touch.campaign["campaign_id"]])
        touches.append(Touch(touch.time, touch.kind, c, c["creative_id"], touch.user, Decimal("0.001"),
                             touch.exchange_id % 4 + 1, touch.device_type_id % 3 + 1))
    return touches


def credited(hit: Hit, touches: list[Touch], links: dict[int, set[int]],
             windows: dict[int, tuple[int | None, int | None]]) -> Touch | None:
    """The rules, written again: the newest click of an attached campaign inside the click window, else the
    newest impression inside the view window; at one instant the higher campaign, then creative, wins."""
    if not hit.user:
        return None
    view_days, click_days = windows[hit.conversion_id]
    best: tuple[tuple[bool, datetime, int, int], Touch] | None = None
    for t in touches:
        days = click_days if t.kind == "click" else view_days
        if t.user != hit.user or t.campaign["campaign_id"] not in links[hit.conversion_id] or days is None:
            continue
        if hit.at - timedelta(days=days) <= t.time <= hit.at:
            key = (t.kind == "click", t.time, t.campaign["campaign_id"], t.creative_id)
            best = (key, t) if best is None or key > best[0] else best
    return None if best is None else best[1]


def local_day(instant: datetime) -> str:
    return instant.astimezone(EASTERN).date().isoformat()


def ratio(numerator: Decimal | int, denominator: Decimal | int, scale: int = 1) -> float:
    return float(Decimal(numerator) * scale / Decimal(denominator)) if denominator else 0.0


def expected_groups(touches: list[Touch], credits: list[tuple[datetime, Touch]], ow_id: int,
                    key: Callable[[datetime, Touch], Any], first: date, last: date) -> dict[Any, dict]:
    """Per group of the organization's events whose local day is in [first, last]: the report's columns."""
    sums: dict[Any, dict[str, Any]] = {}

    def group(at: datetime, touch: Touch) -> dict[str, Any] | None:
        if touch.campaign["ow_id"] != ow_id or not first.isoformat() <= local_day(at) <= last.isoformat():
            return None
        return sums.setdefault(key(at, touch), {"impressions": 0, "clicks": 0, "spent": Decimal(0), "view": 0,
                                                "click": 0})

    for t in touches:
        if (g := group(t.time, t)) is not None:
            g["impressions" if t.kind == "impression" else "clicks"] += 1
            g["spent"] += t.media_cost
    for at, touch in credits:  # the conversion takes the touch's dimensions and the hit's time
        if (g := group(at, touch)) is not None:
            g["click" if touch.kind == "click" else "view"] += 1
    return {k: columns(g) for k, g in sums.items()}


def columns(g: dict[str, Any]) -> dict[str, Any]:
    attributed = g["view"] + g["click"]
    return {"impressions": g["impressions"], "clicks": g["clicks"], "conversions": attributed,
            "spent": float(g["spent"]), "totalAttributedConversion": attributed,
            "totalAttributedViewThroughConversion": g["view"], "totalAttributedClickThroughConversion": g["click"],
            "costPerAttributedConversion": ratio(g["spent"], attributed),
            "totalAttributedConversionRate": ratio(attributed, g["impressions"], 100)}


def total_of(groups: dict[Any, dict]) -> dict[str, Any]:
    g = {"impressions": sum(r["impressions"] for r in groups.values()),
         "clicks": sum(r["clicks"] for r in groups.values()),
         "spent": sum((Decimal(str(r["spent"])) for r in groups.values()), Decimal(0)),
         "view": sum(r["totalAttributedViewThroughConversion"] for r in groups.values()),
         "click": sum(r["totalAttributedClickThroughConversion"] for r in groups.values())}
    return columns(g)


def assert_columns(actual: dict[str, Any], expected: dict[str, Any], where: Any) -> None:
    for name in COLUMNS:
        if isinstance(expected[name], float):
            assert actual[name] == pytest.approx(expected[name], rel=1e-9, abs=1e-12), (where, name)
        else:
            assert actual[name] == expected[name], (where, name)


def ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


def report(client, headers: dict, dimensions: list[str], first: date, last: date, *, daily: bool,
           **extra: Any) -> dict:
    """Execute a report of local days first..last (US/Eastern) with the attributed columns."""
    start = datetime(first.year, first.month, first.day, 9, tzinfo=EASTERN)
    end = datetime(last.year, last.month, last.day, 15, tzinfo=EASTERN)
    body = {"reportName": "attributed", "startDate": ms(start), "endDate": ms(end), "timezoneId": EASTERN_ID,
            "dimensions": json.dumps([{"filter": d} for d in dimensions]), "requestType": 1 if daily else 2,
            "columns": COLUMNS, "noOfEntries": 1000, **extra}
    response = client.post("/api/v3/ra/report/execute", headers=headers, json=body)
    assert response.status_code == 200, response.text
    return response.json()["data"]


@pytest.fixture
def attributed(client, headers, other_headers, db, tenant) -> dict[str, Any]:
    """Three campaigns of ours and another organization's with impressions and clicks (with spend) over 30 days,
    160 pixel hits of a hybrid, a click based and a view based conversion, settled by the attribution; with the
    credits worked out again here."""
    rng = random.Random(1516)
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
    store.append_events(pa.Table.from_pylist([t.row() for t in touches]), batch_id="touches")
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
    credits = [(h.at, won) for h in hits if (won := credited(h, touches, links, windows)) is not None]
    assert {t.kind for _, t in credits} == {"impression", "click"} and len(credits) > 40
    assert {t.campaign["campaign_id"] for _, t in credits} == {a["campaign_id"], b["campaign_id"]}
    return {"touches": touches, "credits": credits, "ow_id": ow_id, "campaigns": (a, b, c), "foreign": foreign,
            "hits": hits, "links": links, "windows": windows, "conversions": (hybrid, clicks, views)}


def check(data: dict, expected: dict[Any, dict], key: Callable[[dict], Any]) -> None:
    rows = {key(r): r for r in data["data"]}
    assert len(rows) == len(data["data"]) == data["totalRecords"]
    assert set(rows) == set(expected)
    for k, want in expected.items():
        assert_columns(rows[k], want, k)
    assert_columns(data["total"], total_of(expected), "total")


def test_report_figures_are_the_attribution_by_every_dimension(client, headers, other_headers, attributed):
    touches, credits, ow_id = attributed["touches"], attributed["credits"], attributed["ow_id"]
    first, last = (NOW - timedelta(days=24)).date(), (NOW - timedelta(days=1)).date()

    def groups(key: Callable[[datetime, Touch], Any]) -> dict[Any, dict]:
        return expected_groups(touches, credits, ow_id, key, first, last)

    by_campaign = groups(lambda at, t: t.campaign["campaign_id"])
    assert all(by_campaign[c["campaign_id"]]["totalAttributedViewThroughConversion"] > 0 and
               by_campaign[c["campaign_id"]]["totalAttributedClickThroughConversion"] > 0
               for c in attributed["campaigns"][:2])
    assert by_campaign[attributed["campaigns"][2]["campaign_id"]]["totalAttributedConversion"] == 0
    check(report(client, headers, ["campaign"], first, last, daily=False), by_campaign, lambda r: r["campaignId"])
    check(report(client, headers, ["campaign"], first, last, daily=True),
          groups(lambda at, t: (local_day(at), t.campaign["campaign_id"])), lambda r: (r["date"], r["campaignId"]))
    check(report(client, headers, ["exchange"], first, last, daily=False),
          groups(lambda at, t: t.exchange_id), lambda r: r["exchangeId"])
    check(report(client, headers, ["deviceType"], first, last, daily=True),
          groups(lambda at, t: (local_day(at), t.device_type_id)), lambda r: (r["date"], r["deviceTypeId"]))
    check(report(client, headers, ["campaign", "exchange"], first, last, daily=False),
          groups(lambda at, t: (t.campaign["campaign_id"], t.exchange_id)),
          lambda r: (r["campaignId"], r["exchangeId"]))
    # a shorter period whose edges fall inside the data
    short = (NOW - timedelta(days=9)).date(), (NOW - timedelta(days=4)).date()
    check(report(client, headers, ["exchange"], *short, daily=False),
          expected_groups(touches, credits, ow_id, lambda at, t: t.exchange_id, *short), lambda r: r["exchangeId"])

    # sorted by an attributed figure (its SQL spec: spent over the sum of views and clicks)
    for sort in ("-costPerAttributedConversion", "+totalAttributedConversionRate", "-totalAttributedConversion"):
        rows = report(client, headers, ["exchange"], first, last, daily=False, sortBy=sort)["data"]
        values = [r[sort[1:]] for r in rows]
        assert values == sorted(values, reverse=sort[0] == "-"), sort

    # the other organization: its own delivery, never our credits (its campaign named our conversion)
    theirs = report(client, other_headers, ["exchange"], first, last, daily=False)
    assert theirs["totalRecords"] > 0 and theirs["total"]["impressions"] > 0
    assert all(r[k] == 0 for r in [*theirs["data"], theirs["total"]] for k in ATTRIBUTED)


def test_catalogue_and_downloads_carry_the_attributed_metrics(client, headers, attributed):
    catalogue = client.get("/api/v3/ra/report/dimension-metrics/detail", headers=headers).json()["data"]
    groups = {name: entries for group in catalogue["metrics"] for name, entries in group.items()}
    listed = {m["key"]: m for m in groups["Conversion"]}
    assert list(listed) == list(ATTRIBUTED)
    assert [listed[k]["label"] for k in ATTRIBUTED] == [
        "Total Attributed Conversions", "Total Attributed View-Through Conversions",
        "Total Attributed Click-Through Conversions", "Cost Per Attributed Conversions", "Attributed Conversion Rate"]
    assert [listed[k]["fieldDataType"] for k in ATTRIBUTED] == [
        "integer", "integer", "integer", "currencyUSD", "percentage"]
    assert [listed[k]["aggregationType"] for k in ATTRIBUTED] == ["sum", "sum", "sum", "derived", "derived"]
    assert all(listed[k]["dependentDimensions"] is None for k in ATTRIBUTED)

    first, last = (NOW - timedelta(days=24)).date(), (NOW - timedelta(days=1)).date()
    body = {"reportName": "attributed by exchange", "timezoneId": EASTERN_ID, "requestType": 2,
            "startDate": ms(datetime(first.year, first.month, first.day, 9, tzinfo=EASTERN)),
            "endDate": ms(datetime(last.year, last.month, last.day, 15, tzinfo=EASTERN)),
            "dimensions": json.dumps([{"filter": "exchange"}]), "columns": ["exchangeId", *ATTRIBUTED]}
    executed = client.post("/api/v3/ra/report/execute", headers=headers,
                           json={**body, "noOfEntries": 100}).json()["data"]
    added = client.post("/api/v3/ra/report/add", headers=headers, json=body)
    assert added.status_code == 200, added.text
    url = client.post("/api/v3/ra/report/download", headers=headers,
                      json={"id": added.json()["data"], "fileType": 1}).json()["data"]["url"]
    fetched = client.get("/" + url.split("://", 1)[1].split("/", 1)[1])
    assert fetched.status_code == 200
    lines = list(csv.reader(io.StringIO(fetched.text)))
    assert lines[0][-5:] == ["Total Attributed Conversions", "Total Attributed View-Through Conversions",
                             "Total Attributed Click-Through Conversions", "Cost Per Attributed Conversions",
                             "Attributed Conversion Rate"]
    assert len(lines) == executed["totalRecords"] + 2 and lines[-1][0] == "Total"
    counts = [int(line[-5]) for line in lines[1:-1]]
    assert sorted(counts) == sorted(r["totalAttributedConversion"] for r in executed["data"])
    assert int(lines[-1][-5]) == executed["total"]["totalAttributedConversion"] > 0
    assert int(lines[-1][-4]) + int(lines[-1][-3]) == int(lines[-1][-5])


def test_a_store_without_attribution_reports_zeros(client, headers, db, tenant):
    campaign = make_campaign(db, tenant["owId"], status="running")
    day = NOW - timedelta(days=3)
    client.app.state.analytics.append_events(pa.Table.from_pylist([
        {"event_time": day + timedelta(minutes=11 * i), "event_type": "impression" if i % 5 else "click",
         "ow_id": campaign["ow_id"], "io_id": campaign["io_id"], "campaign_id": campaign["campaign_id"],
         "creative_id": campaign["creative_id"], "creative_type_id": 11, "exchange_id": 2,
         "media_cost": Decimal("0.003")} for i in range(50)]), batch_id="no-attribution")
    for dimensions, daily in ((["campaign"], True), (["exchange"], False)):
        data = report(client, headers, dimensions, (day - timedelta(days=1)).date(), day.date() + timedelta(days=1),
                      daily=daily, sortBy="-costPerAttributedConversion")
        assert data["totalRecords"] >= 1 and data["total"]["impressions"] == 40
        for row in [*data["data"], data["total"]]:
            assert [row[k] for k in ATTRIBUTED] == [0, 0, 0, 0, 0]
