"""Sandbox endpoints (`/api/v3/adplane/sandbox/...`): reset and clock, for the workspace admins of
the demo workspace, only when `ADPLANE_SANDBOX` is on (else 404 like any unknown path); and their
`/internal/sandbox/...` twins for the local `adplane sandbox` command (control key)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from adplane.auth.deps import PrincipalDep
from adplane.core.control import ControlKeyDep
from adplane.core.deps import SettingsDep
from adplane.core.envelopes import V3, v3
from adplane.core.errors import Conflict, ValidationFailed
from adplane.core.routing import add_router
from adplane.core.schemas import WireModel
from adplane.core.settings import Settings
from adplane.sandbox import service
from adplane.sandbox.responses import ClockMoved, SandboxClock, SandboxReset

router = APIRouter(tags=["Sandbox"])
PREFIX = "/api/v3/adplane/sandbox"

Amount = Annotated[float | None, Field(default=None, ge=0, le=366 * 86400)]


class AdvanceIn(WireModel):
    """How far to move: any of seconds, minutes, hours, days (they add up)."""

    seconds: Amount = None
    minutes: Amount = None
    hours: Amount = None
    days: Annotated[float | None, Field(default=None, ge=0, le=366)] = None

    def delta(self) -> timedelta:
        parts = {"seconds": self.seconds, "minutes": self.minutes, "hours": self.hours, "days": self.days}
        if all(value is None for value in parts.values()):
            raise ValidationFailed("Give seconds, minutes, hours or days to advance by.", field="seconds")
        return timedelta(**{key: value or 0 for key, value in parts.items()})


class ClockIn(WireModel):
    """The instant to move to: epoch milliseconds or ISO 8601 (UTC unless it has an offset)."""

    now: int | str

    def instant(self) -> datetime:
        if isinstance(self.now, int):
            if not 0 < self.now < 10**14:
                raise ValidationFailed("now must be epoch milliseconds.", field="now")
            return datetime.fromtimestamp(self.now / 1000, UTC)
        try:
            moment = datetime.fromisoformat(self.now.strip())
        except ValueError:
            raise ValidationFailed("now must be epoch milliseconds or an ISO 8601 instant.", field="now") from None
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def sandbox_on(settings: SettingsDep) -> Settings:
    service.require_sandbox(settings)
    return settings


SandboxDep = Annotated[Settings, Depends(sandbox_on)]


def _admin(request: Request, principal: Any) -> service.Runtime:
    service.check_caller(request.app.state.db, principal.workspace_id, principal.is_workspace_admin)
    return service.Runtime.of(request.app)


@router.get(f"{PREFIX}/clock", response_model=V3[SandboxClock])
def get_clock(_: SandboxDep, request: Request, principal: PrincipalDep) -> dict:
    """The sandbox clock: `now` (epoch ms), how far ahead of real time it runs."""
    _admin(request, principal)
    return v3(service.clock_state())


@router.post(f"{PREFIX}/clock", response_model=V3[ClockMoved])
def set_clock(_: SandboxDep, body: ClockIn, request: Request, principal: PrincipalDep) -> dict:
    """Move the clock forward to `now`, running the work that falls due on the way."""
    return v3(service.move_to(_admin(request, principal), body.instant()))


@router.post(f"{PREFIX}/clock/advance", response_model=V3[ClockMoved])
def advance_clock(_: SandboxDep, body: AdvanceIn, request: Request, principal: PrincipalDep) -> dict:
    """Move the clock forward by the sum of seconds/minutes/hours/days, running the due work."""
    return v3(service.advance(_admin(request, principal), body.delta()))


@router.post(f"{PREFIX}/reset", response_model=V3[SandboxReset])
def reset(_: SandboxDep, request: Request, principal: PrincipalDep) -> dict:
    """Restore the demo workspace (data of its organizations, demo content, real time)."""
    rt = _admin(request, principal)
    return v3(service.reset(rt, principal.workspace_id))


# ------------------------------------------------------------------ internal (the local CLI)

internal = APIRouter(prefix="/internal/sandbox", include_in_schema=False)


def _demo_workspace(request: Request) -> int:
    workspace_id = service.demo_workspace_id(request.app.state.db)
    if workspace_id is None:
        raise Conflict("There is no demo workspace: start the server with `adplane serve --demo`.")
    return workspace_id


@internal.get("/clock", response_model=SandboxClock)
def internal_clock(_key: ControlKeyDep, _: SandboxDep) -> dict[str, Any]:
    return service.clock_state()


@internal.post("/clock", response_model=ClockMoved)
def internal_set_clock(_key: ControlKeyDep, _: SandboxDep, body: ClockIn, request: Request) -> dict[str, Any]:
    return service.move_to(service.Runtime.of(request.app), body.instant())


@internal.post("/clock/advance", response_model=ClockMoved)
def internal_advance(_key: ControlKeyDep, _: SandboxDep, body: AdvanceIn, request: Request) -> dict[str, Any]:
    return service.advance(service.Runtime.of(request.app), body.delta())


@internal.post("/reset", response_model=SandboxReset)
def internal_reset(_key: ControlKeyDep, _: SandboxDep, request: Request) -> dict[str, Any]:
    return service.reset(service.Runtime.of(request.app), _demo_workspace(request))


add_router(router, internal)
