"""Finance API payments: add-fund through the sandbox provider (IQM's example form as-is), the ledger credited
exactly once for a settled payment, the payments list with its filters and paging, bad input, isolation."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from adplane.auth.models import FundsLedgerEntry, Organization
from adplane.finance.models import Payment
from conftest import login

ADD = "/api/v3/fa/payment/add-fund"
LIST = "/api/v3/fa/payments/list"
BALANCE = "/api/v3/fa/available-balance"
# IQM's request sample (Finance API guide, "Add Payment from Organization App"), unchanged
IQM_EXAMPLE = {"paymentAmount": "1250.50", "paymentDate": "2025-10-07T12:00:00Z", "paymentMode": "2",
               "bankName": "ICICI Bank"}


def _ledger(db, ow_id: int) -> list[tuple[Decimal, str, str | None]]:  # noqa: ANN001
    with db.session() as session:
        rows = session.scalars(select(FundsLedgerEntry).where(FundsLedgerEntry.ow_id == ow_id)).all()
        return [(row.amount, row.kind, row.reference) for row in rows]


def test_iqm_example_is_accepted_and_waits_for_the_cheque(client, db, tenant, headers) -> None:  # noqa: ANN001
    response = client.post(ADD, headers=headers, data=IQM_EXAMPLE)
    assert response.status_code == 200, response.text
    assert response.json() == {"success": True, "data": "Payment submitted for approval."}
    (row,) = client.get(LIST, headers=headers).json()["data"]["data"]
    assert row["paymentStatus"] == "Processing" and row["paymentMode"] == "Cheque" and row["paymentType"] == "As Fund"
    assert row["paymentAmount"] == 1250.5 and row["bankName"] == "ICICI Bank" and row["isPaymentInitiatorOrg"] is True
    assert row["paymentDate"] == 1759795200000  # 2025-10-07 00:00 UTC in epoch milliseconds
    assert row["createdByUserEmail"] == tenant["email"]
    assert _ledger(db, tenant["owId"]) == []  # nothing credited before the money arrives
    assert client.get(BALANCE, headers=headers).json()["data"] == 0.0


def test_a_settled_payment_credits_the_ledger_once(client, db, tenant, headers) -> None:  # noqa: ANN001
    # the spec's own example (query parameters, a YYYY-MM-DD date), through the sandbox's PayPal
    response = client.post(ADD, headers=headers,
                           params={"paymentAmount": "10000", "paymentDate": "2021-09-20", "paymentMode": "1"})
    assert response.json() == {"success": True, "data": "Payment Successful."}
    with db.session() as session:
        payment = session.scalars(select(Payment)).one()
        assert payment.provider == "sandbox" and payment.status_id == 2
        assert session.get(Organization, tenant["owId"]).funds_balance == Decimal("10000")
    assert _ledger(db, tenant["owId"]) == [(Decimal("10000"), "payment", f"payment:{payment.id}")]
    assert client.get(BALANCE, headers=headers).json()["data"] == 10000.0


def test_list_filters_search_sorts_and_pages(client, headers) -> None:  # noqa: ANN001
    for day, mode in (("2026-01-01", "1"), ("2026-01-03", "3"), ("2026-01-02", "1")):
        body = {"paymentAmount": "10", "paymentDate": day, "paymentMode": mode, "bankName": "Wire Bank"}
        assert client.post(ADD, headers=headers, data=body).status_code == 200
    page = client.get(LIST, headers=headers, params={"limit": 2, "pageNo": 1}).json()["data"]
    assert page["totalRecords"] == 3 and page["filteredRecords"] == 3
    # IQM's default order: the last changed first
    assert [row["paymentId"] for row in page["data"]] == sorted((row["paymentId"] for row in page["data"]),
                                                                 reverse=True)
    by_date = client.get(LIST, headers=headers, params={"sortBy": "-paymentDate"}).json()["data"]["data"]
    assert [row["paymentDate"] for row in by_date] == sorted((row["paymentDate"] for row in by_date), reverse=True)
    second = client.get(LIST, headers=headers, params={"limit": 2, "pageNo": 2}).json()["data"]["data"]
    assert len(second) == 1
    paid = client.get(LIST, headers=headers, params={"status": "2"}).json()["data"]
    assert paid["filteredRecords"] == 2 and {r["paymentStatus"] for r in paid["data"]} == {"Paid"}
    processing = client.get(LIST, headers=headers, params={"status": "1,4", "paymentType": "1"}).json()["data"]
    assert [r["paymentMode"] for r in processing["data"]] == ["Wire Transfer"]
    assert client.get(LIST, headers=headers, params={"searchField": "nobody@"}).json()["data"]["filteredRecords"] == 0


def test_bad_input_is_a_422_naming_the_field_and_changes_nothing(client, db, tenant, headers) -> None:  # noqa: ANN001
    good = {"paymentAmount": "10", "paymentDate": "2026-01-01", "paymentMode": "1"}
    cases = [("paymentAmount", "-5"), ("paymentAmount", "abc"), ("paymentAmount", "1.001"), ("paymentAmount", "NaN"),
             ("paymentAmount", "1e12"), ("paymentDate", "2026-13-01"), ("paymentDate", ""), ("paymentMode", "9"),
             ("paymentMode", "x"), ("paymentMode", "²")]
    for field, value in cases:
        response = client.post(ADD, headers=headers, data={**good, field: value})
        assert response.status_code == 422, (field, value, response.text)
        assert response.json()["errorObjects"][0]["field"] == field
    missing_bank = client.post(ADD, headers=headers, data={**good, "paymentMode": "3"})
    assert missing_bank.status_code == 422 and missing_bank.json()["errorObjects"][0]["field"] == "bankName"
    assert client.get(LIST, headers=headers, params={"status": "abc"}).status_code == 422
    assert client.get(LIST, headers=headers).json()["data"]["totalRecords"] == 0
    assert _ledger(db, tenant["owId"]) == []


def test_payments_are_the_callers_organizations_only(client, db, tenant, headers, make_tenant) -> None:  # noqa: ANN001
    assert client.post(ADD, headers=headers, data={"paymentAmount": "7", "paymentDate": "2026-01-01",
                                                   "paymentMode": "1"}).status_code == 200
    other = make_tenant(organization="Org B", email="admin@b.test")
    other_headers = login(client, other)
    assert client.get(LIST, headers=other_headers).json()["data"] == {"data": [], "totalRecords": 0,
                                                                       "filteredRecords": 0}
    assert client.get(BALANCE, headers=other_headers).json()["data"] == 0.0
    assert client.get(BALANCE, headers=headers).json()["data"] == 7.0
    assert client.post(ADD, data={"paymentAmount": "7", "paymentDate": "2026-01-01",
                                  "paymentMode": "1"}).status_code == 401
    modes = client.get("/api/v3/fa/static/invoice-payment-modes", headers=headers).json()["data"]
    assert [(m["name"], m["id"]) for m in modes] == [("paypal", 1), ("cheque", 2), ("wire_transfer", 3)]
