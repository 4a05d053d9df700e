"""Use cases behind the report endpoints: saved definitions (CRUD, list, duplicate) and running them.

Scheduling: a body with `reportSchedulingEventDetails` (add, PATCH) is announced on
`adplane.reports.hooks.schedule_details_sent`; the schedules domain validates and saves it in the same
transaction (reports never imports schedules).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from adplane.core.clock import utcnow
from adplane.core.deps import Principal
from adplane.core.errors import ValidationFailed
from adplane.core.listing import page_offset, parse_sort
from adplane.core.schemas import MAX_DB_INT
from adplane.core.settings import Settings
from adplane.files import service as files
from adplane.reports import hooks, repository, service
from adplane.reports.definition import Definition, parse_definition, to_wire
from adplane.reports.models import Report
from adplane.reports.schemas import DefinitionIn, DuplicateIn, ExecuteIn, ReportListIn


def _save_schedule(session: Session, principal: Principal, report: Report, details: Any,
                   settings: Settings) -> None:
    if details in (None, {}):
        return
    if isinstance(details, dict) and details.get("runningTotalEnabled") in (0, 1):
        # the spec's report/add example sends 0/1 here, where the schedule API takes a boolean
        details = {**details, "runningTotalEnabled": bool(details["runningTotalEnabled"])}
    if not hooks.schedule_details_sent(session, principal, report, details, settings):
        raise ValidationFailed("Scheduling is not available.", field="reportSchedulingEventDetails")


def _schedule_details(session: Session, report_id: int) -> dict[str, Any]:
    summary = next((found for found in hooks.schedule_details(session, report_id) if found), None)
    if not summary:
        return {}
    return {**summary.get("scheduledData", {}), "nextDeliveryDate": summary.get("nextDeliveryDate"),
            "lastDeliveries": summary.get("lastDeliveries", [])}


def _apply(report: Report, definition: Definition) -> None:
    report.name = definition.name
    report.dimensions = [c.to_wire() for c in definition.dimensions]
    report.columns = list(definition.columns)
    report.filters = dict(definition.filters)
    report.request_type = definition.request_type
    report.start_date = definition.start_date
    report.end_date = definition.end_date
    report.timezone_id = definition.timezone_id
    report.timezone_name = definition.timezone_name


def create(session: Session, principal: Principal, body: DefinitionIn, settings: Settings) -> int:
    definition = parse_definition(session, principal.ow_id, body.definition_fields(), require_name=True)
    report = Report(ow_id=principal.ow_id, uow_id=principal.uow_id, modified_by_uow_id=principal.uow_id)
    _apply(report, definition)
    session.add(report)
    session.flush()
    _save_schedule(session, principal, report, body.report_scheduling_event_details, settings)
    session.commit()
    return report.id


def read(session: Session, principal: Principal, report_id: int) -> dict[str, Any]:
    report = repository.get_report(session, principal.ow_id, report_id)
    return {**to_wire(report), "reportSchedulingEventDetails": _schedule_details(session, report.id)}


def update(session: Session, principal: Principal, report_id: int, body: DefinitionIn,
           settings: Settings) -> str:
    """PATCH: the fields sent replace the saved ones; the merged definition must be valid."""
    report = repository.get_report(session, principal.ow_id, report_id)
    merged = {**to_wire(report), **body.definition_fields()}
    if "timezoneName" in body.definition_fields() and "timezoneId" not in body.definition_fields():
        merged.pop("timezoneId", None)
    definition = parse_definition(session, principal.ow_id, merged, require_name=True)
    _apply(report, definition)
    report.modified_by_uow_id = principal.uow_id
    report.updated_at = utcnow()
    if body.report_scheduling_event_details in (None, {}):
        # new dates or timezone move the next delivery of an existing schedule
        session.flush()
        hooks.definition_changed(session, report.id, settings)
    _save_schedule(session, principal, report, body.report_scheduling_event_details, settings)
    session.commit()
    return f"Report with id {report.id} updated successfully"


def delete(session: Session, principal: Principal, report_id: int) -> str:
    """Soft delete; the report's schedule goes with it."""
    report = repository.get_report(session, principal.ow_id, report_id)
    hooks.definition_deleted(session, principal, report.id)
    report.deleted_at = utcnow()
    session.commit()
    return f"Report with id {report.id} deleted successfully"


def duplicate(session: Session, principal: Principal, body: DuplicateIn) -> str:
    source_id = body.id or body.report_id
    if source_id is None:
        raise ValidationFailed("id is required.", field="id")
    source = repository.get_report(session, principal.ow_id, source_id, field="id")
    name = (body.report_name or "").strip() or f"Copy of {source.name}"[:255]
    copy = Report(
        ow_id=principal.ow_id, uow_id=principal.uow_id, modified_by_uow_id=principal.uow_id, name=name,
        dimensions=list(source.dimensions), columns=list(source.columns), filters=dict(source.filters or {}),
        request_type=source.request_type, start_date=source.start_date, end_date=source.end_date,
        timezone_id=source.timezone_id, timezone_name=source.timezone_name,
    )
    session.add(copy)
    session.commit()
    return f"Report duplicated successfully with id {copy.id}"


def list_page(session: Session, principal: Principal, body: ReportListIn, *, paginate: bool) -> dict[str, Any]:
    order = parse_sort(body.sort_by, repository.SORT_COLUMNS, "-modifyDate")
    offset, limit = page_offset(body.page_no, body.no_of_entries if paginate else None)
    reports, total, matching = repository.list_reports(session, principal.ow_id, search=body.search_field,
                                                       order=order, offset=offset, limit=limit)
    data = [{**to_wire(r), "reportSchedulingEventDetails": _schedule_details(session, r.id)} for r in reports]
    return {"data": data, "totalRecords": total, "filteredRecords": matching}


# --------------------------------------------------------------------------------------------
# Running reports
# --------------------------------------------------------------------------------------------


def _int_field(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed(f"{name} must be an integer.", field=name)
    if not -MAX_DB_INT <= value <= MAX_DB_INT:
        raise ValidationFailed(f"{name} is out of range.", field=name)
    return value


def _text_field(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 255:
        raise ValidationFailed(f"{name} must be text of at most 255 characters.", field=name)
    return value


def resolve_definition(session: Session, principal: Principal, body: ExecuteIn) -> Definition:
    """A saved report (by `id`, with any fields sent overriding it) or an inline definition."""
    fields = body.definition_fields()
    if body.id is not None:
        report_id = _int_field(body.id, "id")
        report = repository.get_report(session, principal.ow_id, report_id or 0, field="id")
        fields = {**to_wire(report), **fields}
        if "timezoneName" in body.definition_fields() and "timezoneId" not in body.definition_fields():
            fields.pop("timezoneId", None)
    return parse_definition(session, principal.ow_id, fields, require_name=False)


def execute(session: Session, store: Any, principal: Principal, body: ExecuteIn) -> dict[str, Any]:
    definition = resolve_definition(session, principal, body)
    result = service.execute_report(
        session, store, definition,
        sort_by=_text_field(body.sort_by, "sortBy"), order=_text_field(body.order, "order"),
        search=_text_field(body.search_field, "searchField"),
        page_no=_int_field(body.page_no, "pageNo"), page_size=_int_field(body.no_of_entries, "noOfEntries"),
        with_daily_totals=False,
    )
    return {"total": result.totals, "data": result.rows, "totalRecords": result.total_records,
            "columns": [{"key": key, "label": result.labels[key]} for key in result.columns]}


def _download_name(definition: Definition, suffix: str) -> str:
    stem = re.sub(r"[^\w\- ]+", "", definition.name).strip().replace(" ", "_") or "report"
    return f"{stem[:100]}__{int(utcnow().timestamp() * 1000)}{suffix}"


def download(session: Session, store: Any, settings: Settings, principal: Principal, body: ExecuteIn, *,
             base_url: str) -> str:
    """Write the file (same rows as execute, every page) and answer a signed, expiring link to it."""
    file_type = _int_field(body.file_type, "fileType") or service.FILE_TYPE_CSV
    if file_type not in service.FILE_SUFFIXES:
        raise ValidationFailed("Invalid file type.", field="fileType")
    if body.id is None and not body.columns:
        raise ValidationFailed("Please select columns for report download", field="columns")
    definition = resolve_definition(session, principal, body)
    path = service.export_report(
        session, store, settings, definition, file_type=file_type,
        sort_by=_text_field(body.sort_by, "sortBy"), order=_text_field(body.order, "order"),
        search=_text_field(body.search_field, "searchField"),
    )
    stored = files.register(session, settings, ow_id=principal.ow_id, path=path,
                            download_name=_download_name(definition, path.suffix), kind="report")
    session.commit()
    return files.signed_url(settings, stored, base_url)
