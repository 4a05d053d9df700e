"""`adplane worker` (deliver scheduled reports in a loop) and `adplane scheduler run-due` (one pass)."""

from __future__ import annotations

import json
import signal
from datetime import UTC, datetime

import structlog
import typer

from adplane.cli.context import open_database

worker_app = typer.Typer(help="Run background jobs (every registered job kind, or those given with --kind) in this "
                         "process.")
scheduler_app = typer.Typer(no_args_is_help=True, help="Scheduled report delivery.")


def _parse_instant(value: str) -> datetime:
    try:
        instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter("expected an ISO 8601 instant such as 2026-11-23T09:00:00Z") from None
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


@worker_app.callback(invoke_without_command=True)
def worker(
    kind: list[str] = typer.Option(None, "--kind", "-k", help="Run only this job kind (repeatable); default: every "
                                   "registered kind. `--list` shows them."),
    interval: float = typer.Option(None, help="Seconds between passes of every kind (default: each kind's own)."),
    lease_seconds: float = typer.Option(None, help="How long a claimed item is held before others may retry it "
                                        "(default: ADPLANE_JOB_LEASE_SECONDS)."),
    once: bool = typer.Option(False, "--once", help="One pass of each kind, then exit."),
    list_kinds: bool = typer.Option(False, "--list", help="List the registered job kinds and exit."),
) -> None:
    """Run background jobs (scheduled deliveries, insight generation, periodic tasks) until stopped (SIGTERM/SIGINT).

    Run several on PostgreSQL: every kind claims its work under a lease, so no item is done twice."""
    from adplane.core.control import live_server
    from adplane.job_kinds import load_job_kinds
    from adplane.jobs.registry import UnknownKind
    from adplane.jobs.runner import BackgroundRunner, run_once
    from adplane.mail import close_connections

    registry = load_job_kinds()
    if list_kinds:
        for known in registry.select():
            typer.echo(f"{known.name}\tevery {known.interval_seconds:g}s\t{known.description}")
        return
    try:
        kinds = registry.select(kind)
    except UnknownKind as exc:
        raise typer.BadParameter(f"unknown job kind {exc.args[0]!r}; known: {', '.join(registry.names())}",
                                 param_hint="--kind") from None
    from adplane.core.logging import configure_logging, quiet_libraries
    from adplane.core.settings import get_settings

    # a service process: every line on stderr is a JSON log, alembic's and httpx's included
    configure_logging(get_settings().log_level, get_settings().log_line_max_chars, libraries=True)
    log = structlog.get_logger("adplane.worker")
    settings, db = open_database()
    if not db.is_postgres and live_server(settings) is not None:
        db.dispose()
        quiet_libraries()
        log.error("adplane serve is running on this data dir and already runs every job kind; "
                  "separate workers need PostgreSQL (ADPLANE_DATABASE_URL)")
        raise typer.Exit(code=1)
    from adplane.files.service import remove_partial_files

    remove_partial_files(settings)  # half-written report/insight files of a killed worker

    def report(name: str, result: dict[str, int]) -> None:
        log.info("job_pass", kind=name, **result)

    runner = BackgroundRunner(db, settings, kinds, lease_seconds=lease_seconds, interval_override=interval,
                              on_result=report)
    if not once:  # before saying it started: a SIGTERM from then on is a clean stop, never a kill
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: runner.request_stop())
    log.info("worker_started", worker=runner.ctx.worker, kinds=[k.name for k in kinds])
    try:
        if once:
            run_once(runner.ctx, kinds, report)
            return
        runner.start()
        runner.wait()
    finally:
        runner.stop()
        close_connections()
        db.dispose()
        log.info("worker_stopped", worker=runner.ctx.worker)
        quiet_libraries()


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
