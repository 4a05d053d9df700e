"""One `adplane serve` per data dir when the data dir holds the embedded stores.

SQLite and DuckDB files live in the data dir, and DuckDB lets one process write. `serve` holds an
exclusive `fcntl` lock on `<data dir>/serve.lock` for as long as it runs (the kernel drops it when
the process dies, so a crash never leaves a stale lock), and a second `serve` on the same data dir
stops at once with one line saying so, before it touches any file. With PostgreSQL the data dir
only keeps files (uploads, reports, outbox) and several servers may share it.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from adplane.core.settings import Settings

LOCK_FILE = "serve.lock"


class DataDirInUse(Exception):
    def __init__(self, data_dir: Path, pid: int | None) -> None:
        self.data_dir = data_dir
        self.pid = pid
        holder = f"another adplane serve (pid {pid})" if pid else "another adplane serve"
        super().__init__(f"data dir {data_dir} is in use by {holder}; stop it, or give this server another "
                         "ADPLANE_DATA_DIR")


def needs_lock(settings: Settings) -> bool:
    return not settings.resolved_database_url.startswith("postgresql")


def _read_pid(fd: int) -> int | None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return int(os.read(fd, 32).decode().strip() or 0) or None
    except (OSError, ValueError):
        return None


@contextmanager
def hold_data_dir(settings: Settings) -> Iterator[Path | None]:
    """Hold the data dir's serve lock for the block (raises DataDirInUse when another process has it).

    Yields the lock file's path, or None when the settings need no lock (PostgreSQL)."""
    if not needs_lock(settings):
        yield None
        return
    settings.ensure_dirs()
    path = settings.data_dir / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DataDirInUse(settings.data_dir.resolve(), _read_pid(fd)) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)  # releases the lock; the file stays (removing it would race a starting server)
