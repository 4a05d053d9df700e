"""HTTP endpoints of IQM's Finance API: balance, payments (add, list, approve/reject/cancel), static lists."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from pydantic import Field

from adplane.auth.deps import PrincipalDep
from adplane.core.clock import from_epoch_ms
from adplane.core.deps import SessionDep
from adplane.core.envelopes import V3, v3
from adplane.core.errors import ValidationFailed
from adplane.core.schemas import MAX_DB_INT, MAX_EPOCH_MS, DbId, WireModel
from adplane.finance import catalog, ledger, service
from adplane.finance.models import STATUS_PAID
from adplane.finance.providers import default_provider
from adplane.finance.responses import LedgerList, MarginList, PaymentList, StaticItem

router = APIRouter(tags=["Finance API"])

OwId = Annotated[int | None, Query(ge=1, le=MAX_DB_INT, description="A customer's owId (workspace admins).")]


@router.get("/api/v3/fa/available-balance", response_model=V3[float])
def available_balance(principal: PrincipalDep, session: SessionDep, owId: OwId = None,  # wire name
                      isCustomerRequest: bool = False) -> dict:  # wire name
    """The organization's balance in dollars (its own, or a customer's for a workspace admin)."""
    return v3(float(service.available_balance(session, principal, owId)))


@router.get("/api/v3/fa/static/payment-type", response_model=V3[list[StaticItem]])
def payment_types(principal: PrincipalDep) -> dict:
    return v3(catalog.PAYMENT_TYPES)


@router.get("/api/v3/fa/static/payment-status", response_model=V3[list[StaticItem]])
def payment_statuses(principal: PrincipalDep) -> dict:
    return v3(catalog.PAYMENT_STATUSES)


@router.get("/api/v3/fa/static/invoice-payment-modes", response_model=V3[list[StaticItem]])
def payment_modes(principal: PrincipalDep) -> dict:
    return v3(catalog.PAYMENT_MODES)


MAX_PAYMENT = Decimal("100000000")  # one payment above $100M is a typo, not a top-up
FormText = Annotated[str | None, Form(max_length=255)]


def _amount(raw: str | None) -> Decimal:
    try:
        amount = Decimal((raw or "").strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount <= 0 or amount > MAX_PAYMENT or amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed("paymentAmount must be a positive amount in dollars with at most 2 decimals.",
                               field="paymentAmount")
    return amount


def _date(raw: str | None) -> date:
    text = (raw or "").strip()
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text).date()
    except ValueError:
        raise ValidationFailed("paymentDate must be a date in YYYY-MM-DD format.", field="paymentDate") from None


def _mode(raw: str | None) -> int:
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) < 10):
        raise ValidationFailed("paymentMode must be a payment mode id.", field="paymentMode")
    return int(text)


@router.post("/api/v3/fa/payment/add-fund", response_model=V3[str])
def add_fund(request: Request, principal: PrincipalDep, session: SessionDep,
             paymentAmount: FormText = None, paymentDate: FormText = None,  # wire names
             paymentMode: FormText = None, bankName: FormText = None) -> dict:
    """Add funds from the caller's organization (form fields, or the same names as query parameters)."""
    query = request.query_params
    payment = service.add_fund(
        session, principal,
        amount=_amount(paymentAmount if paymentAmount is not None else query.get("paymentAmount")),
        payment_date=_date(paymentDate if paymentDate is not None else query.get("paymentDate")),
        mode_id=_mode(paymentMode if paymentMode is not None else query.get("paymentMode")),
        bank_name=bankName if bankName is not None else query.get("bankName"),
        provider=default_provider(),
    )
    return v3("Payment Successful." if payment.status_id == STATUS_PAID else "Payment submitted for approval.")


StatusQuery = Annotated[str | None, Query(max_length=200)]
SearchQuery = Annotated[str | None, Query(max_length=2000)]
PageQuery = Annotated[int, Query(ge=1, le=1_000_000)]
LimitQuery = Annotated[int, Query(ge=1, le=1000)]
SortQuery = Annotated[str | None, Query(max_length=200)]


@router.get("/api/v3/fa/payments/list", response_model=V3[PaymentList])
def list_payments(principal: PrincipalDep, session: SessionDep, status: StatusQuery = None,
                  paymentType: StatusQuery = None, searchField: SearchQuery = None,  # wire names
                  pageNo: PageQuery = 1, limit: LimitQuery = 10, sortBy: SortQuery = None) -> dict:  # wire names
    """The caller's organization's payments, last changed first."""
    return v3(service.list_payments(session, principal, status, paymentType, searchField, pageNo, limit,
                                    sort_by=sortBy))


@router.get("/api/v3/fa/customer/payments/list", response_model=V3[PaymentList])
def list_customer_payments(principal: PrincipalDep, session: SessionDep, owId: OwId = None,  # wire name
                           status: StatusQuery = None, paymentType: StatusQuery = None,  # wire name
                           searchField: SearchQuery = None, pageNo: PageQuery = 1,  # wire names
                           limit: LimitQuery = 10, sortBy: SortQuery = None) -> dict:  # wire name
    """A workspace admin's view of its customers' payments (one customer with `owId`, else all of them)."""
    ow_ids = service.customer_ow_ids(session, principal, owId)
    return v3(service.list_payments(session, principal, status, paymentType, searchField, pageNo, limit,
                                    sort_by=sortBy, ow_ids=ow_ids))


EpochMsQuery = Annotated[int | None, Query(ge=0, le=MAX_EPOCH_MS, description="Epoch milliseconds (inclusive).")]
LEDGER_DESCRIPTION = """adplane's extension: IQM publishes no call that lists ledger entries.

Every change to the caller's organization's funds, newest first: payments, claimed credits, top-ups, delivery
charged per campaign and UTC day (`media_spend`, `data_cost`, `platform_fee`), insight charges and refunds.
`amount` is signed dollars (+ credits the balance, - charges it) and `balanceAfter` the balance right after the
entry, so the newest entry's `balanceAfter` is `/api/v3/fa/available-balance`. `kinds` filters by ledger kind
(comma-separated; an unknown kind is a 422 naming `kinds`), `startDate`/`endDate` by creation time (epoch
milliseconds, inclusive); `summary` adds up the filtered entries. Only the caller's organization (`X-IAA-OW-ID`)."""


@router.get("/api/v3/fa/ledger/list", response_model=V3[LedgerList], summary="List ledger entries (adplane)",
            description=LEDGER_DESCRIPTION)
def list_ledger(principal: PrincipalDep, session: SessionDep, pageNo: PageQuery = 1,  # wire names
                noOfEntries: Annotated[int, Query(ge=1, le=500)] = 20, sortBy: SortQuery = None,
                kinds: Annotated[str | None, Query(max_length=500)] = None,
                startDate: EpochMsQuery = None, endDate: EpochMsQuery = None) -> dict:
    return v3(ledger.list_ledger(session, principal.ow_id, page_no=pageNo, no_of_entries=noOfEntries,
                                 sort_by=sortBy, kinds=kinds, start=from_epoch_ms(startDate, "startDate"),
                                 end=from_epoch_ms(endDate, "endDate")))


def _form_owid(raw: str | None) -> int | None:
    text = (raw or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and len(text) < 10 and 1 <= int(text) <= MAX_DB_INT):
        raise ValidationFailed("owId must be an organization id.", field="owId")
    return int(text)


PaymentIdPath = Annotated[int, Path(ge=1, le=MAX_DB_INT)]
NoteForm = Annotated[str | None, Form(max_length=1000)]


def _decide(action: str, request: Request, principal: PrincipalDep, session: SessionDep, payment_id: int,
            owId: FormText, actionNote: NoteForm) -> dict:  # wire names
    query = request.query_params
    ow_id = _form_owid(owId if owId is not None else query.get("owId"))
    note = actionNote if actionNote is not None else query.get("actionNote")
    if note is not None and len(note) > 1000:
        raise ValidationFailed("actionNote must be at most 1000 characters.", field="actionNote")
    return v3(service.decide_payment(session, principal, payment_id, ow_id, action, note))


@router.post("/api/v3/fa/customer/payment/approve/{paymentId}", response_model=V3[str])
def approve_payment(request: Request, principal: PrincipalDep, session: SessionDep, paymentId: PaymentIdPath,
                    owId: FormText = None, actionNote: NoteForm = None) -> dict:  # wire names
    """Confirm a cheque or wire payment arrived: it becomes Paid and credits the ledger once."""
    return _decide("approve", request, principal, session, paymentId, owId, actionNote)


@router.post("/api/v3/fa/customer/payment/reject/{paymentId}", response_model=V3[str])
def reject_payment(request: Request, principal: PrincipalDep, session: SessionDep, paymentId: PaymentIdPath,
                   owId: FormText = None, actionNote: NoteForm = None) -> dict:  # wire names
    """Refuse a processing payment (no money moves)."""
    return _decide("reject", request, principal, session, paymentId, owId, actionNote)


@router.post("/api/v3/fa/customer/payment/cancel/{paymentId}", response_model=V3[str])
def cancel_payment(request: Request, principal: PrincipalDep, session: SessionDep, paymentId: PaymentIdPath,
                   owId: FormText = None, actionNote: NoteForm = None) -> dict:  # wire names
    """Withdraw a processing payment (the workspace admin, or the organization that made it)."""
    return _decide("cancel", request, principal, session, paymentId, owId, actionNote)


class MarginEdit(WireModel):
    ow_id: DbId
    margin_type_id: DbId = 1
    margin_value: Annotated[Decimal, Field(ge=0, lt=100, decimal_places=4)]


@router.get("/api/v3/fa/customer/view-margin", response_model=V3[MarginList])
def view_margin(principal: PrincipalDep, session: SessionDep,
                owId: Annotated[int, Query(ge=1, le=MAX_DB_INT)],  # wire name
                marginTypeIds: Annotated[str | None, Query(max_length=200)] = None) -> dict:  # wire name
    """The workspace's margin on one of its organizations (workspace admins)."""
    return v3(service.view_margin(session, principal, owId, marginTypeIds))


@router.post("/api/v3/fa/customer/edit-margin", response_model=V3[str])
def edit_margin(body: MarginEdit, principal: PrincipalDep, session: SessionDep) -> dict:
    service.edit_margin(session, principal, body.ow_id, body.margin_type_id, body.margin_value)
    return v3("Customer margin updated successfully.")
