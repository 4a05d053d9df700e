"""Report scheduling by e-mail (seeds 000/001)."""

from __future__ import annotations

from typing import Any

from adplane.client.calls import Call, clean, payload
from adplane.client.resources._resource import Resource


class SchedulesResource(Resource):
    def create(self, body: Any = None, **fields: Any) -> Any:
        """POST /api/v3/ra/report/email/schedule (reportId, subscriberEmails, fileType,
        deliveryFrequency, deliveryDay, eventEndDate in epoch ms, ...)."""
        return self._call(Call("POST", "/api/v3/ra/report/email/schedule", json=payload(body, **fields)))

    def update(self, report_id: int, body: Any = None, **fields: Any) -> Any:
        """PATCH /api/v3/ra/report/email/schedule/{reportId}."""
        return self._call(Call("PATCH", f"/api/v3/ra/report/email/schedule/{int(report_id)}",
                               json=payload(body, **fields)))

    def delete(self, report_id: int) -> Any:
        """DELETE /api/v3/ra/report/email/schedule/{reportId}."""
        return self._call(Call("DELETE", f"/api/v3/ra/report/email/schedule/{int(report_id)}"))

    def unsubscribe(self, token: str | None = None, **params: Any) -> Any:
        """GET /api/v3/ra/report/email/schedule/unsubscribe (the link in a delivered e-mail)."""
        return self._call(Call("GET", "/api/v3/ra/report/email/schedule/unsubscribe",
                               params=clean({"token": token, **params}), authenticated=False))

    def unsubscribe_all(self, token: str | None = None, **params: Any) -> Any:
        """GET /api/v3/ra/report/email/schedule/unsubscribe-all."""
        return self._call(Call("GET", "/api/v3/ra/report/email/schedule/unsubscribe-all",
                               params=clean({"token": token, **params}), authenticated=False))
