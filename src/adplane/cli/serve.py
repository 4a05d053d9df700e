"""`adplane serve`: migrate, optionally create the demo workspace, run the API (uvicorn)."""

from __future__ import annotations

import typer

from adplane.cli.context import open_database
from adplane.cli.demo import ensure_demo, login_hint


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    demo: bool = typer.Option(False, "--demo", help="Create the demo workspace on first start and print its login."),
    simulate: bool | None = typer.Option(
        None, "--simulate/--no-simulate",
        help="Generate delivery for running campaigns in real time (default: on with --demo)."),
) -> None:
    """Run the API server (applies pending migrations first)."""
    import uvicorn

    from adplane.app import create_app
    from adplane.core.settings import get_settings

    settings = get_settings()
    _settings, db = open_database(settings)
    db.dispose()
    if demo:
        typer.echo(login_hint(ensure_demo(settings), host, port))
    from adplane.core.control import advertise
    from adplane.events.realtime import RealtimeSimulator

    app = create_app(settings)
    local_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # where this machine's CLI reaches it
    with advertise(settings, app, f"http://{local_host}:{port}"), RealtimeSimulator.maybe(
            app, enabled=demo if simulate is None else simulate):
        uvicorn.run(app, host=host, port=port, log_config=None, access_log=False)
