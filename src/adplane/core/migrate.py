"""Apply Alembic migrations programmatically (`adplane db upgrade`, `adplane serve`, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str) -> None:
    """Bring the schema to every head (each domain owns a branch off the foundation)."""
    command.upgrade(alembic_config(database_url), "heads")


def revision(database_url: str, message: str, *, rev_id: str, head: str, branch_label: str | None = None,
             depends_on: str | None = None) -> None:
    command.revision(
        alembic_config(database_url), message=message, autogenerate=True, rev_id=rev_id, head=head,
        branch_label=branch_label, depends_on=depends_on,
    )
