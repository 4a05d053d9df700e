"""`adplane worker` (deliver scheduled reports in a loop) and `adplane scheduler run-due` (one pass)."""

from __future__ import annotations

import json
import signal
import threading
from datetime import UTC, datetime

import typer

from adplane.cli.context import open_database

worker_app = typer.Typer(help="Run background work (scheduled report delivery, insight generation) in this process.")
scheduler_app = typer.Typer(no_args_is_help=True, help="Scheduled report delivery.")


def _parse_instant(value: str) -> datetime:
    try:
        instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter("expected an ISO 8601 instant such as 2026-11-23T09:00:00Z") from None
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


@worker_app.callback(invoke_without_command=True)
def worker(
    interval: float = typer.Option(15.0, help="Seconds between passes when nothing is due."),
    lease_seconds: float = typer.Option(300.0, help="How long a claimed delivery is held before others may retry it."),
    once: bool = typer.Option(False, "--once", help="One pass, then exit."),
) -> None:
    """Deliver due scheduled reports and generate waiting insight reports until stopped (SIGTERM/SIGINT).

    Run several on PostgreSQL: both kinds of work are claimed with leases, so no item is done twice."""
    from adplane.core.control import live_server
    from adplane.insights.worker import generate_pending, store_for
    from adplane.jobs.leases import worker_name
    from adplane.mail import close_connections
    from adplane.schedules.runner import run_due

    settings, db = open_database()
    if not db.is_postgres and live_server(settings) is not None:
        db.dispose()
        typer.echo("adplane serve is running on this data dir and already delivers schedules; "
                   "separate workers need PostgreSQL (ADPLANE_DATABASE_URL).", err=True)
        raise typer.Exit(code=1)
    name = worker_name()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    typer.echo(f"worker {name} started", err=True)
    try:
        while not stop.is_set():
            stats = run_due(db, settings, worker=name, lease_seconds=lease_seconds)
            if stats.recorded or stats.outcomes:
                typer.echo(json.dumps(stats.as_dict()), err=True)
            insights = generate_pending(db, settings, store_for(settings), worker=name)
            if insights:
                typer.echo(json.dumps({"insightReportsGenerated": insights}), err=True)
            if once:
                break
            if not stats.outcomes and not insights:
                stop.wait(interval)
    finally:
        close_connections()
        db.dispose()


@scheduler_app.command("run-due")
def run_due_command(
    now: str = typer.Option(None, "--now", help="Process what is due at this instant (default: the clock), e.g. "
                            "2026-11-23T09:00:00Z."),
) -> None:
    """Record and deliver every occurrence due at `--now`, then exit (replays by operators, tests)."""
    from adplane.core.control import live_server
    from adplane.core.settings import get_settings
    from adplane.mail import close_connections
    from adplane.schedules.runner import run_due

    instant = _parse_instant(now) if now else None
    server = live_server(get_settings())
    if server is not None:  # a running `adplane serve` owns the data dir's stores: it does the pass
        response = server.call("POST", "/internal/schedules/run-due", timeout=None,
                               json={"now": instant.isoformat() if instant else None})
        response.raise_for_status()
        typer.echo(json.dumps(response.json()))
        return
    settings, db = open_database()
    try:
        stats = run_due(db, settings, now=instant)
    finally:
        close_connections()
        db.dispose()
    typer.echo(json.dumps(stats.as_dict()))
