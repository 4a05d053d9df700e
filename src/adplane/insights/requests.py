"""Generate/compute requests of each kind: validate the wire fields, call the shared rules, and
answer in the kind's wire shape."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.analytics.store import AnalyticsStore
from adplane.core.clock import as_utc, to_epoch_ms, to_epoch_s
from adplane.core.deps import Principal
from adplane.core.errors import ValidationFailed
from adplane.healthcare.models import ConceptGroup, PatientAudience
from adplane.insights import wire
from adplane.insights.models import KIND_AQS, KIND_PLD, KIND_SLS
from adplane.insights.schemas import AqsRequest, PldRequest, SlsRequest, from_ms_lenient, from_s_lenient
from adplane.insights.service import Scope, Submission, check_name_length, check_range, regenerate, submit


def _common(kind: str, sub: Submission, session: Session, ow_id: int) -> dict[str, Any] | None:
    """Answers every kind gives the same way (processing, exists, no funds); None otherwise."""
    if sub.outcome == "processing":
        return wire.processing(kind)
    if sub.outcome == "exists" and sub.report is not None:
        return wire.existing(kind, sub.report, wire.Lookup(session, ow_id, [sub.report]))
    if sub.outcome == "no_funds" and sub.quote is not None:
        return wire.no_funds(kind, sub.quote)
    return None


def pld_generate(session: Session, store: AnalyticsStore, principal: Principal, body: PldRequest) -> dict[str, Any]:
    if body.pld_id is not None:
        sub = regenerate(session, store, principal, KIND_PLD, body.pld_id, "pldId", dry_run=False)
    else:
        if body.campaign_id is None:
            raise ValidationFailed("campaignId is required.", field="campaignId")
        start, end = from_ms_lenient(body.pld_start_date), from_ms_lenient(body.pld_end_date)
        check_range(start, end, "pldStartDate", "pldEndDate")
        assert start is not None and end is not None
        sub = submit(session, store, principal, KIND_PLD, Scope([body.campaign_id], start, end), dry_run=False)
    common = _common("pld", sub, session, principal.ow_id)
    if common is not None:
        return common
    report, q, campaign = sub.report, sub.quote, sub.campaigns[0]
    assert report is not None and q is not None
    return {
        "pldReportCreated": True, "pldId": report.id, "pldName": report.name, "campaignId": campaign.id,
        "campaignName": campaign.name, "campaignStatus": campaign.status,
        "pldStartDate": to_epoch_ms(as_utc(report.start_at)), "pldEndDate": to_epoch_ms(as_utc(report.end_at)),
        **wire.quote_fields("pld", q),
    }


def _known_concepts(session: Session, ids: list[int], field: str) -> None:
    found = set(session.scalars(select(ConceptGroup.id).where(ConceptGroup.id.in_(ids))))
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed(f"Unknown concept group {missing[0]}.", field=field)


def sls_submit(session: Session, store: AnalyticsStore, principal: Principal, body: SlsRequest, *,
               dry_run: bool) -> dict[str, Any]:
    if body.sls_id is not None:
        sub = regenerate(session, store, principal, KIND_SLS, body.sls_id, "slsId", dry_run=dry_run)
    else:
        if not body.campaign_ids:
            raise ValidationFailed("campaignIds is required.", field="campaignIds")
        start, end = from_ms_lenient(body.sls_start_date), from_ms_lenient(body.sls_end_date)
        check_range(start, end, "slsStartDate", "slsEndDate")
        assert start is not None and end is not None
        if body.concept_group_id is None:
            raise ValidationFailed("conceptGroupId is required.", field="conceptGroupId")
        _known_concepts(session, [body.concept_group_id], "conceptGroupId")
        competitors = sorted(set(body.competitor_concept_group_ids or []))
        _known_concepts(session, competitors, "competitorConceptGroupIds")
        name = check_name_length(body.sls_name, "slsName") if (body.sls_name is not None or not dry_run) else None
        params: dict[str, Any] = {
            "lookbackDuration": body.sls_lookback_duration or 3, "conceptGroupId": body.concept_group_id,
            "reportTypes": sorted(set(body.report_types or [1])), "competitorConceptGroupIds": competitors,
        }
        if 2 in params["reportTypes"] and not competitors:
            raise ValidationFailed("Report type 2 needs competitorConceptGroupIds.", field="competitorConceptGroupIds")
        scope = Scope(list(dict.fromkeys(body.campaign_ids)), start, end, body.io_id, name, params)
        sub = submit(session, store, principal, KIND_SLS, scope, dry_run=dry_run, campaign_field="campaignIds")
    common = _common("sls", sub, session, principal.ow_id)
    if common is not None:
        return common
    q = sub.quote
    assert q is not None
    if sub.report is not None:
        report = sub.report
        campaign_ids, start_at, end_at, params, name = (
            report.campaign_ids, as_utc(report.start_at), as_utc(report.end_at), report.params, report.name)
    else:
        campaign_ids, start_at, end_at, params, name = (
            scope.campaign_ids, scope.start, scope.end, scope.params, scope.name)
    out: dict[str, Any] = {
        "slsReportCreated": q.funds_available if sub.outcome == "quote" else True,
        "campaignIds": list(campaign_ids), "slsStartDate": to_epoch_ms(start_at), "slsEndDate": to_epoch_ms(end_at),
        **wire.quote_fields("sls", q), "slsName": name, "slsLookbackDuration": params["lookbackDuration"],
        "conceptGroupId": params["conceptGroupId"], "reportTypes": params["reportTypes"],
        "competitorConceptGroupIds": params["competitorConceptGroupIds"],
    }
    if sub.report is not None and sub.outcome != "quote":
        out["slsId"] = sub.report.id
    return out


def aqs_submit(session: Session, store: AnalyticsStore, principal: Principal, body: AqsRequest, *,
               dry_run: bool) -> dict[str, Any]:
    scope: Scope | None = None
    if body.aqs_id is not None:
        sub = regenerate(session, store, principal, KIND_AQS, body.aqs_id, "aqsId", dry_run=dry_run)
    else:
        if body.campaign_id is None:
            raise ValidationFailed("campaignId is required.", field="campaignId")
        start, end = from_s_lenient(body.aqs_start_date), from_s_lenient(body.aqs_end_date)
        check_range(start, end, "aqsStartDate", "aqsEndDate")
        assert start is not None and end is not None
        name = check_name_length(body.aqs_name, "aqsName") if (body.aqs_name is not None or not dry_run) else None
        mappings = body.aqs_audience_concept_groups or []
        if not mappings:
            raise ValidationFailed("aqsAudienceConceptGroups is required.", field="aqsAudienceConceptGroups")
        audiences = {m.audience_id for m in mappings}
        known = set(session.scalars(select(PatientAudience.id).where(PatientAudience.id.in_(audiences))))
        if audiences - known:
            raise ValidationFailed(f"Unknown audience {sorted(audiences - known)[0]}.",
                                   field="aqsAudienceConceptGroups")
        _known_concepts(session, [m.concept_group_id for m in mappings], "aqsAudienceConceptGroups")
        params = {
            "reportTypeId": body.aqs_report_type_id or 1,
            "audienceConceptGroups": [{"audienceId": m.audience_id, "conceptGroupId": m.concept_group_id}
                                      for m in mappings],
        }
        scope = Scope([body.campaign_id], start, end, None, name, params)
        sub = submit(session, store, principal, KIND_AQS, scope, dry_run=dry_run)
    common = _common("aqs", sub, session, principal.ow_id)
    if common is not None:
        return common
    q = sub.quote
    assert q is not None
    source = sub.report
    campaign_ids = source.campaign_ids if source is not None else scope.campaign_ids  # type: ignore[union-attr]
    start_at = as_utc(source.start_at) if source is not None else scope.start  # type: ignore[union-attr]
    end_at = as_utc(source.end_at) if source is not None else scope.end  # type: ignore[union-attr]
    params = source.params if source is not None else scope.params  # type: ignore[union-attr]
    name = source.name if source is not None else scope.name  # type: ignore[union-attr]
    creatable = q.funds_available
    out: dict[str, Any] = {
        "aqsReportCreated": creatable if sub.outcome == "quote" else True, "aqsReportCreatable": creatable,
        "campaignId": campaign_ids[0], "aqsStartDate": to_epoch_s(start_at), "aqsEndDate": to_epoch_s(end_at),
        **wire.quote_fields("aqs", q), "aqsName": name, "aqsReportTypeId": params["reportTypeId"],
        "aqsAudienceConceptGroups": params["audienceConceptGroups"], "effectiveAqsRate": float(q.rate),
    }
    if source is not None and sub.outcome != "quote":
        out["aqsId"] = source.id
    return out
