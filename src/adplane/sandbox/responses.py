"""Answer models of the sandbox routes (field names are the wire names); Pydantic only, the SDK imports it."""

from __future__ import annotations

from adplane.core.envelopes import Number, ResponseModel


class SandboxClock(ResponseModel):
    now: int
    nowIso: str  # noqa: N815 - wire name
    offsetSeconds: Number  # noqa: N815 - wire name
    realTime: bool  # noqa: N815 - wire name


class ClockMoved(SandboxClock):
    """The clock after the move and what happened on the way."""

    started: int
    expired: int
    iosExpired: int  # noqa: N815 - wire name
    reportsDelivered: int  # noqa: N815 - wire name
    steps: int
    simulated: bool


class SandboxReset(ResponseModel):
    creativeId: int  # noqa: N815 - wire name
    ioId: int  # noqa: N815 - wire name
    campaignIds: list[int]  # noqa: N815 - wire name
    healthcareCampaignId: int | None  # noqa: N815 - wire name
    healthcareSince: str | None  # noqa: N815 - wire name
    clock: SandboxClock
