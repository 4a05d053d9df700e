"""Job queue benchmark: jobs per second drained from the `jobs` table by 1, 2 and 4 concurrent
workers (threads, each with its own connection) on PostgreSQL, with a handler that does one small
write per job; checks every job ran exactly once. Also one SQLite figure (one worker).

    .venv/bin/python bench/bench_jobs.py [--jobs 5000] [--pg postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_schedules import create_database, drop_database  # noqa: E402
from sqlalchemy import func, select, update  # noqa: E402

from adplane.core.db import Database  # noqa: E402
from adplane.core.migrate import upgrade  # noqa: E402
from adplane.core.settings import Settings  # noqa: E402
from adplane.jobs.models import Job  # noqa: E402
from adplane.jobs.queue import drain, enqueue  # noqa: E402
from adplane.jobs.registry import JobContext  # noqa: E402


def run(db: Database, settings: Settings, jobs: int, workers: int, batch: int) -> tuple[float, Counter[int]]:
    kind = f"bench-{workers}"
    with db.session() as session:
        for i in range(jobs):
            enqueue(session, kind, str(i), {"i": i})
        session.commit()
    seen: Counter[int] = Counter()
    lock = threading.Lock()

    def handle(ctx, session, job):  # noqa: ANN001, ANN202
        session.execute(update(Job).where(Job.id == job.id).values(last_error=None))  # one small write
        with lock:
            seen[job.payload["i"]] += 1

    start = threading.Barrier(workers + 1)

    def work(name: str) -> None:
        start.wait()
        drain(JobContext(db, settings, name), kind, handle, batch=batch)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(workers)]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    with db.session() as session:
        done = session.scalar(select(func.count()).where(Job.kind == kind, Job.status == "done"))
    assert done == jobs and sorted(seen) == list(range(jobs)) and set(seen.values()) == {1}, "not exactly once"
    return jobs / elapsed, seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--pg", default=os.environ.get("ADPLANE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    name, url = create_database(args.pg)
    try:
        upgrade(url)
        db = Database(url)
        settings = Settings(database_url=url)
        for workers in (1, 2, 4):
            rate, _ = run(db, settings, args.jobs, workers, args.batch)
            print(f"postgresql  workers={workers}  jobs={args.jobs}  batch={args.batch}  {rate:,.0f} jobs/s, each once")
        db.dispose()
    finally:
        drop_database(args.pg, name)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        db = Database(url)
        rate, _ = run(db, Settings(database_url=url, data_dir=Path(tmp)), args.jobs, 1, args.batch)
        print(f"sqlite      workers=1  jobs={args.jobs}  batch={args.batch}  {rate:,.0f} jobs/s, each once")
        db.dispose()


if __name__ == "__main__":
    main()
