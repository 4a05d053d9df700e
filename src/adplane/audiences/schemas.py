"""Request bodies of the Audience API (IQM's wire names via camelCase aliases)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints

from adplane.core.schemas import DbId, IdList, WireModel

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
SmallId = Annotated[int, Field(ge=0, le=32_767)]
PageSize = Annotated[int, Field(ge=1, le=1000)]


class ColumnMapping(WireModel):
    column_id: SmallId
    file_column_name: Annotated[str, Field(min_length=1, max_length=255)]
    data_format_id: SmallId | None = None


class MatchedAudienceRequest(WireModel):
    """The `audienceRequest` form field of a matched-audience upload."""

    audience_name: Name
    file_row_count: Annotated[int, Field(ge=0, le=10**10)] | None = None
    file_column_count: Annotated[int, Field(ge=0, le=10_000)] | None = None
    audience_subtype_id: SmallId | None = None
    column_mappings: Annotated[list[ColumnMapping], Field(min_length=1, max_length=500)]
    data_partner_id: SmallId | None = None
    column_combination_id: SmallId | None = None
    consent_given: bool | None = None


class AudienceListRequest(WireModel):
    audience_ids: IdList = []
    audience_type_ids: IdList = []
    audience_subtype_ids: IdList = []
    ow_ids: IdList = []
    audience_status_ids: IdList = []
    include_generic_audience: bool | None = None
    audience_type_ids_with_all_subtypes: IdList = []
    page_no: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    no_of_entries: PageSize | None = None
    sort_by: Annotated[str, Field(max_length=200)] | None = None
    search_fields: Annotated[list[Annotated[str, Field(max_length=255)] | int], Field(max_length=50)] = []
    search_field: Annotated[str, Field(max_length=255)] | None = None

    def search_terms(self) -> list[str]:
        terms = [str(t).strip() for t in self.search_fields]
        if self.search_field:
            terms.append(self.search_field.strip())
        return [t for t in terms if t]


class UpdateName(WireModel):
    audience_name: Name


class MatchedUpdate(WireModel):
    data_cost: Annotated[Decimal, Field(ge=0, le=Decimal("1000"), allow_inf_nan=False)] | None = None
    audience_status_id: SmallId | None = None
    rejection_reason: Annotated[str, Field(max_length=1000)] | None = None


class DeleteRequest(WireModel):
    audience_ids: Annotated[list[DbId] | str, Field(max_length=50_000)]


class CountRequest(WireModel):
    search_field: Annotated[str, Field(max_length=255)] | None = None
    ow_ids: Annotated[str, Field(max_length=5000)] | list[DbId] | None = None
    audience_type_ids: Annotated[str, Field(max_length=5000)] | list[DbId] | None = None
