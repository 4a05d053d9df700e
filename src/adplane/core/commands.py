"""What every command-line command shares (the `adplane` CLI and the domains' own command groups):
settings and a migrated database, JSON or key: value output. In core so a domain's CLI module needs
nothing from the `adplane.cli` interface package."""

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
