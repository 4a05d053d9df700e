"""Register generated files and hand out signed links to them."""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session

from adplane.core.settings import Settings
from adplane.files import signing
from adplane.files.models import StoredFile

CONTENT_TYPES = {
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pdf": "application/pdf",
}
DEFAULT_TTL_SECONDS = 24 * 3600


def new_file_path(settings: Settings, kind: str, ow_id: int, suffix: str) -> Path:
    """A fresh path under `<data dir>/files/<kind>/<owId>/` for a file about to be written."""
    folder = settings.data_dir / "files" / kind / str(ow_id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{uuid.uuid4().hex}{suffix}"


PARTIAL_MARK = ".partial-"
_PARTIAL_NAME = re.compile(r"^\..*\.partial-(\d+)-[0-9a-f]+\.\w+$")
PARTIAL_STALE_SECONDS = 3600  # a partial file this old is a leftover even if its writer's pid was reused


@contextmanager
def written_atomically(path: Path) -> Iterator[Path]:
    """A temporary name beside `path` to write to; renamed to `path` only once complete (fsynced).

    A write that fails or is killed leaves no file under the final name, only a dot-named partial
    file that `remove_partial_files` deletes at the next start."""
    tmp = path.with_name(f".{path.stem}{PARTIAL_MARK}{os.getpid()}-{uuid.uuid4().hex[:8]}{path.suffix}")
    try:
        yield tmp
        with tmp.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_partial_files(settings: Settings) -> int:
    """Delete partial files left by killed report/insight writes (their writer is gone); how many."""
    root = settings.data_dir / "files"
    if not root.is_dir():
        return 0
    removed = 0
    now = time.time()
    for path in root.rglob(f".*{PARTIAL_MARK}*"):
        match = _PARTIAL_NAME.match(path.name)
        if match is None or not path.is_file():
            continue
        try:
            stale = now - path.stat().st_mtime > PARTIAL_STALE_SECONDS
            if stale or not _alive(int(match.group(1))):
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed


def register(
    session: Session, settings: Settings, *, ow_id: int, path: Path, download_name: str, kind: str
) -> StoredFile:
    stored = StoredFile(
        ow_id=ow_id,
        relative_path=str(path.resolve().relative_to(settings.data_dir.resolve())),
        download_name=download_name,
        content_type=CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream"),
        size_bytes=path.stat().st_size,
        kind=kind,
    )
    session.add(stored)
    session.flush()
    return stored


def signed_url(settings: Settings, stored: StoredFile, base_url: str, ttl_seconds: int = DEFAULT_TTL_SECONDS) -> str:
    token = signing.sign(settings.resolved_secret_key, {"f": stored.id}, ttl_seconds)
    return f"{base_url.rstrip('/')}/files/{token}"


def absolute_path(settings: Settings, stored: StoredFile) -> Path:
    return settings.data_dir / stored.relative_path
