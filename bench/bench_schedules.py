"""Benchmark: N schedules due in the same minute, delivered to a local SMTP sink on PostgreSQL.

Prints: the sink's own acceptance rate (measured alone), the time to deliver everything with one
worker process and with two, then a run where one of two workers is killed with SIGKILL in the
middle of the burst and restarted: every occurrence must reach the sink exactly once.

    .venv/bin/python bench/bench_schedules.py [--schedules 10000] [--pg postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from aiosmtpd.controller import Controller
from sqlalchemy import delete, func, insert, select, update

from adplane.auth.admin import bootstrap
from adplane.core.db import Database
from adplane.core.migrate import upgrade
from adplane.reports.models import Report
from adplane.schedules.models import FREQUENCY_DAILY, ReportSchedule, ScheduleOccurrence

ADPLANE = str(Path(sys.executable).with_name("adplane"))
OCCURRENCE = re.compile(rb"X-Adplane-Occurrence: (\d+)")


class Sink:
    """aiosmtpd on loopback; counts accepted messages per occurrence id."""

    def __init__(self) -> None:
        self.per_occurrence: Counter[int] = Counter()
        self.accepted = 0
        self.lock = threading.Lock()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802 - aiosmtpd hook
        found = OCCURRENCE.search(envelope.content)
        with self.lock:
            self.accepted += 1
            if found:
                self.per_occurrence[int(found.group(1))] += 1
        return "250 OK"

    def reset(self) -> None:
        with self.lock:
            self.per_occurrence.clear()
            self.accepted = 0


def sink_rate(sink: Sink, messages: int, threads: int = 2) -> float:
    """Messages per second the sink accepts alone, sent as the workers send (one kept-open
    connection per sender, ~6 kB messages)."""
    body = b"Subject: probe\r\n\r\n" + b"\r\n".join([b"x" * 76] * 80)
    per_thread = messages // threads

    def blast() -> None:
        with smtplib.SMTP("127.0.0.1", sink.port) as client:
            for _ in range(per_thread):
                client.sendmail("bench@example.com", ["sink@example.com"], body)

    started = time.perf_counter()
    workers = [threading.Thread(target=blast) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return per_thread * threads / (time.perf_counter() - started)


def create_database(admin_url: str) -> tuple[str, str]:
    name = f"adplane_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, admin_url.rpartition("/")[0] + f"/{name}"


def drop_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(db: Database, count: int, due: datetime) -> None:
    with db.session() as session:
        ow_id = bootstrap(session, host="bench.local", email="bench@example.com", password="Bench-Passw0rd!",
                          organization="Bench").ow_id
    with db.engine.begin() as conn:
        report_ids = conn.execute(insert(Report).returning(Report.id), [
            {"ow_id": ow_id, "name": f"bench {i}", "dimensions": [{"filter": "campaign"}],
             "columns": ["impressions", "clicks", "spent"], "filters": {}, "request_type": 1,
             "start_date": due - timedelta(days=7), "end_date": due, "timezone_id": 0, "timezone_name": "UTC",
             "created_at": due, "updated_at": due}
            for i in range(count)
        ]).scalars().all()
        conn.execute(insert(ReportSchedule), [
            {"ow_id": ow_id, "report_id": rid, "subscriber_emails": [f"r{rid}@example.com"], "file_type": 1,
             "delivery_frequency": FREQUENCY_DAILY, "delivery_day": None, "event_end_at": due + timedelta(days=30),
             "running_total": False, "earliest_campaign_start_at": None, "next_occurrence_at": due,
             "created_at": due, "updated_at": due}
            for rid in report_ids
        ])


def reset_run(db: Database, sink: Sink, due: datetime) -> None:
    with db.engine.begin() as conn:
        conn.execute(delete(ScheduleOccurrence))
        conn.execute(update(ReportSchedule).values(next_occurrence_at=due))
    sink.reset()


def done_count(db: Database) -> int:
    with db.engine.connect() as conn:
        return conn.scalar(select(func.count()).where(ScheduleOccurrence.status == "done"))


def spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([ADPLANE, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def timed_run(workers: int, env: dict[str, str], due: datetime) -> tuple[float, list[int]]:
    """Wall time of `workers` concurrent `run-due` processes, and their exit codes."""
    started = time.perf_counter()
    procs = [spawn(["scheduler", "run-due", "--now", due.isoformat()], env) for _ in range(workers)]
    for proc in procs:
        proc.wait()
    return time.perf_counter() - started, [proc.returncode for proc in procs]


def not_done(db: Database) -> str:
    """Outcomes other than done, with their errors (empty when everything was delivered)."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(ScheduleOccurrence.status, ScheduleOccurrence.last_error, func.count())
            .where(ScheduleOccurrence.status != "done")
            .group_by(ScheduleOccurrence.status, ScheduleOccurrence.last_error)
        ).all()
    return "; ".join(f"{count} {status} ({error or 'no error'})" for status, error, count in rows)


def check(sink: Sink, expected: int) -> tuple[int, int, int]:
    """(occurrences delivered once, duplicated, missing)."""
    once = sum(1 for n in sink.per_occurrence.values() if n == 1)
    duplicated = sum(1 for n in sink.per_occurrence.values() if n > 1)
    return once, duplicated, expected - len(sink.per_occurrence)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schedules", type=int, default=10_000)
    parser.add_argument("--pg", default=os.environ.get("ADPLANE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--lease-seconds", type=float, default=15.0)
    args = parser.parse_args()
    n = args.schedules
    name, url = create_database(args.pg)
    sink = Sink()
    sink.controller.start()
    data_dir = tempfile.mkdtemp(prefix="adplane-bench-")
    try:
        upgrade(url)
        db = Database(url)
        due = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=1)
        seed(db, n, due)
        env = {**os.environ, "ADPLANE_DATABASE_URL": url, "ADPLANE_DATA_DIR": data_dir, "ADPLANE_SMTP_URL":
               f"smtp://127.0.0.1:{sink.port}", "ADPLANE_SECRET_KEY": "bench", "ADPLANE_LOG_LEVEL": "WARNING"}
        print(f"{n} schedules due at {due.isoformat()} (PostgreSQL, one recipient each, CSV attachment)")

        rate = sink_rate(sink, min(2000, n))
        print(f"sink alone: {rate:,.0f} messages/s accepted (2 senders, kept-open connections)")

        for workers in (1, 2):
            reset_run(db, sink, due)
            elapsed, codes = timed_run(workers, env, due)
            once, duplicated, missing = check(sink, n)
            print(f"{workers} worker(s): {n} deliveries in {elapsed:.1f} s = {n / elapsed:,.0f}/s "
                  f"(exactly once: {once}, duplicated: {duplicated}, missing: {missing}; exit codes {codes})"
                  + (f"; not done: {not_done(db)}" if missing else ""))

        reset_run(db, sink, due)
        worker_args = ["worker", "--interval", "0.5", "--lease-seconds", str(args.lease_seconds)]
        started = time.perf_counter()
        first, second = spawn(worker_args, env), spawn(worker_args, env)
        while sink.accepted < n // 3:
            time.sleep(0.05)
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        killed_at = sink.accepted
        restarted = spawn(worker_args, env)
        while done_count(db) < n:
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
        for proc in (second, restarted):
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
        time.sleep(0.5)
        once, duplicated, missing = check(sink, n)
        print(f"kill -9 of one of two workers after {killed_at} deliveries, restarted: all {n} done in "
              f"{elapsed:.1f} s (lease {args.lease_seconds:.0f} s); exactly once: {once}, duplicated: {duplicated}, "
              f"missing: {missing}")
        db.dispose()
    finally:
        sink.controller.stop()
        drop_database(args.pg, name)


if __name__ == "__main__":
    main()
