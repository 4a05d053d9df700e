"""The workspace's gross margin on a customer: set and read on IQM's contract, and the money chain it gives in
`io/campaigns/list` (workspaceSpent, customerSpent, workspaceEarning, platformEarning, mediaBudget)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from campaign_helpers import START_S, create_campaign, create_io, freeze, make_creative
from conftest import login
from test_io_lists import _events

VIEW = "/api/v3/fa/customer/view-margin"
EDIT = "/api/v3/fa/customer/edit-margin"


def test_a_margin_grosses_up_the_customers_spend(client, app, db, tenant, headers, make_tenant) -> None:  # noqa: ANN001
    freeze()
    customer = make_tenant(organization="Customer", email="admin@customer.test")
    mine = login(client, customer)
    # IQM's request sample, with this customer's owId
    edited = client.post(EDIT, headers=headers, json={"owId": customer["owId"], "marginTypeId": 1, "marginValue": 20})
    assert edited.status_code == 200 and edited.json() == {"success": True,
                                                            "data": "Customer margin updated successfully."}
    viewed = client.get(VIEW, headers=headers, params={"marginTypeIds": "1", "owId": customer["owId"]}).json()
    assert viewed == {"success": True, "data": {"totalRecords": 1, "filteredRecords": 1, "isBidShadingEnabled": False,
                                                "data": [{"marginTypeId": 1, "marginType": "Gross Margin",
                                                          "marginValue": 20.0}]}}
    creative = make_creative(db, customer["owId"])
    io_id = create_io(client, mine)
    campaign = create_campaign(client, mine, io_id, creative, campaignName="margined")
    app.state.analytics.append_events(_events(customer["owId"], io_id, campaign, creative,
                                              datetime.fromtimestamp(START_S, UTC) + timedelta(hours=1)))
    data = client.post("/api/v3/cmp/io/campaigns/list", headers=mine, json={"ioIdsList": [io_id]}).json()["data"]
    (row,) = data["recordsList"]
    # 4 impressions at 0.40 media + 0.05 data + 0.05 platform margin: the platform's price is 2.00
    assert row["spent"] == row["workspaceSpent"] == 2 and row["platformEarning"] == 0.2
    assert row["customerSpent"] == 2.5 and row["workspaceEarning"] == 0.5  # 2.00 / (1 - 20%)
    assert row["mediaBudget"] == 1200  # 80% of the 1500 budget reaches the platform
    totals = data["recordsTotal"]
    assert totals["customerSpent"] == 2.5 and totals["workspaceEarning"] == 0.5 and totals["mediaBudget"] == 1200
    # without a margin the chain is flat
    own_io = create_io(client, headers)
    own = create_campaign(client, headers, own_io, make_creative(db, tenant["owId"]), campaignName="own")
    flat = client.post("/api/v3/cmp/io/campaigns/list", headers=headers, json={"ioIdsList": [own_io]}).json()
    (own_row,) = flat["data"]["recordsList"]
    assert own_row["campaignId"] == own and own_row["customerSpent"] == own_row["workspaceSpent"] == 0
    assert own_row["mediaBudget"] == 1500 and own_row["workspaceEarning"] == 0


def test_margins_are_the_workspace_admins_and_bad_input_is_422(client, headers, make_tenant) -> None:  # noqa: ANN001
    customer = make_tenant(organization="Customer", email="admin@customer.test")
    mine = login(client, customer)
    foreign = make_tenant(host="ws2.test", organization="Foreign", email="admin@foreign.test")
    assert client.get(VIEW, headers=mine, params={"owId": customer["owId"]}).status_code == 403
    refused = client.post(EDIT, headers=mine, json={"owId": customer["owId"], "marginTypeId": 1, "marginValue": 50})
    assert refused.status_code == 403
    for response in (client.get(VIEW, headers=headers, params={"owId": foreign["owId"]}),
                     client.post(EDIT, headers=headers, json={"owId": foreign["owId"], "marginValue": 5})):
        assert response.status_code == 404 and response.json()["errorObjects"][0]["field"] == "owId"
    for body, field in (({"owId": customer["owId"], "marginValue": 100}, "marginValue"),
                        ({"owId": customer["owId"], "marginValue": -1}, "marginValue"),
                        ({"owId": customer["owId"], "marginValue": "x"}, "marginValue"),
                        ({"owId": customer["owId"], "marginTypeId": 2, "marginValue": 5}, "marginTypeId"),
                        ({"marginValue": 5}, "owId")):
        response = client.post(EDIT, headers=headers, json=body)
        assert response.status_code == 422 and response.json()["errorObjects"][0]["field"] == field, response.text
    assert client.get(VIEW, headers=headers, params={"owId": customer["owId"], "marginTypeIds": "x"}).status_code == 422
    unchanged = client.get(VIEW, headers=headers, params={"owId": customer["owId"]}).json()["data"]["data"]
    assert unchanged == [{"marginTypeId": 1, "marginType": "Gross Margin", "marginValue": 0.0}]
