"""Answer models of the reports routes (field names are the wire names); Pydantic only, the SDK imports it."""

from __future__ import annotations

from typing import Any

from adplane.core.envelopes import Number, ResponseModel


class MetricField(ResponseModel):
    id: int | None
    label: str
    order: Number | None
    fieldDataType: str | None  # noqa: N815 - wire name
    aggregationType: str | None  # noqa: N815 - wire name
    description: str | None
    defaultEnabled: bool | None  # noqa: N815 - wire name
    key: str
    dependentDimensions: list[int] | None  # noqa: N815 - wire name



class DimensionField(ResponseModel):
    id: int | None
    label: str
    order: Number | None
    isFilterSupported: bool | None  # noqa: N815 - wire name
    isRowToColumn: bool | None  # noqa: N815 - wire name
    isCustomerDependent: bool | None  # noqa: N815 - wire name
    fieldDataType: str | None  # noqa: N815 - wire name
    description: str | None
    groupId: int | None  # noqa: N815 - wire name
    key: str



class DimensionMetricsDetail(ResponseModel):
    """Each list item is one group (e.g. "Counts", "Campaign Specifics") with its fields."""

    metrics: list[dict[str, list[MetricField]]]
    dimensions: list[dict[str, list[DimensionField]]]


class ReportDownload(ResponseModel):
    url: str | None


class ReportColumn(ResponseModel):
    key: str
    label: str | None



class ReportRows(ResponseModel):
    """Rows keyed by the report's dimension and metric keys (which depend on the report)."""

    total: dict[str, Any]
    data: list[dict[str, Any]]
    totalRecords: int | None  # noqa: N815 - wire name
    columns: list[ReportColumn]


class SavedReport(ResponseModel):
    id: int | None
    reportName: str | None  # noqa: N815 - wire name
    startDate: Number | None  # noqa: N815 - wire name
    endDate: Number | None  # noqa: N815 - wire name
    dimensions: str | None
    columns: list[str]
    filters: dict[str, Any]
    timezoneId: int | None  # noqa: N815 - wire name
    timezoneName: str | None  # noqa: N815 - wire name
    requestType: Number | None  # noqa: N815 - wire name
    reportAggregated: str | None  # noqa: N815 - wire name
    customerIds: Any  # noqa: N815 - wire name
    customerDetails: Any  # noqa: N815 - wire name
    createdAt: int | None  # noqa: N815 - wire name
    modifiedAt: int | None  # noqa: N815 - wire name
    reportSchedulingEventDetails: dict[str, Any]  # noqa: N815 - wire name


class ReportsList(ResponseModel):
    data: list[SavedReport]
    totalRecords: int | None  # noqa: N815 - wire name
    filteredRecords: int | None  # noqa: N815 - wire name


class StaticItem(ResponseModel):
    name: str | None
    id: int | None
    label: str | None
