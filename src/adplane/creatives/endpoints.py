"""HTTP endpoints of the creatives domain (IQM's Creative API v3)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUploadFile

from adplane.auth.deps import PrincipalDep
from adplane.core.deps import IdPath, Principal, SessionDep, SettingsDep
from adplane.core.envelopes import V3, Message, v3
from adplane.core.schemas import json_field
from adplane.core.settings import Settings
from adplane.creatives import service
from adplane.creatives.intake import UploadedFile
from adplane.creatives.media import MB, check_size
from adplane.creatives.responses import CreativeDetails, CreativeSaved, CreativesList, CreativesUploaded
from adplane.creatives.schemas import CreativeListRequest, CreativeStatusUpdate, CreativeUpdate
from adplane.creatives.validation import ContentError

router = APIRouter(tags=["Creative API"])

MAX_FORM_FIELD_BYTES = 8 * MB  # creativeRequest may carry several VAST documents
MAX_UPLOADED_FILES = 100


@router.post("/api/v3/crt/creatives", response_model=V3[CreativesUploaded])
async def add_creatives(
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
    settings: SettingsDep,
    creative_request: Annotated[str | None, Query(alias="creativeRequest", max_length=1_000_000)] = None,
) -> dict:
    """Multipart `creativeRequest` (+ `creativeFiles`), or the map as a JSON body or query parameter."""
    content_type = request.headers.get("content-type", "").lower()
    files: list[StarletteUploadFile] = []
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        form = await request.form(max_files=MAX_UPLOADED_FILES, max_part_size=MAX_FORM_FIELD_BYTES)
        value = form.get("creativeRequest")
        if isinstance(value, StarletteUploadFile):  # sent as a JSON file part
            value = (await value.read()).decode("utf-8", errors="replace")
        files = [item for item in form.getlist("creativeFiles") if isinstance(item, StarletteUploadFile)]
        request_map = service.parse_creative_request(value if value is not None else creative_request)
    elif content_type.startswith("application/json") and (body := await request.body()).strip():
        request_map = service.check_creative_map(json_field(body, "creativeRequest"))
    else:
        request_map = service.parse_creative_request(creative_request)
    result = await run_in_threadpool(_create_with_files, session, settings, principal, request_map, files)
    return v3(result)


def _create_with_files(
    session: Session,
    settings: Settings,
    principal: Principal,
    request_map: dict[str, Any],
    files: list[StarletteUploadFile],
) -> dict[str, Any]:
    """Copy the uploads to a scratch folder (oversized ones are refused unread), then create."""
    with tempfile.TemporaryDirectory(prefix="adplane-creatives-") as scratch:
        uploads: dict[str, UploadedFile] = {}
        for index, upload in enumerate(files):
            name = _base_name(upload.filename or "")
            if not name or name in uploads:
                continue
            path = Path(scratch) / f"{index}-upload"
            try:
                check_size(name, upload.size if upload.size is not None else _measure(upload))
            except ContentError as exc:
                uploads[name] = UploadedFile(name=name, path=path, error=str(exc))
                continue
            upload.file.seek(0)
            with path.open("wb") as target:
                shutil.copyfileobj(upload.file, target, 1024 * 1024)
            uploads[name] = UploadedFile(name=name, path=path)
        return service.create_creatives(session, settings, principal, request_map, uploads)


def _measure(upload: StarletteUploadFile) -> int:
    upload.file.seek(0, 2)
    size = upload.file.tell()
    upload.file.seek(0)
    return size


def _base_name(file_name: str) -> str:
    return PurePosixPath(file_name.replace("\\", "/")).name.strip()


@router.post("/api/v3/crt/creatives/list", response_model=V3[CreativesList])
def list_creatives(body: CreativeListRequest, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(service.list_creatives(session, principal, body))


@router.patch("/api/v3/crt/creatives/update-status", response_model=V3[Message])
def update_creative_status(body: CreativeStatusUpdate, principal: PrincipalDep, session: SessionDep) -> dict:
    """Approve (2) or reject (5, with a reason): workspace admins; pause (3), delete (4), resume: members."""
    return v3(service.update_status(session, principal, body))


@router.get("/api/v3/crt/creatives/{creativeId}", response_model=V3[CreativeDetails])
def get_creative(creativeId: IdPath, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(service.creative_details(session, principal, creativeId))


@router.patch("/api/v3/crt/creatives/{creativeId}", response_model=V3[CreativeSaved])
def update_creative(
    creativeId: IdPath,  # IQM's path parameter name
    body: CreativeUpdate,
    principal: PrincipalDep,
    session: SessionDep,
) -> dict:
    return v3(service.update_creative(session, principal, creativeId, body))

