"""Register generated files and hand out signed links to them."""

from __future__ import annotations

import uuid
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
