"""Creatives (v3 /crt)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from adplane.client.calls import Call, Pages, payload
from adplane.client.resources._resource import Resource


class CreativesResource(Resource):
    def add(self, creatives: dict[str, Any], files: list[str | Path | tuple[str, bytes]] | None = None) -> Any:
        """POST /api/v3/crt/creatives (multipart): `creatives` maps a key of yours to each creative's
        details; FILE creatives name one of `files` (paths or (name, bytes)) in creativeSource.
        Answers successData (key → creative id) and failedData (key → reason)."""
        form = {"creativeRequest": json.dumps(creatives)}
        uploads = [("creativeFiles", item if isinstance(item, tuple) else (Path(item).name, Path(item).read_bytes()))
                   for item in files or []]
        return self._call(Call("POST", "/api/v3/crt/creatives", form=form, files=uploads or {}))

    def get(self, creative_id: int) -> Any:
        """GET /api/v3/crt/creatives/{creativeId}."""
        return self._call(Call("GET", f"/api/v3/crt/creatives/{int(creative_id)}"))

    def update(self, creative_id: int, body: Any = None, **fields: Any) -> Any:
        """PATCH /api/v3/crt/creatives/{creativeId}."""
        return self._call(Call("PATCH", f"/api/v3/crt/creatives/{int(creative_id)}", json=payload(body, **fields)))

    def update_status(self, creative_ids: list[int], creative_status_id: int, **fields: Any) -> Any:
        """PATCH /api/v3/crt/creatives/update-status."""
        return self._call(Call("PATCH", "/api/v3/crt/creatives/update-status", json=payload(
            None, creative_ids=creative_ids, creative_status_id=creative_status_id, **fields)))

    def list(self, body: Any = None, **fields: Any) -> Any:
        """POST /api/v3/crt/creatives/list (one page)."""
        return self._call(Call("POST", "/api/v3/crt/creatives/list", json=payload(body, **fields), retry_safe=True))

    def iter(self, body: Any = None, page_size: int = 100, **fields: Any) -> Any:
        """Every creative matching the filters, page after page."""
        return self._paginate(Pages(
            lambda page, size: Call("POST", "/api/v3/crt/creatives/list", retry_safe=True,
                                    json=payload(body, **fields, page_no=page, no_of_entries=size)),
            page_size=page_size,
        ))
