"""Answer models of the events routes (field names are the wire names); Pydantic only, the SDK imports it."""

from __future__ import annotations

from typing import Any

from adplane.core.envelopes import ResponseModel


class BatchStored(ResponseModel):
    """`status` is "stored" (201) or "duplicate" (200: the batch id was stored before)."""

    batchId: str
    status: str
    events: int
    message: str




class BatchRejectedReport(ResponseModel):
    batchId: str
    status: str
    rows: int
    rejectedRows: int
    errors: list[dict[str, Any]]



class BatchInfo(ResponseModel):
    batchId: str
    events: int
    source: str | None
    minEventTime: int | None
    maxEventTime: int | None
    receivedAt: int | None
