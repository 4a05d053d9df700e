"""Static lists: timezones, exchanges, segments, IO/campaign/report/insight/creative static lists."""

from __future__ import annotations

from typing import Any

from adplane.client.calls import Call, Pages, query
from adplane.client.resources._resource import Resource

SEGMENTS = ("age", "country", "device-type", "gender", "os", "states", "traffic-type")


class MasterResource(Resource):
    def timezones(self, search_field: str | None = None) -> Any:
        """GET /api/v3/master/timezones."""
        return self._call(Call("GET", "/api/v3/master/timezones", params=query({"searchField": search_field})))

    def timezones_v2(self, search_field: str | None = None) -> Any:
        """GET /api/v2/adv/static/timezones."""
        return self._call(Call("GET", "/api/v2/adv/static/timezones", params=query({"searchField": search_field})))

    def exchanges(self, **params: Any) -> Any:
        """GET /api/v3/master/exchanges (exchangeIds, pageNo, noOfEntries, sortBy, order, searchField)."""
        return self._call(Call("GET", "/api/v3/master/exchanges", params=query(params)))

    def iter_exchanges(self, page_size: int = 100, **params: Any) -> Any:
        """Every exchange, page after page."""
        return self._paginate(Pages(
            lambda page, size: Call("GET", "/api/v3/master/exchanges",
                                    params=query({**params, "pageNo": page, "noOfEntries": size})),
            items_key="data", page_size=page_size,
        ))

    def segment(self, kind: str, **params: Any) -> Any:
        """GET /api/v2/master/segment/{kind}: age, country, device-type, gender, os, states, traffic-type."""
        return self._call(Call("GET", self._segment_path(kind), params=query(params)))

    def iter_segment(self, kind: str, page_size: int = 100, **params: Any) -> Any:
        """Every item of a segment list, page after page."""
        path = self._segment_path(kind)
        return self._paginate(Pages(
            lambda page, size: Call("GET", path, params=query({**params, "pageNo": page, "noOfEntries": size})),
            items_key="data", page_size=page_size,
        ))

    @staticmethod
    def _segment_path(kind: str) -> str:
        if kind not in SEGMENTS:
            raise ValueError(f"segment kind must be one of {', '.join(SEGMENTS)}")
        return f"/api/v2/master/segment/{kind}"

    def io_statuses(self) -> Any:
        """GET /api/v3/cmp/static/io/status/list."""
        return self._call(Call("GET", "/api/v3/cmp/static/io/status/list"))

    def budget_distribution_methods(self, **params: Any) -> Any:
        """GET /api/v3/cmp/static/budget-distribution-method/list."""
        return self._call(Call("GET", "/api/v3/cmp/static/budget-distribution-method/list", params=query(params)))

    def campaign_types(self) -> Any:
        """GET /api/v3/cmp/static/campaign/type."""
        return self._call(Call("GET", "/api/v3/cmp/static/campaign/type"))

    def campaign_budget_types(self) -> Any:
        """GET /api/v3/cmp/static/campaign/budget-type."""
        return self._call(Call("GET", "/api/v3/cmp/static/campaign/budget-type"))

    def creative_statuses(self, **params: Any) -> Any:
        """GET /api/v3/crt/master/static/creative-status."""
        return self._call(Call("GET", "/api/v3/crt/master/static/creative-status", params=query(params)))

    def creative_types(self, **params: Any) -> Any:
        """GET /api/v3/crt/master/static/creative-types."""
        return self._call(Call("GET", "/api/v3/crt/master/static/creative-types", params=query(params)))

    def report_delivery_frequencies(self) -> Any:
        """GET /api/v3/rb/static/report-delivery-frequency."""
        return self._call(Call("GET", "/api/v3/rb/static/report-delivery-frequency"))

    def report_file_types(self) -> Any:
        """GET /api/v3/rb/static/report-file-type."""
        return self._call(Call("GET", "/api/v3/rb/static/report-file-type"))

    def report_request_types(self) -> Any:
        """GET /api/v3/rb/static/report-request-type."""
        return self._call(Call("GET", "/api/v3/rb/static/report-request-type"))

    def insight_statuses(self) -> Any:
        """GET /api/v3/ins/static/insights/status/list."""
        return self._call(Call("GET", "/api/v3/ins/static/insights/status/list"))

    def insight_types(self) -> Any:
        """GET /api/v3/ins/static/insights/type/list."""
        return self._call(Call("GET", "/api/v3/ins/static/insights/type/list"))

    def aqs_report_types(self) -> Any:
        """GET /api/v3/ins/static/aqs-reports/report-types."""
        return self._call(Call("GET", "/api/v3/ins/static/aqs-reports/report-types"))
