"""`adplane sandbox reset | clock | advance | login`: the sandbox from the command line.

When `adplane serve` runs on the data dir, the work is handed to it (its internal endpoints, control
key), so its clock, simulator and store are the ones that move; otherwise the command works on the
data dir itself (no simulator then: the lifecycle and the schedules run, and the clock's offset is
saved for the next `serve`). Either way the data dir must hold the demo (`adplane serve --demo`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import typer

from adplane.core.settings import get_settings

app = typer.Typer(no_args_is_help=True, help="Sandbox for testing integrations: reset the demo, move its clock.")
JsonOption = typer.Option(False, "--json", help="Print JSON.")


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=code)


def _print(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(result, default=str))
        return
    for key, value in result.items():
        typer.echo(f"{key}: {value}")


def _remote(method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The running server's answer, or None when no server runs on the data dir."""
    from adplane.core.control import live_server

    server = live_server(get_settings())
    if server is None:
        return None
    response = server.call(method, f"/internal/sandbox{path}", json=body, timeout=None)
    if response.status_code == 404:
        raise _fail("the running server is not a sandbox: start it with `adplane serve --demo` "
                    "(or ADPLANE_SANDBOX=true)")
    if response.status_code != 200:
        try:
            errors = response.json().get("errorObjects") or [{}]
            message = errors[0].get("error") or errors[0].get("reason") or response.text
        except ValueError:
            message = response.text
        raise _fail(str(message)[:500])
    return response.json()


def _local(work: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """Run `work(runtime)` on the data dir itself (no server runs on it)."""
    from adplane.analytics import handle as analytics_handle
    from adplane.app import create_app
    from adplane.cli.context import open_database
    from adplane.core.errors import ApiError
    from adplane.sandbox import service

    settings = get_settings()
    if not (settings.data_dir / service.CREDENTIALS_FILE).exists():
        raise _fail(f"no demo in {settings.data_dir}: run `adplane serve --demo` once")
    settings, db = open_database(settings)
    service.load_clock(settings)
    application = create_app(settings, db, background=False)
    try:
        return work(service.Runtime.of(application))
    except ApiError as exc:
        raise _fail(str(exc.error_objects[0].get("error") if exc.error_objects else exc)) from None
    finally:
        analytics_handle.release(settings)  # the shared store: another holder may still use it
        db.dispose()


@app.command("reset")
def reset(as_json: bool = JsonOption) -> None:
    """Restore the demo workspace: its organizations' data, the demo content, real time."""
    from adplane.sandbox import service

    result = _remote("POST", "/reset")
    if result is None:
        result = _local(lambda rt: service.reset(rt, _workspace(rt)))
    _print(result, as_json)


def _workspace(rt: Any) -> int:
    from adplane.sandbox import service

    workspace_id = service.demo_workspace_id(rt.db)
    if workspace_id is None:
        raise _fail("there is no demo workspace: run `adplane serve --demo` once")
    return workspace_id


@app.command("clock")
def show_clock(
    to: str | None = typer.Option(None, "--set", help="Move forward to this instant (ISO 8601, UTC unless it "
                                  "has an offset; or epoch ms), running the work due on the way."),
    as_json: bool = JsonOption,
) -> None:
    """Show the sandbox clock (or move it forward with --set)."""
    from adplane.sandbox import service

    if to is None:
        result = _remote("GET", "/clock")
        if result is None:
            result = _local(lambda _rt: service.clock_state())
    else:
        body: dict[str, Any] = {"now": int(to) if to.isdigit() else to}
        result = _remote("POST", "/clock", body)
        if result is None:
            from adplane.sandbox.endpoints import ClockIn

            result = _local(lambda rt: service.move_to(rt, ClockIn(now=body["now"]).instant()))
    _print(result, as_json)


@app.command("advance")
def advance(
    days: float = typer.Option(0, "--days", min=0),
    hours: float = typer.Option(0, "--hours", min=0),
    minutes: float = typer.Option(0, "--minutes", min=0),
    seconds: float = typer.Option(0, "--seconds", min=0),
    as_json: bool = JsonOption,
) -> None:
    """Move the sandbox clock forward: campaigns start, spend and expire, schedules fire."""
    from datetime import timedelta

    from adplane.sandbox import service

    delta = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    if delta <= timedelta(0):
        raise _fail("give --days, --hours, --minutes or --seconds", code=2)
    result = _remote("POST", "/clock/advance", {"seconds": delta.total_seconds()})
    if result is None:
        result = _local(lambda rt: service.advance(rt, delta))
    _print(result, as_json)


@app.command("login")
def login(
    url: str | None = typer.Option(None, help="API base URL (default: the server running on the data dir)."),
    as_json: bool = JsonOption,
) -> None:
    """Log `adplane api` in as the demo user (credentials from the data dir's demo-credentials.json)."""
    from adplane.client import AdplaneClient, ApiError, ClientConfig, ConnectionFailed, store
    from adplane.core.control import read_server_file
    from adplane.sandbox import service

    settings = get_settings()
    try:
        creds = json.loads((settings.data_dir / service.CREDENTIALS_FILE).read_text())
    except (OSError, ValueError):
        raise _fail(f"no demo in {settings.data_dir}: run `adplane serve --demo` once") from None
    server = read_server_file(settings)
    base = url or (server.url if server else "http://127.0.0.1:8000")
    config = ClientConfig(url=base, client_id=creds["clientId"], client_secret=creds["clientSecret"],
                          host=creds["host"], email=creds["email"], password=creds["password"])
    try:
        with AdplaneClient(config) as client:
            token = client.login()
            path = store.save(store.stored_session(client.config, token, client.ow_id))
    except ConnectionFailed as exc:
        raise _fail(f"cannot reach the API at {base}: {exc.message}", code=3) from None
    except ApiError as exc:
        raise _fail(f"the API refused the demo login: {exc}") from None
    demo = creds.get("demo") or {}
    result = {"url": base, "email": creds["email"], "owId": creds["owId"], "credentials": str(path),
              "healthcareCampaignId": demo.get("healthcareCampaignId"), "campaignIds": demo.get("campaignIds"),
              }
    if as_json:
        typer.echo(json.dumps(result))
    else:
        typer.echo(f"Logged in as {creds['email']} (owId {creds['owId']}) at {base}; `adplane api ...` uses it.")
        if demo.get("healthcareCampaignId"):
            typer.echo(f"Healthcare campaign: {demo['healthcareCampaignId']}")
