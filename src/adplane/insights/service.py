"""Insight report rules shared by PLD, SLS and AQS: eligibility, names, quotes, charging,
overlap and duplicate checks, regeneration, deletion, refunds.

Money: a generation deducts its cost from the organization's funds with a ledger entry in the
same transaction that creates (or re-queues) the report; `change_funds` locks the organization
row, so concurrent generations can never take the balance below zero. A report that fails is
refunded its last charge.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from adplane.analytics.store import AnalyticsStore
from adplane.auth.models import Organization
from adplane.auth.organizations import change_funds
from adplane.campaigns.models import STATUS_EXPIRED, STATUS_PAUSED, STATUS_RUNNING, Campaign
from adplane.core.clock import as_utc, utcnow
from adplane.core.deps import Principal
from adplane.core.errors import ApiError, NotFound, ValidationFailed
from adplane.core.tenancy import scoped
from adplane.healthcare.audiences import healthcare_campaign_ids
from adplane.insights import delivery
from adplane.insights.kinds import LABEL
from adplane.insights.models import (
    KIND_PLD,
    STATUS_FAILED,
    STATUS_PROCESSING,
    STATUS_READY,
    InsightReport,
)
from adplane.insights.pricing import Quote, quote, rate_for
from adplane.jobs.queue import enqueue

GENERATION_KIND = "insights"
ELIGIBLE_WINDOW = timedelta(days=90)
MIN_DURATION = timedelta(days=3)
NAME_MIN, NAME_MAX = 3, 100


def processing_message(kind: str) -> str:
    if kind == KIND_PLD:
        return ("PLD Insights can't be generated for this campaign at the moment as another insight with "
                "overlapping date range is processing")
    return (f"{LABEL[kind]} Insights can't be generated for this campaigns at the moment as another insight "
            "with overlapping date range is processing")


@dataclass
class Scope:
    """What a report covers; `params` are the kind's own settings (concept groups, types...)."""

    campaign_ids: list[int]
    start: datetime
    end: datetime
    io_id: int | None = None
    name: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Submission:
    outcome: str  # created | regenerated | exists | processing | no_funds | quote
    quote: Quote | None = None
    report: InsightReport | None = None
    campaigns: list[Campaign] = field(default_factory=list)


# --- campaigns ---------------------------------------------------------------------------------


def ineligibility(campaign: Campaign, healthcare_ids: set[int], now: datetime) -> str | None:
    """Why a campaign cannot have insight reports, or None when it can."""
    if campaign.id not in healthcare_ids:
        return "it is not a healthcare campaign with an NPI matched audience"
    status = campaign.status
    changed = as_utc(campaign.modified_at or campaign.created_at)
    if status == STATUS_PAUSED and changed < now - ELIGIBLE_WINDOW:
        return "it was paused more than 90 days ago"
    if status == STATUS_EXPIRED:
        ended = as_utc(campaign.end_time) if campaign.end_time else changed
        if ended < now - ELIGIBLE_WINDOW:
            return "it expired more than 90 days ago"
    if status not in (STATUS_RUNNING, STATUS_PAUSED, STATUS_EXPIRED):
        return f"its status is {status}"
    if (campaign.end_time is not None and campaign.start_time is not None
            and as_utc(campaign.end_time) - as_utc(campaign.start_time) < MIN_DURATION):
        return "its duration is shorter than 3 days"
    return None


def eligible_campaigns(session: Session, ow_id: int, kind: str) -> dict[str, list[dict[str, int]]]:
    healthcare = healthcare_campaign_ids(session, ow_id)
    out: dict[str, list[dict[str, int]]] = {STATUS_RUNNING: [], STATUS_PAUSED: [], STATUS_EXPIRED: []}
    if not healthcare:
        return out
    now = utcnow()
    tz_key = {"pld": "campaignPldTimezoneId", "sls": "campaignSlsTimezoneId"}.get(kind, "campaignTimezoneId")
    rows = session.scalars(scoped(Campaign, ow_id).where(Campaign.id.in_(healthcare)).order_by(Campaign.id))
    for campaign in rows:
        if ineligibility(campaign, healthcare, now) is None:
            out[campaign.status].append({"campaignId": campaign.id, tz_key: campaign.timezone_id,
                                         "campaignTimezoneId": campaign.timezone_id})
    return out


def load_campaigns(session: Session, ow_id: int, kind: str, ids: Sequence[int], field_name: str,
                   io_id: int | None = None) -> list[Campaign]:
    """The caller's campaigns, each eligible (404 for another organization's like a missing one)."""
    if not ids:
        raise ValidationFailed("At least one campaign is required.", field=field_name)
    rows = {c.id: c for c in session.scalars(scoped(Campaign, ow_id).where(Campaign.id.in_(list(ids))))}
    missing = [i for i in ids if i not in rows]
    if missing:
        raise NotFound(f"Campaign {missing[0]} not found.", field=field_name)
    healthcare = healthcare_campaign_ids(session, ow_id)
    now = utcnow()
    for campaign_id in ids:
        campaign = rows[campaign_id]
        reason = ineligibility(campaign, healthcare, now)
        if reason:
            raise ValidationFailed(
                f"Campaign {campaign_id} is not eligible for {LABEL[kind]} Insights: {reason}.", field=field_name)
        if io_id is not None and campaign.io_id != io_id:
            raise ValidationFailed(f"Campaign {campaign_id} does not belong to insertion order {io_id}.",
                                   field=field_name)
    return [rows[i] for i in ids]


# --- names -------------------------------------------------------------------------------------


def check_name_length(name: str | None, field_name: str) -> str:
    name = (name or "").strip()
    if not NAME_MIN <= len(name) <= NAME_MAX:
        raise ValidationFailed("Please provide name with at least 3 characters and maximum of 100 characters",
                               field=field_name)
    return name


def name_taken(session: Session, ow_id: int, kind: str, name: str) -> bool:
    """Another report of this kind, not deleted, has this name (a deleted report frees it)."""
    stmt = scoped(InsightReport, ow_id).where(
        InsightReport.kind == kind, InsightReport.name == name, InsightReport.deleted_at.is_(None))
    return session.scalar(stmt.limit(1)) is not None


def name_used_message(name: str) -> str:
    return f"The name '{name}' is already used by another report, kindly update the name"


# --- quotes, overlaps, duplicates -------------------------------------------------------------


def _overlaps(report: InsightReport, campaign_ids: Sequence[int], start: datetime, end: datetime) -> bool:
    return (bool(set(report.campaign_ids) & set(campaign_ids))
            and as_utc(report.start_at) <= end and start <= as_utc(report.end_at))


def processing_overlap(session: Session, ow_id: int, kind: str, scope: Scope,
                       exclude_id: int | None = None) -> InsightReport | None:
    stmt = scoped(InsightReport, ow_id).where(
        InsightReport.kind == kind, InsightReport.status_id == STATUS_PROCESSING, InsightReport.deleted_at.is_(None))
    for report in session.scalars(stmt):
        if report.id != exclude_id and _overlaps(report, scope.campaign_ids, scope.start, scope.end):
            return report
    return None


def identical_report(session: Session, ow_id: int, kind: str, scope: Scope) -> InsightReport | None:
    stmt = scoped(InsightReport, ow_id).where(
        InsightReport.kind == kind, InsightReport.status_id == STATUS_READY, InsightReport.deleted_at.is_(None))
    for report in session.scalars(stmt):
        if (sorted(report.campaign_ids) == sorted(scope.campaign_ids) and as_utc(report.start_at) == scope.start
                and as_utc(report.end_at) == scope.end and report.params == scope.params):
            return report
    return None


def quote_scope(session: Session, store: AnalyticsStore, ow_id: int, kind: str, campaign_ids: Sequence[int],
                start: datetime, end: datetime, report: InsightReport | None = None) -> Quote:
    imps = delivery.impressions(store, ow_id, campaign_ids, start, end)
    if report is not None:
        return quote(session, ow_id, Decimal(report.rate), imps, report.charged_imps, Decimal(report.charged_cost))
    return quote(session, ow_id, rate_for(session, ow_id, kind), imps)


def lock_organization(session: Session, ow_id: int) -> None:
    """Hold the organization row (FOR UPDATE on PostgreSQL) until the transaction ends."""
    session.execute(select(Organization.ow_id).where(Organization.ow_id == ow_id).with_for_update())


def _charge(session: Session, report: InsightReport, q: Quote) -> None:
    if q.chargeable_cost > 0:
        change_funds(session, report.ow_id, -q.chargeable_cost, "insight_charge", f"{report.kind}:{report.id}")
    report.charged_imps = (report.charged_imps or 0) + q.chargeable_imps
    report.charged_cost = Decimal(report.charged_cost or 0) + q.chargeable_cost
    report.last_charge_imps = q.chargeable_imps
    report.last_charge_cost = q.chargeable_cost


def check_range(start: datetime | None, end: datetime | None, start_field: str, end_field: str) -> None:
    if start is None:
        raise ValidationFailed(f"{start_field} is required.", field=start_field)
    if end is None:
        raise ValidationFailed(f"{end_field} is required.", field=end_field)
    if end <= start:
        raise ValidationFailed(f"{end_field} must be after {start_field}.", field=end_field)


# --- generation --------------------------------------------------------------------------------


def submit(session: Session, store: AnalyticsStore, principal: Principal, kind: str, scope: Scope, *,
           dry_run: bool, campaign_field: str = "campaignId") -> Submission:
    """Quote (dry run) or create a report for a new scope; the caller has validated the fields."""
    ow_id = principal.ow_id
    campaigns = load_campaigns(session, ow_id, kind, scope.campaign_ids, campaign_field, scope.io_id)
    if processing_overlap(session, ow_id, kind, scope) is not None:
        return Submission("processing", campaigns=campaigns)
    existing = identical_report(session, ow_id, kind, scope)
    if existing is not None:
        return Submission("exists", report=existing, campaigns=campaigns)
    q = quote_scope(session, store, ow_id, kind, scope.campaign_ids, scope.start, scope.end)
    if dry_run:
        return Submission("quote", quote=q, campaigns=campaigns)
    if not q.funds_available:
        return Submission("no_funds", quote=q, campaigns=campaigns)
    # Lock the organization row first: it serialises this organization's generations (the
    # overlap check below is then exact), and taking it before inserting the report (whose FK
    # takes a key-share lock on the same row) avoids lock-upgrade deadlocks.
    lock_organization(session, ow_id)
    if processing_overlap(session, ow_id, kind, scope) is not None:
        session.rollback()
        return Submission("processing", campaigns=campaigns)
    if scope.name and name_taken(session, ow_id, kind, scope.name):
        session.rollback()
        raise ValidationFailed(name_used_message(scope.name), field="name")
    report = InsightReport(
        ow_id=ow_id, uow_id=principal.uow_id, kind=kind, name=scope.name or f"pending-{uuid.uuid4().hex}",
        status_id=STATUS_PROCESSING, campaign_ids=list(scope.campaign_ids),
        io_id=scope.io_id if scope.io_id is not None else campaigns[0].io_id,
        start_at=scope.start, end_at=scope.end, params=scope.params, rate=q.rate, requested_at=utcnow(),
    )
    try:
        session.add(report)
        session.flush()
        if not scope.name:
            report.name = f"{ow_id}_{LABEL[kind]}_Insights_{report.id}"
        _charge(session, report, q)
        queue_generation(session, report)
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ValidationFailed(name_used_message(scope.name or ""), field="name") from None
    except ApiError as exc:
        session.rollback()
        if exc.error_objects and exc.error_objects[0].get("field") == "funds":
            funds_now = quote(session, ow_id, q.rate, q.impressions)
            return Submission("no_funds", quote=funds_now, campaigns=campaigns)
        raise
    return Submission("created", quote=q, report=report, campaigns=campaigns)


def get_report(session: Session, ow_id: int, kind: str, report_id: int, field_name: str,
               *, for_update: bool = False) -> InsightReport:
    stmt = scoped(InsightReport, ow_id).where(
        InsightReport.id == report_id, InsightReport.kind == kind, InsightReport.deleted_at.is_(None))
    if for_update:
        stmt = stmt.with_for_update()
    report = session.scalar(stmt)
    if report is None:
        raise NotFound(f"{LABEL[kind]} report not found.", field=field_name)
    return report


def regenerate(session: Session, store: AnalyticsStore, principal: Principal, kind: str, report_id: int,
               field_name: str, *, dry_run: bool) -> Submission:
    """Queue a report again over its own scope, charging only impressions not charged before."""
    report = get_report(session, principal.ow_id, kind, report_id, field_name)
    campaigns = load_campaigns(session, principal.ow_id, kind, report.campaign_ids, field_name)
    if report.status_id == STATUS_PROCESSING:
        return Submission("processing", report=report, campaigns=campaigns)
    q = quote_scope(session, store, principal.ow_id, kind, report.campaign_ids, as_utc(report.start_at),
                    as_utc(report.end_at), report)
    if dry_run:
        return Submission("quote", quote=q, report=report, campaigns=campaigns)
    if not q.funds_available:
        return Submission("no_funds", quote=q, report=report, campaigns=campaigns)
    lock_organization(session, principal.ow_id)
    session.refresh(report)
    if report.status_id == STATUS_PROCESSING:
        session.rollback()
        return Submission("processing", report=report, campaigns=campaigns)
    q = quote_scope(session, store, principal.ow_id, kind, report.campaign_ids, as_utc(report.start_at),
                    as_utc(report.end_at), report)
    try:
        _charge(session, report, q)
        report.status_id = STATUS_PROCESSING
        report.failure_reason = None
        report.summary = None
        report.requested_at = utcnow()
        queue_generation(session, report)
        session.commit()
    except ApiError as exc:
        session.rollback()
        if exc.error_objects and exc.error_objects[0].get("field") == "funds":
            return Submission("no_funds", quote=q, report=report, campaigns=campaigns)
        raise
    return Submission("regenerated", quote=q, report=report, campaigns=campaigns)


def queue_generation(session: Session, report: InsightReport) -> None:
    """Queue the report's generation job in the caller's transaction (`adplane.insights.worker`)."""
    enqueue(session, GENERATION_KIND, str(report.id), {"reportId": report.id})


def fail_and_refund(session: Session, report: InsightReport, reason: str) -> None:
    """Mark a report failed and give back its last charge, in one transaction (caller commits)."""
    refund = Decimal(report.last_charge_cost or 0)
    lock_organization(session, report.ow_id)
    if refund > 0:
        change_funds(session, report.ow_id, refund, "insight_refund", f"{report.kind}:{report.id}")
    report.charged_imps = max(0, (report.charged_imps or 0) - (report.last_charge_imps or 0))
    report.charged_cost = Decimal(report.charged_cost or 0) - refund
    report.last_charge_imps = 0
    report.last_charge_cost = Decimal("0")
    report.status_id = STATUS_FAILED
    report.failure_reason = reason[:1000]


# --- deletion ----------------------------------------------------------------------------------


def delete_failed(session: Session, ow_id: int, kind: str, ids: list[int], field_name: str) -> str:
    rows = {r.id: r for r in session.scalars(
        scoped(InsightReport, ow_id).where(InsightReport.kind == kind, InsightReport.id.in_(ids)).with_for_update())}
    missing = [i for i in ids if i not in rows]
    if missing:
        raise NotFound(f"{LABEL[kind]} report not found.", field=field_name)
    refused = [i for i in ids if rows[i].deleted_at is not None or rows[i].status_id != STATUS_FAILED]
    if refused:
        raise ValidationFailed(
            f"Some of the provided {LABEL[kind]} ID(s) are either already deleted, do not exist, or do not have a "
            "'failed' status.", field=field_name)
    now = utcnow()
    for report in rows.values():
        report.deleted_at = now
    session.commit()
    if len(ids) == 1:
        return f"{rows[ids[0]].name} deleted successfully"
    return f"{len(ids)} {LABEL[kind]} insights deleted successfully"
