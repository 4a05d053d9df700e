"""Download of generated files through signed links; no bearer token needed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import FileResponse

from adplane.core.deps import SessionDep, SettingsDep
from adplane.core.errors import NotFound
from adplane.files import signing
from adplane.files.models import StoredFile
from adplane.files.service import absolute_path

router = APIRouter(tags=["Files"])


@router.get("/files/{token}", response_class=FileResponse)
def download(token: Annotated[str, Path(max_length=2000)], session: SessionDep, settings: SettingsDep) -> FileResponse:
    payload = signing.verify(settings.resolved_secret_key, token)
    stored = session.get(StoredFile, payload.get("f"))
    if stored is None:
        raise NotFound("File not found.")
    path = absolute_path(settings, stored)
    if not path.exists():
        raise NotFound("File not found.")
    return FileResponse(path, media_type=stored.content_type, filename=stored.download_name)
