"""HTTP endpoints of IQM's Finance API credits: offer, edit, revoke (workspace admins), claim, lists, summary."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import Field

from adplane.auth.deps import PrincipalDep
from adplane.auth.schemas import EMAIL_PATTERN
from adplane.core.clock import from_epoch_ms
from adplane.core.deps import SessionDep
from adplane.core.envelopes import V3, v3
from adplane.core.schemas import MAX_DB_INT, DbId, EpochMs, WireModel
from adplane.finance import credits
from adplane.finance.responses import CreditList, CreditSummary, CustomerCredit

router = APIRouter(tags=["Finance API"])

CreditAmount = Annotated[Decimal, Field(gt=0, le=credits.MAX_CREDIT, decimal_places=2)]
Text = Annotated[str | None, Field(default=None, max_length=255)]


class CreditOffer(WireModel):
    ow_id: DbId
    credit_amount: CreditAmount
    expires_at: EpochMs | None = None  # adplane: an offer that lapses unclaimed (epoch milliseconds)


class CreditEdit(WireModel):
    ow_id: DbId
    credit_id: DbId
    credit_amount: CreditAmount


class CreditRevoke(WireModel):
    ow_id: DbId
    credit_id: DbId


class CreditClaim(WireModel):
    credit_id: DbId
    customer_name: Text = None
    business_name: Text = None
    tax_id: Annotated[str | None, Field(max_length=64)] = None
    contact_person_name: Text = None
    contact_person_email: Annotated[str | None, Field(max_length=320, pattern=EMAIL_PATTERN)] = None
    incorporation_place: Text = None
    address: Annotated[str | None, Field(max_length=1000)] = None


OwIdPath = Annotated[int, Path(ge=1, le=MAX_DB_INT)]


@router.get("/api/v3/fa/credit-summary/{owId}", response_model=V3[CreditSummary])
def credit_summary(owId: OwIdPath, principal: PrincipalDep, session: SessionDep,  # wire name
                   isCustomerRequest: bool = True) -> dict:  # wire name
    """Claimed credit and how much of it charges have used (an organization's own, or a customer's)."""
    return v3(credits.summary(session, principal, owId))


@router.get("/api/v3/fa/credits/list", response_model=V3[CreditList])
def offered_credits(principal: PrincipalDep, session: SessionDep,
                    pageNo: Annotated[int, Query(ge=1, le=1_000_000)] = 1,  # wire name
                    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
                    sortBy: Annotated[str | None, Query(max_length=200)] = None) -> dict:  # wire name
    """Credits offered to the caller's organization."""
    return v3(credits.offered_to_me(session, principal, pageNo, limit, sortBy))


@router.get("/api/v3/fa/customer/credits/list", response_model=V3[list[CustomerCredit]])
def customer_credits(principal: PrincipalDep, session: SessionDep,
                     owId: Annotated[int, Query(ge=1, le=MAX_DB_INT)]) -> dict:  # wire name
    """Credits a workspace admin has offered one of its organizations."""
    return v3(credits.customer_credits(session, principal, owId))


@router.post("/api/v3/fa/customer/credit/add", response_model=V3[str])
def add_credit(body: CreditOffer, principal: PrincipalDep, session: SessionDep) -> dict:
    expires = from_epoch_ms(body.expires_at) if body.expires_at is not None else None
    credits.offer(session, principal, body.ow_id, body.credit_amount, expires)
    return v3("Credits offered Successfully.")


@router.patch("/api/v3/fa/customer/credit/edit", response_model=V3[str])
def edit_credit(body: CreditEdit, principal: PrincipalDep, session: SessionDep) -> dict:
    credits.edit(session, principal, body.ow_id, body.credit_id, body.credit_amount)
    return v3("Credits updated Successfully.")


@router.post("/api/v3/fa/customer/credit/revoke", response_model=V3[str])
def revoke_credit(body: CreditRevoke, principal: PrincipalDep, session: SessionDep) -> dict:
    credits.revoke(session, principal, body.ow_id, body.credit_id)
    return v3("Credits revoked Successfully.")


@router.post("/api/v3/fa/credit/claim", response_model=V3[str])
def claim_credit(body: CreditClaim, principal: PrincipalDep, session: SessionDep) -> dict:
    """Claim a credit offered to the caller's organization: its ledger is credited once."""
    details = body.model_dump(by_alias=True, exclude={"credit_id"}, exclude_none=True)
    credits.claim(session, principal, body.credit_id, details)
    return v3("Credits claimed.")
