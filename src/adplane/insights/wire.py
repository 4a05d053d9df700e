"""Insight reports on the wire: list items and generate/quote answers, per kind (PLD, SLS, AQS)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.campaigns.models import Campaign
from adplane.core.clock import to_epoch_ms, to_epoch_s
from adplane.healthcare.audiences import healthcare_campaign_ids
from adplane.insertion_orders.models import InsertionOrder
from adplane.insights.models import KIND_PLD, KIND_SLS, STATUS_FAILED, STATUS_PROCESSING, InsightReport
from adplane.insights.pricing import Quote
from adplane.insights.service import ineligibility, processing_message

STATUS_NAMES = {STATUS_PROCESSING: "Processing", 2: "Ready", STATUS_FAILED: "Failed"}
STATUSES = [
    {"id": 1, "name": "processing", "label": "Processing", "order": 1},
    {"id": 2, "name": "ready", "label": "Ready", "order": 2},
    {"id": 3, "name": "failed", "label": "Failed", "order": 3},
]
INSIGHT_TYPES = [{"id": 1, "name": "audienceInsights", "label": "Audience Insights", "order": 1}]
AQS_REPORT_TYPES = [
    {"id": 1, "name": "audience", "label": "Audience", "order": 1},
    {"id": 2, "name": "Campaign", "label": "Campaign", "order": 2},
]
SLS_REPORT_TYPES = [
    {"id": 1, "name": "brandLift", "label": "Brand Lift", "order": 1},
    {"id": 2, "name": "competitorLift", "label": "Competitor Lift", "order": 2},
    {"id": 3, "name": "weeklyTrend", "label": "Weekly Trend", "order": 3},
]
PLD_COLUMNS = {"id": True, "insightsName": True, "campaignName": True, "campaignId": True, "status": True,
               "dateRange": True, "createdOn": True, "ioName": True, "ioId": False}


class Lookup:
    """Campaigns and insertion orders of a set of reports, fetched once."""

    def __init__(self, session: Session, ow_id: int, reports: Iterable[InsightReport]) -> None:
        reports = list(reports)
        campaign_ids = {c for r in reports for c in r.campaign_ids}
        self.campaigns = {c.id: c for c in session.scalars(
            select(Campaign).where(Campaign.ow_id == ow_id, Campaign.id.in_(campaign_ids)))} if campaign_ids else {}
        io_ids = {r.io_id for r in reports if r.io_id} | {c.io_id for c in self.campaigns.values()}
        self.ios = {i.id: i for i in session.scalars(select(InsertionOrder).where(
            InsertionOrder.ow_id == ow_id, InsertionOrder.id.in_(io_ids)))} if io_ids else {}
        self.healthcare = healthcare_campaign_ids(session, ow_id)

    def eligible(self, report: InsightReport, now: Any) -> bool:
        campaigns = [self.campaigns.get(i) for i in report.campaign_ids]
        return all(c is not None and ineligibility(c, self.healthcare, now) is None for c in campaigns)


def _first(lookup: Lookup, report: InsightReport) -> Campaign | None:
    return lookup.campaigns.get(report.campaign_ids[0]) if report.campaign_ids else None


def list_item(kind: str, report: InsightReport, lookup: Lookup, now: Any) -> dict[str, Any]:
    campaign = _first(lookup, report)
    io = lookup.ios.get(report.io_id or (campaign.io_id if campaign else 0))
    eligible = lookup.eligible(report, now)
    if kind == KIND_PLD:
        return {
            "pldId": report.id, "pldName": report.name, "campaignName": campaign.name if campaign else None,
            "campaignId": report.campaign_ids[0], "pldStatusId": report.status_id,
            "pldStatusName": STATUS_NAMES[report.status_id], "startDate": to_epoch_ms(report.start_at),
            "endDate": to_epoch_ms(report.end_at), "ioId": io.id if io else report.io_id,
            "ioName": io.name if io else None, "isCampaignEligible": eligible,
            "pldCreatedOn": to_epoch_ms(report.created_at),
            "creativeTypeId": campaign.creative_type_id if campaign else None,
            "campaignPldTimezoneId": campaign.timezone_id if campaign else None,
            "ioTypeId": io.budget_type_id if io else None, "failureReason": report.failure_reason,
        }
    if kind == KIND_SLS:
        return {
            "slsId": report.id, "slsName": report.name, "campaignIds": list(report.campaign_ids),
            "slsStatusId": report.status_id, "slsStatusName": STATUS_NAMES[report.status_id],
            "startDate": to_epoch_ms(report.start_at), "endDate": to_epoch_ms(report.end_at),
            "ioId": io.id if io else report.io_id, "ioName": io.name if io else None,
            "isCampaignEligible": eligible, "slsCreatedOn": to_epoch_ms(report.created_at),
            "campaignSlsTimezoneId": campaign.timezone_id if campaign else None,
            "ioTypeId": io.budget_type_id if io else None, "pdfFileSize": report.pdf_size,
            "excelFileSize": report.xlsx_size, "slsReportTypeIds": report.params.get("reportTypes", []),
            "slsLookbackDuration": report.params.get("lookbackDuration"),
            "conceptGroupId": report.params.get("conceptGroupId"),
            "competitorConceptGroupIds": report.params.get("competitorConceptGroupIds", []),
            "failureReason": report.failure_reason,
        }
    sizes = {k: v for k, v in (("1", report.xlsx_size), ("2", report.csv_size)) if v is not None}
    return {
        "reportId": report.id, "reportName": report.name, "campaignName": campaign.name if campaign else None,
        "campaignId": report.campaign_ids[0], "statusId": report.status_id,
        "statusName": STATUS_NAMES[report.status_id], "startDate": to_epoch_s(report.start_at),
        "endDate": to_epoch_s(report.end_at), "ioId": io.id if io else report.io_id,
        "ioName": io.name if io else None, "isCampaignEligible": eligible,
        "reportCreatedOn": to_epoch_s(report.created_at),
        "creativeTypeId": campaign.creative_type_id if campaign else None,
        "ioBudgetType": io.budget_type_id if io else None,
        "campaignTimeZoneId": campaign.timezone_id if campaign else None, "fileSizeDetails": sizes,
        "aqsReportTypeId": report.params.get("reportTypeId"),
        "aqsAudienceConceptGroups": report.params.get("audienceConceptGroups", []),
        "failureReason": report.failure_reason,
    }


def money(value: Any) -> float:
    return float(round(value, 4))


def quote_fields(prefix: str, q: Quote) -> dict[str, Any]:
    return {
        f"{prefix}ChargeableImps": q.chargeable_imps, f"{prefix}ChargedImps": q.charged_imps,
        f"{prefix}ChargeableCost": money(q.chargeable_cost), f"{prefix}ChargedCost": money(q.charged_cost),
        "fundsAvailable": q.funds_available,
    }


def processing(kind: str) -> dict[str, Any]:
    return {f"{kind}ReportCreated": False, "message": processing_message(kind)}


def no_funds(kind: str, q: Quote) -> dict[str, Any]:
    label = kind.upper()
    return {f"{kind}ReportCreated": False, **quote_fields(kind, q),
            "message": f"Insufficient funds to generate the {label} Insights report."}


def existing(kind: str, report: InsightReport, lookup: Lookup) -> dict[str, Any]:
    campaign = _first(lookup, report)
    io = lookup.ios.get(report.io_id or 0)
    created = to_epoch_s(report.created_at) if kind == "aqs" else to_epoch_ms(report.created_at)
    out: dict[str, Any] = {
        f"{kind}ReportCreated": False, f"{kind}Id": report.id, f"{kind}Name": report.name,
        f"{kind}StatusId": report.status_id, f"{kind}CreatedOn": created,
        "ioId": report.io_id, "ioName": io.name if io else None, "ioTypeId": io.budget_type_id if io else None,
    }
    if kind == "pld":
        out.update(campaignId=report.campaign_ids[0], campaignName=campaign.name if campaign else None,
                   creativeTypeId=campaign.creative_type_id if campaign else None)
    elif kind == "sls":
        out.update(campaignId=list(report.campaign_ids), campaignIds=list(report.campaign_ids),
                   slsLookbackDuration=report.params.get("lookbackDuration"),
                   conceptGroupId=report.params.get("conceptGroupId"),
                   reportTypes=report.params.get("reportTypes", []),
                   competitorConceptGroupIds=report.params.get("competitorConceptGroupIds", []))
    else:
        out.update(campaignId=report.campaign_ids[0], aqsReportTypeId=report.params.get("reportTypeId"),
                   aqsAudienceConceptGroups=report.params.get("audienceConceptGroups", []))
    return out
