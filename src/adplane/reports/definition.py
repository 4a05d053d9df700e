"""A report definition, parsed from the wire and validated: what `add`, `PATCH`, `execute` accept.

The wire sends dimensions as a JSON *string* (`"[{\"filter\":\"campaign\",\"value\":[1,2]}]"`);
we also take a list. Keys are canonicalized (`device_type` -> `deviceType`) before storing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.core.errors import ValidationFailed
from adplane.core.schemas import json_field
from adplane.master import catalog as master
from adplane.reports import catalog
from adplane.reports.catalog import Dimension, Metric
from adplane.reports.models import REQUEST_TYPE_AGGREGATED, REQUEST_TYPE_DAILY, Report

MAX_DIMENSIONS = 5
MAX_FILTER_VALUES = 10_000
CAMPAIGN_FILTER_KEYS = ("campaignIds", "creativeTypeIds", "campaignStatuses")


@dataclass(frozen=True)
class DimensionChoice:
    dimension: Dimension
    values: tuple[Any, ...] = ()  # empty: every value

    def to_wire(self) -> dict[str, Any]:
        out: dict[str, Any] = {"filter": self.dimension.key}
        if self.values:
            out["value"] = list(self.values)
        return out


@dataclass
class Definition:
    """Everything needed to run a report, independent of whether it is saved."""

    ow_id: int
    name: str
    dimensions: list[DimensionChoice]
    columns: list[str]
    request_type: int
    start_date: datetime  # instants as saved; execution covers their whole local days
    end_date: datetime
    timezone_id: int
    timezone_name: str
    filters: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone_name)

    @property
    def is_daily(self) -> bool:
        return self.request_type == REQUEST_TYPE_DAILY

    def period(self) -> tuple[datetime, datetime]:
        """[first local midnight, local midnight after the end day) as UTC instants."""
        first, last = local_day(self.start_date, self.zone), local_day(self.end_date, self.zone)
        return midnight_utc(first, self.zone), midnight_utc(last + timedelta(days=1), self.zone)

    def dimensions_json(self) -> str:
        return json.dumps([c.to_wire() for c in self.dimensions], separators=(",", ":"))


def local_day(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def midnight_utc(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


MAX_REPORT_EPOCH_MS = 253_370_764_800_000  # 9998-01-01T00:00:00Z


def from_epoch_ms(value: Any, field_name: str) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationFailed(f"{field_name} must be an epoch timestamp in milliseconds.", field=field_name)
    # 1970 .. 9997: a report period is later widened by time zones, a day and up to a year of range checks,
    # which must all stay inside what a date can hold
    if not 0 <= value < MAX_REPORT_EPOCH_MS:
        raise ValidationFailed(f"{field_name} must be between 1970 and 9997.", field=field_name)
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def to_epoch_ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


def parse_report_date(value: Any, field_name: str, zone: ZoneInfo, *, end: bool) -> datetime:
    """A report bound as the user means it: epoch milliseconds (a number, or digits as text, the way
    IQM's samples send them), or an ISO calendar day `YYYY-MM-DD` of the report's timezone (a start
    is that day's local midnight, an end its last millisecond, so the end day is included), or an ISO
    date-time (without an offset: local time of the report's timezone)."""
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return from_epoch_ms(int(text), field_name)
        try:
            day = date.fromisoformat(text)
        except ValueError:
            day = None
        if day is not None and len(text) == 10:
            if end:
                return midnight_utc(day + timedelta(days=1), zone) - timedelta(milliseconds=1)
            return midnight_utc(day, zone)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValidationFailed(
                f"{field_name} must be epoch milliseconds or an ISO date (YYYY-MM-DD).", field=field_name
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return moment.astimezone(UTC)
    return from_epoch_ms(value, field_name)


# ---------------------------------------------------------------------------------------------
# Parsing pieces
# ---------------------------------------------------------------------------------------------


def parse_dimensions(raw: Any) -> list[DimensionChoice]:
    if raw is None or raw == "":
        raise ValidationFailed("Please select at least one dimension for the report.", field="dimensions")
    if isinstance(raw, str):
        raw = json_field(raw, "dimensions", "dimensions must be a JSON array of {filter, value}.")
    if not isinstance(raw, list) or not raw:
        raise ValidationFailed("Please select at least one dimension for the report.", field="dimensions")
    if len(raw) > MAX_DIMENSIONS:
        raise ValidationFailed(f"A report has at most {MAX_DIMENSIONS} dimensions.", field="dimensions")
    choices: list[DimensionChoice] = []
    seen: set[str] = set()
    for entry in raw:
        name = entry.get("filter") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise ValidationFailed("Each dimension needs a 'filter' naming it.", field="dimensions")
        dimension = catalog.find_dimension(name)
        if dimension is None:
            raise ValidationFailed(f"Unknown dimension: {name}.", field="dimensions")
        if dimension.column in seen:
            raise ValidationFailed(f"Dimension {dimension.key} is selected twice.", field="dimensions")
        seen.add(dimension.column)
        values = entry.get("value") or []
        if not isinstance(values, list) or len(values) > MAX_FILTER_VALUES:
            raise ValidationFailed(f"The values of dimension {dimension.key} must be a list.", field="dimensions")
        choices.append(DimensionChoice(dimension, tuple(_coerce_values(dimension, values))))
    return choices


def _coerce_values(dimension: Dimension, values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if dimension.key == "os" and isinstance(value, int) and not isinstance(value, bool):
            item = master.OPERATING_SYSTEMS_BY_ID.get(value)
            if item is None:
                raise ValidationFailed(f"Unknown os id {value}.", field="dimensions")
            value = item.name
        if dimension.key == "deviceType" and isinstance(value, int) and not isinstance(value, bool):
            value = master.legacy_device_type_id(value)  # IQM's ids (20300001...) name the stored 11-15
        if dimension.value_type is int:
            if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**53:
                raise ValidationFailed(f"Values of dimension {dimension.key} must be ids.", field="dimensions")
        elif not isinstance(value, str) or not value.strip():
            raise ValidationFailed(f"Values of dimension {dimension.key} must be text.", field="dimensions")
        if value not in out:
            out.append(value)
    return out


def parse_columns(raw: Any, dimensions: list[DimensionChoice]) -> list[str]:
    """Canonical output keys: metric keys, or the id/label keys of the report's dimensions."""
    if not isinstance(raw, list) or not raw:
        raise ValidationFailed("Please select columns for report creation", field="columns")
    by_output_key = {k.lower(): k for c in dimensions for k in (c.dimension.key, *c.dimension.output_keys)}
    dimension_ids = {c.dimension.id for c in dimensions}
    columns: list[str] = []
    for name in raw:
        if not isinstance(name, str) or not name.strip():
            raise ValidationFailed("Column names must be text.", field="columns")
        key = _column_key(name, by_output_key, dimensions)
        if key is None:
            if catalog.find_dimension(name) is not None or name.strip().lower() == catalog.DATE_KEY:
                key = _dimension_column_outside(name)
            else:
                raise ValidationFailed(f"Unknown column: {name}.", field="columns")
        metric = catalog.METRICS_BY_KEY.get(key.lower())
        if metric and metric.dependent_dimensions and not dimension_ids & set(metric.dependent_dimensions):
            raise ValidationFailed(f"Column {metric.key} needs the campaign dimension.", field="columns")
        if key not in columns:
            columns.append(key)
    return columns


def _column_key(name: str, by_output_key: dict[str, str], dimensions: list[DimensionChoice]) -> str | None:
    lowered = name.strip().lower()
    metric: Metric | None = catalog.find_metric(name)
    if metric is not None:
        return metric.key
    if lowered in by_output_key:
        key = by_output_key[lowered]
        for choice in dimensions:  # a dimension key stands for its label column
            if key == choice.dimension.key:
                return choice.dimension.label_key
        return key
    return None


def _dimension_column_outside(name: str) -> str:
    """The IQM UI sends `date` for daily reports; other dimension columns need their dimension."""
    if name.strip().lower() == catalog.DATE_KEY:
        return catalog.DATE_KEY
    raise ValidationFailed(f"Column {name} needs the dimension {name} in the report.", field="columns")


def parse_request_type(request_type: Any, report_aggregated: Any) -> int:
    if request_type is None:
        aggregated = str(report_aggregated).strip() == "1" if report_aggregated is not None else False
        return REQUEST_TYPE_AGGREGATED if aggregated else REQUEST_TYPE_DAILY
    if request_type not in (REQUEST_TYPE_DAILY, REQUEST_TYPE_AGGREGATED) or isinstance(request_type, bool):
        raise ValidationFailed("requestType must be 1 (daily) or 2 (aggregated).", field="requestType")
    return int(request_type)


def parse_timezone(timezone_id: Any, timezone_name: Any) -> tuple[int, str]:
    if timezone_id is not None:
        tz = master.timezone_by_id(timezone_id) if isinstance(timezone_id, int) else None
        if tz is None:
            raise ValidationFailed("Invalid timezoneId.", field="timezoneId")
        return tz.id, tz.name
    if isinstance(timezone_name, str) and timezone_name.strip():
        tz = master.timezone_by_name(timezone_name.strip())
        if tz is None:
            raise ValidationFailed("Invalid timezoneName.", field="timezoneName")
        return tz.id, tz.name
    raise ValidationFailed("timezoneId is required.", field="timezoneId")


def parse_filters(raw: Any) -> dict[str, list[Any]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValidationFailed("filters must be an object.", field="filters")
    out: dict[str, list[Any]] = {}
    for key in CAMPAIGN_FILTER_KEYS:
        values = raw.get(key)
        if values is None:
            continue
        if not isinstance(values, list):
            raise ValidationFailed(f"filters.{key} must be a list.", field=f"filters.{key}")
        if key == "campaignStatuses":
            known = set(master.CAMPAIGN_STATUSES_BY_KEY)
            bad = [v for v in values if not isinstance(v, str) or v.strip().lower() not in known]
            if bad:
                raise ValidationFailed(f"Unknown campaign status: {bad[0]}.", field=f"filters.{key}")
            values = sorted({v.strip().lower() for v in values})
        else:
            if any(isinstance(v, bool) or not isinstance(v, int) or not 0 < v < 2**31 for v in values):
                raise ValidationFailed(f"filters.{key} must be a list of ids.", field=f"filters.{key}")
            if key == "creativeTypeIds" and any(v not in master.CREATIVE_TYPES_BY_ID for v in values):
                raise ValidationFailed("Unknown creative type id.", field=f"filters.{key}")
            values = sorted(set(values))
        if values:
            out[key] = values
    return out


def check_date_range(definition: Definition) -> None:
    """Three months for any dimension combination; one year when the only dimension is campaign."""
    if definition.end_date < definition.start_date:
        raise ValidationFailed("endDate must not be before startDate.", field="endDate")
    zone = definition.zone
    first, last = local_day(definition.start_date, zone), local_day(definition.end_date, zone)
    campaign_only = len(definition.dimensions) == 1 and definition.dimensions[0].dimension.id in \
        catalog.CAMPAIGN_DIMENSION_IDS
    months = 12 if campaign_only else 3
    if last >= add_months(first, months):
        limit = "one year" if campaign_only else "three months"
        raise ValidationFailed(
            f"The date range may span at most {limit} for this report "
            "(three months for any dimension combination, one year when the only dimension is campaign). "
            "Run several reports for a longer period.",
            field="endDate",
        )


# ---------------------------------------------------------------------------------------------
# Checks against the organization's data
# ---------------------------------------------------------------------------------------------

STATIC_LOOKUPS: dict[str, dict[Any, Any]] = {
    "creativeType": master.CREATIVE_TYPES_BY_ID,
    "exchange": master.EXCHANGES_BY_ID,
    "trafficType": master.TRAFFIC_TYPES_BY_ID,
    "deviceType": master.DEVICE_TYPES_BY_ID,
    "country": master.COUNTRIES_BY_ID,
    "state": master.STATES_BY_ID,
    "dma": master.DMAS_BY_CODE,
    "gender": master.GENDERS_BY_ID,
    "age": master.AGE_RANGES_BY_ID,
}


def org_ids(session: Session, model: Any, ow_id: int, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    rows = session.scalars(select(model.id).where(model.ow_id == ow_id, model.id.in_(ids)))
    return set(rows)


def check_values_exist(session: Session, definition: Definition) -> None:
    """Filter values must exist in the organization (or the static lists); else a 422 naming them."""
    for choice in definition.dimensions:
        if not choice.values:
            continue
        dim = choice.dimension
        model = tenant_model(dim)
        if model is not None:
            missing = set(choice.values) - org_ids(session, model, definition.ow_id, list(choice.values))
        elif dim.key in STATIC_LOOKUPS:
            missing = {v for v in choice.values if v not in STATIC_LOOKUPS[dim.key]}
        else:
            missing = set()
        if missing:
            raise ValidationFailed(
                f"Unknown {dim.label.lower()} ids for this organization: {sorted(missing)}.", field="dimensions"
            )
    from adplane.campaigns.models import Campaign

    campaign_ids = definition.filters.get("campaignIds", [])
    missing = set(campaign_ids) - org_ids(session, Campaign, definition.ow_id, campaign_ids)
    if missing:
        raise ValidationFailed(f"Unknown campaign ids for this organization: {sorted(missing)}.",
                               field="filters.campaignIds")


def tenant_model(dimension: Dimension) -> Any:
    """The application-DB table holding this dimension's ids (campaigns, IOs, creatives, audiences), if any."""
    if dimension.column == "campaign_id":
        from adplane.campaigns.models import Campaign

        return Campaign
    if dimension.column == "io_id":
        from adplane.insertion_orders.models import InsertionOrder

        return InsertionOrder
    if dimension.column == "creative_id":
        from adplane.creatives.models import Creative

        return Creative
    if dimension.column == "audience_id":
        from adplane.audiences.models import Audience

        return Audience
    return None


# ---------------------------------------------------------------------------------------------
# Whole definitions
# ---------------------------------------------------------------------------------------------


def parse_definition(session: Session, ow_id: int, body: dict[str, Any], *, require_name: bool) -> Definition:
    """Validate a full definition from wire fields (camelCase keys)."""
    name = body.get("reportName")
    if name is None and not require_name:
        name = ""
    if not isinstance(name, str) or (require_name and not name.strip()):
        raise ValidationFailed("reportName is required.", field="reportName")
    if len(name) > 255:
        raise ValidationFailed("reportName must be at most 255 characters.", field="reportName")
    if body.get("startDate") is None:
        raise ValidationFailed("startDate is required.", field="startDate")
    if body.get("endDate") is None:
        raise ValidationFailed("endDate is required.", field="endDate")
    timezone_id, timezone_name = parse_timezone(body.get("timezoneId"), body.get("timezoneName"))
    zone = ZoneInfo(timezone_name)
    start = parse_report_date(body.get("startDate"), "startDate", zone, end=False)
    end = parse_report_date(body.get("endDate"), "endDate", zone, end=True)
    dimensions = parse_dimensions(body.get("dimensions"))
    columns = parse_columns(body.get("columns"), dimensions)
    definition = Definition(
        ow_id=ow_id,
        name=name.strip(),
        dimensions=dimensions,
        columns=columns,
        request_type=parse_request_type(body.get("requestType"), body.get("reportAggregated")),
        start_date=start,
        end_date=end,
        timezone_id=timezone_id,
        timezone_name=timezone_name,
        filters=parse_filters(body.get("filters")),
    )
    check_date_range(definition)
    check_values_exist(session, definition)
    return definition


def from_report(report: Report) -> Definition:
    """The definition of a saved report (already validated when saved)."""
    return Definition(
        ow_id=report.ow_id,
        name=report.name,
        dimensions=parse_dimensions(report.dimensions),
        columns=list(report.columns),
        request_type=report.request_type,
        start_date=report.start_date,
        end_date=report.end_date,
        timezone_id=report.timezone_id,
        timezone_name=report.timezone_name,
        filters=dict(report.filters or {}),
    )


def to_wire(report: Report) -> dict[str, Any]:
    """The wire fields of a definition (without scheduling details)."""
    definition = from_report(report)
    return {
        "id": report.id,
        "reportName": report.name,
        "startDate": to_epoch_ms(report.start_date),
        "endDate": to_epoch_ms(report.end_date),
        "dimensions": definition.dimensions_json(),
        "columns": list(report.columns),
        "filters": dict(report.filters or {}),
        "timezoneId": report.timezone_id,
        "timezoneName": report.timezone_name,
        "requestType": report.request_type,
        "reportAggregated": "1" if report.request_type == REQUEST_TYPE_AGGREGATED else "0",
        "customerIds": None,
        "customerDetails": None,
        "createdAt": to_epoch_ms(report.created_at),
        "modifiedAt": to_epoch_ms(report.updated_at),
    }
