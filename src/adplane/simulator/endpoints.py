"""The simulator's internal endpoint: `adplane simulate` hands its work to a running server (which owns the
DuckDB file) over `POST /internal/events/simulate`."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from adplane.core.control import ControlKeyDep
from adplane.core.errors import ValidationFailed
from adplane.simulator.simulation import simulate_period

router = APIRouter(prefix="/internal/events", include_in_schema=False)


class SimulateBody(BaseModel):
    start: date
    end: date
    seed: int = 0


@router.post("/simulate")
def internal_simulate(body: SimulateBody, _key: ControlKeyDep, request: Request) -> StreamingResponse:
    """`adplane simulate` while the server runs: NDJSON progress lines, then the summary."""
    if body.end < body.start:
        raise ValidationFailed("end must not be before start", field="end")
    messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
    db, store = request.app.state.db, request.app.state.analytics

    def run() -> None:
        try:
            with db.session() as session:
                summary = simulate_period(session, store, body.start, body.end, seed=body.seed,
                                          progress=lambda step, total: messages.put({"step": step, "total": total}))
            messages.put({"summary": summary.as_dict()})
        except Exception as exc:  # noqa: BLE001 - reported to the CLI
            messages.put({"error": f"{type(exc).__name__}: {exc}"})
        finally:
            messages.put(None)

    threading.Thread(target=run, name="adplane-simulate", daemon=True).start()

    def lines() -> Iterator[bytes]:
        while (message := messages.get()) is not None:
            yield (json.dumps(message, default=str) + "\n").encode()

    return StreamingResponse(lines(), media_type="application/x-ndjson")
