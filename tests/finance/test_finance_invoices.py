"""Monthly invoices: issued from the ledger's charges once a month is over, each charge invoiced once (late ones on
the next invoice), listed and downloaded as PDF and CSV; prepaid paid, postpaid unpaid then overdue; isolation."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from adplane.auth.models import FundsLedgerEntry
from adplane.auth.organizations import change_funds
from adplane.core.clock import clock
from adplane.finance.credits import CHARGE_KINDS
from adplane.finance.invoices import issue_invoices
from adplane.finance.models import PAYMENT_TYPE_PREPAID, Invoice, InvoicedEntry
from adplane.finance.spend import post_spend, set_payment_type
from adplane.simulator.simulation import simulate_period
from conftest import login
from test_events_ingest import make_campaign

START = datetime(2026, 3, 1, 5, tzinfo=UTC)
END = datetime(2026, 4, 30, 4, tzinfo=UTC)


def charges(db, ow_id: int) -> Decimal:
    with db.session() as session:
        total = session.scalar(select(func.coalesce(func.sum(FundsLedgerEntry.amount), 0)).where(
            FundsLedgerEntry.ow_id == ow_id, FundsLedgerEntry.kind.in_(CHARGE_KINDS)))
    return -Decimal(str(total))


def charge(db, ow_id: int, amount: str, reference: str, kind: str = "media_spend") -> None:
    with db.session() as session:
        change_funds(session, ow_id, -Decimal(amount), kind, reference, allow_negative=True)
        session.commit()


def test_a_month_of_delivery_is_invoiced_once_and_exactly(client, db, tenant, headers, store) -> None:  # noqa: ANN001
    ow = tenant["owId"]
    campaign = make_campaign(db, ow, start=START, end=END, budget_day=Decimal("30"))
    clock.set(datetime(2026, 3, 20, tzinfo=UTC))
    with db.session() as session:
        simulate_period(session, store, date(2026, 3, 1), date(2026, 3, 10), seed=4)
        post_spend(session, store)
        assert issue_invoices(session) == []  # March is not over
    charge(db, ow, "12.5", "pld:1", kind="insight_charge")
    clock.set(datetime(2026, 4, 2, tzinfo=UTC))
    with db.session() as session:
        (march,) = issue_invoices(session)
        assert issue_invoices(session) == []  # issued once
        march_id, march_amount = march.id, Decimal(march.amount)
    assert march_amount == charges(db, ow) > Decimal("12.5")  # exact: every charge, nothing twice

    listed = client.get(f"/api/v3/fa/invoice/list/{ow}", headers=headers).json()["data"]
    (row,) = listed["data"]
    assert row["invoiceId"] == march_id and row["status"] == 3 and row["paidAmount"] == 0  # postpaid: unpaid
    assert row["invoiceFromDate"] == int(datetime(2026, 3, 1, tzinfo=UTC).timestamp())
    assert row["invoiceToDate"] == int(datetime(2026, 3, 31, tzinfo=UTC).timestamp())
    assert row["invoiceName"] == "Org A - Mar2026" and row["paymentTerm"] == 30

    as_csv = client.get(f"/api/v3/fa/download-invoice/{ow}/{march_id}", headers=headers,
                        params={"isCustomerRequest": "true", "fileType": "csv"})
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert sum(Decimal(r["amount"]) for r in lines if r["kind"] != "total") == march_amount
    assert {r["kind"] for r in lines} >= {"media_spend", "insight_charge", "total"}
    assert {r["campaignId"] for r in lines if r["kind"] == "media_spend"} == {str(campaign["campaign_id"])}
    # IQM's request sample: a PDF
    pdf = client.get(f"/api/v3/fa/download-invoice/{ow}/{march_id}?isCustomerRequest=true", headers=headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf.headers["content-disposition"]

    # a late charge for March lands on April's invoice; thirty days on, March is overdue
    charge(db, ow, "0.000123", f"media_spend:campaign:{campaign['campaign_id']}:2026-03-05")
    clock.set(datetime(2026, 5, 3, tzinfo=UTC))
    with db.session() as session:
        (april,) = issue_invoices(session)
        assert april.period_start == date(2026, 4, 1) and Decimal(april.amount) == Decimal("0.000123")
        assert session.scalar(select(func.count()).select_from(InvoicedEntry)) == session.scalar(
            select(func.count()).select_from(FundsLedgerEntry).where(FundsLedgerEntry.kind.in_(CHARGE_KINDS)))
    overdue = client.get(f"/api/v3/fa/invoice/list/{ow}", headers=headers, params={"status": "5"}).json()["data"]
    assert [r["invoiceId"] for r in overdue["data"]] == [march_id] and overdue["totalRecords"] == 2
    unpaid = client.get(f"/api/v3/fa/invoice/list/{ow}", headers=headers, params={"status": "3"}).json()["data"]
    assert [r["invoiceAmount"] for r in unpaid["data"]] == [0.000123]
    by_amount = client.get(f"/api/v3/fa/invoice/list/{ow}", headers=headers,
                           params={"sortBy": "invoiceAmount", "limit": 1}).json()["data"]
    assert by_amount["data"][0]["invoiceAmount"] == 0.000123 and by_amount["filteredRecords"] == 2
    searched = client.get(f"/api/v3/fa/invoice/list/{ow}", headers=headers, params={"searchField": "Apr2026"})
    assert [r["invoiceName"] for r in searched.json()["data"]["data"]] == ["Org A - Apr2026"]


def test_prepaid_invoices_are_paid_and_customers_see_their_own(client, db, headers, make_tenant) -> None:  # noqa: ANN001
    customer = make_tenant(organization="Customer", email="admin@customer.test")
    with db.session() as session:
        set_payment_type(session, customer["owId"], PAYMENT_TYPE_PREPAID)
        session.commit()
    charge(db, customer["owId"], "40.25", "media_spend:campaign:1:2026-01-15")
    clock.set(datetime(2026, 2, 1, 1, tzinfo=UTC))
    with db.session() as session:
        (invoice,) = issue_invoices(session)
        invoice_id = invoice.id
    mine = login(client, customer)
    (row,) = client.get(f"/api/v3/fa/invoice/list/{customer['owId']}", headers=mine).json()["data"]["data"]
    assert row["status"] == 4 and row["paidAmount"] == row["invoiceAmount"] == 40.25
    # the workspace admin sees the customer's; the customer cannot see the workspace's
    assert client.get(f"/api/v3/fa/invoice/list/{customer['owId']}", headers=headers).status_code == 200
    owner = client.get(f"/api/v3/fa/invoice/list/{client_ow(headers)}", headers=mine)
    assert owner.status_code == 404 and owner.json()["errorObjects"][0]["field"] == "owId"
    assert client.get(f"/api/v3/fa/download-invoice/{customer['owId']}/{invoice_id}", headers=mine).status_code == 200


def client_ow(headers: dict[str, str]) -> str:
    return headers["X-IAA-OW-ID"]


def test_other_workspaces_invoices_are_404_and_bad_input_422(client, db, headers, make_tenant) -> None:  # noqa: ANN001
    foreign = make_tenant(host="ws2.test", organization="Foreign", email="admin@foreign.test")
    charge(db, foreign["owId"], "5", "media_spend:campaign:1:2026-01-15")
    clock.set(datetime(2026, 2, 1, 1, tzinfo=UTC))
    with db.session() as session:
        (invoice,) = issue_invoices(session)
        foreign_invoice = invoice.id
    own = client_ow(headers)
    for url in (f"/api/v3/fa/invoice/list/{foreign['owId']}",
                f"/api/v3/fa/download-invoice/{foreign['owId']}/{foreign_invoice}"):
        response = client.get(url, headers=headers)
        assert response.status_code == 404 and response.json()["errorObjects"][0]["field"] == "owId"
    # the invoice id of another organization under one's own owId is a missing invoice
    response = client.get(f"/api/v3/fa/download-invoice/{own}/{foreign_invoice}", headers=headers)
    assert response.status_code == 404 and response.json()["errorObjects"][0]["field"] == "invoiceId"
    for params, field in (({"status": "x"}, "status"), ({"sortBy": "nope"}, "sortBy"), ({"limit": "0"}, "limit")):
        response = client.get(f"/api/v3/fa/invoice/list/{own}", headers=headers, params=params)
        assert response.status_code == 422 and response.json()["errorObjects"][0]["field"] == field
    bad_type = client.get(f"/api/v3/fa/download-invoice/{own}/1", headers=headers, params={"fileType": "doc"})
    assert bad_type.status_code == 422 and bad_type.json()["errorObjects"][0]["field"] == "fileType"
    statuses = client.get("/api/v3/fa/static/invoice-status", headers=headers).json()["data"]
    assert [s["id"] for s in statuses] == [1, 2, 3, 4, 5, 7, 8] and statuses[4]["label"] == "Overdue"
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Invoice)) == 1
