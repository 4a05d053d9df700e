"""Bulk ingestion: all or nothing, idempotent, isolated by organization; CLI and HTTP."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from adplane.analytics.counters import delivery_by_campaign
from adplane.campaigns.models import Campaign, CampaignCreative
from adplane.creatives.models import Creative
from adplane.events.ingest import BatchRejected, ingest_bytes, read_events
from adplane.insertion_orders.models import InsertionOrder

START = datetime(2026, 3, 1, tzinfo=UTC)
END = datetime(2026, 3, 31, 23, 59, 59, tzinfo=UTC)
BATCHES = "/api/v3/adplane/events/batches"


def make_campaign(db, ow_id: int, *, creative_type_id: int = 11, start: datetime = START, end: datetime | None = END,
                  **fields) -> dict:
    """An IO, a creative and a running campaign inserted directly (the campaigns API is another domain's)."""
    with db.session() as session:
        order = InsertionOrder(ow_id=ow_id, name="IO", start_time=start, end_time=end, timezone_id=29,
                               total_budget=Decimal("10000"))
        session.add(order)
        session.flush()
        creative = Creative(ow_id=ow_id, name="c", creative_type_id=creative_type_id, status_id=2,
                            source_type="url", source="https://example.test/ad.png")
        session.add(creative)
        session.flush()
        values = {"budget_day": Decimal("100"), "budget_total": Decimal("1000"), "max_bid": Decimal("5"),
                  "status": "running", **fields}
        campaign = Campaign(ow_id=ow_id, io_id=order.id, name="Campaign", creative_type_id=creative_type_id,
                            timezone_id=29, start_time=start, end_time=end, **values)
        session.add(campaign)
        session.flush()
        session.add(CampaignCreative(campaign_id=campaign.id, creative_id=creative.id))
        session.commit()
        return {"ow_id": ow_id, "io_id": order.id, "campaign_id": campaign.id, "creative_id": creative.id,
                "creative_type_id": creative_type_id}


def event_rows(c: dict, n: int = 5, start: datetime = START + timedelta(days=1)) -> list[dict]:
    rows = []
    for i in range(n):
        rows.append({
            "event_time": (start + timedelta(minutes=7 * i)).isoformat(),
            "event_type": "impression" if i % 4 else "click",
            "ow_id": c["ow_id"], "io_id": c["io_id"], "campaign_id": c["campaign_id"], "creative_id": c["creative_id"],
            "creative_type_id": c["creative_type_id"], "exchange_id": 1 + i % 3, "state_id": 30200005,
            "os": "iOS", "media_cost": "0.0025" if i % 4 else "0", "data_cost": "0.0002", "platform_margin": "0.0005",
        })
    return rows


def ndjson(rows: list[dict]) -> bytes:
    return "\n".join(json.dumps(r) for r in rows).encode()


def csv_bytes(rows: list[dict]) -> bytes:
    names = list(rows[0])
    lines = [",".join(names)] + [",".join("" if r.get(k) is None else str(r[k]) for k in names) for r in rows]
    return "\n".join(lines).encode()


def parquet_bytes(rows: list[dict]) -> bytes:
    table = pa.Table.from_pylist(rows)
    table = table.set_column(0, "event_time", pa.array([datetime.fromisoformat(r["event_time"]) for r in rows],
                                                       pa.timestamp("us", tz="UTC")))
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def count(store) -> int:
    return store.query("SELECT count(*) FROM events")[0][0]


@pytest.mark.parametrize("fmt,encode", [("ndjson", ndjson), ("csv", csv_bytes), ("parquet", parquet_bytes)])
def test_each_format_is_stored_once(db, tenant, store, fmt, encode):
    c = make_campaign(db, tenant["owId"])
    content = encode(event_rows(c, 8))
    with db.session() as session:
        first = ingest_bytes(session, store, content, fmt)
        again = ingest_bytes(session, store, content, fmt)
    assert (first.status, first.events) == ("stored", 8)
    assert (again.status, again.events) == ("duplicate", 0)
    assert count(store) == 8
    totals = delivery_by_campaign(store, [c["campaign_id"]])[c["campaign_id"]]
    assert (totals.impressions, totals.clicks) == (6, 2)
    assert totals.spend == Decimal("0.0025") * 6 + Decimal("0.0007") * 8


def test_one_bad_row_rejects_the_whole_batch_with_a_report(db, tenant, store):
    c = make_campaign(db, tenant["owId"])
    rows = event_rows(c, 6)
    rows[2]["media_cost"] = "abc"
    rows[4]["event_type"] = "impresion"
    rows[5]["npi"] = "12345"
    with db.session() as session, pytest.raises(BatchRejected) as caught:
        ingest_bytes(session, store, ndjson(rows), "ndjson", batch_id="b-1")
    report = caught.value.report()
    assert report["rejectedRows"] == 3 and report["rows"] == 6
    assert [(e["row"], e["field"]) for e in report["errors"]] == [(3, "media_cost"), (5, "event_type"), (6, "npi")]
    assert count(store) == 0 and not store.batch_exists("b-1")


def test_unknown_foreign_and_out_of_flight_events_are_rejected(db, make_tenant, store):
    mine = make_campaign(db, make_tenant()["owId"])
    theirs = make_campaign(db, make_tenant(organization="Org B", email="b@b.test")["owId"])
    rows = event_rows(mine, 5)
    rows[0]["campaign_id"] = 999999
    rows[1]["campaign_id"] = theirs["campaign_id"]  # another organization's campaign
    rows[2]["event_time"] = (START - timedelta(hours=1)).isoformat()
    rows[3]["io_id"] = theirs["io_id"]
    rows[4]["creative_id"] = theirs["creative_id"]
    with db.session() as session, pytest.raises(BatchRejected) as caught:
        ingest_bytes(session, store, ndjson(rows), "ndjson", ow_id=mine["ow_id"])
    errors = {(e["row"], e["field"], e["error"]) for e in caught.value.report()["errors"]}
    assert errors == {
        (1, "campaign_id", "unknown campaign"),
        (2, "campaign_id", "unknown campaign"),
        (3, "event_time", "is outside the campaign's flight"),
        (4, "io_id", "is not the insertion order of the campaign"),
        (5, "creative_id", "is not a creative of the campaign"),
    }
    assert count(store) == 0


def test_file_level_problems(db, tenant, store):
    c = make_campaign(db, tenant["owId"])
    rows = event_rows(c, 2)
    for row in rows:
        row["colour"] = "red"
        del row["creative_type_id"]
    with db.session() as session:
        with pytest.raises(BatchRejected) as caught:
            ingest_bytes(session, store, ndjson(rows), "ndjson")
        assert {(e["field"], e["error"]) for e in caught.value.report()["errors"]} == {("colour", "unknown column")}
        with pytest.raises(BatchRejected):
            ingest_bytes(session, store, b"{not json", "ndjson")
        with pytest.raises(BatchRejected):
            ingest_bytes(session, store, b"", "csv")
    assert count(store) == 0


def test_camel_case_names_and_epoch_milliseconds_are_accepted():
    table = read_events(b'{"eventTime": 1772323200000, "campaignId": 5}', "ndjson")
    assert table.column_names == ["event_time", "campaign_id"]


def test_http_batches_for_workspace_admins(client, db, tenant, headers, other_headers, store):
    c = make_campaign(db, tenant["owId"])
    content = ndjson(event_rows(c, 4))
    post = {"headers": {**headers, "Content-Type": "application/x-ndjson"}, "params": {"batchId": "day-1"}}
    response = client.post(BATCHES, content=content, **post)
    assert response.status_code == 201, response.text
    assert response.json()["data"] == {"batchId": "day-1", "status": "stored", "events": 4, "message": "batch stored"}
    response = client.post(BATCHES, content=content, **post)
    assert response.status_code == 200
    assert response.json()["data"]["status"] == "duplicate" and count(app_store(client)) == 4

    got = client.get(f"{BATCHES}/day-1", headers=headers)
    assert got.status_code == 200 and got.json()["data"]["events"] == 4
    # another organization: the batch does not exist for it, and its ids answer 404
    assert client.get(f"{BATCHES}/day-1", headers=other_headers).status_code == 404
    assert client.get(f"{BATCHES}/missing", headers=headers).status_code == 404
    # another organization cannot feed this organization's campaign: unknown campaign, nothing stored
    foreign = client.post(BATCHES, content=content, params={"batchId": "x"},
                          headers={**other_headers, "Content-Type": "application/x-ndjson"})
    assert foreign.status_code in (403, 422)
    assert count(app_store(client)) == 4


def test_http_rejections_are_422_naming_rows_and_fields(client, db, tenant, headers, store):
    c = make_campaign(db, tenant["owId"])
    rows = event_rows(c, 3)
    rows[1]["event_time"] = "yesterday"
    response = client.post(BATCHES, content=csv_bytes(rows), headers={**headers, "Content-Type": "text/csv"})
    assert response.status_code == 422
    body = response.json()
    assert body["success"] is False
    assert body["errorObjects"][0]["field"] == "rows[2].event_time"
    assert body["data"]["rejectedRows"] == 1
    bad_format = client.post(BATCHES, content=b"x", headers=headers, params={"format": "xml"})
    assert bad_format.status_code == 422 and bad_format.json()["errorObjects"][0]["field"] == "format"
    unknown_format = client.post(BATCHES, content=b"x", headers={**headers, "Content-Type": "application/zip"})
    assert unknown_format.status_code == 422
    assert count(app_store(client)) == 0


def app_store(client):
    return client.app.state.analytics


def test_a_draft_without_dates_has_no_flight_to_deliver_in(db, tenant, store):
    c = make_campaign(db, tenant["owId"])
    with db.session() as session:
        session.get(Campaign, c["campaign_id"]).start_time = None
        session.commit()
    with db.session() as session, pytest.raises(BatchRejected) as caught:
        ingest_bytes(session, store, ndjson(event_rows(c, 1)), "ndjson")
    assert caught.value.report()["errors"][0]["field"] == "event_time"


def test_a_batch_that_spends_the_budget_expires_the_campaign_once_answered(client, db, tenant, headers, store):
    """The answer is sent once the events are stored; the budget check (which reads the campaign's totals and so
    builds the batch's pending rollups) runs after it, before the next request of this client."""
    c = make_campaign(db, tenant["owId"], budget_total=Decimal("0.04"))
    response = client.post(BATCHES, content=ndjson(event_rows(c, 20)), params={"batchId": "spender"},
                           headers={**headers, "Content-Type": "application/x-ndjson"})
    assert response.status_code == 201, response.text
    with db.session() as session:
        assert session.get(Campaign, c["campaign_id"]).status == "expired"
    analytics = app_store(client)
    assert getattr(analytics, "pending_events", lambda: 0)() == 0
    spent = delivery_by_campaign(analytics, [c["campaign_id"]])[c["campaign_id"]].spend
    assert spent == Decimal("0.0375") + Decimal("0.0040") + Decimal("0.0100")
