"""Credits: a workspace admin offers, edits, revokes; the organization claims once into its ledger; lists and the
credit summary; IQM's request samples as-is, bad input, isolation."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from adplane.auth.models import FundsLedgerEntry
from adplane.auth.organizations import change_funds
from adplane.core.clock import clock
from conftest import login

ADD = "/api/v3/fa/customer/credit/add"
EDIT = "/api/v3/fa/customer/credit/edit"
REVOKE = "/api/v3/fa/customer/credit/revoke"
CLAIM = "/api/v3/fa/credit/claim"
MINE = "/api/v3/fa/credits/list"
CUSTOMER = "/api/v3/fa/customer/credits/list"
# IQM's claim sample, with this test's credit id
CLAIM_SAMPLE = {"customerName": "JP test ", "businessName": "JP test org3", "taxId": "123456",
                "contactPersonName": "JP", "contactPersonEmail": "jinesh.p+nonihpcust2@iqm.com",
                "incorporationPlace": "Gujarat, India",
                "address": "A-123, XYZ Complex, Ahmedabad, Gujarat, India - 380059"}


def summary(client, headers, ow_id: int) -> dict:  # noqa: ANN001
    response = client.get(f"/api/v3/fa/credit-summary/{ow_id}", headers=headers,
                          params={"isCustomerRequest": "true"})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def credit_ledger(db, ow_id: int) -> list[tuple[Decimal, str, str]]:  # noqa: ANN001
    with db.session() as session:
        return [(e.amount, e.kind, e.reference) for e in session.scalars(select(FundsLedgerEntry).where(
            FundsLedgerEntry.ow_id == ow_id, FundsLedgerEntry.kind == "credit"))]


def test_offer_edit_claim_once_and_the_summary(client, db, headers, make_tenant) -> None:  # noqa: ANN001
    customer = make_tenant(organization="Customer", email="admin@customer.test")
    mine = login(client, customer)
    # IQM's add sample (its owId replaced by this customer's)
    added = client.post(ADD, headers=headers, json={"owId": customer["owId"], "creditAmount": 5000})
    assert added.json() == {"success": True, "data": "Credits offered Successfully."}
    (offered,) = client.get(MINE, headers=mine).json()["data"]["data"]
    assert offered["status"] == "Unclaimed" and offered["creditAmount"] == 5000
    assert offered["organizationName"] == "Org A"
    credit_id = offered["creditId"]
    edited = client.patch(EDIT, headers=headers, json={"owId": customer["owId"], "creditAmount": 4000,
                                                       "creditId": credit_id})
    assert edited.json() == {"success": True, "data": "Credits updated Successfully."}
    assert summary(client, mine, customer["owId"]) == {"usedCredit": 0, "totalCredit": 0}
    claimed = client.post(CLAIM, headers=mine, json={"creditId": credit_id, **CLAIM_SAMPLE})
    assert claimed.json() == {"success": True, "data": "Credits claimed."}
    assert credit_ledger(db, customer["owId"]) == [(Decimal("4000"), "credit", f"credit:{credit_id}")]
    again = client.post(CLAIM, headers=mine, json={"creditId": credit_id})
    assert again.status_code == 422 and again.json()["errorObjects"][0]["field"] == "creditId"
    assert len(credit_ledger(db, customer["owId"])) == 1
    assert client.get("/api/v3/fa/available-balance", headers=mine).json()["data"] == 4000
    # charges use the credit first
    with db.session() as session:
        change_funds(session, customer["owId"], Decimal("-1234.5"), "media_spend", "test")
        session.commit()
    assert summary(client, mine, customer["owId"]) == {"usedCredit": 1234.5, "totalCredit": 4000}
    assert summary(client, headers, customer["owId"])["totalCredit"] == 4000  # the workspace admin's view
    (row,) = client.get(CUSTOMER, headers=headers, params={"owId": customer["owId"]}).json()["data"]
    assert row["status"] == "Claimed" and row["owId"] == customer["owId"] and row["displayName"]
    # a claimed credit can be neither edited nor revoked
    for url, method, body in ((EDIT, "patch", {"creditAmount": 1}), (REVOKE, "post", {})):
        response = getattr(client, method)(url, headers=headers,
                                           json={"owId": customer["owId"], "creditId": credit_id, **body})
        assert response.status_code == 422


def test_revoked_and_expired_credits_cannot_be_claimed(client, db, headers, make_tenant) -> None:  # noqa: ANN001
    customer = make_tenant(organization="Customer", email="admin@customer.test")
    mine = login(client, customer)
    now_ms = int(clock.now().timestamp() * 1000)
    client.post(ADD, headers=headers, json={"owId": customer["owId"], "creditAmount": 100})
    client.post(ADD, headers=headers, json={"owId": customer["owId"], "creditAmount": 200,
                                            "expiresAt": now_ms + 3_600_000})
    revoked_id, expiring_id = sorted(c["creditId"] for c in client.get(MINE, headers=mine).json()["data"]["data"])
    revoked = client.post(REVOKE, headers=headers, json={"owId": customer["owId"], "creditId": revoked_id})
    assert revoked.json() == {"success": True, "data": "Credits revoked Successfully."}
    clock.advance(timedelta(hours=2))
    statuses = {c["creditId"]: c["status"] for c in client.get(MINE, headers=mine).json()["data"]["data"]}
    assert statuses == {revoked_id: "Revoked", expiring_id: "Expired"}
    for credit_id in (revoked_id, expiring_id):
        response = client.post(CLAIM, headers=mine, json={"creditId": credit_id})
        assert response.status_code == 422, response.text
    assert credit_ledger(db, customer["owId"]) == []


def test_only_workspace_admins_offer_and_other_workspaces_are_404(client, db, headers, make_tenant) -> None:  # noqa: ANN001
    customer = make_tenant(organization="Customer", email="admin@customer.test")
    mine = login(client, customer)
    foreign = make_tenant(host="ws2.test", organization="Foreign", email="admin@foreign.test")
    foreign_headers = login(client, foreign)
    assert client.post(ADD, headers=mine, json={"owId": customer["owId"], "creditAmount": 10}).status_code == 403
    assert client.get(CUSTOMER, headers=mine, params={"owId": customer["owId"]}).status_code == 403
    for response in (client.post(ADD, headers=headers, json={"owId": foreign["owId"], "creditAmount": 10}),
                     client.get(CUSTOMER, headers=headers, params={"owId": foreign["owId"]}),
                     client.get(f"/api/v3/fa/credit-summary/{foreign['owId']}", headers=headers)):
        assert response.status_code == 404 and response.json()["errorObjects"][0]["field"] == "owId"
    client.post(ADD, headers=headers, json={"owId": customer["owId"], "creditAmount": 10})
    (credit,) = client.get(MINE, headers=mine).json()["data"]["data"]
    # another workspace's admin cannot see, claim, edit or revoke it
    assert client.get(MINE, headers=foreign_headers).json()["data"]["data"] == []
    assert client.post(CLAIM, headers=foreign_headers, json={"creditId": credit["creditId"]}).status_code == 404
    assert client.post(CLAIM, headers=headers, json={"creditId": credit["creditId"]}).status_code == 404
    edit = client.patch(EDIT, headers=foreign_headers, json={"owId": customer["owId"], "creditId": credit["creditId"],
                                                             "creditAmount": 5})
    assert edit.status_code == 404
    assert credit_ledger(db, customer["owId"]) == []


def test_bad_input_is_a_422_naming_the_field(client, db, headers, make_tenant) -> None:  # noqa: ANN001
    customer = make_tenant(organization="Customer", email="admin@customer.test")
    ow = customer["owId"]
    cases = [(ADD, "post", {"owId": ow, "creditAmount": -5}, "creditAmount"),
             (ADD, "post", {"owId": ow, "creditAmount": "abc"}, "creditAmount"),
             (ADD, "post", {"owId": ow, "creditAmount": 1.005}, "creditAmount"),
             (ADD, "post", {"owId": ow, "creditAmount": 10**9}, "creditAmount"),
             (ADD, "post", {"creditAmount": 5}, "owId"),
             (ADD, "post", {"owId": ow, "creditAmount": 5, "expiresAt": 1000}, "expiresAt"),
             (EDIT, "patch", {"owId": ow, "creditAmount": 5}, "creditId"),
             (REVOKE, "post", {"owId": ow, "creditId": 0}, "creditId"),
             (CLAIM, "post", {"creditId": 1, "contactPersonEmail": "not-an-email"}, "contactPersonEmail"),
             (CLAIM, "post", {"creditId": "x"}, "creditId")]
    for url, method, body, field in cases:
        response = getattr(client, method)(url, headers=headers, json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["errorObjects"][0]["field"] == field, (body, response.text)
    assert client.get(MINE, headers=headers, params={"sortBy": "nope"}).status_code == 422
    assert client.get("/api/v3/fa/credit-summary/0", headers=headers).status_code == 422
    assert client.get(MINE, headers=login(client, customer)).json()["data"]["totalRecords"] == 0
