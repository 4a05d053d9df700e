"""Scheduled delivery end to end: a real SMTP server on loopback, the real report engine and files."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import numpy as np
import openpyxl
import pyarrow as pa
import pytest
from sqlalchemy import select

from adplane.analytics.store import open_store
from adplane.core.clock import clock
from adplane.jobs import leases
from adplane.reports.models import REQUEST_TYPE_AGGREGATED, Report
from adplane.reports.service import execute_report, export_report
from adplane.schedules.models import ScheduleOccurrence
from adplane.schedules.runner import run_due
from adplane.schedules.service import schedule_summary
from conftest import login
from test_schedules_support import SEED_REQUEST, SmtpSink, make_report

URL = "/api/v3/ra/report/email/schedule"


@pytest.fixture
def sink():
    with SmtpSink() as server:
        yield server


@pytest.fixture
def mail_settings(settings, sink):
    return settings.model_copy(update={"smtp_url": sink.url, "public_base_url": "http://testserver"})


@pytest.fixture
def store(mail_settings):
    analytics = open_store(mail_settings)
    analytics.reset()
    yield analytics
    analytics.reset()
    analytics.close()


def feed_events(store, ow_id: int, start: datetime, days: int, n: int = 3000, seed: int = 7) -> pa.Table:
    rng = np.random.default_rng(seed)
    campaign = rng.choice(np.array([11, 12, 13]), n)
    offsets = rng.integers(0, days * 86400 * 1_000_000, n)
    times = np.datetime64(start.replace(tzinfo=None), "us") + offsets.astype("timedelta64[us]")
    media = np.round(rng.uniform(0.0005, 0.004, n), 6)
    table = pa.table({
        "event_time": pa.array(times, pa.timestamp("us", tz="UTC")),
        "event_type": pa.array(rng.choice(np.array(["impression", "impression", "impression", "click"]), n)),
        "ow_id": pa.array(np.full(n, ow_id)),
        "io_id": pa.array(campaign * 10),
        "campaign_id": pa.array(campaign),
        "creative_id": pa.array(campaign * 100),
        "creative_type_id": pa.array(np.full(n, 11)),
        "media_cost": pa.array(media),
    })
    store.append_events(table, batch_id=f"seed-{seed}-{ow_id}")
    return table


def raw_impressions(table: pa.Table, start: datetime, end: datetime) -> int:
    times = table.column("event_time").to_pylist()
    types = table.column("event_type").to_pylist()
    return sum(1 for t, kind in zip(times, types, strict=True) if kind == "impression" and start <= t < end)


def ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


def xlsx_cells(data: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def attachment_of(message):
    [attachment] = list(message.iter_attachments())
    return attachment


def test_seed_weekly_request_delivers_on_mondays_in_the_report_timezone(
    client, headers, db, tenant, mail_settings, store, sink
):
    clock.set(datetime(2022, 11, 14, 15, tzinfo=UTC))
    report_id = make_report(db, tenant["owId"], columns=["impressions", "clicks", "spent"])
    table = feed_events(store, tenant["owId"], datetime(2022, 11, 1, tzinfo=UTC), days=40)
    assert client.post(URL, headers=headers, json={**SEED_REQUEST, "reportId": report_id}).status_code == 200

    monday_9am_eastern = [datetime(2022, 11, 21, 14, tzinfo=UTC), datetime(2022, 11, 28, 14, tzinfo=UTC),
                          datetime(2022, 12, 5, 14, tzinfo=UTC)]
    # a minute early: nothing is due
    assert run_due(db, mail_settings, now=monday_9am_eastern[0] - timedelta(minutes=1), store=store).recorded == 0
    assert sink.messages == []
    for delivery in monday_9am_eastern:
        stats = run_due(db, mail_settings, now=delivery, store=store)
        assert stats.as_dict() == {"recorded": 1, "done": 1}
    # 12 December is after the seed's eventEndDate (10 December): the schedule is over
    assert run_due(db, mail_settings, now=datetime(2023, 1, 9, 15, tzinfo=UTC), store=store).recorded == 0
    assert len(sink.messages) == 3 * 2
    assert sorted({m["To"] for m in sink.messages}) == SEED_REQUEST["subscriberEmails"]

    # each delivery covers the previous 7 local days; the running total's start (10 December) is after
    # every period end, so the ordinary period is reported
    with db.session() as session:
        report = session.get(Report, report_id)
        summary = schedule_summary(session, report_id)
        assert summary["nextDeliveryDate"] is None
        assert [d["status"] for d in summary["lastDeliveries"]] == ["done"] * 3
        for message, delivery in zip(sink.messages[::2], monday_9am_eastern, strict=True):
            start, end = delivery.replace(hour=5) - timedelta(days=7), delivery.replace(hour=5)
            assert message["Subject"].endswith(
                f"weekly report for {start.date().isoformat()} to {(end - timedelta(days=1)).date().isoformat()}")
            attachment = attachment_of(message)
            assert attachment.get_filename().endswith(".xlsx")
            expected = export_report(session, store, mail_settings, report, start=start, end=end, file_type=2)
            assert xlsx_cells(attachment.get_content()) == xlsx_cells(expected.read_bytes())
            result = execute_report(session, store, report, start=start, end=end, page_size=10_000)
            assert result.totals["impressions"] == raw_impressions(table, start, end) > 0
            cells = xlsx_cells(attachment.get_content())
            assert len(cells) == 1 + result.total_records + 1  # header, rows, totals
            # HTML with headline totals and the daily trend chart, and a plain-text part
            html = message.get_body(("html",)).get_content()
            assert f"{result.totals['impressions']:,}" in html and "cid:trend" in html
            assert any(p.get_content_type() == "image/png" for p in message.walk())
            assert "Impressions" in message.get_body(("plain",)).get_content()


def test_monthly_last_in_february_covers_january(client, headers, db, tenant, mail_settings, store, sink):
    clock.set(datetime(2027, 2, 10, tzinfo=UTC))
    headers = login(client, tenant)  # a token of the moved clock
    report_id = make_report(db, tenant["owId"], timezone=(0, "Asia/Tokyo"), request_type=REQUEST_TYPE_AGGREGATED,
                            start=datetime(2026, 12, 1, tzinfo=UTC), end=datetime(2027, 1, 1, tzinfo=UTC))
    table = feed_events(store, tenant["owId"], datetime(2026, 12, 25, tzinfo=UTC), days=50, seed=3)
    body = {"reportId": report_id, "subscriberEmails": ["cfo@example.com"], "fileType": 1,
            "deliveryFrequency": 4, "deliveryDay": "Last", "eventEndDate": ms(datetime(2027, 6, 1, tzinfo=UTC))}
    assert client.post(URL, headers=headers, json=body).status_code == 200
    delivery = datetime(2027, 2, 28, 0, tzinfo=UTC)  # 09:00 in Tokyo on 28 February
    assert run_due(db, mail_settings, now=delivery - timedelta(seconds=1), store=store).recorded == 0
    assert run_due(db, mail_settings, now=delivery, store=store).as_dict() == {"recorded": 1, "done": 1}
    [message] = sink.messages
    start, end = datetime(2026, 12, 31, 15, tzinfo=UTC), datetime(2027, 1, 31, 15, tzinfo=UTC)  # January in Tokyo
    assert "monthly report for 2027-01-01 to 2027-01-31" in message["Subject"]
    rows = list(csv.reader(io.StringIO(attachment_of(message).get_content())))
    with db.session() as session:
        result = execute_report(session, store, session.get(Report, report_id), start=start, end=end,
                                page_size=10_000)
        next_date = schedule_summary(session, report_id)["nextDeliveryDate"]
    assert len(rows) == 1 + result.total_records + 1
    impressions_column = rows[0].index(result.labels["impressions"])
    attached = sorted(int(r[impressions_column].replace(",", "")) for r in rows[1:-1])
    assert attached == sorted(r["impressions"] for r in result.rows)
    assert sum(attached) == raw_impressions(table, start, end)
    assert next_date == ms(datetime(2027, 3, 31, 0, tzinfo=UTC))


def _daily_schedule(client, headers, db, tenant, emails, end_days=30):
    report_id = make_report(db, tenant["owId"], timezone=(0, "UTC"))
    body = {"reportId": report_id, "subscriberEmails": emails, "fileType": 1, "deliveryFrequency": 2,
            "deliveryDay": "Monday", "eventEndDate": ms(clock.now() + timedelta(days=end_days))}
    response = client.post(URL, headers=headers, json=body)
    assert response.status_code == 200, response.text
    return report_id


def test_unsubscribe_links_work_without_login(client, headers, db, tenant, mail_settings, store, sink):
    clock.set(datetime(2027, 3, 1, 10, tzinfo=UTC))
    headers = login(client, tenant)  # a token of the moved clock
    report_id = _daily_schedule(client, headers, db, tenant, ["a@example.com", "b@example.com", "c@example.com"])
    other_report = _daily_schedule(client, headers, db, tenant, ["b@example.com"])
    run_due(db, mail_settings, now=datetime(2027, 3, 2, 9, tzinfo=UTC), store=store)
    assert len(sink.messages) == 4
    by_recipient = {(m["To"], m["X-Adplane-Occurrence"]): m for m in sink.messages}
    mail_to_a = next(m for (to, _), m in by_recipient.items() if to == "a@example.com")
    text = mail_to_a.get_body(("plain",)).get_content()
    one = re.search(r"Stop receiving this report: (\S+)", text).group(1)
    assert mail_to_a["List-Unsubscribe"] == f"<{one}>"
    url = urlsplit(one)
    response = client.get(f"{url.path}?{url.query}")  # no Authorization header
    assert response.status_code == 200, response.text
    mail_to_b = next(m for (to, _), m in by_recipient.items() if to == "b@example.com")
    every = re.search(r"all scheduled reports: (\S+)", mail_to_b.get_body(("plain",)).get_content()).group(1)
    url = urlsplit(every)
    assert client.get(f"{url.path}?{url.query}").status_code == 200
    assert client.get(f"{url.path}?{url.query}").status_code == 200  # twice is fine
    tampered = client.get(f"{url.path}?token=x{url.query[7:]}")
    assert tampered.status_code == 422 and tampered.json()["errorObjects"][0]["field"] == "token"

    sink.messages.clear()
    run_due(db, mail_settings, now=datetime(2027, 3, 3, 9, tzinfo=UTC), store=store)
    assert sorted(m["To"] for m in sink.messages) == ["c@example.com"]
    with db.session() as session:
        assert schedule_summary(session, report_id)["unsubscribedEmails"] == ["a@example.com", "b@example.com"]
        other = schedule_summary(session, other_report)["lastDeliveries"][0]
        assert other["status"] == "cancelled" and other["error"] == "every subscriber unsubscribed"


def test_catch_up_after_downtime_sends_each_missed_occurrence_once(
    client, headers, db, tenant, mail_settings, store, sink
):
    clock.set(datetime(2027, 3, 1, 10, tzinfo=UTC))
    headers = login(client, tenant)  # a token of the moved clock
    report_id = _daily_schedule(client, headers, db, tenant, ["ops@example.com"])
    # the scheduler was down from 1 March until 6 March 12:00: five deliveries were missed
    stats = run_due(db, mail_settings, now=datetime(2027, 3, 6, 12, tzinfo=UTC), store=store)
    assert stats.as_dict() == {"recorded": 5, "done": 5}
    assert run_due(db, mail_settings, now=datetime(2027, 3, 6, 12, 30, tzinfo=UTC), store=store).as_dict() == {
        "recorded": 0}
    subjects = sorted(m["Subject"] for m in sink.messages)
    assert [s[-10:] for s in subjects] == ["2027-03-01", "2027-03-02", "2027-03-03", "2027-03-04", "2027-03-05"]
    with db.session() as session:
        assert schedule_summary(session, report_id)["nextDeliveryDate"] == ms(datetime(2027, 3, 7, 9, tzinfo=UTC))


def test_smtp_failures_retry_with_backoff_then_fail_with_the_error(
    client, headers, db, tenant, mail_settings, store, sink
):
    clock.set(datetime(2027, 3, 1, 10, tzinfo=UTC))
    headers = login(client, tenant)  # a token of the moved clock
    report_id = _daily_schedule(client, headers, db, tenant, ["ops@example.com"])
    due = datetime(2027, 3, 2, 9, tzinfo=UTC)
    sink.refuse = 1
    assert run_due(db, mail_settings, now=due, store=store).as_dict() == {"recorded": 1, "retry": 1}
    assert run_due(db, mail_settings, now=due + timedelta(seconds=59), store=store).as_dict() == {"recorded": 0}
    assert run_due(db, mail_settings, now=due + timedelta(seconds=60), store=store).as_dict() == {
        "recorded": 0, "done": 1}
    assert len(sink.messages) == 1

    sink.refuse = 100
    next_due = datetime(2027, 3, 3, 9, tzinfo=UTC)
    outcomes = [run_due(db, mail_settings, now=next_due + timedelta(hours=i), store=store).outcomes for i in range(6)]
    assert outcomes == [{"retry": 1}] * 4 + [{"failed": 1}, {}]
    with db.session() as session:
        latest = schedule_summary(session, report_id)["lastDeliveries"][0]
    assert latest["status"] == "failed" and latest["attempts"] == 5
    assert "451" in latest["error"]


def test_a_lease_left_by_a_dead_worker_is_retried_once(client, headers, db, tenant, mail_settings, store, sink):
    clock.set(datetime(2027, 3, 1, 10, tzinfo=UTC))
    headers = login(client, tenant)  # a token of the moved clock
    _daily_schedule(client, headers, db, tenant, ["ops@example.com"])
    due = datetime(2027, 3, 2, 9, tzinfo=UTC)
    from adplane.schedules.runner import record_due
    with db.session() as session:
        assert record_due(session, mail_settings, due) == 1
        [held] = leases.claim(session, ScheduleOccurrence, worker="dead", now=due, lease_seconds=120)
    # while the lease runs, nobody else takes it
    assert run_due(db, mail_settings, now=due + timedelta(seconds=60), store=store).outcomes == {}
    assert run_due(db, mail_settings, now=due + timedelta(seconds=121), store=store).outcomes == {"done": 1}
    with db.session() as session:
        assert not leases.finish(session, held, worker="dead", now=due)  # the dead worker's late word is ignored
        row = session.scalar(select(ScheduleOccurrence))
        assert (row.status, row.attempts) == ("done", 2)
    assert len(sink.messages) == 1


def test_deleting_the_schedule_or_the_report_stops_deliveries(
    client, headers, db, tenant, mail_settings, store, sink
):
    clock.set(datetime(2027, 3, 1, 10, tzinfo=UTC))
    headers = login(client, tenant)  # a token of the moved clock
    by_schedule = _daily_schedule(client, headers, db, tenant, ["a@example.com"])
    by_report = _daily_schedule(client, headers, db, tenant, ["b@example.com"])
    with db.session() as session:
        record_due_at = datetime(2027, 3, 2, 9, tzinfo=UTC)
        from adplane.schedules.runner import record_due
        assert record_due(session, mail_settings, record_due_at) == 2  # recorded, not yet sent
        session.get(Report, by_report).deleted_at = record_due_at
        session.commit()
    assert client.delete(f"{URL}/{by_schedule}", headers=headers).status_code == 200
    stats = run_due(db, mail_settings, now=datetime(2027, 3, 5, 9, tzinfo=UTC), store=store)
    assert stats.as_dict() == {"recorded": 0, "cancelled": 1}
    assert sink.messages == []


def test_outbox_without_smtp(client, headers, db, tenant, settings, store):
    clock.set(datetime(2027, 3, 1, 10, tzinfo=UTC))
    headers = login(client, tenant)  # a token of the moved clock
    _daily_schedule(client, headers, db, tenant, ["a@example.com"])
    assert run_due(db, settings, now=datetime(2027, 3, 2, 9, tzinfo=UTC), store=store).outcomes == {"done": 1}
    [eml] = list((settings.data_dir / "outbox").glob("*.eml"))
    assert b"a@example.com" in eml.read_bytes()


def test_run_due_handed_to_the_running_server(client, app, headers, db, tenant, settings):
    clock.set(datetime(2027, 3, 1, 10, tzinfo=UTC))
    headers = login(client, tenant)
    _daily_schedule(client, headers, db, tenant, ["a@example.com"])
    body = {"now": "2027-03-03T09:00:00Z"}
    assert client.post("/internal/schedules/run-due", json=body).status_code == 404  # no control key
    app.state.control_key = "control-key"
    response = client.post("/internal/schedules/run-due", json=body, headers={"X-Adplane-Control-Key": "control-key"})
    assert response.status_code == 200, response.text
    assert response.json() == {"recorded": 2, "done": 2}
    assert len(list((settings.data_dir / "outbox").glob("*.eml"))) == 2
