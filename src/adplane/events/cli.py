"""`adplane events ingest FILE...` and `adplane events maintain`.

Both write to the analytics store. When `adplane serve` runs on the same data dir (it owns the
DuckDB file), the work is handed to it over its internal endpoints (`adplane.core.control`);
otherwise the command opens the store itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from adplane.core.settings import get_settings

events_app = typer.Typer(no_args_is_help=True, help="Ad-serving events: bulk ingestion and store maintenance.")


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
    elif report.get("status") == "duplicate-content":
        typer.echo(f"batch {report['batchId']}: REFUSED, {report['message']} (content {report['contentDigest']})")
    else:
        typer.echo(f"batch {report['batchId']}: {report['status']}, {report['events']} events"
                   + ("" if report["status"] == "stored" else " (already stored: nothing new)"))


def _ingest_local(files: list[Path], fmt: str | None, batch_id: str | None, ow_id: int | None,
                  max_errors: int, allow_duplicate_content: bool = False) -> list[dict[str, Any]]:
    from adplane.analytics.store import open_store
    from adplane.campaigns.budget import after_delivery
    from adplane.core.commands import open_database
    from adplane.events.ingest import BatchRejected, DuplicateContent, ingest_file

    settings, db = open_database(get_settings())
    store = open_store(settings)
    reports = []
    try:
        with db.session() as session:
            for path in files:
                try:
                    result = ingest_file(session, store, path, fmt=fmt, batch_id=batch_id, ow_id=ow_id,
                                         max_errors=max_errors, allow_duplicate_content=allow_duplicate_content)
                except (BatchRejected, DuplicateContent) as exc:
                    reports.append(exc.report())
                    continue
                after_delivery(session, store, result.campaign_ids)
                reports.append(result.report())
    finally:
        store.close()
        db.dispose()
    return reports


def _ingest_remote(server: Any, files: list[Path], fmt: str | None, batch_id: str | None, ow_id: int | None,
                   max_errors: int, allow_duplicate_content: bool = False) -> list[dict[str, Any]]:
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
        if allow_duplicate_content:
            params["allowDuplicateContent"] = "true"
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
    allow_duplicate_content: bool = typer.Option(
        False, "--allow-duplicate-content",
        help="Store a file whose exact content is already stored under another batch id (refused otherwise)."),
) -> None:
    """Store each file as one all-or-nothing batch (sending a file again stores nothing)."""
    from adplane.core.control import live_server

    if batch_id and len(files) > 1:
        raise typer.BadParameter("--batch-id names one batch: give one file", param_hint="--batch-id")
    settings = get_settings()
    server = live_server(settings)
    if server is not None:
        reports = _ingest_remote(server, files, fmt, batch_id, ow_id, max_errors, allow_duplicate_content)
    else:
        reports = _ingest_local(files, fmt, batch_id, ow_id, max_errors, allow_duplicate_content)
    for report in reports:
        _print_report(report, as_json)
    if any(r.get("status") in ("rejected", "duplicate-content") for r in reports):
        raise typer.Exit(code=1)


@events_app.command("maintain")
def maintain() -> None:
    """Merge rollup rows and purge raw events older than ADPLANE_EVENT_RETENTION_DAYS."""
    from adplane.analytics.maintenance import run_maintenance
    from adplane.core.control import live_server

    settings = get_settings()
    server = live_server(settings)
    if server is not None:
        response = server.call("POST", "/internal/events/maintain", timeout=None)
        typer.echo(json.dumps(response.json()))
        return
    from adplane.analytics.store import open_store

    store = open_store(settings)
    try:
        typer.echo(json.dumps(run_maintenance(store, settings)))
    finally:
        store.close()
