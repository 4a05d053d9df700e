"""Monthly invoices: an organization's charges (media spend, data cost, platform fee, insight reports) per
calendar month (UTC), issued once the month is over, downloadable as PDF or CSV.

An invoice is built from ledger entries, each invoiced once (`InvoicedEntry`): spend entries count on their
delivery day (their reference names it), insight charges on the day they were charged. A charge posted after
its month's invoice was issued (late events) goes on the next invoice. So the invoices of an organization sum
exactly to its charge entries. A prepaid organization has paid from its balance already (status Paid); a
postpaid one owes the amount within the payment term (Unpaid, then Overdue).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from adplane.auth.models import FundsLedgerEntry, Organization
from adplane.campaigns.models import Campaign
from adplane.core.clock import as_utc, utcnow
from adplane.core.db import Database
from adplane.core.deps import Principal
from adplane.core.errors import NotFound
from adplane.core.listing import apply_sort, count, in_ids, page_offset, parse_ids, parse_sort, where_search
from adplane.core.settings import Settings
from adplane.finance.catalog import INVOICE_STATUSES, label
from adplane.finance.models import (
    INVOICE_OVERDUE,
    INVOICE_PAID,
    INVOICE_UNPAID,
    Invoice,
    InvoicedEntry,
    InvoiceLine,
)
from adplane.finance.service import visible_organization
from adplane.finance.spend import CHARGE_KINDS, is_prepaid
from adplane.jobs.registry import periodic

KIND_LABELS = {"media_spend": "Media spend", "data_cost": "Data cost", "platform_fee": "Platform fee",
               "insight_charge": "Insight reports", "insight_refund": "Insight reports (refunds)"}
PAYMENT_TERM_DAYS = 30
ZERO = Decimal("0")


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _delivery(entry: FundsLedgerEntry) -> tuple[int | None, date]:
    """(campaign id, day) a charge is for: spend references read `kind:campaign:<id>:<YYYY-MM-DD>`."""
    parts = (entry.reference or "").split(":")
    if len(parts) == 4 and parts[1] == "campaign" and parts[2].isdigit():
        try:
            return int(parts[2]), date.fromisoformat(parts[3])
        except ValueError:
            pass
    return None, as_utc(entry.created_at).date()


@dataclass
class _Draft:
    entries: list[FundsLedgerEntry]
    totals: dict[tuple[int | None, str], Decimal]


def issue_invoices(session: Session, now: datetime | None = None, ow_ids: list[int] | None = None) -> list[Invoice]:
    """Issue every organization's invoices for the months that are over and not yet invoiced; commits each."""
    now = now or utcnow()
    this_month = month_start(as_utc(now).date())
    stmt = (select(FundsLedgerEntry)
            .outerjoin(InvoicedEntry, InvoicedEntry.ledger_entry_id == FundsLedgerEntry.id)
            .where(InvoicedEntry.ledger_entry_id.is_(None), FundsLedgerEntry.kind.in_(CHARGE_KINDS))
            .order_by(FundsLedgerEntry.id))
    if ow_ids is not None:
        stmt = stmt.where(in_ids(FundsLedgerEntry.ow_id, ow_ids))
    pending: dict[int, list[FundsLedgerEntry]] = defaultdict(list)
    for entry in session.scalars(stmt):
        pending[entry.ow_id].append(entry)
    issued = []
    for ow_id, entries in sorted(pending.items()):
        last = session.scalar(select(func.max(Invoice.period_start)).where(Invoice.ow_id == ow_id))
        open_from = next_month(last) if last is not None else date.min
        drafts: dict[date, _Draft] = {}
        for entry in entries:
            campaign_id, day = _delivery(entry)
            month = max(month_start(day), open_from)  # a month already invoiced: on the next invoice
            if month >= this_month:
                continue
            draft = drafts.setdefault(month, _Draft([], defaultdict(lambda: ZERO)))
            draft.entries.append(entry)
            draft.totals[(campaign_id, entry.kind)] += -Decimal(entry.amount)
        for month in sorted(drafts):
            issued.append(_issue(session, ow_id, month, drafts[month], now))
            session.commit()
    return issued


def _issue(session: Session, ow_id: int, month: date, draft: _Draft, now: datetime) -> Invoice:
    org = session.get(Organization, ow_id)
    names: dict[int, str] = {campaign_id: name for campaign_id, name in session.execute(
        select(Campaign.id, Campaign.name).where(in_ids(Campaign.id, [c for c, _ in draft.totals if c is not None])))}
    amount = sum(draft.totals.values(), ZERO)
    prepaid = is_prepaid(session, ow_id)
    invoice = Invoice(
        ow_id=ow_id, name=f"{org.name if org else ow_id} - {month.strftime('%b%Y')}", period_start=month,
        period_end=next_month(month) - timedelta(days=1), issued_at=now, amount=amount,
        paid_amount=amount if prepaid else ZERO, status_id=INVOICE_PAID if prepaid else INVOICE_UNPAID,
        payment_term_days=PAYMENT_TERM_DAYS, modified_at=now)
    session.add(invoice)
    session.flush()
    for (campaign_id, kind), total in sorted(draft.totals.items(), key=lambda item: (item[0][0] or 0, item[0][1])):
        what = KIND_LABELS.get(kind, kind)
        description = (f"{names.get(campaign_id, 'Campaign')} ({campaign_id}): {what}" if campaign_id is not None
                       else what)
        session.add(InvoiceLine(invoice_id=invoice.id, campaign_id=campaign_id, kind=kind, description=description,
                                amount=total))
    session.add_all(InvoicedEntry(ledger_entry_id=e.id, invoice_id=invoice.id) for e in draft.entries)
    return invoice


def invoicing_pass(db: Database, settings: Settings) -> dict[str, int]:
    with db.session() as session:
        return {"issued": len(issue_invoices(session))}


# --------------------------------------------------------------------------- reading


def display_status(invoice: Invoice, now: datetime) -> int:
    due = as_utc(invoice.issued_at) + timedelta(days=invoice.payment_term_days)
    return INVOICE_OVERDUE if invoice.status_id == INVOICE_UNPAID and now > due else invoice.status_id


def _seconds(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def invoice_row(invoice: Invoice, now: datetime) -> dict[str, Any]:
    """IQM's row: dates in epoch seconds (as its example), `modifiedAt` in milliseconds."""
    return {
        "invoiceId": invoice.id, "invoiceFromDate": _seconds(invoice.period_start),
        "invoiceToDate": _seconds(invoice.period_end), "issuedOn": int(as_utc(invoice.issued_at).timestamp()),
        "invoiceAmount": float(invoice.amount), "status": display_status(invoice, now),
        "paymentTerm": invoice.payment_term_days, "paidAmount": float(invoice.paid_amount), "paymentMode": [],
        "invoiceName": invoice.name, "actionNote": invoice.action_note,
        "invoiceStatusUpdatedBy": invoice.status_updated_by,
        "modifiedAt": int(as_utc(invoice.modified_at).timestamp() * 1000),
    }


INVOICE_SORT: dict[str, Any] = {"invoiceId": Invoice.id, "issuedOn": Invoice.issued_at, "invoiceAmount": Invoice.amount,
                                "status": Invoice.status_id}


def list_invoices(session: Session, principal: Principal, ow_id: int, status: str | None, search: str | None,
                  sort_by: str | None, page_no: int, limit: int) -> dict[str, Any]:
    org = visible_organization(session, principal, ow_id)
    order = parse_sort(sort_by, INVOICE_SORT, "-invoiceId")
    base = select(Invoice).where(Invoice.ow_id == org.ow_id)
    total = count(session, base)
    stmt = base
    now = utcnow()
    wanted = parse_ids(status, "status")
    if wanted:  # Overdue is Unpaid past its term: worked out from the issue date, as `display_status`
        late = Invoice.issued_at < now - timedelta(days=PAYMENT_TERM_DAYS)
        stored = [s for s in wanted if s not in (INVOICE_OVERDUE, INVOICE_UNPAID)]
        conditions = [in_ids(Invoice.status_id, stored)] if stored else []
        if INVOICE_OVERDUE in wanted:
            conditions.append(and_(Invoice.status_id == INVOICE_UNPAID, late))
        if INVOICE_UNPAID in wanted:
            conditions.append(and_(Invoice.status_id == INVOICE_UNPAID, ~late))
        stmt = stmt.where(or_(*conditions))
    stmt = where_search(stmt, search, [Invoice.name], Invoice.id)
    filtered = count(session, stmt)
    offset, size = page_offset(page_no, limit)
    rows = session.scalars(apply_sort(stmt, order, tiebreak=Invoice.id).offset(offset).limit(size or 10))
    return {"data": [invoice_row(i, now) for i in rows], "totalRecords": total, "filteredRecords": filtered}


def get_invoice(session: Session, principal: Principal, ow_id: int, invoice_id: int) -> Invoice:
    org = visible_organization(session, principal, ow_id)
    invoice = session.scalar(select(Invoice).where(Invoice.id == invoice_id, Invoice.ow_id == org.ow_id))
    if invoice is None:
        raise NotFound("Invoice not found.", field="invoiceId")
    return invoice


def _lines(session: Session, invoice: Invoice) -> list[InvoiceLine]:
    return list(session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)
                                .order_by(InvoiceLine.id)))


def _money(value: Decimal) -> str:
    return f"{Decimal(value).quantize(Decimal('0.000001'))}"


def invoice_csv(session: Session, invoice: Invoice) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["invoiceId", "invoiceName", "periodStart", "periodEnd", "campaignId", "kind", "description",
                     "amount"])
    for line in _lines(session, invoice):
        writer.writerow([invoice.id, invoice.name, invoice.period_start.isoformat(), invoice.period_end.isoformat(),
                         line.campaign_id or "", line.kind, line.description, _money(line.amount)])
    writer.writerow([invoice.id, invoice.name, invoice.period_start.isoformat(), invoice.period_end.isoformat(),
                     "", "total", "Total", _money(invoice.amount)])
    return out.getvalue().encode()


def invoice_pdf(session: Session, invoice: Invoice) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

    styles = getSampleStyleSheet()
    org = session.get(Organization, invoice.ow_id)
    status = label(INVOICE_STATUSES, display_status(invoice, utcnow()))
    rows = [["Description", "Amount (USD)"]]
    rows += [[line.description, f"{Decimal(line.amount):,.2f}"] for line in _lines(session, invoice)]
    rows.append(["Total", f"{Decimal(invoice.amount):,.2f}"])
    grid = Table(rows, colWidths=[380, 110])
    grid.setStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                   ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                   ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold")])
    story = [
        Paragraph(f"Invoice {invoice.id}: {invoice.name}", styles["Title"]),
        Paragraph(f"Billed to: {org.name if org else invoice.ow_id} (owId {invoice.ow_id})", styles["Normal"]),
        Paragraph(f"Period: {invoice.period_start.isoformat()} to {invoice.period_end.isoformat()} (UTC)",
                  styles["Normal"]),
        Paragraph(f"Issued: {as_utc(invoice.issued_at).date().isoformat()}; payment term "
                  f"{invoice.payment_term_days} days; status {status}; paid {Decimal(invoice.paid_amount):,.2f}",
                  styles["Normal"]),
        Spacer(1, 12), grid,
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=letter, title=invoice.name).build(story)
    return buffer.getvalue()


JOB_KINDS = [periodic("finance-invoicing", invoicing_pass, interval_seconds=3600.0,
                      description="issue each organization's invoice for every month that is over")]
