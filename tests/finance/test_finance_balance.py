"""Finance API: the available balance follows the ledger, customers' balances are visible to workspace admins
only, and the payment static lists are IQM's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from adplane.auth.models import FundsLedgerEntry, Organization
from adplane.auth.organizations import change_funds
from conftest import login

BALANCE = "/api/v3/fa/available-balance"


def _fund(db, ow_id: int, *amounts: str) -> None:  # noqa: ANN001
    with db.session() as session:
        for number, amount in enumerate(amounts):
            change_funds(session, ow_id, Decimal(amount), "funds_added", f"test-{number}")
        session.commit()


def test_balance_is_the_sum_of_the_ledger(client, db, tenant: dict[str, Any], headers) -> None:
    assert client.get(BALANCE, headers=headers).json() == {"success": True, "data": 0.0}
    _fund(db, tenant["owId"], "5000", "855904.72", "-0.5")
    response = client.get(BALANCE, headers=headers, params={"isCustomerRequest": "false"})
    assert response.status_code == 200, response.text
    assert response.json() == {"success": True, "data": 855904.72 + 5000 - 0.5}
    with db.session() as session:
        entries = session.query(FundsLedgerEntry).filter_by(ow_id=tenant["owId"]).all()
        assert sum(entry.amount for entry in entries) == session.get(Organization, tenant["owId"]).funds_balance


def test_iqm_example_query_and_customer_balances(client, db, tenant, headers, make_tenant) -> None:  # noqa: ANN001
    customer = make_tenant(organization="Customer", email="admin@customer.test")
    _fund(db, customer["owId"], "120.25")
    # IQM's example query: a workspace admin viewing a customer's balance
    seen = client.get(BALANCE, headers=headers, params={"owId": customer["owId"], "isCustomerRequest": "true"})
    assert seen.status_code == 200 and seen.json()["data"] == 120.25
    # the customer sees its own, and not its workspace owner's
    customer_headers = login(client, customer)
    assert client.get(BALANCE, headers=customer_headers).json()["data"] == 120.25
    hidden = client.get(BALANCE, headers=customer_headers, params={"owId": tenant["owId"], "isCustomerRequest": "true"})
    assert hidden.status_code == 404 and hidden.json()["errorObjects"][0]["field"] == "owId"


def test_other_workspaces_and_missing_organizations_are_the_same_404(client, headers, make_tenant) -> None:  # noqa: ANN001
    foreign = make_tenant(host="ws2.test", organization="Foreign", email="admin@foreign.test")
    answers = [client.get(BALANCE, headers=headers, params={"owId": ow_id, "isCustomerRequest": "true"})
               for ow_id in (foreign["owId"], 999_999)]
    assert [a.status_code for a in answers] == [404, 404]
    assert answers[0].json()["errorObjects"] == [{**answers[1].json()["errorObjects"][0],
                                                  "error": answers[0].json()["errorObjects"][0]["error"]}]


def test_bad_input_is_a_422_naming_the_field(client, headers) -> None:
    for params in ({"owId": "abc"}, {"owId": "0"}, {"owId": str(2**40)}, {"isCustomerRequest": "maybe"}):
        response = client.get(BALANCE, headers=headers, params=params)
        assert response.status_code == 422, (params, response.text)
        assert response.json()["errorObjects"][0]["field"] == next(iter(params))


def test_payment_static_lists(client, headers) -> None:
    types = client.get("/api/v3/fa/static/payment-type", headers=headers).json()["data"]
    assert [(t["name"], t["id"], t["label"]) for t in types] == [
        ("as_fund", 1, "As Fund"), ("against_invoice", 2, "Against Invoice"), ("refund", 3, "Refund")]
    statuses = client.get("/api/v3/fa/static/payment-status", headers=headers).json()["data"]
    assert [s["name"] for s in statuses] == ["processing", "paid", "rejected", "cancelled"]
    assert client.get("/api/v3/fa/static/payment-type").status_code == 401
