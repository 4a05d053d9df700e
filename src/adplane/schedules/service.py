"""Rules of report scheduling: validating and saving a schedule, its next delivery, its summary.

Contract for the reports domain:
- `save_schedule(session, principal, report, details) -> dict`: validates and saves (creates or
  replaces) the schedule of `report` from a POST body (`ScheduleIn` or its wire dict, e.g.
  `reportSchedulingEventDetails` of `/report/add`; its `reportId` is ignored there); raises the
  422 naming the field; returns the wire `scheduledData`. The caller commits.
- `schedule_summary(session, report_id) -> dict | None`: the schedule, the next delivery instant
  and the last deliveries with their outcome, for the report's `GET`.
- `report_changed(session, report_id)`: after a report's dates or timezone changed (PATCH), plan
  its next delivery again.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from adplane.core.clock import as_utc, from_epoch_ms, to_epoch_ms, utcnow
from adplane.core.deps import Principal
from adplane.core.errors import NotFound, ValidationFailed
from adplane.core.schemas import MAX_DB_INT
from adplane.core.settings import Settings, get_settings
from adplane.core.tenancy import scoped
from adplane.reports import hooks as report_hooks
from adplane.reports.models import Report
from adplane.schedules import repository
from adplane.schedules.models import (
    FREQUENCY_ONCE,
    ReportSchedule,
)
from adplane.schedules.recurrence import FREQUENCIES, Rule, canonical_day, next_delivery, once_delivery
from adplane.schedules.schemas import ScheduleIn

MAX_SUBSCRIBERS = 50
FILE_TYPES = {1: "CSV", 2: "XLSX"}
MAX_EPOCH_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z
SAVED_MESSAGE = "Report schedule has been successfully updated."
REMOVED_MESSAGE = "Report event is removed."
CAMPAIGN_DIMENSION = "campaign"


# ---------------------------------------------------------------- validation


class _Errors:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, field: str, error: str, reason: str | None = None) -> None:
        item: dict[str, Any] = {"error": error, "field": field}
        if reason:
            item["reason"] = reason
        self.items.append(item)

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationFailed(self.items[0]["error"], errors=self.items)


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isascii() and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _emails(raw: Any, errors: _Errors) -> list[str]:
    if not isinstance(raw, list) or not raw:
        errors.add("subscriberEmails", "subscriberEmails must be a list of 1 to 50 e-mail addresses.")
        return []
    kept: list[str] = []
    seen: set[str] = set()
    invalid: list[str] = []
    for item in raw:
        if not isinstance(item, str):
            invalid.append(str(item))
            continue
        try:
            address = validate_email(item.strip(), check_deliverability=False).normalized
        except EmailNotValidError:
            invalid.append(item)
            continue
        if address.lower() not in seen:
            seen.add(address.lower())
            kept.append(address)
    if invalid:
        errors.add(
            "subscriberEmails",
            f"Invalid email provided - invalid Emails : [{', '.join(invalid)}].",
            "One or more subscribers emails are empty or not provided as per the email format",
        )
    elif len(kept) > MAX_SUBSCRIBERS:
        errors.add("subscriberEmails", f"At most {MAX_SUBSCRIBERS} different subscriber e-mails are allowed.")
    return kept


def _epoch_ms(value: Any, field: str, errors: _Errors) -> datetime | None:
    number = _int_or_none(value)
    if number is None or not 0 < number <= MAX_EPOCH_MS:
        errors.add(field, f"{field} must be an epoch time in milliseconds.")
        return None
    return from_epoch_ms(number)


def _is_campaign_report(report: Report) -> bool:
    dimensions = report.dimensions or []
    return bool(dimensions) and str(dimensions[0].get("filter", "")).lower() == CAMPAIGN_DIMENSION


def _values(session: Session, report: Report, body: ScheduleIn, current: ReportSchedule | None) -> dict[str, Any]:
    """The schedule's new column values: the body over the current schedule (PATCH) or alone (POST).
    Raises one 422 listing every broken rule, each naming its field."""
    given = body.given()
    errors = _Errors()
    now = utcnow()

    def pick(name: str, current_value: Any) -> Any:
        return getattr(body, name) if name in given or current is None else current_value

    emails_raw = pick("subscriber_emails", current.subscriber_emails if current else None)
    emails = _emails(emails_raw, errors)

    file_type = _int_or_none(pick("file_type", current.file_type if current else None))
    if file_type not in FILE_TYPES:
        errors.add("fileType", "Invalid file type.", "fileType must be 1 (CSV) or 2 (XLSX).")

    frequency = _int_or_none(pick("delivery_frequency", current.delivery_frequency if current else None))
    if frequency not in FREQUENCIES:
        errors.add("deliveryFrequency", "Invalid delivery frequency.",
                   "deliveryFrequency must be 1 (Once), 2 (Daily), 3 (Weekly) or 4 (Monthly).")

    day: str | None = None
    if frequency in FREQUENCIES:
        raw_day = pick("delivery_day", current.delivery_day if current else None)
        if raw_day is not None and not isinstance(raw_day, str | int):
            errors.add("deliveryDay", "deliveryDay must be a string.")
        else:
            try:
                day = canonical_day(frequency, None if raw_day is None else str(raw_day))
            except ValueError as exc:
                errors.add("deliveryDay", str(exc))

    end_at: datetime | None = current.event_end_at if current else None
    if "event_end_date" in given or current is None:
        end_at = None
        if body.event_end_date is not None:
            end_at = _epoch_ms(body.event_end_date, "eventEndDate", errors)
            if end_at is not None and end_at <= now:
                errors.add("eventEndDate", "eventEndDate must be in the future.")
                end_at = None
    if frequency in FREQUENCIES and frequency != FREQUENCY_ONCE and end_at is None and not any(
        e["field"] == "eventEndDate" for e in errors.items
    ):
        errors.add("eventEndDate", "eventEndDate is required unless deliveryFrequency is 1 (Once).")

    running_raw = pick("running_total_enabled", current.running_total if current else False)
    if running_raw is not None and not isinstance(running_raw, bool):
        errors.add("runningTotalEnabled", "runningTotalEnabled must be true or false.")
    running = bool(running_raw)
    earliest: datetime | None = None
    if running:
        if not _is_campaign_report(report):
            errors.add("runningTotalEnabled", "runningTotalEnabled is supported only for reports whose dimension "
                       "is campaign.")
        earliest_raw = pick("earliest_campaign_start_date",
                            to_epoch_ms(current.earliest_campaign_start_at) if current else None)
        if earliest_raw in (None, 0, "0"):
            errors.add("earliestCampaignStartDate",
                       "earliestCampaignStartDate is required when runningTotalEnabled is true.")
        else:
            earliest = _epoch_ms(earliest_raw, "earliestCampaignStartDate", errors)
    errors.raise_if_any()
    return {
        "subscriber_emails": emails,
        "file_type": file_type,
        "delivery_frequency": frequency,
        "delivery_day": day,
        "event_end_at": end_at,
        "running_total": running,
        "earliest_campaign_start_at": earliest,
    }


# ---------------------------------------------------------------- timing


def rule_for(schedule: ReportSchedule, report: Report, settings: Settings) -> Rule:
    return Rule(
        frequency=schedule.delivery_frequency,
        day=schedule.delivery_day,
        zone=ZoneInfo(report.timezone_name),
        hour=settings.schedule_delivery_hour,
        event_end_at=as_utc(schedule.event_end_at) if schedule.event_end_at else None,
    )


def first_delivery(schedule: ReportSchedule, report: Report, settings: Settings, saved_at: datetime) -> datetime | None:
    rule = rule_for(schedule, report, settings)
    if schedule.delivery_frequency == FREQUENCY_ONCE:
        return once_delivery(rule, saved_at, as_utc(report.end_date))
    return next_delivery(rule, saved_at)


def following_delivery(
    schedule: ReportSchedule, report: Report, settings: Settings, after: datetime
) -> datetime | None:
    """The delivery after the one at `after` (None for Once, or past the event end)."""
    if schedule.delivery_frequency == FREQUENCY_ONCE:
        return None
    return next_delivery(rule_for(schedule, report, settings), after + timedelta(minutes=1))


# ---------------------------------------------------------------- use cases


def _as_body(details: ScheduleIn | Mapping[str, Any]) -> ScheduleIn:
    if isinstance(details, ScheduleIn):
        return details
    if not isinstance(details, Mapping):
        raise ValidationFailed("reportSchedulingEventDetails must be an object.", field="reportSchedulingEventDetails")
    return ScheduleIn.model_validate(dict(details))


def live_report(session: Session, ow_id: int, report_id: Any, *, field: str = "reportId",
                missing: type[Exception] = ValidationFailed) -> Report:
    number = _int_or_none(report_id)
    report = None
    if number is not None and 1 <= number <= MAX_DB_INT:
        report = session.scalar(scoped(Report, ow_id).where(Report.id == number, Report.deleted_at.is_(None)))
    if report is None:
        raise missing("Report does not exists for the given id", field=field)  # type: ignore[call-arg]
    return report


def save_schedule(
    session: Session, principal: Principal, report: Report, details: ScheduleIn | Mapping[str, Any],
    *, settings: Settings | None = None,
) -> dict[str, Any]:
    """Create or replace the schedule of `report` (already checked to be the caller's). Flushes;
    the caller commits."""
    body = _as_body(details)
    values = _values(session, report, body, None)
    schedule = repository.schedule_of_report(session, principal.ow_id, report.id)
    if schedule is None:
        schedule = ReportSchedule(ow_id=principal.ow_id, report_id=report.id)
        session.add(schedule)
    return _apply(session, schedule, report, values, principal, settings)


def _apply(session: Session, schedule: ReportSchedule, report: Report, values: dict[str, Any],
           principal: Principal, settings: Settings | None) -> dict[str, Any]:
    for name, value in values.items():
        setattr(schedule, name, value)
    schedule.uow_id = principal.uow_id
    schedule.updated_at = utcnow()
    schedule.next_occurrence_at = first_delivery(schedule, report, settings or get_settings(), utcnow())
    session.flush()
    return scheduled_data(schedule)


def create_schedule(session: Session, principal: Principal, body: ScheduleIn, settings: Settings) -> dict[str, Any]:
    """POST: the report named in the body; 422 on `reportId` when it is not the caller's."""
    report = live_report(session, principal.ow_id, body.report_id)
    data = save_schedule(session, principal, report, body, settings=settings)
    session.commit()
    return {"scheduledData": data, "message": SAVED_MESSAGE}


def update_schedule(
    session: Session, principal: Principal, report_id: int, body: ScheduleIn, settings: Settings
) -> dict[str, Any]:
    """PATCH: only the fields in the body change; the merged schedule must still be valid."""
    schedule = _existing(session, principal, report_id)
    report = live_report(session, principal.ow_id, report_id, missing=NotFound)
    values = _values(session, report, body, schedule)
    data = _apply(session, schedule, report, values, principal, settings)
    session.commit()
    return {"scheduledData": data, "message": SAVED_MESSAGE}


def remove_schedule(session: Session, principal: Principal, report_id: int) -> dict[str, Any]:
    """DELETE: the schedule and its pending deliveries go; a delivery being sent is not finished."""
    repository.delete_schedule(session, _existing(session, principal, report_id))
    session.commit()
    return {"message": REMOVED_MESSAGE}


def _existing(session: Session, principal: Principal, report_id: int) -> ReportSchedule:
    schedule = repository.schedule_of_report(session, principal.ow_id, report_id)
    if schedule is None:
        raise NotFound("Report event does not exists for the given id", field="reportId")
    return schedule


def report_changed(session: Session, report_id: int, *, settings: Settings | None = None) -> None:
    """For the reports domain after a report's dates or timezone change: plan the schedule's next
    delivery again from now (nothing already recorded changes). Flushes; the caller commits."""
    schedule = repository.schedule_by_report_id(session, report_id)
    report = session.get(Report, report_id)
    if schedule is None or report is None or report.deleted_at is not None:
        return
    schedule.next_occurrence_at = first_delivery(schedule, report, settings or get_settings(), utcnow())
    session.flush()


def unsubscribe(session: Session, ow_id: int, email: str, report_id: int) -> None:
    """Record an opt-out (report_id 0: every report of the organization); idempotent."""
    repository.add_opt_out(session, ow_id, email.lower(), report_id)
    try:
        session.commit()
    except IntegrityError:  # the same link clicked twice at once
        session.rollback()


# ---------------------------------------------------------------- read side


def scheduled_data(schedule: ReportSchedule) -> dict[str, Any]:
    """The wire `scheduledData` (seed 000): absent epochs are 0, an absent day is ""."""
    return {
        "earliestCampaignStartDate": to_epoch_ms(schedule.earliest_campaign_start_at) or 0,
        "reportId": schedule.report_id,
        "deliveryFrequency": schedule.delivery_frequency,
        "fileType": schedule.file_type,
        "subscriberEmails": list(schedule.subscriber_emails),
        "eventEndDate": to_epoch_ms(schedule.event_end_at) or 0,
        "deliveryDay": schedule.delivery_day or "",
        "runningTotalEnabled": schedule.running_total,
    }


def schedule_summary(session: Session, report_id: int, *, last: int = 10) -> dict[str, Any] | None:
    """The schedule of a report for its `GET` (None without one): `scheduledData`,
    `nextDeliveryDate` (epoch ms or None), `unsubscribedEmails` and `lastDeliveries`, newest first,
    each {occurrenceDate, periodStartDate, periodEndDate, status, attempts, error, finishedAt}."""
    schedule = repository.schedule_by_report_id(session, report_id)
    if schedule is None:
        return None
    opted = repository.opted_out(session, schedule.ow_id, report_id)
    return {
        "scheduledData": scheduled_data(schedule),
        "nextDeliveryDate": to_epoch_ms(schedule.next_occurrence_at),
        "unsubscribedEmails": [e for e in schedule.subscriber_emails if e.lower() in opted],
        "lastDeliveries": [
            {
                "occurrenceDate": to_epoch_ms(o.occurs_at),
                "periodStartDate": to_epoch_ms(o.period_start),
                "periodEndDate": to_epoch_ms(o.period_end),
                "status": o.status,
                "attempts": o.attempts,
                "deliveredTo": list(o.delivered_to or []),
                "error": o.last_error,
                "finishedAt": to_epoch_ms(o.finished_at),
            }
            for o in repository.recent_occurrences(session, schedule.id, last)
        ],
    }



# ---------------------------------------------------------------- what the reports domain announces


def _on_schedule_details_sent(session: Session, principal: Principal, report: Report, details: Any,
                              settings: Settings) -> dict[str, Any]:
    return save_schedule(session, principal, report, details, settings=settings)


def _on_definition_changed(session: Session, report_id: int, settings: Settings) -> None:
    report_changed(session, report_id, settings=settings)


def _on_definition_deleted(session: Session, principal: Principal, report_id: int) -> None:
    """A deleted report's schedule goes with it."""
    if repository.schedule_of_report(session, principal.ow_id, report_id) is not None:
        remove_schedule(session, principal, report_id)


report_hooks.schedule_details_sent.connect(_on_schedule_details_sent)
report_hooks.schedule_details.connect(schedule_summary)
report_hooks.definition_changed.connect(_on_definition_changed)
report_hooks.definition_deleted.connect(_on_definition_deleted)
