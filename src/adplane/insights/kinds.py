"""The three insight report kinds (PLD, SLS, AQS), one description each.

What differs between the kinds is data: their paths and wire names, the files they export, the
default rate per impression and how their lists sort and search. The endpoints, listing, pricing
and file delivery read it from here instead of repeating themselves per kind; the content each
kind computes is `content.BUILDERS[kind]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from adplane.insights.models import KIND_AQS, KIND_PLD, KIND_SLS

XLSX, CSV, PDF = 1, 2, 3


@dataclass(frozen=True)
class InsightKind:
    kind: str  # the `kind` column
    label: str  # in messages and generated names
    plural_path: str  # /api/v3/ins/<plural_path>: list, delete, campaigns, download, email
    single_path: str | None  # IQM's older singular path for download/email (PLD only)
    list_key: str  # the rows' key in the list answer
    ids_param: str  # the delete query's id list
    id_field: str  # the report id in download/e-mail bodies
    url_key: str  # the download answer's key
    file_types: tuple[int, ...]
    default_rate: Decimal  # per impression, when neither the organization nor its workspace sets one
    sortable: tuple[str, ...]  # wire fields of a list row that `sortBy` may name
    default_sort: str
    searched: tuple[str, ...]  # wire fields `searchField` looks into

    def report_id(self, body: Any) -> int | None:
        """The report a download or e-mail body names (`pldId`, `slsId` or `reportId`)."""
        return getattr(body, _snake(self.id_field))

    def email_message(self) -> str:
        return f"{self.label} report e-mail sent successfully."


PLD = InsightKind(
    kind=KIND_PLD, label="PLD", plural_path="pld-reports", single_path="pld-report",
    list_key="pldReportDataList", ids_param="pldIds", id_field="pldId", url_key="pldReportUrl",
    file_types=(XLSX, CSV), default_rate=Decimal("0.002"),
    sortable=("pldId", "pldName", "campaignName", "campaignId", "pldStatusId", "startDate", "endDate", "ioId",
              "ioName", "pldCreatedOn"),
    default_sort="-pldId", searched=("pldId", "pldName", "campaignName", "campaignId", "ioName"),
)
SLS = InsightKind(
    kind=KIND_SLS, label="SLS", plural_path="sls-reports", single_path=None,
    list_key="slsReportDataList", ids_param="slsIds", id_field="slsId", url_key="slsReportUrl",
    file_types=(XLSX, CSV, PDF), default_rate=Decimal("0.004"),
    sortable=("slsId", "slsName", "slsStatusId", "startDate", "endDate", "ioId", "ioName", "slsCreatedOn",
              "pdfFileSize", "excelFileSize"),
    default_sort="-slsId", searched=("slsId", "slsName", "campaignIds", "ioName"),
)
AQS = InsightKind(
    kind=KIND_AQS, label="AQS", plural_path="aqs-reports", single_path=None,
    list_key="reportDataList", ids_param="reportIds", id_field="reportId", url_key="reportUrl",
    file_types=(XLSX, CSV), default_rate=Decimal("0.003"),
    sortable=("reportId", "reportName", "campaignName", "campaignId", "statusId", "startDate", "endDate", "ioId",
              "ioName", "reportCreatedOn"),
    default_sort="reportId", searched=("reportId", "reportName", "campaignName", "campaignId", "ioName"),
)

def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


BY_KIND: dict[str, InsightKind] = {k.kind: k for k in (PLD, SLS, AQS)}
LABEL: dict[str, str] = {k.kind: k.label for k in BY_KIND.values()}
