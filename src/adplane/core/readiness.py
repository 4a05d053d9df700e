"""Honest readiness: /readyz writes to each place adplane keeps state and commits, instead of asking
a connection for `SELECT 1` (which succeeds on a full disk, a read-only database or a standby)."""

from __future__ import annotations

import os
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, text
from sqlalchemy.orm import Mapped, mapped_column

from adplane.core.clock import utcnow
from adplane.core.db import Base, Database, UtcDateTime

PROBE_TABLE = "readiness_probe"
UPSERT = (f"INSERT INTO {PROBE_TABLE} (id, checked_at) VALUES (1, :now) "
          "ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at")


class ReadinessProbe(Base):
    """One row, rewritten by every /readyz: proof that the application database accepts a commit."""

    __tablename__ = PROBE_TABLE

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(UtcDateTime(timezone=True))


def probe_data_dir(data_dir: Path) -> None:
    """Create, write, fsync and remove a file in the data dir (uploads, report files and the outbox live there)."""
    path = Path(data_dir) / f".readyz-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, b"ready\n")
        os.fsync(fd)
    finally:
        os.close(fd)
        path.unlink(missing_ok=True)


def probe_database(database: Database) -> None:
    with database.engine.begin() as conn:
        conn.execute(text(UPSERT), {"now": utcnow()})


def probe_analytics(store: Any) -> None:
    store.execute(f"CREATE TABLE IF NOT EXISTS {PROBE_TABLE} (id INTEGER PRIMARY KEY, checked_at TIMESTAMP)")
    store.execute(f"INSERT INTO {PROBE_TABLE} VALUES (1, ?) "
                  "ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at", [utcnow().replace(tzinfo=None)])


def check_all(data_dir: Path, database: Database, store: Any) -> dict[str, str]:
    """Each check's outcome: "ok" or the failure (its exception type and a short message)."""
    results: dict[str, str] = {}
    for name, probe in (("dataDir", lambda: probe_data_dir(data_dir)), ("database", lambda: probe_database(database)),
                        ("analytics", lambda: probe_analytics(store))):
        try:
            probe()
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - reported, never raised
            results[name] = f"{type(exc).__name__}: {str(exc)[:200]}"
    return results
