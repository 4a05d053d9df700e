"""`adplane simulate --start --end [--seed]`: delivery for every running campaign over a period.

It writes to the analytics store. When `adplane serve` runs on the same data dir (it owns the DuckDB
file), the work is handed to it over its internal endpoint (`adplane.simulator.endpoints`); otherwise
the command opens the store itself.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import typer

from adplane.core.settings import get_settings

simulate_app = typer.Typer(invoke_without_command=True, add_completion=False,
                           help="Generate realistic delivery for running campaigns over a period.")


def _parse_day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter("use YYYY-MM-DD", param_hint=name) from None


@simulate_app.callback()
def simulate(
    start: str = typer.Option(..., "--start", help="First local day, YYYY-MM-DD."),
    end: str = typer.Option(..., "--end", help="Last local day (inclusive), YYYY-MM-DD."),
    seed: int = typer.Option(0, "--seed", help="Same seed, same data."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Generate delivery for every running campaign over START..END (idempotent per seed)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from adplane.core.control import live_server

    first, last = _parse_day(start, "--start"), _parse_day(end, "--end")
    if last < first:
        raise typer.BadParameter("must not be before --start", param_hint="--end")
    settings = get_settings()
    columns = (TextColumn("simulating"), BarColumn(), TextColumn("{task.completed}/{task.total} days×timezones"),
               TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, disable=as_json, transient=False) as bar:
        task = bar.add_task("simulate", total=None)

        def progress(step: int, total: int) -> None:
            bar.update(task, completed=step, total=total)

        server = live_server(settings)
        if server is not None:
            summary = _simulate_remote(server, first, last, seed, progress)
        else:
            summary = _simulate_local(first, last, seed, progress)
    if as_json:
        typer.echo(json.dumps(summary))
    else:
        for key, value in summary.items():
            typer.echo(f"{key}: {value}")


def _simulate_local(first: date, last: date, seed: int, progress: Any) -> dict[str, Any]:
    from adplane.analytics.store import open_store
    from adplane.cli.context import open_database
    from adplane.simulator.simulation import simulate_period

    settings, db = open_database(get_settings())
    store = open_store(settings)
    try:
        with db.session() as session:
            return simulate_period(session, store, first, last, seed=seed, progress=progress).as_dict()
    finally:
        store.close()
        db.dispose()


def _simulate_remote(server: Any, first: date, last: date, seed: int, progress: Any) -> dict[str, Any]:
    body = {"start": first.isoformat(), "end": last.isoformat(), "seed": seed}
    summary: dict[str, Any] = {}
    with server.stream("POST", "/internal/events/simulate", json=body) as response:
        if response.status_code != 200:
            response.read()
            raise typer.BadParameter(f"the running server refused: {response.text[:500]}")
        for line in response.iter_lines():
            if not line.strip():
                continue
            message = json.loads(line)
            if "error" in message:
                raise typer.BadParameter(message["error"])
            if "summary" in message:
                summary = message["summary"]
            else:
                progress(message["step"], message["total"])
    return summary
