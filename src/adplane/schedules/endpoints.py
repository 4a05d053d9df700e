"""HTTP endpoints of report scheduling (`/api/v3/ra/report/email/schedule`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from adplane.core.deps import PrincipalDep, SessionDep, SettingsDep
from adplane.core.envelopes import v3
from adplane.core.schemas import MAX_DB_INT
from adplane.schedules import links, service
from adplane.schedules.models import EVERY_REPORT
from adplane.schedules.schemas import ScheduleIn

ReportIdPath = Annotated[int, Path(alias="reportId", ge=1, le=MAX_DB_INT)]

router = APIRouter(prefix="/api/v3/ra/report/email/schedule", tags=["Report scheduling"])


@router.post("")
def save_report_schedule(body: ScheduleIn, principal: PrincipalDep, session: SessionDep,
                         settings: SettingsDep) -> dict[str, Any]:
    """Save (create or replace) the e-mail schedule of a report."""
    return v3(service.create_schedule(session, principal, body, settings))


@router.get("/unsubscribe")
def unsubscribe(session: SessionDep, settings: SettingsDep, token: str = Query(...)) -> dict[str, Any]:
    """From the link in a scheduled e-mail: stop this report's mails to that address."""
    payload = links.read_token(settings, token)
    service.unsubscribe(session, payload["o"], payload["e"], payload["r"])
    return v3({"message": f"{payload['e']} will no longer receive this scheduled report."})


@router.get("/unsubscribe-all")
def unsubscribe_all(session: SessionDep, settings: SettingsDep, token: str = Query(...)) -> dict[str, Any]:
    """From the link in a scheduled e-mail: stop every scheduled report of the organization to that address."""
    payload = links.read_token(settings, token)
    service.unsubscribe(session, payload["o"], payload["e"], EVERY_REPORT)
    return v3({"message": f"{payload['e']} will no longer receive any scheduled report."})


@router.patch("/{reportId}")
def update_report_schedule(report_id: ReportIdPath, body: ScheduleIn, principal: PrincipalDep, session: SessionDep,
                           settings: SettingsDep) -> dict[str, Any]:
    """Change some fields of a report's schedule."""
    return v3(service.update_schedule(session, principal, report_id, body, settings))


@router.delete("/{reportId}")
def remove_report_schedule(report_id: ReportIdPath, principal: PrincipalDep, session: SessionDep) -> dict[str, Any]:
    """Stop and remove a report's schedule."""
    return v3(service.remove_schedule(session, principal, report_id))
