"""Insights API (seed 002): PLD, SLS and AQS reports.

Insight files: fileType 1 is XLSX, 2 is CSV (3 PDF for SLS) — unlike the report API (1 CSV, 2 XLSX).
"""

from __future__ import annotations

import builtins
from typing import Any

from adplane.client.calls import Call, Pages, payload, query
from adplane.client.resources._resource import Resource

XLSX, CSV, PDF = 1, 2, 3


def _ids(ids: list[int] | int) -> str:
    return ",".join(str(int(i)) for i in ([ids] if isinstance(ids, int) else ids))


class _InsightKind(Resource):
    """The endpoints PLD, SLS and AQS have in common; `prefix` is e.g. /api/v3/ins/sls-reports."""

    prefix = ""
    id_param = ""
    list_key: str | None = None

    def list(self, **params: Any) -> Any:
        """GET the list (searchField, pageNo, noOfEntries, sortBy)."""
        return self._call(Call("GET", self.prefix, params=query(params)))

    def iter(self, page_size: int = 200, **params: Any) -> Any:
        """Every report, page after page."""
        return self._paginate(Pages(
            lambda page, size: Call("GET", self.prefix, params=query({**params, "pageNo": page, "noOfEntries": size})),
            items_key=self.list_key, page_size=page_size,
        ))

    def delete(self, ids: builtins.list[int] | int) -> Any:
        """DELETE the reports (ids as a comma-separated query parameter)."""
        return self._call(Call("DELETE", self.prefix, params={self.id_param: _ids(ids)}))

    def campaigns(self) -> Any:
        """GET the campaigns eligible for this kind of report (running/paused/expired)."""
        return self._call(Call("GET", f"{self.prefix}/campaigns"))


class PldResource(_InsightKind):
    prefix = "/api/v3/ins/pld-reports"
    id_param = "pldIds"
    list_key = "pldReportDataList"

    def generate(self, body: Any = None, **fields: Any) -> Any:
        """POST /api/v3/ins/pld-report (campaignId, pldStartDate, pldEndDate in epoch ms; pldId regenerates)."""
        return self._call(Call("POST", "/api/v3/ins/pld-report", json=payload(body, **fields)))

    def download(self, pld_id: int, file_type: int = XLSX) -> Any:
        """POST /api/v3/ins/pld-report/download: answers {"pldReportUrl": signed link}."""
        return self._call(Call("POST", "/api/v3/ins/pld-report/download", retry_safe=True,
                               json={"pldId": int(pld_id), "fileType": file_type}))

    def email(self, pld_id: int, email_ids: list[str], file_type: int = XLSX) -> Any:
        """POST /api/v3/ins/pld-report/email."""
        return self._call(Call("POST", "/api/v3/ins/pld-report/email", json={
            "pldId": int(pld_id), "emailIds": email_ids, "fileType": file_type}))

    def columns(self) -> Any:
        """GET /api/v3/ins/pld-reports/columns."""
        return self._call(Call("GET", "/api/v3/ins/pld-reports/columns"))

    def save_columns(self, body: Any = None, **fields: Any) -> Any:
        """POST /api/v3/ins/pld-reports/columns."""
        return self._call(Call("POST", "/api/v3/ins/pld-reports/columns", json=payload(body, **fields)))


class _StudyKind(_InsightKind):
    """SLS and AQS share generate, computation, name check, download, e-mail and report types;
    `id_field` is the body's report id key."""

    id_field = ""

    def generate(self, body: Any = None, **fields: Any) -> Any:
        """POST the generation request (SLS dates in epoch ms, AQS in epoch seconds)."""
        return self._call(Call("POST", self.prefix, json=payload(body, **fields)))

    def computation(self, body: Any = None, **fields: Any) -> Any:
        """POST .../computation: the cost before generating."""
        return self._call(Call("POST", f"{self.prefix}/computation", json=payload(body, **fields), retry_safe=True))

    def validate_name(self, report_name: str) -> Any:
        """GET .../validate/name."""
        return self._call(Call("GET", f"{self.prefix}/validate/name", params={"reportName": report_name}))

    def download(self, report_id: int, file_type: int = XLSX) -> Any:
        """POST .../download: answers the signed link."""
        return self._call(Call("POST", f"{self.prefix}/download", retry_safe=True,
                               json={self.id_field: int(report_id), "fileType": file_type}))

    def email(self, report_id: int, email_ids: list[str], file_type: int = XLSX) -> Any:
        """POST .../email."""
        return self._call(Call("POST", f"{self.prefix}/email", json={
            self.id_field: int(report_id), "emailIds": email_ids, "fileType": file_type}))

    def report_types(self) -> Any:
        """GET /api/v3/ins/static/<kind>/report-types."""
        kind = self.prefix.rsplit("/", 1)[-1]
        return self._call(Call("GET", f"/api/v3/ins/static/{kind}/report-types"))


class SlsResource(_StudyKind):
    prefix = "/api/v3/ins/sls-reports"
    id_param = "slsIds"
    id_field = "slsId"
    list_key = "slsReportDataList"


class AqsResource(_StudyKind):
    prefix = "/api/v3/ins/aqs-reports"
    id_param = "reportIds"
    id_field = "reportId"
    list_key = "reportDataList"


class InsightsResource(Resource):
    """`client.insights.pld`, `.sls`, `.aqs`."""

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.pld = PldResource(client)
        self.sls = SlsResource(client)
        self.aqs = AqsResource(client)
