"""What CLI commands share: settings, a migrated database, JSON output."""

from __future__ import annotations

import json
from typing import Any

import typer

from adplane.core.db import Database
from adplane.core.migrate import upgrade
from adplane.core.settings import Settings, get_settings


def open_database(settings: Settings | None = None, *, migrate: bool = True) -> tuple[Settings, Database]:
    settings = settings or get_settings()
    settings.ensure_dirs()
    url = settings.resolved_database_url
    if migrate:
        upgrade(url)
    return settings, Database(url)


def emit(data: Any, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(data, default=str))
    else:
        for key, value in (data.items() if isinstance(data, dict) else []):
            typer.echo(f"{key}: {value}")
