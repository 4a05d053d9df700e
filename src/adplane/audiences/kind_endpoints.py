"""HTTP endpoints of retargeted, geo-farmed and contextual audiences, and the retargeting pixel.

IQM publishes most of these operations twice: in its OpenAPI document (`/retarget/tag`, `/geo-farmed/add`,
`/contextual/add`, `/contextual/programmatic/url/validate`, `/api/v2/audience/email/notify`) and in its
guides (`/retargeted`, `/geo-farmed`, `/contextual`, `/contextual/validate-programmatic-urls`,
`/retargeted/{id}/email-notification`); both paths are served by one implementation each."""

from __future__ import annotations

import base64
import json
import re
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Request, Response
from pydantic import StringConstraints
from starlette.concurrency import run_in_threadpool

from adplane.audiences import contextual, geofarm, retargeting
from adplane.audiences.kind_schemas import (
    ContextualRequest,
    GeoFarmedRequest,
    PixelEmailRequest,
    PixelNotificationRequest,
    RetargetRequest,
)
from adplane.audiences.responses import (
    ContextualDetails,
    GeoFarmedDetails,
    KindCreated,
    RetargetedCreated,
    RetargetedDetails,
    RetargetedSaved,
)
from adplane.auth.deps import PrincipalDep
from adplane.core.deps import IdPath, SessionDep, SettingsDep
from adplane.core.envelopes import V2, V3, Message, v2, v3
from adplane.core.errors import ValidationFailed

router = APIRouter(tags=["Audience API"])

# ------------------------------------------------------------------------------------- retargeted


@router.post("/api/v3/audience/retarget/tag", response_model=V3[RetargetedCreated])
@router.post("/api/v3/audience/retargeted", response_model=V3[RetargetedCreated])
def create_retargeted(body: RetargetRequest, principal: PrincipalDep, session: SessionDep,
                      settings: SettingsDep) -> dict:
    """A retargeted audience and its tag (`tag_script`): visitors the tag reports become members."""
    return v3(retargeting.create(session, settings, principal, body))


@router.put("/api/v3/audience/retarget/{audienceId}", response_model=V3[RetargetedSaved])
@router.patch("/api/v3/audience/retargeted/{audienceId}", response_model=V3[RetargetedSaved])
def edit_retargeted(audienceId: IdPath, body: RetargetRequest, principal: PrincipalDep,  # noqa: N803 - wire name
                    session: SessionDep, settings: SettingsDep) -> dict:
    return v3(retargeting.edit(session, settings, principal, audienceId, body))


@router.get("/api/v3/audience/retarget/{audienceId}", response_model=V3[RetargetedDetails])
def retargeted_details(audienceId: IdPath, principal: PrincipalDep, session: SessionDep,  # noqa: N803
                       settings: SettingsDep) -> dict:
    return v3(retargeting.details(session, settings, principal, audienceId))


@router.post("/api/v2/audience/email/notify", response_model=V2[Message])
def email_notify(body: PixelEmailRequest, principal: PrincipalDep, session: SessionDep,
                 settings: SettingsDep) -> dict:
    """Mail a retargeting tag (`pixelCode`) to comma-separated `recipients`."""
    return v2(retargeting.notify(session, settings, principal, body.pixel_code, body.recipients))


@router.post("/api/v3/audience/retargeted/{audienceId}/email-notification", response_model=V3[Message])
def email_notification(audienceId: IdPath, body: PixelNotificationRequest, principal: PrincipalDep,  # noqa: N803
                       session: SessionDep, settings: SettingsDep) -> dict:
    """Mail the audience's own tag to `recipientEmails`."""
    return v3(retargeting.email_notification(session, settings, principal, audienceId, body.recipient_emails,
                                             body.recipients))


# A transparent 1x1 GIF: what an <img> form of the tag loads.
PIXEL_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
PixelKey = Annotated[str, Path(min_length=16, max_length=64, pattern="^[A-Za-z0-9_-]+$")]


@router.get(retargeting.PIXEL_PATH + "/{key}", response_class=Response, tags=["Retargeting pixel"],
            responses={200: {"content": {"image/gif": {}}, "description": "the visit is recorded"}})
def pixel_hit(key: PixelKey, request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """A page loads the retargeting tag: `uid` (user key), `did` (device id) or `em` (e-mail) names the visitor,
    `url` the page (default: the Referer). No bearer token: the key in the path names the audience."""
    params = dict(request.query_params)
    if "uid" not in params and (cookie := request.cookies.get("uid")):
        params["uid"] = cookie
    counted = retargeting.record_visit(session, settings, key, params, request.headers.get("referer"))
    headers = {"Cache-Control": "no-store", "X-Adplane-Visit": "recorded" if counted else "ignored"}
    if request.headers.get("sec-fetch-dest") == "script":  # the <script> form of the tag gets a script back
        return Response(b"/* adplane retargeting */", media_type="application/javascript", headers=headers)
    return Response(PIXEL_GIF, media_type="image/gif", headers=headers)


# ------------------------------------------------------------------------------------- geo-farmed


@router.post("/api/v3/audience/geo-farmed/add", response_model=V3[KindCreated])
@router.post("/api/v3/audience/geo-farmed", response_model=V3[KindCreated])
def create_geofarmed(body: GeoFarmedRequest, principal: PrincipalDep, session: SessionDep) -> dict:
    """Members are built in the background from delivered impressions in the locations (processing → ready)."""
    return v3(geofarm.create(session, principal, body))


@router.get("/api/v3/audience/geo-farmed/{audienceId}", response_model=V3[GeoFarmedDetails])
def geofarmed_details(audienceId: IdPath, principal: PrincipalDep, session: SessionDep) -> dict:  # noqa: N803
    return v3(geofarm.details(session, principal, audienceId))


# ------------------------------------------------------------------------------------- contextual

_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def lenient_json(raw: bytes) -> Any:
    """JSON, forgiving one thing: a comma before a closing brace or bracket, as the samples of IQM's contextual
    quickstart end their objects (only outside strings: the text is re-parsed strictly after the fix)."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        pass
    try:
        text = raw.decode("utf-8")
        return json.loads(_strip_trailing_commas(text))
    except (ValueError, RecursionError):
        raise ValidationFailed("The body is not valid JSON.", field="audienceName") from None


def _strip_trailing_commas(text: str) -> str:
    """Drop commas directly before } or ], skipping string literals."""
    out: list[str] = []
    i, in_string = 0, False
    while i < len(text):
        char = text[i]
        if in_string:
            out.append(char)
            if char == "\\" and i + 1 < len(text):
                out.append(text[i + 1])
                i += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
            out.append(char)
        elif char == "," and (match := _TRAILING_COMMA.match(text, i)):
            out.append(match.group(1))
            i = match.end()
            continue
        else:
            out.append(char)
        i += 1
    return "".join(out)


_CONTEXTUAL_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": ContextualRequest.model_json_schema(by_alias=True)}}}}


@router.post("/api/v3/audience/contextual/add", response_model=V3[KindCreated], openapi_extra=_CONTEXTUAL_BODY)
@router.post("/api/v3/audience/contextual", response_model=V3[KindCreated], openapi_extra=_CONTEXTUAL_BODY)
async def create_contextual(request: Request, principal: PrincipalDep, session: SessionDep) -> dict:
    """Members are built in the background from impressions on matching publishers (processing → ready)."""
    req = contextual.parse(lenient_json(await request.body()))
    return v3(await run_in_threadpool(contextual.create, session, principal, req))


@router.get("/api/v3/audience/contextual/{audienceId}", response_model=V3[ContextualDetails])
def contextual_details(audienceId: IdPath, principal: PrincipalDep, session: SessionDep) -> dict:  # noqa: N803
    return v3(contextual.details(session, principal, audienceId))


UrlList = Annotated[list[Annotated[str, StringConstraints(max_length=2000)]], Body(max_length=1000)]


@router.post("/api/v3/audience/contextual/programmatic/url/validate", response_model=V3[dict[str, bool | None]])
@router.post("/api/v3/audience/contextual/validate-programmatic-urls", response_model=V3[dict[str, bool | None]])
def validate_urls(body: UrlList, _: PrincipalDep) -> dict:
    """Each URL → whether it is well formed (no network call: reachability is not checked)."""
    return v3(contextual.validate_urls(list(body)))
