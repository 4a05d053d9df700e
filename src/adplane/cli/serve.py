"""`adplane serve`: migrate, optionally create the demo workspace, run the API (uvicorn)."""

from __future__ import annotations

import structlog  # a server package: without the server extra, `adplane serve` answers with the hint
import typer

from adplane.core.settings import Settings, get_settings


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    demo: bool = typer.Option(False, "--demo", help="Create the demo workspace on first start and print its login; "
                              "turns the sandbox on (reset and clock endpoints, docs/sandbox.md)."),
    simulate: bool | None = typer.Option(
        None, "--simulate/--no-simulate",
        help="Generate delivery for running campaigns in real time (default: on with --demo)."),
    workers: int = typer.Option(1, "--workers", min=1, max=64,
                                help="Server processes. More than one needs ADPLANE_DATABASE_URL on PostgreSQL (the "
                                     "embedded SQLite and DuckDB files belong to one process)."),
    worker_timeout: float = typer.Option(
        60.0, "--worker-timeout", min=0,
        help="With --workers on Linux: kill and replace a worker whose event loop has not turned for this many "
             "seconds (0: never)."),
) -> None:
    """Run the API server (applies pending migrations first).

    Logs are JSON lines on stderr (uvicorn's, alembic's and httpx's too); stdout only carries the demo's
    login hint. One server per data dir on the embedded stores: a second one exits with status 1."""
    from adplane.core.datadir import DataDirInUse, hold_data_dir
    from adplane.core.logging import configure_logging
    from adplane.core.tracing import TracingUnavailable

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_line_max_chars, libraries=True)
    try:
        with hold_data_dir(settings):
            _run(settings, host, port, demo, simulate, workers, worker_timeout)
    except DataDirInUse as exc:
        structlog.get_logger("adplane.serve").error(str(exc), data_dir=str(exc.data_dir), holder_pid=exc.pid)
        raise typer.Exit(code=1) from None
    except TracingUnavailable as exc:
        structlog.get_logger("adplane.serve").error(str(exc))
        raise typer.Exit(code=1) from None


def _run(settings: Settings, host: str, port: int, demo: bool, simulate: bool | None, workers: int,
         worker_timeout: float) -> None:
    import uvicorn

    from adplane.app import create_app
    from adplane.cli.context import open_database
    from adplane.cli.demo import ensure_demo, login_hint
    from adplane.core.control import advertise
    from adplane.core.heap import freeze_startup_objects
    from adplane.simulator.realtime import RealtimeSimulator

    settings.follow_bind_address(host, port)
    _settings, db = open_database(settings)
    db.dispose()
    if demo:
        settings.sandbox = True  # the demo is the sandbox for testing integrations (docs/sandbox.md)
    if settings.sandbox:
        from adplane.sandbox.service import load_clock

        load_clock(settings)  # where a previous run left the sandbox clock
    if demo:
        typer.echo(login_hint(ensure_demo(settings), host, port))
    if workers > 1:
        _refuse_embedded_stores(settings)
    app = create_app(settings, background=None if workers == 1 else False)  # None: as the settings say
    freeze_startup_objects()
    local_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # where this machine's CLI reaches it
    with advertise(settings, app, f"http://{local_host}:{port}") as server, RealtimeSimulator.maybe(
            app, enabled=demo if simulate is None else simulate):
        # proxy_headers=False: uvicorn must not rewrite the client address from X-Forwarded-For;
        # adplane.core.addresses believes that header only from ADPLANE_TRUSTED_PROXIES
        if workers == 1:
            uvicorn.run(app, host=host, port=port, log_config=None, access_log=False, proxy_headers=False,
                        loop=settings.event_loop)
            return
        _serve_workers(settings, app, server.key, host, port, workers, worker_timeout)


def _refuse_embedded_stores(settings: Settings) -> None:
    """With a PostgreSQL database the analytics store is PostgreSQL too (or ClickHouse, by its own URL)."""
    if not settings.resolved_database_url.startswith("postgresql"):
        structlog.get_logger("adplane.serve").error(
            "--workers needs ADPLANE_DATABASE_URL on PostgreSQL: the embedded SQLite and DuckDB files belong "
            "to one process")
        raise typer.Exit(code=2)


def _serve_workers(settings: Settings, app: object, control_key: str, host: str, port: int, workers: int,
                   worker_timeout: float) -> None:
    """`workers` copies of the API (`worker_app`), each accepting on its own SO_REUSEPORT socket
    (adplane.cli.supervisor); this process keeps what must run once: the background jobs, the real-time
    simulator and the control file. Where the kernel does not spread connections over SO_REUSEPORT sockets
    (not Linux), uvicorn's process manager runs them on one shared socket instead."""
    import os

    from adplane.job_kinds import load_job_kinds
    from adplane.jobs.runner import BackgroundRunner

    os.environ.update({
        "ADPLANE_PUBLIC_BASE_URL": settings.public_base_url,
        "ADPLANE_SANDBOX": "true" if settings.sandbox else "false",
        "ADPLANE_RUN_BACKGROUND_JOBS": "false",
        CONTROL_KEY_ENV: control_key,
    })
    runner = BackgroundRunner(app.state.db, settings, load_job_kinds().select())  # type: ignore[attr-defined]
    runner.start()
    try:
        status = _run_workers(settings, host, port, workers, worker_timeout)
    finally:
        runner.stop()
    if status:
        raise typer.Exit(code=status)


def _run_workers(settings: Settings, host: str, port: int, workers: int, worker_timeout: float) -> int:
    """The workers' exit status: 0 once stopped by SIGINT or SIGTERM, 3 if they could not start."""
    import uvicorn

    from adplane.cli.supervisor import Supervisor, balances_by_reuseport

    if not balances_by_reuseport():
        uvicorn.run("adplane.cli.serve:worker_app", factory=True, workers=workers, host=host, port=port,
                    log_config=None, access_log=False, proxy_headers=False, loop=settings.event_loop)
        return 0
    config = uvicorn.Config("adplane.cli.serve:worker_app", factory=True, workers=workers, host=host, port=port,
                            log_config=None, access_log=False, proxy_headers=False, loop=settings.event_loop)
    return Supervisor(config, workers, worker_timeout).run()


CONTROL_KEY_ENV = "ADPLANE_SERVE_CONTROL_KEY"


def worker_app() -> object:
    """One `serve --workers` process: the API without background jobs (the supervising process runs them)."""
    import os

    from adplane.app import create_app
    from adplane.core.heap import freeze_startup_objects
    from adplane.core.logging import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_line_max_chars, libraries=True)
    app = create_app(settings, background=False)
    app.state.control_key = os.environ.get(CONTROL_KEY_ENV)
    freeze_startup_objects()
    return app
