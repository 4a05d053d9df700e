"""Answer models of the sandbox routes (field names are the wire names); Pydantic only, the SDK imports it."""

from __future__ import annotations

from adplane.core.envelopes import Number, ResponseModel


class SandboxClock(ResponseModel):
    now: int
    nowIso: str
    offsetSeconds: Number
    realTime: bool


class ClockMoved(SandboxClock):
    """The clock after the move and what happened on the way."""

    started: int
    expired: int
    iosExpired: int
    reportsDelivered: int
    steps: int
    simulated: bool


class SandboxReset(ResponseModel):
    creativeId: int
    ioId: int
    campaignIds: list[int]
    healthcareCampaignId: int | None
    healthcareSince: str | None
    clock: SandboxClock
