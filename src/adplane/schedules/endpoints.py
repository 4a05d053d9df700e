"""HTTP endpoints of report scheduling (`/api/v3/ra/report/email/schedule`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import AwareDatetime, BaseModel

from adplane.auth.deps import PrincipalDep
from adplane.core.control import ControlKeyDep
from adplane.core.deps import SessionDep, SettingsDep
from adplane.core.envelopes import V3, Message, v3
from adplane.core.routing import add_router
from adplane.core.schemas import MAX_DB_INT
from adplane.schedules import links, service
from adplane.schedules.models import EVERY_REPORT
from adplane.schedules.responses import ScheduleSaved
from adplane.schedules.schemas import ScheduleIn

ReportIdPath = Annotated[int, Path(alias="reportId", ge=1, le=MAX_DB_INT)]

router = APIRouter()
public = APIRouter(prefix="/api/v3/ra/report/email/schedule", tags=["Report scheduling"])


@public.post("", response_model=V3[ScheduleSaved])
def save_report_schedule(body: ScheduleIn, principal: PrincipalDep, session: SessionDep,
                         settings: SettingsDep) -> dict[str, Any]:
    """Save (create or replace) the e-mail schedule of a report."""
    return v3(service.create_schedule(session, principal, body, settings))


@public.get("/unsubscribe", response_model=V3[Message])
def unsubscribe(session: SessionDep, settings: SettingsDep, token: str = Query(...)) -> dict[str, Any]:
    """From the link in a scheduled e-mail: stop this report's mails to that address."""
    payload = links.read_token(settings, token)
    service.unsubscribe(session, payload["o"], payload["e"], payload["r"])
    return v3({"message": f"{payload['e']} will no longer receive this scheduled report."})


@public.get("/unsubscribe-all", response_model=V3[Message])
def unsubscribe_all(session: SessionDep, settings: SettingsDep, token: str = Query(...)) -> dict[str, Any]:
    """From the link in a scheduled e-mail: stop every scheduled report of the organization to that address."""
    payload = links.read_token(settings, token)
    service.unsubscribe(session, payload["o"], payload["e"], EVERY_REPORT)
    return v3({"message": f"{payload['e']} will no longer receive any scheduled report."})


@public.patch("/{reportId}", response_model=V3[ScheduleSaved])
def update_report_schedule(report_id: ReportIdPath, body: ScheduleIn, principal: PrincipalDep, session: SessionDep,
                           settings: SettingsDep) -> dict[str, Any]:
    """Change some fields of a report's schedule."""
    return v3(service.update_schedule(session, principal, report_id, body, settings))


@public.delete("/{reportId}", response_model=V3[Message])
def remove_report_schedule(report_id: ReportIdPath, principal: PrincipalDep, session: SessionDep) -> dict[str, Any]:
    """Stop and remove a report's schedule."""
    return v3(service.remove_schedule(session, principal, report_id))


# ------------------------------------------------------------------ internal (CLI hand-off)

internal = APIRouter(prefix="/internal/schedules", include_in_schema=False)


class RunDueBody(BaseModel):
    now: AwareDatetime | None = None


@internal.post("/run-due", response_model=dict[str, int])
def internal_run_due(body: RunDueBody, _key: ControlKeyDep, request: Request) -> dict[str, Any]:
    """`adplane scheduler run-due` while the server runs: the pass happens here, on its stores."""
    from adplane.schedules.runner import run_due

    now: datetime | None = body.now
    state = request.app.state
    return run_due(state.db, state.settings, now=now, store=getattr(state, "analytics", None)).as_dict()


add_router(router, public)
add_router(router, internal)
