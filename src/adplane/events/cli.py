"""`adplane events ingest FILE...` and `adplane simulate --start --end [--seed]`.

Both write to the analytics store. When `adplane serve` runs on the same data dir (it owns the
DuckDB file), the work is handed to it over its internal endpoints (`adplane.core.control`);
otherwise the command opens the store itself.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import typer

from adplane.core.settings import get_settings

events_app = typer.Typer(no_args_is_help=True, help="Ad-serving events: bulk ingestion and store maintenance.")
simulate_app = typer.Typer(invoke_without_command=True, add_completion=False,
                           help="Generate realistic delivery for running campaigns over a period.")


def _print_report(report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(report, default=str))
        return
    if report.get("status") == "rejected":
        typer.echo(f"batch {report['batchId']}: REJECTED, nothing stored "
                   f"({report.get('rejectedRows', 0)} of {report.get('rows', 0)} rows have errors)")
        for err in report.get("errors", []):
            where = f"row {err['row']}" if err.get("row") is not None else "file"
            value = f" (value: {err['value']})" if err.get("value") is not None else ""
            typer.echo(f"  {where}: {err.get('field') or ''} {err['error']}{value}")
    else:
        typer.echo(f"batch {report['batchId']}: {report['status']}, {report['events']} events"
                   + ("" if report["status"] == "stored" else " (already stored: nothing new)"))


def _ingest_local(files: list[Path], fmt: str | None, batch_id: str | None, ow_id: int | None,
                  max_errors: int) -> list[dict[str, Any]]:
    from adplane.cli.context import open_database
    from adplane.events.ingest import BatchRejected, ingest_file
    from adplane.events.service import after_delivery
    from adplane.events.store import open_store

    settings, db = open_database(get_settings())
    store = open_store(settings)
    reports = []
    try:
        with db.session() as session:
            for path in files:
                try:
                    result = ingest_file(session, store, path, fmt=fmt, batch_id=batch_id, ow_id=ow_id,
                                         max_errors=max_errors)
                except BatchRejected as exc:
                    reports.append(exc.report())
                    continue
                after_delivery(session, store, result.campaign_ids)
                reports.append(result.report())
    finally:
        store.close()
        db.dispose()
    return reports


def _ingest_remote(server: Any, files: list[Path], fmt: str | None, batch_id: str | None, ow_id: int | None,
                   max_errors: int) -> list[dict[str, Any]]:
    from adplane.events.ingest import detect_format

    reports = []
    for path in files:
        params: dict[str, Any] = {"maxErrors": max_errors, "source": str(path)}
        chosen = fmt or detect_format(path.name)
        if chosen:
            params["format"] = chosen
        if batch_id:
            params["batchId"] = batch_id
        if ow_id is not None:
            params["owId"] = ow_id
        response = server.call("POST", "/internal/events/batches", content=path.read_bytes(), params=params,
                               timeout=None)
        if response.status_code != 200:
            raise typer.BadParameter(f"the running server refused the batch: {response.text[:500]}")
        reports.append(response.json())
    return reports


@events_app.command("ingest")
def ingest(
    files: list[Path] = typer.Argument(..., exists=True, dir_okay=False, help="NDJSON, CSV or Parquet files."),
    fmt: str | None = typer.Option(None, "--format", help="ndjson, csv or parquet (default: from the extension)."),
    batch_id: str | None = typer.Option(None, "--batch-id", help="Default: the SHA-256 of each file."),
    ow_id: int | None = typer.Option(None, "--ow-id", help="Accept only this organization's campaigns."),
    max_errors: int = typer.Option(100, "--max-errors", min=1, help="How many bad rows/fields to report."),
    as_json: bool = typer.Option(False, "--json", help="One JSON report per file."),
) -> None:
    """Store each file as one all-or-nothing batch (sending a file again stores nothing)."""
    from adplane.core.control import live_server

    if batch_id and len(files) > 1:
        raise typer.BadParameter("--batch-id names one batch: give one file", param_hint="--batch-id")
    settings = get_settings()
    server = live_server(settings)
    if server is not None:
        reports = _ingest_remote(server, files, fmt, batch_id, ow_id, max_errors)
    else:
        reports = _ingest_local(files, fmt, batch_id, ow_id, max_errors)
    for report in reports:
        _print_report(report, as_json)
    if any(r.get("status") == "rejected" for r in reports):
        raise typer.Exit(code=1)


@events_app.command("maintain")
def maintain() -> None:
    """Merge rollup rows and purge raw events older than ADPLANE_EVENT_RETENTION_DAYS."""
    from adplane.core.control import live_server
    from adplane.events.maintenance import run_maintenance

    settings = get_settings()
    server = live_server(settings)
    if server is not None:
        response = server.call("POST", "/internal/events/maintain", timeout=None)
        typer.echo(json.dumps(response.json()))
        return
    from adplane.events.store import open_store

    store = open_store(settings)
    try:
        typer.echo(json.dumps(run_maintenance(store, settings)))
    finally:
        store.close()


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
    from adplane.cli.context import open_database
    from adplane.events.simulation import simulate_period
    from adplane.events.store import open_store

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
