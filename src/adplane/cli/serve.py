"""`adplane serve`: migrate, optionally create the demo workspace, run the API (uvicorn)."""

from __future__ import annotations

import json
import os
from typing import Any

import typer

from adplane.cli.context import open_database
from adplane.core.settings import Settings

DEMO_HOST = "localhost"
DEMO_EMAIL = "demo@adplane.local"
DEMO_PASSWORD = "Demo-Passw0rd!"
DEMO_ORGANIZATION = "Demo Agency"


def ensure_demo(settings: Settings) -> dict[str, Any]:
    """Create the demo workspace once; its credentials are kept (mode 600) in the data dir so
    every start can print how to log in."""
    from adplane.auth.admin import bootstrap

    creds_file = settings.data_dir / "demo-credentials.json"
    stored = json.loads(creds_file.read_text()) if creds_file.exists() else None
    _settings, db = open_database(settings)
    with db.session() as session:
        result = bootstrap(
            session, host=DEMO_HOST, email=DEMO_EMAIL, password=DEMO_PASSWORD, organization=DEMO_ORGANIZATION,
            rotate_secret=stored is None,
        )
    db.dispose()
    if result.client_secret:
        stored = {**result.as_dict(), "email": DEMO_EMAIL, "password": DEMO_PASSWORD}
        creds_file.write_text(json.dumps(stored, indent=2))
        os.chmod(creds_file, 0o600)
    assert stored is not None
    return stored


def login_hint(creds: dict[str, Any], host: str, port: int) -> str:
    return (
        "adplane demo workspace is ready. Log in with:\n\n"
        f"  curl -s -X POST http://{host}:{port}/api/v3/ua/login \\\n"
        f"    -u '{creds['clientId']}:{creds['clientSecret']}' \\\n"
        f"    -H 'X-IAA-HOST: {creds['host']}' -H 'Content-Type: application/json' \\\n"
        "    -d '{\"grantType\": \"password\", "
        f"\"email\": \"{creds['email']}\", \"password\": \"{creds['password']}\"}}'\n\n"
        f"then send 'Authorization: Bearer <access_token>' and 'X-IAA-OW-ID: {creds['owId']}'.\n"
        f"API docs: http://{host}:{port}/docs\n"
    )


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
