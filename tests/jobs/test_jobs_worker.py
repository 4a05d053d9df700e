"""`adplane worker` runs the registry of job kinds: all of them, or only those given with --kind."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from adplane.auth.models import Organization
from adplane.cli.main import app as cli
from adplane.core.settings import get_settings
from adplane.insights import worker as insights_worker
from adplane.insights.worker import generate_pending
from adplane.job_kinds import load_job_kinds
from adplane.jobs.models import PERIODIC_KEY, Job
from adplane.jobs.queue import enqueue
from adplane.jobs.registry import JobKind, periodic, queued, registry
from test_insights_world import STUDY_END, STUDY_START, build_world, ms


@pytest.fixture
def run_cli(settings, database_url, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv("ADPLANE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ADPLANE_DATABASE_URL", database_url)

    def invoke(*args: str):  # noqa: ANN202
        get_settings.cache_clear()
        try:
            return CliRunner().invoke(cli, ["worker", *args])
        finally:
            get_settings.cache_clear()

    return invoke


@pytest.fixture
def test_kinds() -> Iterator[dict[str, list]]:
    """Two kinds registered by the test only: a queue of echo jobs and a periodic counter."""
    seen: dict[str, list] = {"echo": [], "count": []}

    def echo(ctx, session, job):  # noqa: ANN001, ANN202
        seen["echo"].append(job.payload["text"])

    kinds = [queued("test-echo", echo, interval_seconds=1.0, description="echo (tests)"),
             periodic("test-count", lambda db, settings: seen["count"].append(1), interval_seconds=600.0)]
    for kind in kinds:
        registry.register(kind)
    try:
        yield seen
    finally:
        for kind in kinds:
            registry.unregister(kind.name)


def periodic_rows(db) -> set[str]:  # noqa: ANN001
    with db.session() as session:
        return set(session.scalars(select(Job.kind).where(Job.key == PERIODIC_KEY)))


def test_a_kind_registered_elsewhere_is_run_without_touching_the_worker(db, run_cli, test_kinds):
    with db.session() as session:
        enqueue(session, "test-echo", "a", {"text": "hello"})
        enqueue(session, "test-echo", "b", {"text": "world"})
        session.commit()
    listed = run_cli("--list")
    assert listed.exit_code == 0 and "test-echo" in listed.output and "insights" in listed.output
    result = run_cli("--once")
    assert result.exit_code == 0, result.output
    assert sorted(test_kinds["echo"]) == ["hello", "world"] and test_kinds["count"] == [1]
    # every built-in periodic kind ran too
    assert periodic_rows(db) == {"test-count", "campaign-lifecycle", "analytics-maintenance",
                                 "conversion-attribution", "finance-spend-posting", "audience-refresh",
                                 "finance-invoicing"}
    with db.session() as session:
        assert set(session.scalars(select(Job.status).where(Job.kind == "test-echo"))) == {"done"}


def test_worker_kind_runs_only_that_kind(db, run_cli, test_kinds):
    with db.session() as session:
        enqueue(session, "test-echo", "a", {"text": "hello"})
        session.commit()
    result = run_cli("--once", "--kind", "test-count")
    assert result.exit_code == 0, result.output
    assert test_kinds == {"echo": [], "count": [1]}
    assert periodic_rows(db) == {"test-count"}  # no built-in kind ran
    result = run_cli("--once", "--kind", "test-echo", "--kind", "campaign-lifecycle")
    assert result.exit_code == 0, result.output
    assert test_kinds == {"echo": ["hello"], "count": [1]}
    assert periodic_rows(db) == {"test-count", "campaign-lifecycle"}


def test_worker_refuses_an_unknown_kind(db, run_cli):
    result = run_cli("--once", "--kind", "nope")
    assert result.exit_code == 2
    assert "unknown job kind 'nope'" in result.output and "insights" in result.output


def test_registering_a_different_kind_under_a_taken_name_is_refused():
    load_job_kinds()  # this worker process may not have loaded the built-in kinds yet
    with pytest.raises(ValueError, match="already registered"):
        registry.register(JobKind("insights", lambda ctx: {}, 1.0))


def balance(db, ow_id: int) -> Decimal:  # noqa: ANN001
    with db.session() as session:
        return Decimal(session.get(Organization, ow_id).funds_balance)


def test_insight_generation_failing_every_attempt_ends_failed_and_refunded(
    client, headers, db, app, tenant, settings, monkeypatch
):
    build_world(db, app, tenant["owId"])
    before = balance(db, tenant["owId"])
    created = client.post("/api/v3/ins/pld-report", headers=headers, json={
        "campaignId": 1, "pldStartDate": ms(STUDY_START), "pldEndDate": ms(STUDY_END)})
    assert created.status_code == 200, created.text
    assert balance(db, tenant["owId"]) < before
    calls: list[int] = []

    def broken(session, store, report):  # noqa: ANN001, ANN202
        calls.append(report.id)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(insights_worker, "build", broken)
    quick = settings.model_copy(update={"job_max_attempts": 2, "job_retry_base_seconds": 0})
    assert generate_pending(db, quick, app.state.analytics) == 2  # two attempts, then failed
    assert len(calls) == 2
    item = client.get("/api/v3/ins/pld-reports", headers=headers).json()["data"]["pldReportDataList"][0]
    assert (item["pldStatusId"], item["failureReason"]) == (3, "Generation failed: RuntimeError")
    assert balance(db, tenant["owId"]) == before
    with db.session() as session:
        job = session.scalar(select(Job).where(Job.kind == "insights"))
        assert (job.status, job.attempts, job.last_error) == ("failed", 2, "RuntimeError: disk on fire")
    # regenerating queues the same job again; it now succeeds
    monkeypatch.undo()
    again = client.post("/api/v3/ins/pld-report", headers=headers, json={"pldId": item["pldId"]})
    assert again.status_code == 200 and again.json()["data"]["pldReportCreated"] is True, again.text
    assert generate_pending(db, settings, app.state.analytics) == 1
    item = client.get("/api/v3/ins/pld-reports", headers=headers).json()["data"]["pldReportDataList"][0]
    assert item["pldStatusId"] == 2


def test_adplane_serve_runs_a_newly_registered_kind_in_process(settings, db):
    """The in-process runner of `adplane serve` runs the same registry as `adplane worker`."""
    import threading

    from fastapi.testclient import TestClient

    from adplane.app import create_app

    ran = threading.Event()
    kind = registry.register(periodic("test-serve", lambda db, settings: ran.set(), interval_seconds=600.0))
    try:
        with TestClient(create_app(settings, db, background=True)):
            assert ran.wait(60), "the serve process did not run the registered kind"
    finally:
        registry.unregister(kind.name)
    assert "test-serve" in periodic_rows(db)
