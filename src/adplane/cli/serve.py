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
            _run(settings, host, port, demo, simulate)
    except DataDirInUse as exc:
        structlog.get_logger("adplane.serve").error(str(exc), data_dir=str(exc.data_dir), holder_pid=exc.pid)
        raise typer.Exit(code=1) from None
    except TracingUnavailable as exc:
        structlog.get_logger("adplane.serve").error(str(exc))
        raise typer.Exit(code=1) from None


def _run(settings: Settings, host: str, port: int, demo: bool, simulate: bool | None) -> None:
    import uvicorn

    from adplane.app import create_app
    from adplane.cli.context import open_database
    from adplane.cli.demo import ensure_demo, login_hint
    from adplane.core.control import advertise
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
    app = create_app(settings)
    local_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # where this machine's CLI reaches it
    with advertise(settings, app, f"http://{local_host}:{port}"), RealtimeSimulator.maybe(
            app, enabled=demo if simulate is None else simulate):
        # proxy_headers=False: uvicorn must not rewrite the client address from X-Forwarded-For;
        # adplane.core.addresses believes that header only from ADPLANE_TRUSTED_PROXIES
        uvicorn.run(app, host=host, port=port, log_config=None, access_log=False, proxy_headers=False)
