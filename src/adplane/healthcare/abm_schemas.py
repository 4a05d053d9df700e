"""Request bodies of IQM's ABM healthcare-data and ABM audience operations.

IQM spells some filters two ways (its OpenAPI document's `healthCareSystemIds` / `accountIds`, its guides'
`healthcareSystemIds` / `accountNameIds`); each field accepts every spelling. Id lists may be JSON lists or
comma-separated text; `to_filters` validates them as ids (a 422 naming the field otherwise)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AliasChoices, Field, StringConstraints

from adplane.core.listing import parse_ids
from adplane.core.schemas import WireModel
from adplane.healthcare.abm_data import Filters

IdInput = Annotated[list[Any], Field(max_length=10_000)] | Annotated[str, Field(max_length=100_000)] | int | None
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
PageNo = Annotated[int, Field(ge=-1, le=1_000_000)]
PageSize = Annotated[int, Field(ge=1, le=10_000)]


def _alias(*names: str) -> Any:
    return Field(None, validation_alias=AliasChoices(*names))


class HealthcareFilterRequest(WireModel):
    """The filters of POST /abm/healthcare-data (and its statistics and value lists); paging and sorting."""

    ids: IdInput = None
    data_provider_ids: IdInput = _alias("dataProviderIds", "data_provider_ids")
    health_care_system_ids: IdInput = _alias("healthCareSystemIds", "healthcareSystemIds", "health_care_system_ids")
    account_ids: IdInput = _alias("accountIds", "accountNameIds", "healthcareAccountIds", "account_ids")
    account_type_ids: IdInput = _alias("accountTypeIds", "account_type_ids")
    account_sub_type_ids: IdInput = _alias("accountSubTypeIds", "accountSubtypeIds", "account_sub_type_ids")
    title_ids: IdInput = _alias("titleIds", "title_ids")
    speciality_ids: IdInput = _alias("specialityIds", "specialtyIds", "speciality_ids")
    country_ids: IdInput = _alias("countryIds", "country_ids")
    state_ids: IdInput = _alias("stateIds", "state_ids")
    city_ids: IdInput = _alias("cityIds", "city_ids")
    audience_subtype_ids: IdInput = _alias("audienceSubtypeIds", "audience_subtype_ids")
    include_generic_audience: bool | None = None
    page_no: PageNo | None = None
    no_of_entries: PageSize | None = None
    sort_by: Annotated[str, Field(max_length=200)] | None = None
    order: Annotated[str, Field(max_length=20)] | None = None
    search_field: Annotated[str, Field(max_length=255)] | None = None

    def to_filters(self, *, prefix: str = "") -> Filters:
        def ids(value: Any, name: str) -> list[int]:
            return parse_ids(value, f"{prefix}{name}")

        return Filters(
            provider_ids=ids(self.data_provider_ids, "dataProviderIds"), ids=ids(self.ids, "ids"),
            system_ids=ids(self.health_care_system_ids, "healthCareSystemIds"),
            account_ids=ids(self.account_ids, "accountIds"), type_ids=ids(self.account_type_ids, "accountTypeIds"),
            subtype_ids=ids(self.account_sub_type_ids, "accountSubTypeIds"),
            title_ids=ids(self.title_ids, "titleIds"), speciality_ids=ids(self.speciality_ids, "specialityIds"),
            country_ids=ids(self.country_ids, "countryIds"), state_ids=ids(self.state_ids, "stateIds"),
            city_ids=ids(self.city_ids, "cityIds"),
            audience_subtype_ids=ids(self.audience_subtype_ids, "audienceSubtypeIds"),
            include_generic=bool(self.include_generic_audience), search=self.search_field,
        )


class AbmAudienceRequest(WireModel):
    """POST /api/v3/audience/abm: `healthCareDataMappingIds` (the rows picked) or else `filters` (every row they
    select) decide the professionals; `filters` is kept as sent."""

    audience_name: Name
    health_care_data_mapping_ids: IdInput = _alias("healthCareDataMappingIds", "health_care_data_mapping_ids")
    data_provider_id: Annotated[int, Field(ge=1, le=2_147_483_647)] | None = None
    audience_subtype_id: Annotated[int, Field(ge=1, le=32_767)] | None = None
    filters: HealthcareFilterRequest | None = None
