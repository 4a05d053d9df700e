"""HTTP endpoints of IQM's Conversion API (definitions, lists, campaign links, custom fields)."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request, Response

from adplane.auth.deps import PrincipalDep
from adplane.conversions import catalog, recording, service
from adplane.conversions import repository as repo
from adplane.conversions.responses import (
    AllowedCampaignList,
    AssignResult,
    AttachedCampaigns,
    BasicConversion,
    CmpConversionList,
    ConversionDetails,
    ConversionList,
    ConversionSaved,
    CustomFieldList,
    HitRecorded,
    PixelUpdated,
    PostbackUpdated,
    StaticList,
    TypeCount,
)
from adplane.conversions.schemas import (
    AssignToCampaigns,
    InternalAssignToCampaigns,
    PixelAdd,
    PixelUpdate,
    PostbackAdd,
    PostbackUpdate,
    SendPixelEmail,
)
from adplane.conversions.schemas import CustomFieldList as CustomFieldListBody
from adplane.core.deps import IdPath, SessionDep, SettingsDep
from adplane.core.envelopes import V2, V3, Message, v2, v3
from adplane.core.errors import Forbidden, NotFound, ValidationFailed
from adplane.core.schemas import MAX_DB_INT

router = APIRouter(tags=["Conversion API"])

PageNo = Annotated[int, Query(ge=1, le=1_000_000)]
PageSize = Annotated[int, Query(ge=1, le=10_000)]
Text = Annotated[str | None, Query(max_length=2000)]
OwId = Annotated[int | None, Query(ge=1, le=MAX_DB_INT)]


# --------------------------------------------------------------------------- static lists


def _static_list_route(path: str, items: list[dict[str, Any]], ids_param: str | None) -> None:
    """One static list: `searchField` on names, the list's own ids filter (e.g. `statusIds`)."""

    def endpoint(principal: PrincipalDep, searchField: Text = None,  # wire name
                 ids: str | None = None) -> dict:
        return v3(service.static_list(items, searchField, ids, ids_param or "ids"))

    # set as an object, not a string: the query's wire name is this list's own (e.g. `statusIds`)
    endpoint.__annotations__["ids"] = Annotated[str | None, Query(
        alias=ids_param or "ids", max_length=2000, include_in_schema=ids_param is not None)]
    router.add_api_route(path, endpoint, methods=["GET"], response_model=V3[StaticList],
                         name=path.rsplit("/", 1)[-1])


for _path, _items, _ids in (
    ("conversion-type", catalog.CONVERSION_TYPES, "conversionTypeIds"),
    ("conversion-status", catalog.CONVERSION_STATUSES, "statusIds"),
    ("conversion-piggyback-type", catalog.PIGGYBACK_TYPES, "piggybackTypeIds"),
    ("conversion-attribution-type", catalog.ATTRIBUTION_TYPES, "attributionTypeIds"),
    ("postback/partner-type", catalog.PARTNER_TYPES, "partnerTypeIds"),
    ("pixel/conversion-default-advanced-setting-data", catalog.DEFAULT_ADVANCED_SETTINGS, None),
):
    _static_list_route(f"/api/v3/conversion/static/{_path}", _items, _ids)


# --------------------------------------------------------------------------- definitions


@router.post("/api/v3/conversion/pixel/add", response_model=V3[ConversionSaved])
def add_pixel(body: PixelAdd, principal: PrincipalDep, session: SessionDep, settings: SettingsDep) -> dict:
    return v3(service.create_pixel(session, settings, principal, body))


@router.patch("/api/v3/conversion/pixel/update", response_model=V3[PixelUpdated])
def update_pixel(body: PixelUpdate, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(service.update_pixel(session, principal, body))


@router.post("/api/v3/conversion/postback/add", response_model=V3[ConversionSaved])
def add_postback(body: PostbackAdd, principal: PrincipalDep, session: SessionDep, settings: SettingsDep) -> dict:
    return v3(service.create_postback(session, settings, principal, body))


@router.patch("/api/v3/conversion/postback/update", response_model=V3[PostbackUpdated])
def update_postback(body: PostbackUpdate, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(service.update_postback(session, principal, body))


@router.delete("/api/v3/conversion/delete", response_model=V3[str])
def delete_conversions(principal: PrincipalDep, session: SessionDep,
                       conversionIds: Text = None) -> dict:  # wire name
    service.delete(session, principal, conversionIds)
    return v3("Conversion has been deleted successfully!")


@router.delete("/api/v2/conversion/pixel", response_model=V2[Message])
def delete_pixels(principal: PrincipalDep, session: SessionDep,
                  conversionIds: Text = None) -> dict:  # wire name
    service.delete(session, principal, conversionIds, only_type=catalog.TYPE_PIXEL)
    return v2({"message": "Pixel conversion deleted successfully."})


@router.post("/api/v3/conversion/pixel/send-email", response_model=V3[str])
def send_pixel_email(body: SendPixelEmail, principal: PrincipalDep, session: SessionDep,
                     settings: SettingsDep) -> dict:
    return v3(service.send_pixel_email(session, settings, principal, body))


# --------------------------------------------------------------------------- lists and details


@router.get("/api/v3/conversion/list", response_model=V3[ConversionList])
def list_conversions(
    principal: PrincipalDep, session: SessionDep, settings: SettingsDep,
    searchField: Text = None, limit: PageSize = 20, pageNo: PageNo = 1,  # wire names
    sortBy: Text = None, conversionIds: Text = None, typeIds: Text = None,
    statusIds: Text = None, postbackPartnerIds: Text = None,
) -> dict:
    return v3(service.list_conversions(
        session, settings, principal, search=searchField, limit=limit, page_no=pageNo, sort_by=sortBy,
        conversion_ids=conversionIds, type_ids=typeIds, status_ids=statusIds, partner_ids=postbackPartnerIds))


@router.get("/api/v2/conversion/list/basic", response_model=V2[list[BasicConversion]])
def basic_list(principal: PrincipalDep, session: SessionDep, searchField: Text = None,  # wire names
               limit: PageSize = 10,
               pageNo: Annotated[int, Query(ge=-1, le=1_000_000)] = -1) -> dict:
    page = pageNo if pageNo != 0 else 1
    return v2(service.basic_list(session, principal, searchField, limit, page))


@router.get("/api/v3/conversion/type-wise-count", response_model=V3[list[TypeCount]])
def type_wise_count(principal: PrincipalDep, session: SessionDep,
                    searchField: Text = None) -> dict:  # wire name
    return v3(service.type_wise_count(session, principal, searchField))


@router.get("/api/v3/cmp/conversions/list", response_model=V3[CmpConversionList], tags=["Campaign API"])
def campaign_conversions(principal: PrincipalDep, session: SessionDep, conversionIds: Text = None,
                         owId: OwId = None) -> dict:  # wire names
    return v3(service.campaign_view(session, principal, conversionIds, owId))


@router.post("/api/v3/conversion/assign-to/campaign", response_model=V3[AssignResult])
def assign_to_campaigns(body: AssignToCampaigns, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(service.assign(session, principal, body))


@router.post("/api/v3/internal/cmp/conversion/assign-to/campaign", response_model=V3[AssignResult],
             tags=["Campaign API"])
def assign_to_campaigns_internal(body: InternalAssignToCampaigns, principal: PrincipalDep,
                                 session: SessionDep) -> dict:
    """The Campaign API's variant: `conversionIds`, the caller's own `owId` (another is 403) and optionally
    `conversionTypeId` (every conversion must be of that type); the same rules as the guide's route.
    `conversionIdsList` is always a list here (IQM's example of this route)."""
    if body.ow_id is not None and body.ow_id != principal.ow_id:
        raise Forbidden("Forbidden!", field="owId")
    ids = body.conversion_ids if body.conversion_ids is not None else body.conversion_id_list
    if not ids:
        raise ValidationFailed("conversionIds is required.", field="conversionIds")
    conversions = repo.get_many(session, principal.ow_id, list(dict.fromkeys(ids)), field="conversionIds")
    if body.conversion_type_id is not None:
        other = [c.id for c in conversions if c.type_id != body.conversion_type_id]
        if other:
            raise ValidationFailed(f"Conversions {', '.join(map(str, other[:10]))} are not of conversion type "
                                   f"{body.conversion_type_id}.", field="conversionIds")
    result = service.assign(session, principal, body)
    listed = result["conversionIdsList"]
    return v3({**result, "conversionIdsList": listed if isinstance(listed, list) else [listed]})


@router.get("/api/v3/conversion/attached/campaigns/list", response_model=AttachedCampaigns)
def attached_campaigns(principal: PrincipalDep, session: SessionDep,
                       conversionId: Annotated[int, Query(ge=1, le=MAX_DB_INT)]) -> dict:
    return service.attached_campaigns(session, principal, conversionId)


@router.get("/api/v3/conversion/allowed/campaign-list", response_model=V3[AllowedCampaignList])
def allowed_campaigns(
    principal: PrincipalDep, session: SessionDep, conversionIds: Text = None, owId: OwId = None,
    isGroup: bool = True, limit: PageSize = 50, pageNo: PageNo = 1,  # wire names
    sortBy: Text = None, searchField: Text = None,
) -> dict:
    return v3(service.allowed_campaigns(session, principal, raw_ids=conversionIds, ow_id=owId, limit=limit,
                                        page_no=pageNo, sort_by=sortBy, search=searchField))


@router.post("/api/v3/ra/conversion/custom-field/list", response_model=V3[CustomFieldList], tags=["Report API"])
def custom_fields(body: CustomFieldListBody, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(service.custom_fields(session, principal, body))


@router.get("/api/v3/conversion/{conversionId}", response_model=V3[ConversionDetails])
def conversion_details(conversionId: IdPath, principal: PrincipalDep, session: SessionDep,
                       settings: SettingsDep,
                       typeId: Annotated[int, Query(ge=0, le=2)] = 0) -> dict:  # wire name
    conversion = repo.get_live(session, principal.ow_id, conversionId)
    if typeId and conversion.type_id != typeId:
        raise NotFound("Invalid conversion id.", field="conversionId")
    return v3(service.details(settings, conversion))


# --------------------------------------------------------------- hits (no bearer: the URL names the conversion)

# A transparent 1x1 GIF: what an <img> or <script> pixel tag loads.
PIXEL_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
Uuid = Annotated[str, Path(min_length=32, max_length=32, pattern="^[0-9a-f]{32}$")]


def _params(request: Request, extra: dict[str, Any] | None = None) -> dict[str, str]:
    params = {key: value for key, value in request.query_params.items()}
    if "uid" not in params and (cookie := request.cookies.get("uid")):
        params["uid"] = cookie
    for key, value in (extra or {}).items():
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            params[key] = str(value)
    return params


@router.get("/i/pixel/{uuid}", response_class=Response, tags=["Conversion hits"],
            responses={200: {"content": {"image/gif": {}}, "description": "the hit is recorded"}})
def pixel_hit(uuid: Uuid, request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """A page fires the pixel: `cv` value, `tid` transaction id (once per id), `uid` user, custom fields by name."""
    conversion = repo.by_uuid(session, uuid)
    if conversion is None or conversion.type_id != catalog.TYPE_PIXEL:
        raise NotFound("Conversion not found.", field="uuid")
    recording.LIMITER.take(conversion.id, settings.conversion_hits_per_second)
    hit = recording.parse_hit(conversion, _params(request), allow_ts=False)
    recording.record(session, conversion, hit, source="pixel")
    headers = {"Cache-Control": "no-store"}
    if request.headers.get("sec-fetch-dest") == "script":  # the <script> form of the tag gets a script back
        return Response(b"/* adplane conversion recorded */", media_type="application/javascript", headers=headers)
    return Response(PIXEL_GIF, media_type="image/gif", headers=headers)


def _postback(uuid: str, request: Request, session: Any, settings: Any, body: dict[str, Any] | None) -> dict:
    conversion = repo.by_uuid(session, uuid)
    if conversion is None or conversion.type_id != catalog.TYPE_POSTBACK:
        raise NotFound("Conversion not found.", field="uuid")
    params = _params(request, body)
    recording.check_postback_token(service.postback_token(settings, conversion.uuid), params.get("token"))
    if not params.get("tid"):
        raise ValidationFailed("tid (the partner's transaction or click id) is required.", field="tid")
    recording.LIMITER.take(conversion.id, settings.conversion_hits_per_second)
    hit = recording.parse_hit(conversion, params, allow_ts=True)
    done = recording.record(session, conversion, hit, source="postback")
    return v3({"hitId": done.hit_id, "recorded": done.recorded, "counted": done.counted})


@router.get("/i/postback/{uuid}", response_model=V3[HitRecorded], tags=["Conversion hits"])
def postback_hit(uuid: Uuid, request: Request, session: SessionDep, settings: SettingsDep) -> dict:
    """A partner reports a conversion server to server: `token`, `tid` (required, once per id), `uid`, `cv`, `ts`."""
    return _postback(uuid, request, session, settings, None)


@router.post("/i/postback/{uuid}", response_model=V3[HitRecorded], tags=["Conversion hits"])
def postback_hit_post(uuid: Uuid, request: Request, session: SessionDep, settings: SettingsDep,
                      body: Annotated[dict[str, Any] | None, Body()] = None) -> dict:
    """The same as GET, with the parameters in a JSON object (query parameters count too)."""
    return _postback(uuid, request, session, settings, body)
