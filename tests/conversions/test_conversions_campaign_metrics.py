"""IQM's attributed conversion figures on the campaign screens (`/api/v3/cmp/io/campaigns/list`, its totals row)
and the conversion list are what the attribution credited: checked against the attribution worked out here in
plain Python from the recorded impressions, clicks and hits, on each analytics store."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pyarrow as pa

from adplane.conversions import repository as repo
from adplane.conversions.attribution import attribute_pending
from adplane.core.clock import clock
from test_conversions_api import add_pixel, attach
from test_conversions_attribution import analytics_url, setting  # noqa: F401  (a fixture, shared)
from test_conversions_report_metrics import NOW, Touch, attributed, credited  # noqa: F401  (a fixture)
from test_events_ingest import make_campaign

FIELDS = ("totalAttributedConversion", "totalAttributedViewThroughConversion",
          "totalAttributedClickThroughConversion", "costPerAttributedConversion", "totalAttributedConversionRate")


def ratio(numerator: Decimal | int, denominator: Decimal | int, scale: int = 1) -> float:
    """The campaign rows' ratios: rounded to 4 decimals like the rows' other ratios."""
    return round(float(Decimal(numerator) * scale / Decimal(denominator)), 4) if denominator else 0.0


def kind_of(touch: Touch) -> str:
    return "click" if touch.kind == "click" else "view"


def expected_row(credits: list[tuple[datetime, Touch]], touches: list[Touch], campaign_ids: set[int],
                 start: datetime | None, end: datetime | None) -> dict:
    def inside(at: datetime) -> bool:
        return (start is None or at >= start) and (end is None or at < end)

    mine = [kind_of(t) for at, t in credits if t.campaign["campaign_id"] in campaign_ids and inside(at)]
    shown = [t for t in touches if t.campaign["campaign_id"] in campaign_ids and inside(t.time)]
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


def test_campaign_figures_are_the_attribution_exactly(client, headers, other_headers, attributed):  # noqa: F811
    """The scenario of the report test (`attributed`): three campaigns of ours and another organization's, 160
    pixel hits of a hybrid, a click based and a view based conversion, settled by the attribution."""
    a, b, c = attributed["campaigns"]
    foreign, touches, credits = attributed["foreign"], attributed["touches"], attributed["credits"]
    hits, links, windows = attributed["hits"], attributed["links"], attributed["windows"]
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
    for conversion in attributed["conversions"]:
        won = [credited(h, touches, links, windows) for h in hits if h.conversion_id == conversion["id"]]
        kinds = [kind_of(w) for w in won if w is not None]
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
