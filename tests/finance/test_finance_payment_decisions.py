"""Cheque and wire payments: the workspace admin approves (the ledger is credited once), rejects or cancels them;
customers' payments list; IQM's request samples as-is, bad input, isolation."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from adplane.auth.models import FundsLedgerEntry
from conftest import login

ADD = "/api/v3/fa/payment/add-fund"
CUSTOMER_LIST = "/api/v3/fa/customer/payments/list"
BALANCE = "/api/v3/fa/available-balance"


def decide(action: str, payment_id: int) -> str:
    return f"/api/v3/fa/customer/payment/{action}/{payment_id}"


def cheque(client, headers, amount: str = "250.75") -> int:  # noqa: ANN001
    body = {"paymentAmount": amount, "paymentDate": "2026-02-01", "paymentMode": "2", "bankName": "First Bank"}
    assert client.post(ADD, headers=headers, data=body).status_code == 200
    rows = client.get("/api/v3/fa/payments/list", headers=headers, params={"sortBy": "-paymentId"}).json()
    return rows["data"]["data"][0]["paymentId"]


def ledger(db, ow_id: int) -> list[tuple[Decimal, str]]:  # noqa: ANN001
    with db.session() as session:
        return [(e.amount, e.kind) for e in session.scalars(select(FundsLedgerEntry).where(
            FundsLedgerEntry.ow_id == ow_id))]


def test_the_workspace_admin_approves_a_customers_cheque_once(client, db, headers, make_tenant) -> None:  # noqa: ANN001
    customer = make_tenant(organization="Customer", email="admin@customer.test")
    customer_headers = login(client, customer)
    payment_id = cheque(client, customer_headers)
    # the customer cannot approve its own cheque
    refused = client.post(decide("approve", payment_id), headers=customer_headers,
                          data={"owId": customer["owId"], "actionNote": "mine"})
    assert refused.status_code == 403 and ledger(db, customer["owId"]) == []
    # IQM's request sample, as a form
    approved = client.post(decide("approve", payment_id), headers=headers,
                           data={"owId": customer["owId"], "actionNote": "Payment paid partially"})
    assert approved.status_code == 200, approved.text
    assert approved.json() == {"success": True, "data": "Payment approved Successfully."}
    assert ledger(db, customer["owId"]) == [(Decimal("250.75"), "payment")]
    assert client.get(BALANCE, headers=customer_headers).json()["data"] == 250.75
    again = client.post(decide("approve", payment_id), headers=headers, data={"owId": customer["owId"]})
    assert again.status_code == 422 and again.json()["errorObjects"][0]["field"] == "paymentId"
    assert ledger(db, customer["owId"]) == [(Decimal("250.75"), "payment")]  # never twice
    listed = client.get(CUSTOMER_LIST, headers=headers, params={"owId": customer["owId"]}).json()["data"]
    (row,) = listed["data"]
    assert row["paymentStatus"] == "Paid" and row["modifiedByUserEmail"] == "admin@a.test"
    assert row["organizationName"] == "Customer" and row["transactionId"].startswith("sandbox-")


def test_reject_and_cancel_move_no_money(client, db, headers, make_tenant) -> None:  # noqa: ANN001
    customer = make_tenant(organization="Customer", email="admin@customer.test")
    customer_headers = login(client, customer)
    rejected_id, cancelled_id, own_cancel_id = (cheque(client, customer_headers, a) for a in ("10", "20", "30"))
    rejected = client.post(decide("reject", rejected_id), headers=headers,
                           data={"owId": customer["owId"], "actionNote": "bounced"})
    assert rejected.json() == {"success": True, "data": "Payment rejected Successfully."}
    # IQM's cancel sample carries owId and actionNote as query-like form fields; query parameters work too
    cancelled = client.post(decide("cancel", cancelled_id), headers=headers,
                            params={"owId": customer["owId"], "actionNote": "duplicate"})
    assert cancelled.json() == {"success": True, "data": "Payment cancelled Successfully."}
    # the paying organization may withdraw its own, but not reject it
    assert client.post(decide("reject", own_cancel_id), headers=customer_headers).status_code == 403
    own = client.post(decide("cancel", own_cancel_id), headers=customer_headers, data={"actionNote": "sent twice"})
    assert own.status_code == 200
    assert ledger(db, customer["owId"]) == []
    approve_rejected = client.post(decide("approve", rejected_id), headers=headers)
    assert approve_rejected.status_code == 422 and "Rejected" in approve_rejected.json()["errorObjects"][0]["error"]
    statuses = client.get(CUSTOMER_LIST, headers=headers, params={"sortBy": "paymentId"}).json()["data"]["data"]
    assert [r["paymentStatus"] for r in statuses] == ["Rejected", "Cancelled", "Cancelled"]
    only_cancelled = client.get(CUSTOMER_LIST, headers=headers, params={"status": "4"}).json()["data"]
    assert only_cancelled["filteredRecords"] == 2 and only_cancelled["totalRecords"] == 3


def test_customer_lists_sort_search_and_are_for_workspace_admins(client, headers, make_tenant) -> None:  # noqa: ANN001
    first = make_tenant(organization="Alpha Customer", email="a@alpha.test")
    second = make_tenant(organization="Beta Customer", email="b@beta.test")
    cheque(client, login(client, first), "5")
    cheque(client, login(client, second), "7")
    cheque(client, headers, "9")  # the workspace's own
    every = client.get(CUSTOMER_LIST, headers=headers, params={"sortBy": "-paymentAmount"}).json()["data"]
    assert [r["paymentAmount"] for r in every["data"]] == [9, 7, 5] and every["totalRecords"] == 3
    by_name = client.get(CUSTOMER_LIST, headers=headers, params={"sortBy": "organizationName"}).json()["data"]
    assert [r["organizationName"] for r in by_name["data"]] == ["Alpha Customer", "Beta Customer", "Org A"]
    searched = client.get(CUSTOMER_LIST, headers=headers, params={"searchField": "beta"}).json()["data"]
    assert [r["organizationName"] for r in searched["data"]] == ["Beta Customer"]
    one = client.get(CUSTOMER_LIST, headers=headers, params={"owId": first["owId"], "limit": 1}).json()["data"]
    assert one["totalRecords"] == 1 and one["data"][0]["owId"] == first["owId"]
    assert client.get(CUSTOMER_LIST, headers=login(client, first)).status_code == 403


def test_other_workspaces_payments_are_404_and_bad_input_422(client, db, headers, make_tenant) -> None:  # noqa: ANN001
    foreign = make_tenant(host="ws2.test", organization="Foreign", email="admin@foreign.test")
    foreign_headers = login(client, foreign)
    foreign_payment = cheque(client, foreign_headers)
    for action in ("approve", "reject", "cancel"):
        for payment_id in (foreign_payment, 999_999):
            answer = client.post(decide(action, payment_id), headers=headers)
            assert answer.status_code == 404 and answer.json()["errorObjects"][0]["field"] == "paymentId"
    assert client.get(CUSTOMER_LIST, headers=headers, params={"owId": foreign["owId"]}).status_code == 404
    assert ledger(db, foreign["owId"]) == []
    own = cheque(client, headers)
    wrong_org = client.post(decide("approve", own), headers=headers, data={"owId": foreign["owId"]})
    assert wrong_org.status_code == 404
    for data, field in (({"owId": "abc"}, "owId"), ({"owId": "0"}, "owId"), ({"actionNote": "x" * 1001}, "actionNote")):
        answer = client.post(decide("approve", own), headers=headers, data=data)
        assert answer.status_code == 422 and answer.json()["errorObjects"][0]["field"] == field, answer.text
    for bad, status in (("0", 422), (str(2**40), 422), ("abc", 404)):  # a non-number is a path not served
        assert client.post(decide("approve", bad), headers=headers).status_code == status
    for params in ({"sortBy": "nope"}, {"status": "x"}, {"limit": "0"}):
        answer = client.get(CUSTOMER_LIST, headers=headers, params=params)
        assert answer.status_code == 422, params
    assert client.post(decide("approve", own), headers={"X-IAA-OW-ID": "1"}).status_code == 401
