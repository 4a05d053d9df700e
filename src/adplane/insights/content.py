"""What a generated insight report contains: named tables (sheets) and a summary, per kind.

- PLD: one row per prescriber reached in the range.
- SLS: by report type — 1 brand lift, 2 competitor lift, 3 weekly trend (exposed vs control).
- AQS: by report type — 1 per audience and concept group, 2 for the whole campaign: the share of
  exposed users whose claims (patient attributes) match the concept group.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.analytics.store import AnalyticsStore
from adplane.healthcare.models import AudienceMember, ConceptGroup, PatientAttribute, Prescriber
from adplane.insights import delivery
from adplane.insights.lift import LiftError, compute_lift
from adplane.insights.models import KIND_AQS, KIND_PLD, KIND_SLS, InsightReport

SLS_TYPE_BRAND, SLS_TYPE_COMPETITORS, SLS_TYPE_TREND = 1, 2, 3
AQS_TYPE_AUDIENCE, AQS_TYPE_CAMPAIGN = 1, 2


class ComputationError(ValueError):
    """The report cannot be computed from the data; the message is the report's failure reason."""


@dataclass
class Table:
    name: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)


@dataclass
class ReportContent:
    tables: list[Table]
    summary: dict[str, Any]
    lift_results: list[Any] = field(default_factory=list)


def _iso(instant: datetime | None) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ") if instant else ""


def build(session: Session, store: AnalyticsStore, report: InsightReport) -> ReportContent:
    builder = BUILDERS.get(report.kind)
    if builder is None:
        raise ComputationError(f"unknown insight kind {report.kind}")
    return builder(session, store, report)


def _pld(session: Session, store: AnalyticsStore, report: InsightReport) -> ReportContent:
    reached = delivery.npi_delivery(store, report.ow_id, report.campaign_ids, report.start_at, report.end_at)
    if not reached:
        raise ComputationError("No prescriber was reached by this campaign in the date range.")
    npis = [r.npi for r in reached]
    profiles = {p.npi: p for p in session.scalars(select(Prescriber).where(Prescriber.npi.in_(npis)))}
    table = Table("Provider Level Data", [
        "NPI", "Prescriber Name", "Specialty", "State", "City", "Impressions", "Clicks", "CTR (%)",
        "Video Completions", "Spend", "First Exposure (UTC)", "Last Exposure (UTC)",
    ])
    for row in reached:
        profile = profiles.get(row.npi)
        ctr = round(100.0 * row.clicks / row.impressions, 4) if row.impressions else 0.0
        table.rows.append([
            row.npi, f"{profile.first_name} {profile.last_name}".strip() if profile else "",
            profile.specialty if profile else "", profile.state if profile else "",
            (profile.city or "") if profile else "", row.impressions, row.clicks, ctr, row.video_completes,
            float(round(row.spend, 4)), _iso(row.first_exposure), _iso(row.last_exposure),
        ])
    summary = {
        "prescribersReached": len(reached), "impressions": sum(r.impressions for r in reached),
        "clicks": sum(r.clicks for r in reached), "spend": float(round(sum((r.spend for r in reached), Decimal(0)), 4)),
    }
    return ReportContent([table], summary)


LIFT_COLUMNS = [
    "Concept Group ID", "Concept Group", "Exposed Prescribers", "Control Prescribers", "Pre Weeks",
    "Exposed Pre Weekly", "Exposed Post Weekly", "Control Pre Weekly", "Control Post Weekly", "Lift",
    "Lift CI Low", "Lift CI High", "Incremental Prescriptions", "Incremental CI Low", "Incremental CI High",
]


def _lift_row(result: Any, name: str) -> list[Any]:
    d = result.as_dict()
    return [
        result.concept_group_id, name, d["exposedPrescribers"], d["controlPrescribers"], d["preWeeks"],
        d["exposedPreWeekly"], d["exposedPostWeekly"], d["controlPreWeekly"], d["controlPostWeekly"], d["lift"],
        d["liftCiLow"], d["liftCiHigh"], d["incrementalPrescriptions"], d["incrementalCiLow"], d["incrementalCiHigh"],
    ]


def _concept_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    return {g.id: g.name for g in session.scalars(select(ConceptGroup).where(ConceptGroup.id.in_(list(ids))))}


def _sls(session: Session, store: AnalyticsStore, report: InsightReport) -> ReportContent:
    params = report.params
    concept_id = int(params["conceptGroupId"])
    competitors = [int(c) for c in params.get("competitorConceptGroupIds") or []]
    types = [int(t) for t in params.get("reportTypes") or [SLS_TYPE_BRAND]]
    exposures = delivery.first_exposures(store, report.ow_id, report.campaign_ids, report.start_at, report.end_at)
    if not exposures:
        raise ComputationError("No prescriber of these campaigns was exposed in the study period.")
    excluded = delivery.ever_exposed_npis(store, report.ow_id, report.campaign_ids, report.end_at)
    names = _concept_names(session, [concept_id, *competitors])

    def lift_of(group: int) -> Any:
        return compute_lift(session, concept_group_id=group, exposures=exposures, excluded=excluded,
                            start=report.start_at, end=report.end_at,
                            lookback_months=int(params.get("lookbackDuration") or 3))

    try:
        brand = lift_of(concept_id)
        rivals = [lift_of(c) for c in competitors] if SLS_TYPE_COMPETITORS in types else []
    except LiftError as exc:
        raise ComputationError(str(exc)) from exc
    tables = []
    if SLS_TYPE_BRAND in types:
        tables.append(Table("Brand Lift", LIFT_COLUMNS, [_lift_row(brand, names.get(concept_id, ""))]))
    if SLS_TYPE_COMPETITORS in types:
        tables.append(Table("Competitor Lift", LIFT_COLUMNS, [_lift_row(r, names.get(r.concept_group_id, ""))
                                                              for r in rivals]))
    if SLS_TYPE_TREND in types:
        tables.append(Table("Weekly Trend", ["Week Start", "Exposed Mean Volume", "Control Mean Volume"],
                            [[w.isoformat(), round(e, 4), round(c, 4)] for w, e, c in brand.trend]))
    summary = {"brand": brand.as_dict(), "competitors": [r.as_dict() for r in rivals]}
    return ReportContent(tables, summary, [brand, *rivals])


def _audience_concepts(report: InsightReport) -> list[tuple[int, int]]:
    return [(int(m["audienceId"]), int(m["conceptGroupId"])) for m in report.params.get("audienceConceptGroups") or []]


def _matching(session: Session, users: list[str], concept_group_id: int) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(users), 500):
        chunk = users[i:i + 500]
        found.update(session.scalars(select(PatientAttribute.user_id).where(
            PatientAttribute.concept_group_id == concept_group_id, PatientAttribute.user_id.in_(chunk))))
    return found


def _members(session: Session, users: list[str], audience_id: int) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(users), 500):
        chunk = users[i:i + 500]
        found.update(session.scalars(select(AudienceMember.user_id).where(
            AudienceMember.audience_id == audience_id, AudienceMember.user_id.in_(chunk))))
    return found


def _aqs(session: Session, store: AnalyticsStore, report: InsightReport) -> ReportContent:
    exposed = delivery.exposed_users(store, report.ow_id, report.campaign_ids, report.start_at, report.end_at)
    if not exposed:
        raise ComputationError("The campaign reached no identifiable user in this date range.")
    users = sorted(exposed)
    mappings = _audience_concepts(report)
    names = _concept_names(session, [c for _, c in mappings])
    report_type = int(report.params.get("reportTypeId") or AQS_TYPE_AUDIENCE)
    columns = ["Audience ID", "Concept Group ID", "Concept Group", "Exposed Users", "Exposed Impressions",
               "Matching Users", "Matching Impressions", "Audience Quality Score (%)"]
    rows = []
    for audience_id, concept_id in mappings:
        scope = sorted(_members(session, users, audience_id)) if report_type == AQS_TYPE_AUDIENCE else users
        matching = _matching(session, scope, concept_id)
        imps = sum(exposed[u] for u in scope)
        matching_imps = sum(exposed[u] for u in matching)
        score = round(100.0 * len(matching) / len(scope), 4) if scope else 0.0
        rows.append([audience_id if report_type == AQS_TYPE_AUDIENCE else "", concept_id, names.get(concept_id, ""),
                     len(scope), imps, len(matching), matching_imps, score])
    name = "Audience Quality" if report_type == AQS_TYPE_AUDIENCE else "Campaign Quality"
    summary = {"exposedUsers": len(users), "scores": [
        {"audienceId": r[0] or None, "conceptGroupId": r[1], "exposedUsers": r[3], "matchingUsers": r[5],
         "score": r[7]} for r in rows]}
    return ReportContent([Table(name, columns, rows)], summary)


BUILDERS: dict[str, Callable[[Session, AnalyticsStore, InsightReport], ReportContent]] = {
    KIND_PLD: _pld, KIND_SLS: _sls, KIND_AQS: _aqs,
}
