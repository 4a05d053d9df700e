"""Wire bodies of the report API. Fields stay loosely typed here: `definition.parse_definition`
validates them so each error names its field in IQM's words (and both spellings are accepted)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from adplane.core.schemas import DbId, WireModel


class DefinitionIn(WireModel):
    id: Any = None
    report_name: Any = None
    start_date: Any = None
    end_date: Any = None
    dimensions: Any = None
    columns: Any = None
    timezone_id: Any = None
    timezone_name: Any = None
    request_type: Any = None
    report_aggregated: Any = None
    filters: Any = None
    customer_ids: Any = None
    report_scheduling_event_details: Any = None

    def definition_fields(self) -> dict[str, Any]:
        """The wire fields that were sent (camelCase), without scheduling details and id."""
        data = self.model_dump(by_alias=True, exclude_unset=True)
        for name in ("id", "reportSchedulingEventDetails", "customerIds"):
            data.pop(name, None)
        return {k: v for k, v in data.items() if v is not None}


class ExecuteIn(DefinitionIn):
    page_no: Any = None
    no_of_entries: Any = None
    sort_by: Any = None
    order: Any = None
    search_field: Any = None
    file_type: Any = None

    def definition_fields(self) -> dict[str, Any]:
        data = super().definition_fields()
        for name in ("pageNo", "noOfEntries", "sortBy", "order", "searchField", "fileType"):
            data.pop(name, None)
        return data


class DuplicateIn(WireModel):
    id: DbId | None = None
    report_id: DbId | None = None
    report_name: str | None = Field(default=None, max_length=255)


class ReportListIn(WireModel):
    page_no: int | None = Field(default=None, ge=1, le=1_000_000)
    no_of_entries: int | None = Field(default=None, ge=1, le=1000)
    sort_by: str | None = Field(default=None, max_length=200)
    search_field: str | None = Field(default=None, max_length=255)
    order: str | None = Field(default=None, max_length=10)
    customer_ids: Any = None
