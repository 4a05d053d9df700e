"""Report API (v3 /ra): saved reports, execution, downloads."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from adplane.client.calls import Call, Pages, payload, query
from adplane.client.resources._resource import Resource


def dimensions_json(dimensions: Any) -> Any:
    """IQM sends `dimensions` as a JSON string; accept a list of {"filter", "value"} too."""
    return json.dumps(dimensions) if isinstance(dimensions, list) else dimensions


def report_date(value: Any) -> Any:
    """`startDate`/`endDate` as Python values: an aware datetime is sent as epoch ms; a `date` (a
    calendar day of the report's timezone, the whole day, end day included) and a naive datetime
    (local time there) as ISO text, which adplane reads in the report's timezone."""
    if isinstance(value, datetime):
        return int(value.timestamp() * 1000) if value.tzinfo is not None else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def report_body(body: Any, fields: dict[str, Any]) -> dict[str, Any]:
    data = payload(body, **fields)
    if "dimensions" in data:
        data["dimensions"] = dimensions_json(data["dimensions"])
    for key in ("startDate", "endDate"):
        if key in data:
            data[key] = report_date(data[key])
    return data


class ReportsResource(Resource):
    def add(self, body: Any = None, **fields: Any) -> Any:
        """POST /api/v3/ra/report/add (optionally with reportSchedulingEventDetails)."""
        return self._call(Call("POST", "/api/v3/ra/report/add", json=report_body(body, fields)))

    def get(self, report_id: int) -> Any:
        """GET /api/v3/ra/report/{reportId}."""
        return self._call(Call("GET", f"/api/v3/ra/report/{int(report_id)}"))

    def update(self, report_id: int, body: Any = None, **fields: Any) -> Any:
        """PATCH /api/v3/ra/report/{reportId}."""
        return self._call(Call("PATCH", f"/api/v3/ra/report/{int(report_id)}", json=report_body(body, fields)))

    def delete(self, report_id: int) -> Any:
        """DELETE /api/v3/ra/report/{reportId}."""
        return self._call(Call("DELETE", f"/api/v3/ra/report/{int(report_id)}"))

    def duplicate(self, body: Any = None, **fields: Any) -> Any:
        """POST /api/v3/ra/report/duplicate."""
        return self._call(Call("POST", "/api/v3/ra/report/duplicate", json=report_body(body, fields)))

    def list(self, **params: Any) -> Any:
        """GET /api/v3/ra/reports/list (one page: pageNo, limit, sortBy, searchField, customerIds)."""
        return self._call(Call("GET", "/api/v3/ra/reports/list", params=query(params)))

    def list_post(self, body: Any = None, **fields: Any) -> Any:
        """POST /api/v3/ra/reports/list."""
        return self._call(Call("POST", "/api/v3/ra/reports/list", json=payload(body, **fields), retry_safe=True))

    def iter(self, page_size: int = 100, **params: Any) -> Any:
        """Every saved report, page after page."""
        return self._paginate(Pages(
            lambda page, size: Call("GET", "/api/v3/ra/reports/list",
                                    params=query({**params, "pageNo": page, "limit": size})),
            items_key="data", page_size=page_size,
        ))

    def execute(self, body: Any = None, **fields: Any) -> Any:
        """POST /api/v3/ra/report/execute: a saved report (`id`) or an ad-hoc definition; answers
        `data` rows and the `total` row (paged by pageNo/noOfEntries)."""
        return self._call(Call("POST", "/api/v3/ra/report/execute", json=report_body(body, fields), retry_safe=True))

    def iter_rows(self, body: Any = None, page_size: int = 500, **fields: Any) -> Any:
        """Every row of an executed report, page after page."""
        return self._paginate(Pages(
            lambda page, size: Call("POST", "/api/v3/ra/report/execute", retry_safe=True,
                                    json={**report_body(body, fields), "pageNo": page, "noOfEntries": size}),
            items_key="data", page_size=page_size, total_key=None,
        ))

    def download(self, body: Any = None, **fields: Any) -> Any:
        """POST /api/v3/ra/report/download: answers {"url": signed link}; fetch it with client.download."""
        return self._call(Call("POST", "/api/v3/ra/report/download", json=report_body(body, fields),
                               retry_safe=True))

    def dimension_metrics(self) -> Any:
        """GET /api/v3/ra/report/dimension-metrics/detail."""
        return self._call(Call("GET", "/api/v3/ra/report/dimension-metrics/detail"))

    def conversion_custom_fields(self, body: Any = None, **fields: Any) -> Any:
        """POST /api/v3/ra/conversion/custom-field/list."""
        return self._call(Call("POST", "/api/v3/ra/conversion/custom-field/list", json=payload(body, **fields),
                               retry_safe=True))
