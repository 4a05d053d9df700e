"""Upgrading an existing SQLite database keeps its rows.

Alembic's batch mode rebuilds a SQLite table to drop or alter a column (copy, drop old, rename new); with
foreign keys enforced, dropping the old table cascades into every row that references it. The migration
environment turns enforcement off for the upgrade and checks the keys afterwards.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command

from adplane.core.migrate import alembic_config


def _count(url: str, table: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        value = conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
    engine.dispose()
    return int(value)


def test_upgrade_from_the_foundation_keeps_workspaces_and_organizations(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    cfg = alembic_config(url)
    command.upgrade(cfg, "0001_foundation")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO workspaces (id, host, name, created_at)"
            " VALUES (1, 'old.example', 'Old', '2026-01-01 00:00:00')"
        ))
        conn.execute(sa.text(
            "INSERT INTO organizations (ow_id, workspace_id, name, status, funds_balance, timezone_id,"
            " is_workspace_owner, created_at) VALUES (200001, 1, 'Old org', 'active', 0, 29, 1, '2026-01-01 00:00:00')"
        ))
    engine.dispose()

    command.upgrade(cfg, "heads")

    assert _count(url, "workspaces") == 1
    assert _count(url, "organizations") == 1
