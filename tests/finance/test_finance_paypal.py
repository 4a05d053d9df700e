"""PayPal payments (POST /api/v3/fa/paypal/payment) through the sandbox provider: IQM's body as-is answers an
approval link; following it (the return URL) credits the organization once; a cancelled checkout never credits;
bad amounts and forged tokens change nothing; the payment lands only in its own organization."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlsplit

from sqlalchemy import select

from adplane.auth.models import FundsLedgerEntry
from adplane.finance.models import Payment
from types_contract import checked

PAYPAL = "/api/v3/fa/paypal/payment"
BALANCE = "/api/v3/fa/available-balance"
LIST = "/api/v3/fa/payments/list"


def _local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def _begin(client, headers, amount) -> str:  # noqa: ANN001
    body = checked(client, "POST", PAYPAL, headers=headers, json={"paymentAmount": amount})
    return body["data"]


def _balance(client, headers) -> float:  # noqa: ANN001
    return client.get(BALANCE, headers=headers).json()["data"]


def test_checkout_link_credits_once(client, db, tenant, headers):
    link = _begin(client, headers, 1)  # IQM's example body
    assert f"{PAYPAL}/" in link and "/success?paymentId=SANDBOX-EC-" in link and "PayerID=SANDBOX-PAYER" in link
    assert _balance(client, headers) == 0.0  # nothing before the payer approves
    first = checked(client, "GET", _local(link))
    assert first == {"success": True, "data": "Payment completed successfully."}
    assert client.get(_local(link)).json()["success"] is True  # followed twice: still one payment
    assert _balance(client, headers) == 1.0
    (row,) = client.get(LIST, headers=headers).json()["data"]["data"]
    assert (row["paymentMode"], row["paymentStatus"], row["paymentAmount"], row["createdByUserEmail"]) == \
        ("PayPal", "Paid", 1.0, tenant["email"])
    with db.session() as session:
        payment = session.scalars(select(Payment)).one()
        assert payment.provider == "sandbox" and payment.provider_reference.startswith("paypal-")
        ledger = session.scalars(select(FundsLedgerEntry)).all()
        assert [(e.amount, e.reference) for e in ledger] == [(Decimal("1"), f"payment:{payment.id}")]
    cancel = client.get(_local(link).split("/success")[0] + "/cancel")
    assert cancel.status_code == 422 and _balance(client, headers) == 1.0


def test_cancelled_checkout_never_credits(client, headers):
    link = _begin(client, headers, 250.75)
    cancel_url = _local(link).split("/success")[0] + "/cancel"
    assert checked(client, "GET", cancel_url) == {"success": True, "data": "Payment cancelled."}
    completed = client.get(_local(link))
    assert completed.status_code == 422 and completed.json()["errorObjects"][0]["field"] == "internalToken"
    assert _balance(client, headers) == 0.0
    (row,) = client.get(LIST, headers=headers).json()["data"]["data"]
    assert (row["paymentStatus"], row["paymentAmount"]) == ("Cancelled", 250.75)


def test_form_body_and_bad_amounts(client, headers):
    assert client.post(PAYPAL, headers=headers, data={"paymentAmount": "20"}).status_code == 200  # the guide's form
    for bad in ({"paymentAmount": 0}, {"paymentAmount": -5}, {"paymentAmount": "abc"}, {"paymentAmount": 1.234},
                {"paymentAmount": True}, {"paymentAmount": 10**12}, {}, [1]):
        response = client.post(PAYPAL, headers=headers, json=bad)
        assert response.status_code == 422, bad
        assert response.json()["errorObjects"][0]["field"] in ("paymentAmount", "body")
    not_json = client.post(PAYPAL, headers={**headers, "Content-Type": "application/json"}, content=b"{")
    assert not_json.status_code == 422
    assert client.post(PAYPAL, json={"paymentAmount": 1}).status_code == 401
    assert client.get(LIST, headers=headers).json()["data"]["data"] == []


def test_forged_or_foreign_tokens_change_nothing(client, tenant, headers, other_headers):
    link = _local(_begin(client, headers, 40))
    token = link.split(f"{PAYPAL}/")[1].split("/")[0]
    forged = link.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert client.get(forged).status_code == 404
    assert client.get(f"{PAYPAL}/not-a-token/success?paymentId=x&PayerID=y").status_code == 404
    assert client.get(link.split("?")[0]).status_code == 422  # no paymentId: PayPal always sends one
    # the checkout belongs to the organization that began it, whoever follows the link
    assert client.get(link).status_code == 200
    assert _balance(client, headers) == 40.0 and _balance(client, other_headers) == 0.0
    assert client.get(LIST, headers=other_headers).json()["data"]["data"] == []
