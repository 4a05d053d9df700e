"""Answer models of the events routes (field names are the wire names); Pydantic only, the SDK imports it."""

from __future__ import annotations

from typing import Any

from adplane.core.envelopes import ResponseModel


class BatchStored(ResponseModel):
    """`status` is "stored" (201) or "duplicate" (200: the batch id was stored before)."""

    batchId: str  # noqa: N815 - wire name
    status: str
    events: int
    message: str




class BatchRejectedReport(ResponseModel):
    batchId: str  # noqa: N815 - wire name
    status: str
    rows: int
    rejectedRows: int  # noqa: N815 - wire name
    errors: list[dict[str, Any]]



class BatchInfo(ResponseModel):
    batchId: str  # noqa: N815 - wire name
    events: int
    source: str | None
    minEventTime: int | None  # noqa: N815 - wire name
    maxEventTime: int | None  # noqa: N815 - wire name
    receivedAt: int | None  # noqa: N815 - wire name
