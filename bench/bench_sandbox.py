"""Sandbox benchmark: how long `serve --demo`'s first start spends making the demo, how long the
sandbox clock takes to advance a day and a month (simulated delivery, lifecycle and schedules at
every step), and a reset, on a fresh data dir (SQLite + DuckDB).

    .venv/bin/python bench/bench_sandbox.py [--days 30]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from adplane.app import create_app
from adplane.cli.context import open_database
from adplane.cli.demo import ensure_demo
from adplane.core.clock import utcnow
from adplane.core.settings import Settings
from adplane.sandbox import service
from adplane.simulator.realtime import RealtimeSimulator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix="adplane-bench-sandbox-")), run_background_jobs=False,
                        sandbox=True)
    started = time.perf_counter()
    ensure_demo(settings)
    print(f"demo made in {time.perf_counter() - started:.1f} s")
    _settings, db = open_database(settings)
    app = create_app(settings, db, background=False)
    simulator = RealtimeSimulator(app)  # ticked by the clock only
    simulator.restart_from(utcnow())
    app.state.simulator = simulator
    runtime = service.Runtime.of(app)
    for days in (1, args.days):
        started = time.perf_counter()
        moved = service.advance(runtime, timedelta(days=days))
        print(f"advance {days} day(s): {time.perf_counter() - started:.1f} s, {moved['steps']} steps, "
              f"{moved['started']} started, {moved['expired']} expired")
    events = app.state.analytics.query("SELECT count(*) FROM events")[0][0]
    print(f"events in the store: {events:,}")
    started = time.perf_counter()
    service.reset(runtime, service.demo_workspace_id(db))
    print(f"reset in {time.perf_counter() - started:.1f} s")
    app.state.analytics.close()
    db.dispose()


if __name__ == "__main__":
    main()
