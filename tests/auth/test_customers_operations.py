"""A workspace admin edits a customer's operations details (PATCH /api/v3/ua/customer-operations/{owId}): its type,
payment type (the billing terms finance reads) and country, set or reset; isolation and bad input."""

from __future__ import annotations

from adplane.finance.spend import is_prepaid
from conftest import login
from customers_helpers import org

URL = "/api/v3/ua/customer-operations/{}"
# IQM's request schema sample, as it is (zeros are "not set"... except they are out of range: see below)
GUIDE_SAMPLE = {"customerOperationsDetails": {
    "customerTypeId": 0, "customerPaymentTypeId": 0, "countryId": 0, "createdByUowId": 0, "modifiedByUowId": 0,
    "adOpsAssigneeUserIds": [0], "sellerAssigneeUserIds": [0], "labelIds": [0],
    "resetFields": {"customerTypeId": True, "customerPaymentTypeId": True, "countryId": True,
                    "adOpsAssigneeUserIds": True, "sellerAssigneeUserIds": True, "labelIds": True}}}


def test_set_and_reset_a_customers_terms(client, db, headers, make_tenant):
    customer = make_tenant(organization="Customer", email="admin@customer.test")
    ow = customer["owId"]
    body = {"customerOperationsDetails": {"customerTypeId": 2, "customerPaymentTypeId": 1, "countryId": 30100001}}
    answer = client.patch(URL.format(ow), headers=headers, json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"success": True, "data": {"message": "Customer operation details updated successfully"}}
    stored = org(db, ow)
    assert (stored.customer_type_id, stored.payment_type_id, stored.country_id) == (2, 1, 30100001)
    with db.session() as session:
        assert is_prepaid(session, ow)  # finance's billing terms follow
    config = client.get(f"/api/v3/ua/customer/config/{ow}", headers=headers).json()["data"]
    assert config["customerTypeId"] == 2 and config["customerPaymentTypeId"] == 1
    # a field left out stays; resetFields (beside the details, as IQM's JSON sample) clears
    client.patch(URL.format(ow), headers=headers, json={"customerOperationsDetails": {"customerPaymentTypeId": 2},
                                                        "resetFields": {"countryId": True}})
    stored = org(db, ow)
    assert (stored.customer_type_id, stored.payment_type_id, stored.country_id) == (2, 2, None)
    # the guide's sample: its zeros are no type and no country, so the answer is a 422 naming the first
    sample = client.patch(URL.format(ow), headers=headers, json=GUIDE_SAMPLE)
    assert sample.status_code == 422, sample.text
    # ... and with real ids the reset wins: resetFields inside the details, as IQM's TypeScript
    details = {**GUIDE_SAMPLE["customerOperationsDetails"], "customerTypeId": 1, "customerPaymentTypeId": 1,
               "countryId": 30100001, "adOpsAssigneeUserIds": [], "sellerAssigneeUserIds": [], "labelIds": []}
    reset = client.patch(URL.format(ow), headers=headers, json={"customerOperationsDetails": details})
    assert reset.status_code == 200, reset.text
    stored = org(db, ow)
    assert (stored.customer_type_id, stored.payment_type_id, stored.country_id) == (None, None, None)


def test_only_the_workspace_admin_edits_and_others_get_404(client, db, headers, make_tenant):
    customer = make_tenant(organization="Customer", email="admin@customer.test")
    foreign = make_tenant(host="ws2.test", organization="Foreign", email="admin@foreign.test")
    body = {"customerOperationsDetails": {"customerPaymentTypeId": 1}}
    own = client.patch(URL.format(customer["owId"]), headers=login(client, customer), json=body)
    assert own.status_code == 403
    for ow in (foreign["owId"], 999_999):
        response = client.patch(URL.format(ow), headers=headers, json=body)
        assert response.status_code == 404, response.text
    assert client.patch(URL.format(customer["owId"]), headers=login(client, foreign), json=body).status_code in (
        403, 404)
    for bad, field in (({"customerOperationsDetails": {"customerPaymentTypeId": 3}}, "customerPaymentTypeId"),
                       ({"customerOperationsDetails": {"customerTypeId": "x"}}, "customerTypeId"),
                       ({"resetFields": {"countryId": "maybe"}}, "countryId")):
        response = client.patch(URL.format(customer["owId"]), headers=headers, json=bad)
        assert response.status_code == 422, response.text
        assert response.json()["errorObjects"][0]["field"].endswith(field), response.text
    assert client.patch(URL.format(0), headers=headers, json=body).status_code == 422
    stored = org(db, customer["owId"])
    assert stored.payment_type_id is None and stored.customer_type_id is None
