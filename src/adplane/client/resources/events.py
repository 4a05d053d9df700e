"""Ad-serving event ingestion (adplane's own endpoint; workspace admins)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from adplane.client.calls import Call, clean
from adplane.client.resources._resource import Resource

CONTENT_TYPES = {"ndjson": "application/x-ndjson", "csv": "text/csv", "parquet": "application/vnd.apache.parquet"}
PREFIX = "/api/v3/adplane/events/batches"


def ndjson(rows: Iterable[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(row, default=str).encode() + b"\n" for row in rows)


class EventsResource(Resource):
    def ingest(
        self, events: bytes | str | Path | Iterable[dict[str, Any]], *, format: str | None = None,  # noqa: A002
        batch_id: str | None = None,
    ) -> Any:
        """POST a batch: rows (sent as NDJSON), raw bytes, or a file (.ndjson/.csv/.parquet).
        All rows or none are stored, once per batch id (default: the body's SHA-256), so a retry is safe."""
        if isinstance(events, str | Path):
            path = Path(events)
            content = path.read_bytes()
            format = format or {".csv": "csv", ".parquet": "parquet"}.get(path.suffix.lower(), "ndjson")  # noqa: A001
        elif isinstance(events, bytes):
            content = events
        else:
            content = ndjson(events)
        kind = (format or "ndjson").lower()
        return self._call(Call(
            "POST", PREFIX, content=content, params=clean({"format": kind, "batchId": batch_id}),
            headers={"Content-Type": CONTENT_TYPES.get(kind, "application/octet-stream")}, retry_safe=True,
        ))

    def batch(self, batch_id: str) -> Any:
        """GET a stored batch (event count, time range)."""
        return self._call(Call("GET", f"{PREFIX}/{quote(batch_id, safe='')}"))
