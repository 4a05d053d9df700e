"""Ingestion read by the engine (DuckDB's read_parquet / read_json / read_csv): bad values reported by row and
field (never a crash), the same stored rows, rollups and reports as the Arrow path, idempotent re-ingest; on the
store that goes with the database and on ClickHouse (chDB)."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest

from adplane.analytics.rollups import ROLLUPS
from adplane.events import ingest as ingest_module
from adplane.events.ingest import (
    BatchRejected,
    DuplicateContent,
    content_batch_id,
    ingest_bytes,
    ingest_file,
    ingest_table,
    read_events,
)
from test_events_ingest import START, csv_bytes, event_rows, make_campaign, ndjson, parquet_bytes

ENCODERS = {"ndjson": ndjson, "csv": csv_bytes, "parquet": parquet_bytes}


@pytest.fixture
def analytics_url(every_analytics_url):  # noqa: ANN001, ANN201
    return every_analytics_url


def stored_events(store, batch_id: str) -> list[tuple]:
    return store.query(
        "SELECT event_time, event_type, ow_id, io_id, campaign_id, creative_id, creative_type_id, exchange_id, os, "
        "state_id, npi, media_cost, data_cost, platform_margin FROM events WHERE batch_id = ? "
        "ORDER BY event_time, event_type", [batch_id])


def rollup_totals(store) -> dict[str, list[tuple]]:
    """Every rollup merged by key (a batch may have written partial rows)."""
    out = {}
    for rollup in ROLLUPS:
        keys = ", ".join(rollup.key_columns)
        out[rollup.table] = store.query(
            f"SELECT {keys}, sum(events), sum(impressions), sum(clicks), sum(media_cost), sum(data_cost) "
            f"FROM {rollup.table} GROUP BY {keys} ORDER BY {keys}")
    return out


def rejection(session, store, content: bytes, fmt: str, **kwargs) -> dict:
    with pytest.raises(BatchRejected) as caught:
        ingest_bytes(session, store, content, fmt, **kwargs)
    return caught.value.report()


@pytest.mark.parametrize("fmt", ["ndjson", "csv", "parquet"])
def test_the_engine_path_stores_what_the_arrow_path_stores(db, tenant, store, fmt):
    c = make_campaign(db, tenant["owId"])
    rows = event_rows(c, 12)
    rows[3]["npi"] = "1234567890"
    content = ENCODERS[fmt](rows)
    with db.session() as session:
        engine = ingest_bytes(session, store, content, fmt, batch_id="engine")
        assert (engine.status, engine.events, engine.campaign_ids) == ("stored", 12, [c["campaign_id"]])
        by_engine = stored_events(store, "engine")
        engine_rollups = rollup_totals(store)
        store.reset()
        arrow = ingest_table(session, store, read_events(content, fmt), batch_id="arrow")
        assert (arrow.status, arrow.events) == ("stored", 12)
        assert stored_events(store, "arrow") == by_engine
        assert rollup_totals(store) == engine_rollups
    assert by_engine[0][11] in (Decimal("0"), Decimal("0.0025"))
    assert store.batch_info("engine") is None and store.batch_info("arrow").event_count == 12


def test_bad_values_in_ndjson_are_reported_by_row_and_field(db, tenant, store):
    c = make_campaign(db, tenant["owId"])
    rows = event_rows(c, 6)
    for row in rows:
        row["media_cost"] = 0.0025  # numbers ...
    rows[1]["event_time"] = "yesterday"
    rows[2]["media_cost"] = "abc"  # ... and a string in the same column: reported, not a parse error
    rows[3]["creative_id"] = "12x"
    rows[4]["exchange_id"] = {"id": 3}
    rows[5]["event_time"] = 10**19  # epoch milliseconds out of any range
    with db.session() as session:
        report = rejection(session, store, ndjson(rows), "ndjson", batch_id="b-1")
    assert report["rows"] == 6 and report["rejectedRows"] == 5
    assert [(e["row"], e["field"], e["error"], e["value"]) for e in report["errors"]] == [
        (2, "event_time", "is not a valid timestamp", "yesterday"),
        (3, "media_cost", "is not a valid decimal", "abc"),
        (4, "creative_id", "is not a valid int", "12x"),
        (5, "exchange_id", "is not a valid int", '{"id":3}'),
        (6, "event_time", "is not a valid timestamp", str(10**19)),
    ]
    assert store.query("SELECT count(*) FROM events")[0][0] == 0 and not store.batch_exists("b-1")


def test_bad_values_in_csv_are_reported_by_row_and_field_as_on_the_arrow_path(db, tenant, store):
    c = make_campaign(db, tenant["owId"])
    rows = event_rows(c, 5)
    rows[0]["media_cost"] = "1;5"
    rows[2]["event_time"] = "2026-13-45"
    rows[3]["state_id"] = "-4"
    content = csv_bytes(rows).replace(b"\n", b"\r\n")
    with db.session() as session:
        report = rejection(session, store, content, "csv")
        arrow = read_events(content, "csv")
        with pytest.raises(BatchRejected) as caught:
            ingest_table(session, store, arrow, batch_id=content_batch_id(content))
    assert [(e["row"], e["field"], e["error"]) for e in report["errors"]] == [
        (1, "media_cost", "is not a valid decimal"),
        (3, "event_time", "is not a valid timestamp"),
        (4, "state_id", "must be a positive integer"),
    ]
    assert report == caught.value.report()


def test_record_numbers_count_across_row_groups(db, tenant, store):
    """The staged table keeps the file's order: the 130,000th record is row 130000 (past DuckDB's first row
    group of 122,880 rows, read by two threads)."""
    c = make_campaign(db, tenant["owId"])
    line = ",".join(str(v) for v in event_rows(c, 1)[0].values())
    header = ",".join(event_rows(c, 1)[0])
    lines = [header] + [line] * 131_000
    lines[130_000] = lines[130_000].replace("impression", "impresion").replace("click", "clik")
    with db.session() as session:
        report = rejection(session, store, "\n".join(lines).encode(), "csv", max_errors=5)
    assert report["rows"] == 131_000 and report["rejectedRows"] == 1
    assert [(e["row"], e["field"]) for e in report["errors"]] == [(130_000, "event_type")]


def test_unreadable_files_are_rejected_whole(db, tenant, store):
    c = make_campaign(db, tenant["owId"])
    good = ndjson(event_rows(c, 3))
    with db.session() as session:
        for content, fmt in ((good + b"\n{not json\n", "ndjson"), (b"a,b\n1,2,3\n", "csv"),
                             (b"PAR1 not parquet", "parquet"), (b"", "csv"), (b"\xff\xfe,x\n", "csv")):
            report = rejection(session, store, content, fmt)
            assert report["errors"][0]["row"] is None, (fmt, report)
        assert rejection(session, store, b"  \n", "ndjson")["errors"][0]["error"] == "the batch has no events"
        header_only = csv_bytes(event_rows(c, 1)).split(b"\n")[0]
        assert rejection(session, store, header_only, "csv")["errors"][0]["error"] == "the batch has no events"
        rows = event_rows(c, 2)
        for row in rows:
            row["colour"] = "red"
        assert [e["field"] for e in rejection(session, store, csv_bytes(rows), "csv")["errors"]] == ["colour"]
    assert store.query("SELECT count(*) FROM events")[0][0] == 0


def test_ndjson_spellings_epoch_milliseconds_and_keys_past_the_sample(db, tenant, store, monkeypatch):
    monkeypatch.setattr(ingest_module, "JSON_SAMPLE_RECORDS", 2)
    c = make_campaign(db, tenant["owId"])
    rows = event_rows(c, 4)
    camel = []
    for i, row in enumerate(rows):
        epoch_ms = int((START + timedelta(days=1, minutes=7 * i)).timestamp() * 1000)
        camel.append({"eventTime": epoch_ms, "eventType": row["event_type"], "owId": row["ow_id"],
                      "ioId": row["io_id"], "campaignId": row["campaign_id"], "creativeId": row["creative_id"],
                      "creativeTypeId": row["creative_type_id"], "mediaCost": row["media_cost"]})
    camel[3]["npi"] = "1234567890"  # a known key first seen after the sampled records is read
    camel[2]["dmaId"] = 501
    with db.session() as session:
        result = ingest_bytes(session, store, ndjson(camel), "ndjson")
    assert result.events == 4
    assert store.query("SELECT min(event_time) FROM events")[0][0] == START + timedelta(days=1)
    assert store.query("SELECT npi, dma_id FROM events WHERE npi IS NOT NULL OR dma_id IS NOT NULL "
                       "ORDER BY event_time") == [(None, 501), ("1234567890", None)]
    mixed = event_rows(c, 3, start=START + timedelta(days=3))
    mixed[1]["event_time"] = int((START + timedelta(days=3, hours=1)).timestamp() * 1000)  # ISO and epoch mixed
    with db.session() as session:
        assert ingest_bytes(session, store, ndjson(mixed), "ndjson").events == 3
    assert store.query("SELECT count(*) FROM events WHERE event_time = ?",
                       [START + timedelta(days=3, hours=1)])[0][0] == 1


def test_a_file_ingested_again_stores_nothing(db, tenant, store, tmp_path):
    c = make_campaign(db, tenant["owId"])
    path = tmp_path / "day.parquet"
    path.write_bytes(parquet_bytes(event_rows(c, 6)))
    with db.session() as session:
        first = ingest_file(session, store, path, ow_id=tenant["owId"])
        again = ingest_file(session, store, path, ow_id=tenant["owId"])
        as_bytes = ingest_bytes(session, store, path.read_bytes(), "parquet", ow_id=tenant["owId"])
        with pytest.raises(DuplicateContent) as refused:
            ingest_file(session, store, path, batch_id="renamed", ow_id=tenant["owId"])
    assert (first.status, first.events) == ("stored", 6)
    assert (again.status, as_bytes.status) == ("duplicate", "duplicate")
    assert refused.value.existing_batch_id == content_batch_id(path.read_bytes())
    assert store.query("SELECT count(*), sum(media_cost) FROM events")[0] == (6, Decimal("0.01"))
    assert store.query("SELECT sum(events) FROM rollup_campaign_hourly")[0][0] == 6


def test_another_organizations_campaign_is_unknown_on_the_engine_path(db, make_tenant, store):
    mine = make_campaign(db, make_tenant()["owId"])
    theirs = make_campaign(db, make_tenant(organization="Org B", email="b@b.test")["owId"])
    content = csv_bytes(event_rows(theirs, 2))
    with db.session() as session:
        report = rejection(session, store, content, "csv", ow_id=mine["ow_id"])
    assert {(e["row"], e["field"], e["error"]) for e in report["errors"]} == {
        (1, "campaign_id", "unknown campaign"), (2, "campaign_id", "unknown campaign")}
    assert json.dumps(report)  # the report is plain JSON


def test_rollups_derived_from_coarser_ones_equal_rollups_from_the_events(db, tenant, store):
    """The DuckDB store computes the campaign rollups by day (every day offset) from the batch's hourly rows and
    the weekly ones from the daily rows: the same numbers as a rebuild from the raw events."""
    c = make_campaign(db, tenant["owId"])
    rows = event_rows(c, 700, start=START + timedelta(days=2, hours=1, minutes=3))  # 7-minute steps: 3.4 days
    for i, row in enumerate(rows):
        row["event_type"] = ("impression", "click", "video_start", "conversion")[i % 4]
        row["media_cost"] = f"0.00{i % 10}1"
    with db.session() as session:
        ingest_bytes(session, store, ENCODERS["parquet"](rows), "parquet")
    appended = rollup_totals(store)
    store.rebuild_rollups()
    assert rollup_totals(store) == appended
    assert sum(r[5] for r in appended["rollup_campaign_hourly"]) == 700
