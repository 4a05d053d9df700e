"""Request bodies of the master lists (Pydantic only)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from adplane.core.schemas import MAX_ID_LIST, DbId, IdList, WireModel

MAX_SEGMENT_PAGE = 5000
"""The largest page a segment list serves (IQM's guide defaults to 300 a page)."""


class SegmentQuery(WireModel):
    """IQM's filtering and paging body of the v3 segment lists (`POST /api/v3/master/segment/...`).

    `ids` (and the campaign's targeting, `campaignId`) come first; `segmentIds` keeps only those
    ids; `parentSegmentIds` keeps the children of those parents (states of countries, everything
    else of states). `zipCodes` keeps those ZIP codes (the zip list only); `zipIds` is an alias of
    `segmentIds` there."""

    page_no: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    no_of_entries: Annotated[int, Field(ge=1, le=MAX_SEGMENT_PAGE)] | None = None
    limit: Annotated[int, Field(ge=1, le=MAX_SEGMENT_PAGE)] | None = None
    sort_by: str | None = Field(default=None, max_length=200)
    order: str | None = Field(default=None, max_length=10)
    search_field: str | None = Field(default=None, max_length=255)
    campaign_id: DbId | None = None
    ids: IdList | None = None
    segment_ids: IdList | None = None
    parent_segment_ids: IdList | None = None
    zip_ids: IdList | None = None
    zip_codes: Annotated[list[Annotated[str, Field(max_length=10)]], Field(max_length=MAX_ID_LIST)] | None = None
