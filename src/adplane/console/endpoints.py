"""The console's one public API call (its workspace config) and the static files at `/`.

The SPA is served as a fallback of the router's 404: every API path keeps its own answers (404
and 405 envelopes included), and only GET/HEAD requests outside `/api/` that no route matched get
a console file, or `index.html` for client-side routes.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, FastAPI, Header, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from adplane.auth import repository as auth_repo
from adplane.console.credentials import ensure_console_client
from adplane.core.deps import SessionDep, SettingsDep
from adplane.core.envelopes import V3
from adplane.core.errors import NotFound, ValidationFailed

router = APIRouter(tags=["Web console"])

DIST_DIR = Path(__file__).resolve().parent.parent / "console_dist"
RESERVED_PREFIXES = ("/api/", "/docs", "/redoc", "/openapi.json", "/healthz", "/readyz")


class ConsoleConfig(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    host: str
    workspace_name: str = Field(alias="workspaceName")
    client_id: str = Field(alias="clientId")
    client_secret: str = Field(
        alias="clientSecret",
        description="Not confidential: the console is a public OAuth client; logins still need the user's password.",
    )


@router.get("/api/v3/adplane/console/config", response_model=V3[ConsoleConfig], response_model_by_alias=True)
def console_config(
    session: SessionDep,
    settings: SettingsDep,
    x_iaa_host: Annotated[str | None, Header(alias="X-IAA-HOST", max_length=255)] = None,
) -> dict:
    """The client credentials the web console logs in with for the workspace named by `X-IAA-HOST`.

    No login needed: like the client id embedded in any single-page app, these identify the
    console of one workspace and grant nothing without a user's e-mail and password."""
    host = (x_iaa_host or "").strip().lower()
    if not host:
        raise ValidationFailed("X-IAA-HOST header is required", field="X-IAA-HOST")
    workspace = auth_repo.workspace_by_host(session, host)
    if workspace is None:
        raise NotFound("No workspace has this host.", field="X-IAA-HOST")
    creds = ensure_console_client(session, settings, workspace)
    data = {"host": workspace.host, "workspaceName": workspace.name, "clientId": creds.client_id,
            "clientSecret": creds.client_secret}
    return {"success": True, "data": data}


def _console_file(path: str, dist: Path) -> Path | None:
    """The file to answer for a console path: an existing asset, else index.html (SPA routes)."""
    index = dist / "index.html"
    if not index.is_file():
        return None
    relative = path.lstrip("/")
    if relative:
        candidate = (dist / relative).resolve()
        if candidate.is_file() and candidate.is_relative_to(dist.resolve()):
            return candidate
        if "." in relative.rsplit("/", 1)[-1]:  # a missing file, not a page of the app
            return None
    return index


def install_console(app: FastAPI, dist: Path = DIST_DIR) -> None:
    """Serve the built console at `/` by answering the router's 404 for non-API GET requests."""
    api_not_found = app.exception_handlers[StarletteHTTPException]

    async def _not_found_or_console(request: Request, exc: Exception) -> Response:
        path = request.url.path
        if (
            isinstance(exc, StarletteHTTPException)
            and exc.status_code == 404
            and request.method in ("GET", "HEAD")
            and not path.startswith(RESERVED_PREFIXES)
            and (file := _console_file(path, dist)) is not None
        ):
            immutable = file.parent.name == "assets"  # content-hashed names
            cache = "public, max-age=31536000, immutable" if immutable else "no-cache"
            return FileResponse(file, headers={"Cache-Control": cache, "X-Content-Type-Options": "nosniff"})
        answer = api_not_found(request, exc)
        return await answer if inspect.isawaitable(answer) else answer

    app.add_exception_handler(StarletteHTTPException, _not_found_or_console)
