"""IQM's PayPal payment (Finance API): begin a checkout, and the return/cancel URLs PayPal sends the payer to.
The rules are in `finance.paypal`; the provider is the sandbox of `finance.providers`."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request

from adplane.auth.deps import PrincipalDep
from adplane.core.deps import SessionDep, SettingsDep
from adplane.core.envelopes import V3, v3
from adplane.core.errors import ValidationFailed
from adplane.finance import paypal
from adplane.finance.providers import default_provider

router = APIRouter(tags=["Finance API"])

PAYMENT_BODY = {"content": {
    "application/json": {"schema": {"type": "object", "required": ["paymentAmount"],
                                    "properties": {"paymentAmount": {"type": "number"}}},
                         "example": {"paymentAmount": 1}},
    "application/x-www-form-urlencoded": {"schema": {"type": "object", "required": ["paymentAmount"],
                                                     "properties": {"paymentAmount": {"type": "number"}}}},
}}
Token = Annotated[str, Path(max_length=2000)]


async def _payment_amount(request: Request) -> Any:
    """`paymentAmount` of a JSON body (the specification) or a form (the guide's sample)."""
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        try:
            form = await request.form(max_files=0, max_fields=20)
        except HTTPException as exc:
            raise ValidationFailed(str(exc.detail), field="body") from None
        return form.get("paymentAmount")
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else {}
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed("The body must be JSON.", field="body") from None
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be a JSON object.", field="body")
    return body.get("paymentAmount")


@router.post(paypal.PATH, response_model=V3[str], openapi_extra={"requestBody": PAYMENT_BODY})
async def paypal_payment(request: Request, principal: PrincipalDep, settings: SettingsDep) -> dict:
    """Answers the PayPal approval link (a sandbox: the link completes the checkout itself)."""
    amount = paypal.amount_of(await _payment_amount(request))
    return v3(paypal.begin(settings, principal, amount, default_provider()))


@router.get(paypal.PATH + "/{internalToken}/success", response_model=V3[str])
def paypal_success(internalToken: Token, session: SessionDep, settings: SettingsDep,  # noqa: N803
                   paymentId: Annotated[str | None, Query(max_length=200)] = None,  # wire name
                   PayerID: Annotated[str | None, Query(max_length=200)] = None) -> dict:  # noqa: N803 wire name
    """PayPal's return URL (no bearer token: the signed token is the credential)."""
    return v3(paypal.complete(session, settings, internalToken, paymentId))


@router.get(paypal.PATH + "/{internalToken}/cancel", response_model=V3[str])
def paypal_cancel(internalToken: Token, session: SessionDep, settings: SettingsDep) -> dict:  # noqa: N803
    return v3(paypal.cancel(session, settings, internalToken))
