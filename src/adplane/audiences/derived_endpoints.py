"""HTTP endpoints of lookalike and campaign audiences, the v2 audience lists, campaigns' audience
history, data partners, regeneration and audience insights (IQM's Audience API and Insights API).

Where IQM publishes an operation twice (its OpenAPI document and its guides), both paths are served
by one implementation, each answering in its own document's shape. Registered before
`adplane.audiences.endpoints`, so `/api/v2/audience/matched/fields` is not read as an audience id."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from pydantic import Field

from adplane.analytics.deps import AnalyticsDep
from adplane.audiences import audience_insights as insights
from adplane.audiences import campaign_audience, listing_v2, lookalike
from adplane.audiences import service as audience_service
from adplane.audiences.derived.responses import (
    AudienceHistory,
    AudienceInsightsGuide,
    AudienceInsightsV3,
    CampaignAudienceDetails,
    CreatedId,
    DetailedList,
    EligibleAudiences,
    InsightsCreated,
    InsightsFileUrl,
    LookalikeDetails,
    MatchedFields,
    MatchedInsightDetails,
    TypeWiseCount,
    V2ListItem,
)
from adplane.audiences.derived_jobs import queue_build
from adplane.audiences.responses import FileUrl, IdMessage
from adplane.auth.deps import PrincipalDep
from adplane.core.deps import IdPath, SessionDep, SettingsDep
from adplane.core.envelopes import V2, V3, Message, v2, v3
from adplane.core.listing import parse_ids
from adplane.core.schemas import DbId, WireModel

router = APIRouter(tags=["Audience API"])

Text = Annotated[str | None, Query(max_length=5000)]
Search = Annotated[str | None, Query(max_length=255)]
PageNo = Annotated[int | None, Query(ge=1, le=1_000_000)]
PageSize = Annotated[int | None, Query(ge=1, le=1000)]


def _created(audience_id: int, name: str, *, spec: bool) -> dict[str, Any]:
    key = "id" if spec else "audienceId"
    return {key: audience_id, "message": f"{name} audience created successfully"}


# ------------------------------------------------------------------------------------------ lookalike

@router.post("/api/v3/audience/lookalike", response_model=V3[CreatedId])
def create_lookalike(body: lookalike.LookalikeRequest, principal: PrincipalDep, session: SessionDep) -> dict:
    audience = lookalike.create(session, principal, body, enqueue_job=queue_build)
    return v3(_created(audience.id, audience.name, spec=False))


@router.post("/api/v3/audience/lookalike/add", response_model=V3[CreatedId])
def create_lookalike_spec(body: lookalike.LookalikeRequest, principal: PrincipalDep, session: SessionDep) -> dict:
    audience = lookalike.create(session, principal, body, enqueue_job=queue_build)
    return v3(_created(audience.id, audience.name, spec=True))


@router.get("/api/v3/audience/lookalike/{audienceId}", response_model=V3[LookalikeDetails])
def lookalike_details(audienceId: IdPath, principal: PrincipalDep, session: SessionDep,  # noqa: N803 - wire name
                      isTargetingInfoRequired: bool = False) -> dict:  # noqa: N803 - wire name
    return v3(lookalike.details(session, principal, audienceId, targeting=isTargetingInfoRequired))


# ---------------------------------------------------------------------------------- campaign audiences

@router.post("/api/v3/audience/campaign", response_model=V3[CreatedId])
def create_campaign_audience(body: campaign_audience.CampaignAudienceRequest, principal: PrincipalDep,
                             session: SessionDep) -> dict:
    audience = campaign_audience.create(session, principal, body, enqueue_job=queue_build)
    return v3(_created(audience.id, audience.name, spec=False))


@router.post("/api/v3/audience/campaign/add", response_model=V3[CreatedId])
def create_campaign_audience_spec(body: campaign_audience.CampaignAudienceRequest, principal: PrincipalDep,
                                  session: SessionDep) -> dict:
    audience = campaign_audience.create(session, principal, body, enqueue_job=queue_build)
    return v3(_created(audience.id, audience.name, spec=True))


@router.get("/api/v3/audience/campaign/{audienceId}", response_model=V3[CampaignAudienceDetails])
def campaign_audience_details(audienceId: IdPath, principal: PrincipalDep, session: SessionDep) -> dict:  # noqa: N803
    return v3(campaign_audience.details(session, principal, audienceId))


# ------------------------------------------------------------------------------------------ v2 lists

@router.get("/api/v2/audience/typeWiseCount", response_model=V2[list[TypeWiseCount]])
def type_wise_count(principal: PrincipalDep, session: SessionDep, audienceTypeIds: Text = None,  # noqa: N803
                    status: Text = None, searchField: Search = None) -> dict:  # noqa: N803
    return v2(listing_v2.type_wise_count(session, principal, type_ids=audienceTypeIds, status=status,
                                         search=searchField))


@router.get("/api/v2/audience/list", response_model=V2[list[V2ListItem]])
def v2_list(principal: PrincipalDep, session: SessionDep, owIds: Text = None,  # noqa: N803
            audienceTypeIds: Text = None, searchField: Search = None) -> dict:  # noqa: N803
    return v2(listing_v2.plain_list(session, principal, ow_ids=owIds, type_ids=audienceTypeIds, search=searchField))


@router.get("/api/v2/audience/detailed/list", response_model=V2[DetailedList])
def detailed_list(principal: PrincipalDep, session: SessionDep, audienceTypeIds: Text = None,  # noqa: N803
                  searchField: Search = None, pageSize: PageSize = None, pageNo: PageNo = None,  # noqa: N803
                  sortBy: Annotated[str | None, Query(max_length=200)] = None,  # noqa: N803
                  audienceIds: Text = None, owIds: Text = None, status: Text = None,  # noqa: N803
                  noOfEntries: PageSize = None,  # noqa: N803
                  sortType: Annotated[str | None, Query(max_length=10)] = None) -> dict:  # noqa: N803
    return v2(listing_v2.detailed_list(
        session, principal, type_ids=audienceTypeIds, search=searchField, page_no=pageNo,
        page_size=pageSize or noOfEntries or 10, sort_by=sortBy, sort_type=sortType, audience_ids=audienceIds,
        ow_ids=owIds, status=status))


@router.get("/api/v2/audience/matched/fields", response_model=V2[MatchedFields])
def matched_fields(_: PrincipalDep) -> dict:
    return v2(listing_v2.matched_fields())


class MatchedEditV2(WireModel):
    audience_name: Annotated[str, Field(min_length=1, max_length=255, pattern=r"\S")]
    raw_s3_url: str | None = Field(default=None, max_length=4000, alias="rawS3URL")


@router.patch("/api/v2/audience/matched/update/{audienceId}", response_model=V2[IdMessage])
def update_matched_v2(audienceId: IdPath, body: MatchedEditV2, principal: PrincipalDep,  # noqa: N803
                      session: SessionDep, settings: SettingsDep) -> dict:
    """Rename; a `rawS3URL` naming another of the organization's uploaded files (a link this server signed)
    matches the audience again against that file."""
    return v2(listing_v2.update_matched_v2(session, settings, principal, audienceId, body.audience_name.strip(),
                                           body.raw_s3_url))


class HistoryRequest(WireModel):
    campaign_id: Annotated[list[Any], Field(max_length=1000)] | str | int
    sub_type_ids: Annotated[list[Any], Field(max_length=100)] = []
    historical_data: bool | None = None
    type_ids: Annotated[list[Any], Field(max_length=100)] = []
    no_of_entries: Annotated[int, Field(ge=1, le=1000)] | None = None
    page_no: Annotated[int, Field(ge=1, le=1_000_000)] | None = None


@router.post("/api/v3/audience/campaigns/audience-history", response_model=V3[AudienceHistory])
def audience_history(body: HistoryRequest, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(listing_v2.audience_history(
        session, principal, campaign_ids=parse_ids(body.campaign_id, "campaignId", required=True),
        type_ids=parse_ids(body.type_ids, "typeIds"), subtype_ids=parse_ids(body.sub_type_ids, "subTypeIds"),
        page_no=body.page_no, no_of_entries=body.no_of_entries))


class AttachPartner(WireModel):
    audience_id: DbId
    data_partner_id: Annotated[int, Field(ge=0, le=32_767)]


@router.post("/api/v3/audience/attach-data-partner", response_model=V3[Message])
def attach_data_partner(body: AttachPartner, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(listing_v2.attach_data_partner(session, principal, body.audience_id, body.data_partner_id))


@router.patch("/api/v3/audience/{audienceId}/regenerate", response_model=V3[Message])
def regenerate(audienceId: IdPath, principal: PrincipalDep, session: SessionDep) -> dict:  # noqa: N803
    return v3(listing_v2.regenerate(session, principal, audienceId))


# ------------------------------------------------------------------------------------------- insights

@router.get("/api/v3/audience/audience-insights/{audienceId}", response_model=V3[AudienceInsightsV3])
def audience_insights(audienceId: IdPath, principal: PrincipalDep, session: SessionDep,  # noqa: N803
                      store: AnalyticsDep) -> dict:
    return v3(insights.live(session, store, principal, audienceId, guide=False))


@router.get("/api/v3/audience/{audienceId}/insights", response_model=V3[AudienceInsightsGuide])
def audience_insights_guide(audienceId: IdPath, principal: PrincipalDep, session: SessionDep,  # noqa: N803
                            store: AnalyticsDep) -> dict:
    return v3(insights.live(session, store, principal, audienceId, guide=True))


@router.post("/api/v3/audience/insights/add", response_model=V3[InsightsCreated])
def add_insights(principal: PrincipalDep, session: SessionDep, store: AnalyticsDep,
                 audienceIds: Text = None,  # noqa: N803 - wire name (query, as IQM's spec)
                 body: Annotated[dict[str, Any] | None, Body()] = None) -> dict:
    """`audienceIds` in the query (IQM's spec) or the JSON body (its guide)."""
    raw = audienceIds
    if raw is None and body is not None and body.get("audienceIds") is not None:
        value = body["audienceIds"]
        raw = ",".join(map(str, value)) if isinstance(value, list) else str(value)
    return v3(insights.add(session, store, principal, raw))


@router.post("/api/v3/audience/ins/insights/regenerate/{insightsId}", response_model=V3[str])
def regenerate_insights(insightsId: IdPath, principal: PrincipalDep, session: SessionDep,  # noqa: N803
                        store: AnalyticsDep) -> dict:
    return v3(insights.regenerate(session, store, principal, insightsId))


@router.post("/api/v3/audience/ins/insights/download", response_model=V3[InsightsFileUrl])
def download_insights(audienceId: Annotated[DbId, Query()], principal: PrincipalDep, session: SessionDep,  # noqa: N803
                      settings: SettingsDep, store: AnalyticsDep,
                      fileType: Annotated[str, Query(max_length=10)]) -> dict:  # noqa: N803
    return v3(insights.download(session, settings, store, principal, audienceId, fileType))


@router.post("/api/v3/audience/ins/insights/send-email", response_model=V3[str])
def email_insights(principal: PrincipalDep, session: SessionDep, settings: SettingsDep, store: AnalyticsDep,
                   id: Annotated[DbId, Query()],  # noqa: A002 - wire name
                   audienceId: Annotated[DbId, Query()],  # noqa: N803
                   attachmentType: Annotated[str, Query(max_length=10)],  # noqa: N803
                   recipientEmails: Annotated[str, Query(max_length=5000)]) -> dict:  # noqa: N803
    return v3(insights.send_email(session, settings, store, principal, id, audienceId, attachmentType,
                                  recipientEmails))


@router.get("/api/v3/ins/audiences/list", response_model=V3[EligibleAudiences])
def eligible_audiences(principal: PrincipalDep, session: SessionDep, searchField: Search = None,  # noqa: N803
                       pageSize: PageSize = None, pageNo: PageNo = None,  # noqa: N803
                       sortBy: Annotated[str | None, Query(max_length=100)] = None) -> dict:  # noqa: N803
    return v3(insights.eligible_list(session, principal, search=searchField, page_size=pageSize, page_no=pageNo,
                                     sort_by=sortBy))


@router.get("/api/v3/ins/audience/matched/{audienceId}", response_model=V3[MatchedInsightDetails])
def matched_insights(audienceId: IdPath, principal: PrincipalDep, session: SessionDep,  # noqa: N803
                     store: AnalyticsDep) -> dict:
    return v3(insights.matched_details(session, store, principal, audienceId))


@router.get("/api/v3/ins/audience/matched/download/{audienceId}", response_model=V3[FileUrl])
def matched_file(audienceId: IdPath, principal: PrincipalDep, session: SessionDep,  # noqa: N803
                 settings: SettingsDep) -> dict:
    return v3(audience_service.file_urls(session, settings, principal, audienceId))
