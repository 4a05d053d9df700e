"""Answer models of the reports routes (field names are the wire names); Pydantic only, the SDK imports it."""

from __future__ import annotations

from typing import Any

from adplane.core.envelopes import Number, ResponseModel


class MetricField(ResponseModel):
    id: int | None
    label: str
    order: Number | None
    fieldDataType: str | None
    aggregationType: str | None
    description: str | None
    defaultEnabled: bool | None
    key: str
    dependentDimensions: list[int] | None



class DimensionField(ResponseModel):
    id: int | None
    label: str
    order: Number | None
    isFilterSupported: bool | None
    isRowToColumn: bool | None
    isCustomerDependent: bool | None
    fieldDataType: str | None
    description: str | None
    groupId: int | None
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
    totalRecords: int | None
    columns: list[ReportColumn]


class SavedReport(ResponseModel):
    id: int | None
    reportName: str | None
    startDate: Number | None
    endDate: Number | None
    dimensions: str | None
    columns: list[str]
    filters: dict[str, Any]
    timezoneId: int | None
    timezoneName: str | None
    requestType: Number | None
    reportAggregated: str | None
    customerIds: Any
    customerDetails: Any
    createdAt: int | None
    modifiedAt: int | None
    reportSchedulingEventDetails: dict[str, Any]


class ReportsList(ResponseModel):
    data: list[SavedReport]
    totalRecords: int | None
    filteredRecords: int | None


class StaticItem(ResponseModel):
    name: str | None
    id: int | None
    label: str | None
