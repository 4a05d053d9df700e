"""Report scheduling by e-mail (seeds 000/001)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from adplane.client.calls import Call, payload
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

    def unsubscribe(self, token_or_link: str) -> Any:
        """GET /api/v3/ra/report/email/schedule/unsubscribe: the link of a delivered e-mail (or its token)
        stops that report's mails to that address; no login needed."""
        return self._call(Call("GET", "/api/v3/ra/report/email/schedule/unsubscribe",
                               params={"token": link_token(token_or_link)}, authenticated=False, anonymous=True))

    def unsubscribe_all(self, token_or_link: str) -> Any:
        """GET /api/v3/ra/report/email/schedule/unsubscribe-all: every scheduled report to that address."""
        return self._call(Call("GET", "/api/v3/ra/report/email/schedule/unsubscribe-all",
                               params={"token": link_token(token_or_link)}, authenticated=False, anonymous=True))


def link_token(token_or_link: str) -> str:
    if "://" not in token_or_link and "?" not in token_or_link:
        return token_or_link
    values = parse_qs(urlsplit(token_or_link).query).get("token")
    if not values:
        raise ValueError("the link has no token")
    return values[0]
