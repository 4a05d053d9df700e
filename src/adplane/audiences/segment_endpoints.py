"""HTTP endpoints of segmented, pre-bid and custom voter audiences (IQM's Audience API).

IQM publishes most of these twice: its guides (`/api/v3/audience/segmented/...`, `/api/v3/audience/prebid`)
and its OpenAPI document (`/api/v3/audience/segment/...`, `/api/v3/audience/prebid/add`, ...). Both paths
are served by one implementation; an answer carries the guide's field names and the specification's
where they differ (e.g. `audienceId` and `id`)."""

from __future__ import annotations

import csv
from typing import Annotated, Any, cast

from fastapi import APIRouter, Body, Query, Response
from pydantic import Field
from sqlalchemy.orm import Session

from adplane.analytics.deps import AnalyticsDep
from adplane.audiences import cva, prebid, segment_insights, segment_search, segments, service
from adplane.audiences.derived.responses import AudienceInsightsV3
from adplane.audiences.responses import (
    AudienceSegments,
    CvaDetails,
    CvaInsights,
    CvaReach,
    CvaSegments,
    CvaStates,
    LegacySegment,
    PartnerProviderList,
    PrebidDetails,
    PrebidFreeSegment,
    PrebidList,
    PrebidProviderItem,
    PrebidSaved,
    PrebidSegmentItem,
    SegmentedCreated,
    SegmentedDetails,
    SegmentFile,
    SegmentItem,
    SegmentPartner,
    SegmentSearch,
)
from adplane.auth.deps import PrincipalDep
from adplane.auth.models import Organization
from adplane.core import listing
from adplane.core.deps import IdPath, Principal, SessionDep, SettingsDep
from adplane.core.envelopes import V2, V3, V2Error, v2, v3
from adplane.core.schemas import MAX_DB_INT, DbId, IdList, WireModel
from adplane.core.settings import Settings
from adplane.files import service as files

router = APIRouter(tags=["Audience API"])

CsvIds = Annotated[str | None, Query(max_length=5000)]
Text = Annotated[str, Field(max_length=1000)]
AnyId = Annotated[int, Field(ge=0, le=MAX_DB_INT)]
SEARCH_FILE_KIND = "segment-search"


# ------------------------------------------------------------------------------------- request bodies

class SegmentedBody(WireModel):
    """Create/edit: the guide sends `audienceName`, the specification `name` or `groupName`."""

    equation: Annotated[str, Field(max_length=segments.MAX_EQUATION_LENGTH)] | None = None
    audience_name: Text | None = None
    name: Text | None = None
    group_name: Text | None = None
    segment_partner_id: Annotated[int | str, Field(union_mode="left_to_right")] | None = None
    data_partner_id: Annotated[int | str, Field(union_mode="left_to_right")] | None = None

    def chosen_name(self) -> str | None:
        return next((n for n in (self.audience_name, self.name, self.group_name) if n is not None), None)

    def partner(self) -> Any:
        return self.segment_partner_id if self.segment_partner_id is not None else self.data_partner_id


class SegmentSearchBody(WireModel):
    page_no: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    no_of_entries: Annotated[int, Field(ge=1, le=1000)] | None = None
    sort_by: Annotated[str, Field(max_length=100)] | None = None
    search_keyword_set: Annotated[list[Annotated[str, Field(max_length=255)]], Field(max_length=100)] = []
    segment_ids: IdList = []
    vertical_ids: IdList = []
    partner_ids: IdList = []
    provider_ids: IdList = []
    price_range_ids: IdList = []
    reach_range_ids: IdList = []
    show_only_ready_segments: bool = False
    show_only_non_zero_segments: bool = False

    def query(self) -> segments.SegmentQuery:
        return segments.SegmentQuery(
            keywords=list(self.search_keyword_set), segment_ids=self.segment_ids, vertical_ids=self.vertical_ids,
            partner_ids=self.partner_ids, provider_ids=self.provider_ids, price_range_ids=self.price_range_ids,
            reach_range_ids=self.reach_range_ids, ready_only=self.show_only_ready_segments,
            non_zero=self.show_only_non_zero_segments, sort_by=self.sort_by)


class PrebidBody(WireModel):
    """Create/edit: the guide's names (`audienceName`, `prebidSegmentIds`, `prebidProviderId`) and the
    specification's (`prebidAudienceName`, `prebidAudienceSegmentIdList`/`prebidAudienceIdList`,
    `prebidAudienceProviderId`)."""

    audience_name: Text | None = None
    prebid_audience_name: Text | None = None
    prebid_segment_ids: Annotated[list[AnyId], Field(max_length=1000)] | None = None
    prebid_audience_segment_id_list: Annotated[list[AnyId], Field(max_length=1000)] | None = None
    prebid_audience_id_list: Annotated[list[AnyId], Field(max_length=1000)] | None = None
    prebid_provider_id: AnyId | None = None
    prebid_audience_provider_id: AnyId | None = None

    def chosen_name(self) -> str | None:
        return self.audience_name if self.audience_name is not None else self.prebid_audience_name

    def segment_ids(self) -> list[int] | None:
        for ids in (self.prebid_segment_ids, self.prebid_audience_segment_id_list, self.prebid_audience_id_list):
            if ids is not None:
                return ids
        return None

    def provider(self) -> int | None:
        return self.prebid_provider_id if self.prebid_provider_id is not None else self.prebid_audience_provider_id


class PrebidSearchBody(WireModel):
    search_field: Annotated[str, Field(max_length=255)] | None = None
    prebid_segment_ids: IdList = []
    prebid_audience_segment_id_list: IdList = []
    prebid_audience_id_list: IdList = []
    provider_id_list: IdList = []
    customer_ow_id: DbId | None = None
    show_in_active_segments: bool | None = None


# ------------------------------------------------------------------------------------ segment catalogue

@router.get("/api/v3/audience/segmented/partner-provider/list", response_model=V3[list[SegmentPartner]])
def partner_providers(_: PrincipalDep) -> dict:
    return v3(segments.partner_providers(spec_shape=False))


@router.get("/api/v3/audience/segment/partner-provider/list", response_model=V3[PartnerProviderList])
def partner_providers_spec(_: PrincipalDep) -> dict:
    listing = cast(dict[str, Any], segments.partner_providers(spec_shape=True))  # the spec's shape is a dict
    return v3(segment_search.with_reference_uuids(listing))


@router.get("/api/v3/audience/segmented/segments/children", response_model=V3[list[SegmentItem]])
@router.get("/api/v3/audience/segment/list-by-parent-id", response_model=V3[list[SegmentItem]])
def segment_children(_: PrincipalDep, partnerId: Annotated[int, Query(ge=1, le=MAX_DB_INT)],  # noqa: N803
                     providerId: Annotated[int, Query(ge=1, le=MAX_DB_INT)],  # noqa: N803 - wire names
                     parentId: Annotated[int | None, Query(ge=0, le=MAX_DB_INT)] = None,  # noqa: N803
                     showOnlyNonZeroSegments: bool = False, showOnlyReadySegments: bool = False) -> dict:  # noqa: N803
    """The direct children of `parentId`, or the provider's root segments without it."""
    return v3(segments.children_of(partnerId, providerId, parentId, non_zero=showOnlyNonZeroSegments,
                                   ready_only=showOnlyReadySegments))


def _query_from_params(searchField: str | None, segmentIds: str | None, verticalIds: str | None,  # noqa: N803
                       partnerIds: str | None, providerIds: str | None, priceRangeIds: str | None,  # noqa: N803
                       reachRangeIds: str | None, showOnlyReadySegments: bool, showOnlyNonZeroSegments: bool,  # noqa: N803
                       sortBy: str | None) -> segments.SegmentQuery:  # noqa: N803
    keywords = [k for k in (searchField or "").split(",") if k.strip()]
    return segments.SegmentQuery(
        keywords=keywords, segment_ids=listing.parse_ids(segmentIds, "segmentIds"),
        vertical_ids=listing.parse_ids(verticalIds, "verticalIds"),
        partner_ids=listing.parse_ids(partnerIds, "partnerIds"),
        provider_ids=listing.parse_ids(providerIds, "providerIds"),
        price_range_ids=listing.parse_ids(priceRangeIds, "priceRangeIds"),
        reach_range_ids=listing.parse_ids(reachRangeIds, "reachRangeIds"),
        ready_only=showOnlyReadySegments, non_zero=showOnlyNonZeroSegments, sort_by=sortBy)


def _page(query: segments.SegmentQuery, page_no: int | None, no_of_entries: int | None) -> dict[str, Any]:
    found = segments.search(query)
    offset, limit = listing.page_offset(page_no or 1, no_of_entries or 100)
    rows = listing.page_rows(found, offset, limit)
    return {"totalRecords": len(found), "filteredRecords": len(found),
            "segmentsList": [segments.segment_wire(s) for s in rows]}


@router.post("/api/v3/audience/segmented/search/list", response_model=V3[SegmentSearch])
def search_segments(body: SegmentSearchBody, _: PrincipalDep) -> dict:
    return v3(_page(body.query(), body.page_no, body.no_of_entries))


SearchText = Annotated[str | None, Query(max_length=1000)]


@router.get("/api/v3/audience/segment/search/list", response_model=V3[SegmentSearch])
def search_segments_spec(_: PrincipalDep, searchField: SearchText = None, segmentIds: CsvIds = None,  # noqa: N803
                         verticalIds: CsvIds = None, partnerIds: CsvIds = None, providerIds: CsvIds = None,  # noqa: N803
                         priceRangeIds: CsvIds = None, reachRangeIds: CsvIds = None,  # noqa: N803
                         showOnlyReadySegments: bool = False, showOnlyNonZeroSegments: bool = False,  # noqa: N803
                         sortBy: Annotated[str | None, Query(max_length=100)] = None,  # noqa: N803
                         pageNo: Annotated[int, Query(ge=1, le=1_000_000)] = 1,  # noqa: N803
                         noOfEntries: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict:  # noqa: N803
    query = _query_from_params(searchField, segmentIds, verticalIds, partnerIds, providerIds, priceRangeIds,
                               reachRangeIds, showOnlyReadySegments, showOnlyNonZeroSegments, sortBy)
    return v3(_page(query, pageNo, noOfEntries))


def _download(session: Session, settings: Settings, principal: Principal, query: segments.SegmentQuery) -> dict:
    """Every matching segment as a CSV file behind a signed, expiring link."""
    found = segments.search(query)
    path = files.new_file_path(settings, SEARCH_FILE_KIND, principal.ow_id, ".csv")
    with files.written_atomically(path) as partial, partial.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(segments.CSV_HEADER)
        writer.writerows(segments.csv_rows(found))
    stem = "_".join(k.strip().replace(" ", "-")[:30] for k in query.keywords[:3]) or "segments"
    stored = files.register(session, settings, ow_id=principal.ow_id, path=path, kind=SEARCH_FILE_KIND,
                            download_name=f"{stem}_segments_{service.now_ms()}.csv")
    session.commit()
    return {"fileUrl": files.signed_url(settings, stored, settings.public_base_url)}


@router.post("/api/v3/audience/segmented/search/list/download", response_model=V3[SegmentFile])
def download_segments(body: SegmentSearchBody, principal: PrincipalDep, session: SessionDep,
                      settings: SettingsDep) -> dict:
    return v3(_download(session, settings, principal, body.query()))


@router.get("/api/v3/audience/segment/search/list-download", response_model=V3[SegmentFile])
def download_segments_spec(principal: PrincipalDep, session: SessionDep, settings: SettingsDep,
                           searchField: SearchText = None, segmentIds: CsvIds = None,  # noqa: N803
                           verticalIds: CsvIds = None, partnerIds: CsvIds = None, providerIds: CsvIds = None,  # noqa: N803
                           priceRangeIds: CsvIds = None, reachRangeIds: CsvIds = None,  # noqa: N803
                           showOnlyReadySegments: bool = False, showOnlyNonZeroSegments: bool = False,  # noqa: N803
                           sortBy: Annotated[str | None, Query(max_length=100)] = None) -> dict:  # noqa: N803
    query = _query_from_params(searchField, segmentIds, verticalIds, partnerIds, providerIds, priceRangeIds,
                               reachRangeIds, showOnlyReadySegments, showOnlyNonZeroSegments, sortBy)
    return v3(_download(session, settings, principal, query))


UuidList = Annotated[str, Field(max_length=20_000)] | Annotated[
    list[Annotated[str, Field(max_length=100)] | Annotated[int, Field(ge=0, le=MAX_DB_INT)]], Field(max_length=500)]


class LegacySearchBody(WireModel):
    """IQM's v2 body (all three required: a 412 otherwise); paging and `sortBy` are adplane's additions."""

    provider_ids: UuidList | None = None
    reference_id: UuidList | None = None
    search_field: Annotated[str, Field(max_length=1000)] | None = None
    sort_by: Annotated[str, Field(max_length=100)] | None = None
    page_no: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    no_of_entries: Annotated[int, Field(ge=1, le=1000)] | None = None

    def query(self) -> segment_search.LegacyQuery:
        return segment_search.LegacyQuery(self.provider_ids, self.reference_id, self.search_field, self.sort_by,
                                          self.page_no, self.no_of_entries)


LEGACY_ERRORS: dict[int | str, dict[str, Any]] = {
    412: {"model": V2Error, "description": "providerIds, referenceId or searchField is missing (IQM's message)."}}


@router.post("/api/v2/audience/segment/search", response_model=V2[dict[str, list[LegacySegment]]],
             responses=LEGACY_ERRORS)
def search_segments_v2(body: LegacySearchBody, _: PrincipalDep) -> dict:
    """Segments matching `searchField` among the partners (`referenceId`) and providers (`providerIds`) given
    by reference UUID (or id), keyed by their provider's UUID."""
    return v2(segment_search.by_provider(body.query()))


@router.post("/api/v2/audience/segment/search/download", response_class=Response,
             responses={200: {"content": {"text/csv": {}}, "description": "the matching segments as CSV"},
                        **LEGACY_ERRORS})
def download_segments_v2(body: LegacySearchBody, _: PrincipalDep) -> Response:
    """The same search as CSV (Taxonomy Value, CPM, Description, Path Key), as an attachment."""
    query = body.query()
    text = segment_search.csv_text(query)
    name = segment_search.file_name(query, service.now_ms())
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


@router.get("/api/v3/audience/segment/audience-insights/{audienceId}", response_model=V3[AudienceInsightsV3])
def segment_audience_insights(audienceId: IdPath, principal: PrincipalDep, session: SessionDep,  # noqa: N803
                              store: AnalyticsDep) -> dict:
    """A ready segmented audience's members by state, device type, age and gender, and their identifiers."""
    return v3(segment_insights.insights(session, store, principal, audienceId))


@router.get("/api/v3/audience/segment/list-by-audience-ids", response_model=V3[list[AudienceSegments]])
def segments_by_audience(principal: PrincipalDep, session: SessionDep,
                         audienceIds: Annotated[str, Query(max_length=50_000)],  # noqa: N803 - wire name
                         segmentListSize: Annotated[int, Query(ge=0, le=1000)] = 5) -> dict:  # noqa: N803
    ids = listing.parse_ids(audienceIds, "audienceIds", required=True)
    return v3(segments.segments_by_audience(session, principal, ids, segmentListSize))


# ------------------------------------------------------------------------------------ segmented audiences

@router.post("/api/v3/audience/segmented", response_model=V3[SegmentedCreated])
@router.post("/api/v3/audience/segment/add", response_model=V3[SegmentedCreated])
def create_segmented(body: SegmentedBody, principal: PrincipalDep, session: SessionDep) -> dict:
    """Status processing until the "audience-segments" job has written its members (then ready)."""
    return v3(segments.create(session, principal, equation=body.equation, name=body.chosen_name(),
                              partner_id=body.partner()))


@router.put("/api/v3/audience/segmented/{audienceId}", response_model=V3[SegmentedCreated])
@router.put("/api/v3/audience/segment/{audienceId}", response_model=V3[SegmentedCreated])
def update_segmented(audienceId: IdPath, body: SegmentedBody, principal: PrincipalDep,  # noqa: N803
                     session: SessionDep) -> dict:
    return v3(segments.update(session, principal, audienceId, equation=body.equation, name=body.chosen_name(),
                              partner_id=body.partner()))


@router.get("/api/v3/audience/segmented/{audienceId}", response_model=V3[SegmentedDetails])
@router.get("/api/v3/audience/segment/{audienceId}", response_model=V3[SegmentedDetails])
def segmented_details(audienceId: IdPath, principal: PrincipalDep, session: SessionDep) -> dict:  # noqa: N803
    org = session.get(Organization, principal.ow_id)
    return v3(segments.details(session, principal, audienceId, service.usage, org.name if org else None))


# ------------------------------------------------------------------------------------- pre-bid audiences

@router.get("/api/v3/audience/prebid/static/providers/list", response_model=V3[PrebidList])
def prebid_providers(_: PrincipalDep) -> dict:
    rows = [prebid.provider_wire(p) for p in prebid.PROVIDERS]
    return v3({"totalRecords": len(rows), "filteredRecords": len(rows), "prebidSegmentData": rows})


@router.get("/api/v3/audience/prebid/static/providers/child-segments", response_model=V3[list[PrebidProviderItem]])
def prebid_provider_children(_: PrincipalDep, showinActiveSegments: bool = False,  # noqa: N803, ARG001
                             showInActiveSegments: bool = False) -> dict:  # noqa: N803, ARG001 - no inactive ones
    return v3(prebid.providers_with_children())


@router.get("/api/v3/audience/prebid/provider/details/list", response_model=V3[PrebidList])
def prebid_provider_details(_: PrincipalDep) -> dict:
    rows = prebid.providers_with_children()
    return v3({"totalRecords": len(rows), "filteredRecords": len(rows), "prebidSegmentData": rows})


@router.get("/api/v3/audience/prebid/segments/children", response_model=V3[list[PrebidSegmentItem]])
def prebid_children(_: PrincipalDep,
                    prebidParentSegmentId: Annotated[int, Query(ge=1, le=MAX_DB_INT)]) -> dict:  # noqa: N803
    return v3(prebid.children(prebidParentSegmentId, "prebidParentSegmentId"))


@router.get("/api/v3/audience/prebid/segment/details/list", response_model=V3[PrebidList])
def prebid_children_spec(_: PrincipalDep,
                         prebidAudienceSegmentId: Annotated[int, Query(ge=1, le=MAX_DB_INT)]) -> dict:  # noqa: N803
    rows = prebid.children(prebidAudienceSegmentId, "prebidAudienceSegmentId")
    return v3({"totalRecords": len(rows), "filteredRecords": len(rows), "prebidSegmentData": rows})


@router.get("/api/v3/audience/prebid/dv-ivt/free-segments", response_model=V3[list[PrebidFreeSegment]])
def prebid_free_segments(_: PrincipalDep) -> dict:
    return v3(prebid.free_ivt_segments())


def _prebid_search(session: Session, principal: Principal, body: PrebidSearchBody) -> list[dict[str, Any]]:
    ids = list(dict.fromkeys(body.prebid_segment_ids + body.prebid_audience_segment_id_list))
    found = prebid.search(session, principal, search_field=body.search_field, segment_ids=ids,
                          audience_ids=body.prebid_audience_id_list, provider_ids=body.provider_id_list)
    return [prebid.segment_wire(s) for s in found]


@router.post("/api/v3/audience/prebid/segments/search/list", response_model=V3[list[PrebidSegmentItem]])
def prebid_search(body: PrebidSearchBody, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(_prebid_search(session, principal, body))


@router.post("/api/v3/audience/prebid/details/search/list", response_model=V3[PrebidList])
def prebid_search_spec(body: PrebidSearchBody, principal: PrincipalDep, session: SessionDep) -> dict:
    rows = _prebid_search(session, principal, body)
    return v3({"totalRecords": len(rows), "filteredRecords": len(rows), "prebidSegmentData": rows})


@router.post("/api/v3/audience/prebid", response_model=V3[SegmentedCreated])
@router.post("/api/v3/audience/prebid/add", response_model=V3[SegmentedCreated])
def create_prebid(body: PrebidBody, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(prebid.create(session, principal, name=body.chosen_name(), segment_ids=body.segment_ids(),
                            provider_id=body.provider()))


@router.patch("/api/v3/audience/prebid/{audienceId}", response_model=V3[PrebidSaved])
@router.put("/api/v3/audience/prebid/{audienceId}", response_model=V3[PrebidSaved])
def update_prebid(audienceId: IdPath, body: PrebidBody, principal: PrincipalDep,  # noqa: N803
                  session: SessionDep) -> dict:
    return v3(prebid.update(session, principal, audienceId, name=body.chosen_name(), segment_ids=body.segment_ids(),
                            provider_id=body.provider()))


@router.get("/api/v3/audience/prebid/{audienceId}", response_model=V3[PrebidDetails])
def prebid_details(audienceId: IdPath, principal: PrincipalDep, session: SessionDep) -> dict:  # noqa: N803
    return v3(prebid.details(session, principal, audienceId))



# ------------------------------------------------------------------------------ custom voter audiences

StateIds = Annotated[list[Annotated[int, Field(ge=0, le=MAX_DB_INT)] | Annotated[str, Field(max_length=20)]],
                     Field(max_length=100)]


class CvaBody(WireModel):
    """Create: `reach` and `audienceSize` of the sample are the client's estimate; adplane counts its own."""

    audience_name: Text | None = None
    equation: Annotated[str, Field(max_length=segments.MAX_EQUATION_LENGTH)] | None = None
    state_ids: StateIds = []


class CvaQuery(WireModel):
    """get-reach / get-insights: IQM's samples name the states `state_ids` (accepted, like `stateIds`)."""

    equation: Annotated[str, Field(max_length=segments.MAX_EQUATION_LENGTH)] | None = None
    state_ids: StateIds = []


class CvaSegmentQuery(WireModel):
    state_ids: StateIds = []
    parent_segment_id: Annotated[int, Field(ge=0, le=MAX_DB_INT)] | None = None
    search_field: Annotated[str, Field(max_length=1000)] | None = None
    taxonomy_ids: Annotated[list[Annotated[str, Field(max_length=50)]], Field(max_length=1000)] = []
    validate_taxonomy_ids: bool = False
    segment_ids: IdList = []
    page_no: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    no_of_entries: Annotated[int, Field(ge=0, le=1000)] | None = None


def _states(raw: list[Any]) -> list[int]:
    return listing.parse_ids(raw, "stateIds")


@router.get("/api/v3/audience/cva/states", response_model=V3[CvaStates])
def cva_states(_: PrincipalDep) -> dict:
    return v3(cva.states_list())


@router.post("/api/v3/audience/cva/segments", response_model=V3[CvaSegments])
def cva_segments(_: PrincipalDep, body: Annotated[CvaSegmentQuery | None, Body()] = None,
                 stateIds: CsvIds = None, parentSegmentId: Annotated[int | None, Query(ge=0, le=MAX_DB_INT)] = None,  # noqa: N803
                 searchField: SearchText = None, taxonomyIds: Annotated[str | None, Query(max_length=20_000)] = None,  # noqa: N803
                 validateTaxonomyIds: bool = False, segmentIds: CsvIds = None,  # noqa: N803
                 pageNo: Annotated[int | None, Query(ge=0, le=1_000_000)] = None,  # noqa: N803
                 noOfEntries: Annotated[int | None, Query(ge=0, le=1000)] = None) -> dict:  # noqa: N803
    """The guide gives the criteria as query parameters; a JSON body with the same names is read too."""
    b = body or CvaSegmentQuery()
    taxonomy = [t.strip() for t in (taxonomyIds or "").split(",") if t.strip()] or b.taxonomy_ids
    return v3(cva.find_segments(
        state_ids=listing.parse_ids(stateIds, "stateIds") or _states(list(b.state_ids)),
        parent_id=parentSegmentId if parentSegmentId is not None else b.parent_segment_id,
        search=searchField if searchField is not None else b.search_field, taxonomy_ids=taxonomy,
        validate=validateTaxonomyIds or b.validate_taxonomy_ids,
        segment_ids=listing.parse_ids(segmentIds, "segmentIds") or b.segment_ids,
        page_no=pageNo if pageNo is not None else b.page_no,
        no_of_entries=noOfEntries if noOfEntries is not None else b.no_of_entries))


@router.post("/api/v3/audience/cva", response_model=V3[SegmentedCreated])
def create_cva(body: CvaBody, principal: PrincipalDep, session: SessionDep) -> dict:
    """Status processing until the "audience-segments" job has written its members (then ready)."""
    return v3(cva.create(session, principal, name=body.audience_name, equation=body.equation,
                         state_ids=_states(list(body.state_ids))))


@router.get("/api/v3/audience/cva/{audienceId}", response_model=V3[CvaDetails])
def cva_details(audienceId: IdPath, principal: PrincipalDep, session: SessionDep) -> dict:  # noqa: N803
    return v3(cva.details(session, principal, audienceId))


@router.post("/api/v3/cva/get-reach", response_model=V3[CvaReach])
def cva_reach(body: CvaQuery, _: PrincipalDep) -> dict:
    return v3(cva.reach(body.equation, _states(list(body.state_ids))))


@router.post("/api/v3/cva/get-insights", response_model=V3[CvaInsights])
def cva_insights(body: CvaQuery, _: PrincipalDep) -> dict:
    return v3(cva.insights(body.equation, _states(list(body.state_ids))))
