"""adplane's ledger list (`GET /api/v3/fa/ledger/list`): every change to the organization's funds (a top-up, a
payment, delivery charged by the spend posting, an insight charge) listed with its sign, adding up to the balance;
paging, sorting, kinds and dates; bad input as 422s naming the field; only the caller's organization."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest

from adplane.analytics.schema import arrow_schema
from adplane.auth.models import Organization
from adplane.auth.organizations import change_funds
from adplane.core.clock import clock
from adplane.finance.spend import post_spend
from conftest import login
from test_events_ingest import make_campaign

LEDGER = "/api/v3/fa/ledger/list"
TOP_UP_AT = datetime(2026, 3, 2, 10, tzinfo=UTC)
PAID_AT = datetime(2026, 3, 3, 10, tzinfo=UTC)
DELIVERED_AT = datetime(2026, 3, 3, 14, tzinfo=UTC)
POSTED_AT = datetime(2026, 3, 4, 10, tzinfo=UTC)
INSIGHT_AT = datetime(2026, 3, 5, 10, tzinfo=UTC)


def ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


def impressions(campaign: dict[str, Any], n: int) -> pa.Table:
    """n impressions of the campaign, each $0.50 media, $0.10 data, $0.05 platform fee."""
    rows = [{"event_time": DELIVERED_AT, "event_type": "impression", "ow_id": campaign["ow_id"],
             "io_id": campaign["io_id"], "campaign_id": campaign["campaign_id"],
             "creative_id": campaign["creative_id"], "creative_type_id": campaign["creative_type_id"],
             "media_cost": Decimal("0.5"), "data_cost": Decimal("0.1"), "platform_margin": Decimal("0.05")}
            for _ in range(n)]
    return pa.Table.from_pylist(rows, schema=arrow_schema())


@pytest.fixture
def history(client, db, tenant, headers, store) -> dict[str, Any]:  # noqa: ANN001
    """A top-up, a PayPal payment through the API, three days of nothing, then delivery posted by the spend job
    (media, data, platform fee) and a PLD report's charge."""
    ow = tenant["owId"]
    campaign = make_campaign(db, ow)
    clock.set(TOP_UP_AT)
    with db.session() as session:
        change_funds(session, ow, Decimal("500"), "top_up", "admin add-funds")
        session.commit()
    clock.set(PAID_AT)
    paid = client.post("/api/v3/fa/payment/add-fund", headers=headers,
                       data={"paymentAmount": "250", "paymentDate": "2026-03-03", "paymentMode": "1"})
    assert paid.json() == {"success": True, "data": "Payment Successful."}
    store.append_events(impressions(campaign, 3))
    clock.set(POSTED_AT)
    with db.session() as session:
        assert post_spend(session, store).entries == 3
    clock.set(INSIGHT_AT)
    with db.session() as session:
        change_funds(session, ow, Decimal("-12.5"), "insight_charge", "pld:7")
        session.commit()
    return {"ow": ow, "campaign": campaign}


def listed(client, headers, **params: Any) -> dict[str, Any]:  # noqa: ANN001
    response = client.get(LEDGER, headers=headers, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    return body["data"]


def balance(db, ow_id: int) -> Decimal:  # noqa: ANN001
    with db.session() as session:
        return Decimal(session.get(Organization, ow_id).funds_balance)


def test_every_change_is_listed_with_its_sign_and_adds_up_to_the_balance(client, db, headers, history) -> None:  # noqa: ANN001
    page = listed(client, headers)
    rows = page["data"]
    assert page["totalRecords"] == page["filteredRecords"] == 6
    assert [(r["kind"], r["amount"]) for r in rows] == [
        ("insight_charge", -12.5), ("platform_fee", -0.15), ("media_spend", -1.5), ("data_cost", -0.3),
        ("payment", 250.0), ("top_up", 500.0)]
    assert balance(db, history["ow"]) == Decimal("735.55")
    assert sum(Decimal(str(r["amount"])) for r in rows) == Decimal("735.55")
    assert rows[0]["balanceAfter"] == 735.55 == client.get("/api/v3/fa/available-balance",
                                                            headers=headers).json()["data"]
    assert [r["balanceAfter"] for r in rows[::-1]] == [500.0, 750.0, 749.7, 748.2, 748.05, 735.55]
    assert page["summary"] == {"totalCredited": 750.0, "totalCharged": 14.45, "net": 735.55}

    insight, fee, media, data, payment, top_up = rows
    assert insight["insightReportType"] == "pld" and insight["insightReportId"] == 7
    assert insight["description"] == "PLD report 7" and insight["kindLabel"] == "Insight charge"
    assert insight["createdAt"] == ms(INSIGHT_AT)
    campaign_id = history["campaign"]["campaign_id"]
    for row in (fee, data, media):
        assert row["campaignId"] == campaign_id and row["campaignName"] == "Campaign"
        assert row["deliveryDate"] == ms(datetime(2026, 3, 3, tzinfo=UTC)) and row["createdAt"] == ms(POSTED_AT)
        assert row["description"] == f"Campaign ({campaign_id}), delivery of 2026-03-03 (UTC)"
    assert media["reference"] == f"media_spend:campaign:{campaign_id}:2026-03-03"
    payments = client.get("/api/v3/fa/payments/list", headers=headers).json()["data"]["data"]
    assert payment["paymentId"] == payments[0]["paymentId"] and payment["description"].startswith("Payment ")
    assert payment["createdAt"] == ms(PAID_AT)
    assert top_up["description"] == "admin add-funds" and top_up["kindLabel"] == "Top-up"
    # fields a row has nothing for are left out, not null
    assert not {"paymentId", "campaignId", "insightReportId", "creditId"} & set(top_up)


def test_paging_and_sorting(client, headers, history) -> None:  # noqa: ANN001
    everything = [r["id"] for r in listed(client, headers, noOfEntries=500)["data"]]
    pages = [listed(client, headers, noOfEntries=4, pageNo=n) for n in (1, 2, 3)]
    assert [len(p["data"]) for p in pages] == [4, 2, 0]
    assert [r["id"] for p in pages for r in p["data"]] == everything
    assert all(p["filteredRecords"] == 6 for p in pages)
    oldest_first = listed(client, headers, sortBy="+createdAt")["data"]
    assert [r["id"] for r in oldest_first] == everything[::-1]
    by_amount = [r["amount"] for r in listed(client, headers, sortBy="amount")["data"]]
    assert by_amount == sorted(by_amount) and by_amount[0] == -12.5
    assert [r["amount"] for r in listed(client, headers, sortBy="-amount")["data"]][:2] == [500.0, 250.0]


def test_kind_and_date_filters(client, headers, history) -> None:  # noqa: ANN001
    delivery = listed(client, headers, kinds="media_spend, data_cost")
    assert [r["kind"] for r in delivery["data"]] == ["media_spend", "data_cost"]
    assert delivery["totalRecords"] == 6 and delivery["filteredRecords"] == 2
    assert delivery["summary"] == {"totalCredited": 0.0, "totalCharged": 1.8, "net": -1.8}
    money_in = listed(client, headers, kinds="payment,top_up,credit")
    assert money_in["summary"]["totalCredited"] == 750.0 and money_in["filteredRecords"] == 2
    window = listed(client, headers, startDate=ms(PAID_AT), endDate=ms(POSTED_AT))  # inclusive
    assert [r["kind"] for r in window["data"]] == ["platform_fee", "media_spend", "data_cost", "payment"]
    assert [r["kind"] for r in listed(client, headers, startDate=ms(POSTED_AT) + 1)["data"]] == ["insight_charge"]
    assert [r["kind"] for r in listed(client, headers, endDate=ms(PAID_AT) - 1)["data"]] == ["top_up"]
    both = listed(client, headers, kinds="payment", startDate=ms(POSTED_AT))
    assert both["data"] == [] and both["filteredRecords"] == 0 and both["summary"]["net"] == 0


@pytest.mark.parametrize(("params", "field"), [
    ({"kinds": "media_spend,refund"}, "kinds"), ({"kinds": "PAYMENT"}, "kinds"),
    ({"noOfEntries": 501}, "noOfEntries"), ({"noOfEntries": 0}, "noOfEntries"), ({"noOfEntries": "x"}, "noOfEntries"),
    ({"startDate": "yesterday"}, "startDate"), ({"startDate": -1}, "startDate"), ({"startDate": 10**18}, "startDate"),
    ({"startDate": 2000, "endDate": 1000}, "endDate"), ({"pageNo": 0}, "pageNo"), ({"sortBy": "kind"}, "sortBy"),
])
def test_bad_input_is_a_422_naming_the_field(client, headers, params, field) -> None:  # noqa: ANN001
    response = client.get(LEDGER, headers=headers, params=params)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["success"] is False and body["errorObjects"][0]["field"] == field, body


def test_only_the_callers_organization(client, db, headers, other_headers, make_tenant, history) -> None:  # noqa: ANN001
    assert listed(client, other_headers) == {"data": [], "totalRecords": 0, "filteredRecords": 0,
                                             "summary": {"totalCredited": 0.0, "totalCharged": 0.0, "net": 0.0}}
    # another organization's user naming our owId is refused, not answered with our entries
    ours = client.get(LEDGER, headers={**other_headers, "X-IAA-OW-ID": str(history["ow"])})
    assert ours.status_code in (401, 403, 404) and ours.json()["success"] is False
    foreign = login(client, make_tenant(host="ws2.test", organization="Foreign", email="admin@foreign.test"))
    assert listed(client, foreign)["totalRecords"] == 0
    assert client.get(LEDGER, headers={**foreign, "X-IAA-OW-ID": str(history["ow"])}).status_code in (401, 403, 404)
    unauthenticated = client.get(LEDGER)
    assert unauthenticated.status_code == 401 and unauthenticated.json()["success"] is False
    # our own list is unchanged by their calls
    assert listed(client, headers)["totalRecords"] == 6


def test_the_call_is_documented_as_an_adplane_extension(client) -> None:  # noqa: ANN001
    operation = client.get("/openapi.json").json()["paths"][LEDGER]["get"]
    assert operation["tags"] == ["Finance API"]
    assert "IQM publishes no" in operation["description"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"pageNo", "noOfEntries", "sortBy", "kinds", "startDate", "endDate"} <= names
