"""Prometheus metrics at /metrics, fed by the real code paths: requests by route template and
status with latencies, event rows stored and batches by outcome, report query time, and the job
queues' depth and lag read from the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from prometheus_client.parser import text_string_to_metric_families

from adplane.core.clock import clock
from adplane.insights.service import GENERATION_KIND
from adplane.jobs import leases
from adplane.jobs.models import PERIODIC_KEY, Job
from adplane.jobs.queue import enqueue
from test_events_ingest import BATCHES, csv_bytes, event_rows, make_campaign, ndjson
from test_reports import add, delivery, store  # noqa: F401 - fixtures


def scrape(client) -> dict[tuple[str, tuple], float]:  # noqa: ANN001
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_requests_are_counted_by_route_template_and_status(client, headers):
    before = scrape(client)
    for io_id in (987654, 987655):  # two ids, one route: the label is the template, never the path
        assert client.get(f"/api/v3/cmp/io/{io_id}", headers=headers).status_code == 404
    assert client.get("/api/v3/no/such/123").status_code == 404
    after = scrape(client)
    route = "/api/v3/cmp/io/{io_id}"
    assert value(after, "adplane_http_requests_total", method="GET", route=route, status="404") - value(
        before, "adplane_http_requests_total", method="GET", route=route, status="404") == 2
    assert value(after, "adplane_http_request_duration_seconds_count", method="GET", route=route) - value(
        before, "adplane_http_request_duration_seconds_count", method="GET", route=route) == 2
    assert value(after, "adplane_http_requests_total", method="GET", route="<unmatched>", status="404") - value(
        before, "adplane_http_requests_total", method="GET", route="<unmatched>", status="404") == 1
    assert not [key for key in after if "987654" in str(key) or "/api/v3/no/such" in str(key)]


def test_ingested_rows_and_batches_are_counted(client, db, tenant, headers, store):  # noqa: F811
    c = make_campaign(db, tenant["owId"])
    backend = client.app.state.analytics.backend
    before = scrape(client)
    post = {"headers": {**headers, "Content-Type": "application/x-ndjson"}, "params": {"batchId": "metrics-1"}}
    assert client.post(BATCHES, content=ndjson(event_rows(c, 7)), **post).status_code == 201
    assert client.post(BATCHES, content=ndjson(event_rows(c, 7)), **post).status_code == 200  # duplicate
    rows = event_rows(c, 3)
    rows[0]["event_time"] = "yesterday"
    bad = client.post(BATCHES, content=csv_bytes(rows), headers={**headers, "Content-Type": "text/csv"})
    assert bad.status_code == 422
    after = scrape(client)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("adplane_event_rows_stored_total", backend=backend) == 7
    assert delta("adplane_event_batches_total", outcome="stored") == 1
    assert delta("adplane_event_batches_total", outcome="duplicate") == 1
    assert delta("adplane_event_batches_total", outcome="rejected") == 1
    assert delta("adplane_event_rows_rejected_total") == 3
    if backend == "duckdb":  # the stored batch's rollups were built after its answer, once
        assert value(after, "adplane_rollup_pending_events", backend=backend) == 0
        assert delta("adplane_rollup_settle_duration_seconds_count", backend=backend) == 1


def test_report_query_time_is_observed(client, headers, delivery):  # noqa: F811
    backend = client.app.state.analytics.backend
    before = scrape(client)
    report_id = add(client, headers)
    executed = client.post("/api/v3/ra/report/execute", headers=headers, json={"id": report_id})
    assert executed.status_code == 200, executed.text
    after = scrape(client)
    name = "adplane_report_query_duration_seconds_count"
    assert value(after, name, kind="page", backend=backend) - value(before, name, kind="page", backend=backend) == 1
    assert value(after, "adplane_report_query_duration_seconds_sum", kind="page", backend=backend) > value(
        before, "adplane_report_query_duration_seconds_sum", kind="page", backend=backend)


def test_job_queue_depth_and_lag_come_from_the_database(client, db):
    samples = scrape(client)
    assert value(samples, "adplane_job_queue_scrape_ok") == 1
    assert value(samples, "adplane_job_queue_depth", queue="schedule_occurrences") == 0
    assert value(samples, "adplane_job_queue_lag_seconds", queue="schedule_occurrences") == 0

    kind = GENERATION_KIND
    now = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    clock.set(now)
    with db.session() as session:
        enqueue(session, kind, "oldest", available_at=now - timedelta(seconds=30))
        enqueue(session, kind, "taken", available_at=now)
        enqueue(session, kind, "later", available_at=now + timedelta(hours=1))
        enqueue(session, kind, "finished", available_at=now - timedelta(days=1))
        enqueue(session, kind, PERIODIC_KEY, available_at=now - timedelta(days=2))  # bookkeeping, not work
        session.commit()
        assert [j.key for j in leases.claim(session, Job, worker="w1", now=now, lease_seconds=600,
                                            where=[Job.key == "taken"])] == ["taken"]
        (done,) = leases.claim(session, Job, worker="w1", now=now, lease_seconds=600, where=[Job.key == "finished"])
        assert leases.finish(session, done, worker="w1", now=now)
    clock.advance(timedelta(seconds=90))
    samples = scrape(client)
    assert value(samples, "adplane_job_queue_depth", queue=kind) == 3  # oldest, taken, later
    assert value(samples, "adplane_job_queue_due", queue=kind) == 1  # not the claimed one, nor the future one
    assert value(samples, "adplane_job_queue_lag_seconds", queue=kind) == 120  # the oldest due one
