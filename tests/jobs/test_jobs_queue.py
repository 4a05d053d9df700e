"""adplane.jobs: queued and periodic kinds on one lease/claim mechanism."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from adplane.core.clock import clock
from adplane.jobs import leases
from adplane.jobs.models import PERIODIC_KEY, Job
from adplane.jobs.queue import drain, enqueue, run_periodic
from adplane.jobs.registry import JobContext

T0 = datetime(2027, 5, 3, 8, tzinfo=UTC)


def queue_jobs(db, kind: str, n: int) -> None:  # noqa: ANN001
    with db.session() as session:
        for i in range(n):
            enqueue(session, kind, f"item-{i}", {"i": i})
        session.commit()


def job_rows(db, kind: str) -> list[Job]:  # noqa: ANN001
    with db.session() as session:
        return list(session.scalars(select(Job).where(Job.kind == kind).order_by(Job.id)))


def test_two_workers_racing_for_the_same_jobs_do_each_once(db, settings, backend):
    if backend != "postgresql":
        pytest.skip("concurrent workers share PostgreSQL; the embedded SQLite setup runs one process")
    queue_jobs(db, "race", 300)
    seen: Counter[int] = Counter()
    by_worker: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(2)

    def handle(ctx, session, job):  # noqa: ANN001, ANN202
        with lock:
            seen[job.payload["i"]] += 1
            by_worker[ctx.worker] += 1

    def work(name: str) -> None:
        start.wait()
        drain(JobContext(db, settings, name), "race", handle, batch=7)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == list(range(300)) and set(seen.values()) == {1}
    rows = job_rows(db, "race")
    assert {(r.status, r.attempts, r.lease_owner) for r in rows} == {("done", 1, None)}
    assert sum(by_worker.values()) == 300


def test_two_workers_racing_for_a_periodic_task_run_it_once_per_interval(db, settings, backend):
    if backend != "postgresql":
        pytest.skip("concurrent workers share PostgreSQL; the embedded SQLite setup runs one process")
    clock.set(T0)
    runs: list[str] = []
    start = threading.Barrier(4)

    def work(name: str) -> None:
        start.wait()
        run_periodic(JobContext(db, settings, name), "race-tick", lambda db, s: runs.append(name),
                     interval_seconds=60)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(runs) == 1


def test_an_expired_lease_is_reclaimed_and_the_old_holder_cannot_write(db, settings):
    clock.set(T0)
    queue_jobs(db, "lease", 1)
    with db.session() as session:
        [held] = leases.claim(session, Job, worker="dead", now=T0, lease_seconds=120, where=[Job.kind == "lease"])
    done: list[str] = []

    def handle(ctx, session, job):  # noqa: ANN001, ANN202
        done.append(ctx.worker)

    ctx = JobContext(db, settings, "alive", lease_seconds_override=120)
    clock.set(T0 + timedelta(seconds=60))
    assert drain(ctx, "lease", handle) == {}  # the lease still runs: nobody else takes it
    clock.set(T0 + timedelta(seconds=121))
    assert drain(ctx, "lease", handle) == {"done": 1}
    assert done == ["alive"]
    with db.session() as session:
        assert not leases.finish(session, held, worker="dead", now=T0)  # the dead worker's late word is ignored
    [row] = job_rows(db, "lease")
    assert (row.status, row.attempts) == ("done", 2)


def test_attempts_exhausted_end_failed_with_the_error(db, settings):
    settings = settings.model_copy(update={"job_max_attempts": 3, "job_retry_base_seconds": 10})
    clock.set(T0)
    queue_jobs(db, "flaky", 1)
    failures: list[str] = []

    def handle(ctx, session, job):  # noqa: ANN001, ANN202
        raise RuntimeError(f"boom {job.attempts}")

    def last_failure(ctx, session, job, exc):  # noqa: ANN001, ANN202
        failures.append(str(exc))

    ctx = JobContext(db, settings, "w")
    assert drain(ctx, "flaky", handle, last_failure) == {"retry": 1}
    clock.set(T0 + timedelta(seconds=9))
    assert drain(ctx, "flaky", handle, last_failure) == {}  # backoff: base seconds
    clock.set(T0 + timedelta(seconds=10))
    assert drain(ctx, "flaky", handle, last_failure) == {"retry": 1}
    clock.set(T0 + timedelta(seconds=10 + 19))
    assert drain(ctx, "flaky", handle, last_failure) == {}  # then twice the base
    clock.set(T0 + timedelta(seconds=10 + 20))
    assert drain(ctx, "flaky", handle, last_failure) == {"failed": 1}
    clock.set(T0 + timedelta(days=1))
    assert drain(ctx, "flaky", handle, last_failure) == {}  # failed for good
    [row] = job_rows(db, "flaky")
    assert (row.status, row.attempts, row.last_error) == ("failed", 3, "RuntimeError: boom 3")
    assert failures == ["boom 3"]  # the hook runs once, on the last attempt


def test_enqueue_is_idempotent_and_requeues_finished_jobs(db, settings):
    queue_jobs(db, "again", 2)
    queue_jobs(db, "again", 2)  # the same keys: no new rows
    assert len(job_rows(db, "again")) == 2
    assert drain(JobContext(db, settings, "w"), "again", lambda ctx, session, job: None) == {"done": 2}
    with db.session() as session:
        enqueue(session, "again", "item-0", {"i": 0})
        session.commit()
    assert [(r.status, r.attempts) for r in job_rows(db, "again")] == [("pending", 0), ("done", 1)]


def test_a_periodic_task_runs_once_per_interval_and_survives_errors(db, settings):
    clock.set(T0)
    calls: list[datetime] = []
    ctx = JobContext(db, settings, "w")

    def task(db, settings):  # noqa: ANN001, ANN202
        calls.append(clock.now())
        if len(calls) == 2:
            raise ValueError("bad tick")

    assert run_periodic(ctx, "tick", task, interval_seconds=60) == {"ran": 1}
    clock.set(T0 + timedelta(seconds=59))
    assert run_periodic(ctx, "tick", task, interval_seconds=60) == {}
    clock.set(T0 + timedelta(seconds=60))
    assert run_periodic(ctx, "tick", task, interval_seconds=60) == {"failed": 1}
    [row] = job_rows(db, "tick")
    assert (row.key, row.status, row.last_error) == (PERIODIC_KEY, "pending", "ValueError: bad tick")
    clock.set(T0 + timedelta(seconds=120))
    assert run_periodic(ctx, "tick", task, interval_seconds=60) == {"ran": 1}
    assert len(calls) == 3
    [row] = job_rows(db, "tick")
    assert (row.status, row.last_error, row.attempts) == ("pending", None, 0)
