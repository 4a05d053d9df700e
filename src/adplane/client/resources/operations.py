"""Operations: liveness and readiness of the server (no credentials)."""

from __future__ import annotations

from typing import Any

from adplane.client.calls import Call
from adplane.client.resources._resource import Resource


class OperationsResource(Resource):
    def health(self) -> Any:
        """GET /healthz: the process answers."""
        return self._call(Call("GET", "/healthz", authenticated=False, anonymous=True))

    def ready(self) -> Any:
        """GET /readyz: the database answers too (a 503 raises ServerError after the retries)."""
        return self._call(Call("GET", "/readyz", authenticated=False, anonymous=True))
