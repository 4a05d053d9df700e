"""`adplane insights ...`: operators' commands for insight rates and generation."""

from __future__ import annotations

import signal
import threading
from decimal import Decimal, InvalidOperation

import typer

from adplane.analytics.store import open_store
from adplane.auth import repository as auth_repo
from adplane.auth.models import Organization
from adplane.core.commands import emit, open_database
from adplane.core.errors import ApiError
from adplane.insights.pricing import rate_for, set_rate
from adplane.insights.worker import generate_pending

app = typer.Typer(no_args_is_help=True, help="Insight reports (PLD, SLS, AQS): rates and generation.")


@app.command("set-rate")
def set_rate_command(
    kind: str = typer.Option(..., help="pld, sls or aqs"),
    rate: str = typer.Option(..., help="Price per impression, e.g. 0.002"),
    ow_id: int | None = typer.Option(None, help="The organization; without it, the workspace default."),
    workspace_host: str | None = typer.Option(None, help="The workspace (for a workspace default)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Set an organization's rate for an insight kind, or a workspace's default rate."""
    try:
        value = Decimal(rate)
    except InvalidOperation:
        typer.echo("error: rate must be a number", err=True)
        raise typer.Exit(code=2) from None
    _settings, db = open_database()
    with db.session() as session:
        if ow_id is not None:
            org = session.get(Organization, ow_id)
            if org is None:
                typer.echo(f"error: organization {ow_id} not found", err=True)
                raise typer.Exit(code=2)
            workspace_id = org.workspace_id
        else:
            workspace = auth_repo.workspace_by_host(session, workspace_host or "")
            if workspace is None:
                typer.echo("error: give --ow-id or the --workspace-host of an existing workspace", err=True)
                raise typer.Exit(code=2)
            workspace_id = workspace.id
        try:
            set_rate(session, workspace_id, ow_id, kind, value)
        except ApiError as exc:
            typer.echo(f"error: {exc.error_objects[0]['error']}", err=True)
            raise typer.Exit(code=2) from None
        session.commit()
        effective = str(rate_for(session, ow_id, kind)) if ow_id is not None else str(value)
    emit({"kind": kind, "owId": ow_id, "workspaceId": workspace_id, "rate": effective}, as_json)


@app.command("generate")
def generate_command(
    limit: int = typer.Option(100, min=1),
    loop: bool = typer.Option(False, "--loop", help="Keep generating until stopped (a separate worker)."),
    interval: float = typer.Option(5.0, min=0.1, help="Seconds between passes with --loop."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Generate the reports waiting in processing (what the background task of `adplane serve` does)."""
    settings, db = open_database()
    store = open_store(settings)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    total = 0
    try:
        while True:
            done = generate_pending(db, settings, store, limit=limit)
            total += done
            if not loop or stop.is_set():
                break
            if not done:
                stop.wait(interval)
    finally:
        store.close()
        db.dispose()
    emit({"generated": total}, as_json)
