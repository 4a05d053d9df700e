from __future__ import annotations

import typer

from adplane.core.migrate import upgrade
from adplane.core.settings import get_settings

app = typer.Typer(no_args_is_help=True, help="Database schema.")


@app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration and exit."""
    settings = get_settings()
    settings.ensure_dirs()
    upgrade(settings.resolved_database_url)
    typer.echo("database is up to date")
