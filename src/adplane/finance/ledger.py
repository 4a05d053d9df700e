"""The organization's ledger as a list (`GET /api/v3/fa/ledger/list`, an adplane extension).

Every change to an organization's funds is a `funds_ledger` row (`adplane.auth.organizations.change_funds`), so
this list is where this month's charges can be seen before their invoice is issued. IQM's Finance API publishes no
such call. Rows are read from a statement scoped to the caller's organization; what a row charged for comes from
its `reference` (`payment:12`, `credit:3`, `media_spend:campaign:7:2026-03-05`, `pld:4`, free text for top-ups),
named through the caller's own campaigns and insight reports.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from adplane.auth.models import FundsLedgerEntry
from adplane.campaigns.models import Campaign
from adplane.core.clock import to_epoch_ms
from adplane.core.errors import ValidationFailed
from adplane.core.listing import apply_sort, count, page_offset, parse_sort
from adplane.core.tenancy import scoped
from adplane.insights.models import InsightReport

# kind → readable label, in the order of docs/finance.md
LEDGER_KINDS: dict[str, str] = {
    "payment": "Payment", "credit": "Credit", "top_up": "Top-up", "media_spend": "Media spend",
    "data_cost": "Data cost", "platform_fee": "Platform fee", "insight_charge": "Insight charge",
    "insight_refund": "Insight refund",
}
SPEND_KINDS = ("media_spend", "data_cost", "platform_fee")
INSIGHT_KINDS = {"pld": "PLD", "sls": "SLS", "aqs": "AQS"}
MICRO = Decimal("0.000001")

LEDGER_SORT: dict[str, Any] = {
    "createdAt": (FundsLedgerEntry.created_at, FundsLedgerEntry.id),
    "amount": (FundsLedgerEntry.amount, FundsLedgerEntry.id),
}


def parse_kinds(raw: str | None) -> list[str]:
    """`"media_spend,data_cost"` → the kinds asked for; an unknown kind is a 422 naming `kinds`."""
    kinds = list(dict.fromkeys(part.strip() for part in (raw or "").split(",") if part.strip()))
    unknown = [kind for kind in kinds if kind not in LEDGER_KINDS]
    if unknown:
        raise ValidationFailed(f"kinds contains an unknown ledger kind: {unknown[0]!r} (one of "
                               f"{', '.join(LEDGER_KINDS)}).", field="kinds")
    return kinds


def _parsed_reference(kind: str, reference: str | None) -> dict[str, Any]:
    """What the entry's reference names: a payment, a credit, a campaign's day of delivery, an insight report."""
    parts = (reference or "").split(":")
    number = parts[1] if len(parts) == 2 and parts[1].isascii() and parts[1].isdigit() else None
    if kind == "payment" and parts[0] == "payment" and number:
        return {"paymentId": int(number)}
    if kind == "credit" and parts[0] == "credit" and number:
        return {"creditId": int(number)}
    if kind in SPEND_KINDS and len(parts) == 4 and parts[1] == "campaign" and parts[2].isascii() and parts[2].isdigit():
        try:
            day = date.fromisoformat(parts[3])
        except ValueError:
            return {}
        return {"campaignId": int(parts[2]), "day": day}
    if kind.startswith("insight_") and parts[0] in INSIGHT_KINDS and number:
        return {"insightReportType": parts[0], "insightReportId": int(number)}
    return {}


def _names(session: Session, ow_id: int, parsed: list[dict[str, Any]]) -> tuple[dict[int, str], dict[int, str]]:
    """Names of the page's campaigns and insight reports, the caller's own only."""
    campaign_ids = sorted({p["campaignId"] for p in parsed if "campaignId" in p})
    report_ids = sorted({p["insightReportId"] for p in parsed if "insightReportId" in p})
    campaigns: dict[int, str] = {}
    reports: dict[int, str] = {}
    if campaign_ids:
        campaigns = {c.id: c.name for c in session.scalars(
            scoped(Campaign, ow_id).where(Campaign.id.in_(campaign_ids)))}
    if report_ids:
        reports = {r.id: r.name for r in session.scalars(
            scoped(InsightReport, ow_id).where(InsightReport.id.in_(report_ids)))}
    return campaigns, reports


def _row(entry: FundsLedgerEntry, parsed: dict[str, Any], campaigns: dict[int, str],
         reports: dict[int, str]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": entry.id, "kind": entry.kind, "kindLabel": LEDGER_KINDS.get(entry.kind, entry.kind),
        "amount": float(entry.amount), "balanceAfter": float(entry.balance_after),
        "reference": entry.reference, "createdAt": to_epoch_ms(entry.created_at),
    }
    if "paymentId" in parsed:
        row["paymentId"] = parsed["paymentId"]
        description = f"Payment {parsed['paymentId']}"
    elif "creditId" in parsed:
        row["creditId"] = parsed["creditId"]
        description = f"Credit {parsed['creditId']}"
    elif "campaignId" in parsed:
        campaign_id, day = parsed["campaignId"], parsed["day"]
        row["campaignId"] = campaign_id
        row["deliveryDate"] = to_epoch_ms(datetime(day.year, day.month, day.day, tzinfo=UTC))
        name = campaigns.get(campaign_id)
        if name is not None:
            row["campaignName"] = name
        label = f"{name} ({campaign_id})" if name is not None else f"Campaign {campaign_id}"
        description = f"{label}, delivery of {day.isoformat()} (UTC)"
    elif "insightReportId" in parsed:
        report_id, report_type = parsed["insightReportId"], parsed["insightReportType"]
        row["insightReportId"] = report_id
        row["insightReportType"] = report_type
        name = reports.get(report_id)
        if name is not None:
            row["insightReportName"] = name
        description = f"{INSIGHT_KINDS[report_type]} report {report_id}" + (f" ({name})" if name else "")
    else:
        description = entry.reference or LEDGER_KINDS.get(entry.kind, entry.kind)
    row["description"] = description
    return row


def list_ledger(session: Session, ow_id: int, *, page_no: int, no_of_entries: int, sort_by: str | None,
                kinds: str | None, start: datetime | None, end: datetime | None) -> dict[str, Any]:
    """One page of the organization's ledger entries, the counts and the filtered rows' credits and charges."""
    if start is not None and end is not None and end < start:
        raise ValidationFailed("endDate must not be before startDate.", field="endDate")
    order = parse_sort(sort_by, LEDGER_SORT, "-createdAt")
    wanted = parse_kinds(kinds)
    base: Select[Any] = scoped(FundsLedgerEntry, ow_id)
    total = count(session, base)
    filtered_stmt = base
    if wanted:
        filtered_stmt = filtered_stmt.where(FundsLedgerEntry.kind.in_(wanted))
    if start is not None:
        filtered_stmt = filtered_stmt.where(FundsLedgerEntry.created_at >= start)
    if end is not None:
        filtered_stmt = filtered_stmt.where(FundsLedgerEntry.created_at <= end)
    filtered, credited, charged = _summary(session, filtered_stmt)
    offset, size = page_offset(page_no, no_of_entries)
    page = apply_sort(filtered_stmt, order).offset(offset).limit(size)
    entries = list(session.scalars(page))
    parsed = [_parsed_reference(entry.kind, entry.reference) for entry in entries]
    campaigns, reports = _names(session, ow_id, parsed)
    rows = [_row(entry, p, campaigns, reports) for entry, p in zip(entries, parsed, strict=True)]
    return {"data": rows, "totalRecords": total, "filteredRecords": filtered,
            "summary": {"totalCredited": float(credited), "totalCharged": float(charged),
                        "net": float(credited - charged)}}


def _summary(session: Session, stmt: Select[Any]) -> tuple[int, Decimal, Decimal]:
    """(rows, sum of the positive amounts, sum of the negative amounts as a positive number), in SQL."""
    rows = stmt.order_by(None).subquery()
    amount = rows.c.amount
    found = session.execute(select(
        func.count(),
        func.coalesce(func.sum(case((amount > 0, amount), else_=0)), 0),
        func.coalesce(func.sum(case((amount < 0, -amount), else_=0)), 0),
    ).select_from(rows)).one()
    return int(found[0]), _micro(found[1]), _micro(found[2])


def _micro(value: Any) -> Decimal:
    """A summed amount at the ledger's scale (SQLite sums NUMERIC as a float)."""
    return Decimal(str(value)).quantize(MICRO)
