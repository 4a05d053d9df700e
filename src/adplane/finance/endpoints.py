"""HTTP endpoints of IQM's Finance API: available balance and the payment static lists."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from adplane.auth.deps import PrincipalDep
from adplane.core.deps import SessionDep
from adplane.core.envelopes import V3, v3
from adplane.core.schemas import MAX_DB_INT
from adplane.finance import catalog, service
from adplane.finance.responses import StaticItem

router = APIRouter(tags=["Finance API"])

OwId = Annotated[int | None, Query(ge=1, le=MAX_DB_INT, description="A customer's owId (workspace admins).")]


@router.get("/api/v3/fa/available-balance", response_model=V3[float])
def available_balance(principal: PrincipalDep, session: SessionDep, owId: OwId = None,  # noqa: N803 - wire name
                      isCustomerRequest: bool = False) -> dict:  # noqa: N803 - wire name
    """The organization's balance in dollars (its own, or a customer's for a workspace admin)."""
    return v3(float(service.available_balance(session, principal, owId)))


@router.get("/api/v3/fa/static/payment-type", response_model=V3[list[StaticItem]])
def payment_types(principal: PrincipalDep) -> dict:
    return v3(catalog.PAYMENT_TYPES)


@router.get("/api/v3/fa/static/payment-status", response_model=V3[list[StaticItem]])
def payment_statuses(principal: PrincipalDep) -> dict:
    return v3(catalog.PAYMENT_STATUSES)
