from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from adplane.core.db import Base, make_engine
from adplane.core.settings import get_settings
from adplane.models_registry import load_all_models

load_all_models()
config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or get_settings().resolved_database_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _run(conn: Connection) -> None:
    context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _run_sqlite_without_cascades(conn: Connection) -> None:
    """Batch mode rebuilds a SQLite table to change a column (copy, drop the old one, rename); with foreign
    keys enforced, dropping the old table cascades into every row that references it. Enforcement is off
    for the upgrade (the pragma only takes effect outside a transaction) and the keys are checked after."""
    conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
    conn.commit()
    try:
        _run(conn)
        conn.commit()
        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"migration left rows with broken foreign keys: {broken[:5]}")
    finally:
        conn.rollback()
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        conn.commit()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            _run_sqlite_without_cascades(conn)
        else:
            _run(conn)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
