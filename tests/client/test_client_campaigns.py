"""SDK insertion-order and campaign methods against the live server (seed 003/004 flows)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from adplane.client import AdplaneClient, NotFoundError, ValidationError
from adplane.client.testing import LiveServer
from campaign_helpers import END_S, IO_END_MS, IO_START_MS, START_S, campaign_body, freeze, io_body, make_creative
from test_client import api, client_clock, live_server, recorder, sdk_kwargs, server_settings  # noqa: F401


@pytest.fixture
def other_api(live_server: LiveServer, make_tenant) -> Iterator[AdplaneClient]:  # noqa: ANN001, F811
    other = make_tenant(organization="Org B", email="admin@b.test")
    with AdplaneClient(now=client_clock, **sdk_kwargs(live_server, other)) as client:
        yield client


@pytest.fixture
def io_id(api: AdplaneClient) -> int:  # noqa: F811
    freeze()
    return api.io.add(io_body())["ioId"]


def test_io_lifecycle(api: AdplaneClient, other_api: AdplaneClient, io_id: int, tenant: dict[str, Any],  # noqa: F811
                      db) -> None:  # noqa: ANN001
    got = api.io.get(io_id)
    assert got["ioName"] == "IO Name 1" and got["ioStartTime"] == IO_START_MS and got["ioTimeZoneId"] == 29
    assert api.io.update(io_id, io_name="Renamed IO") == "Renamed IO saved successfully."
    assert api.io.get(io_id)["ioName"] == "Renamed IO"
    second = api.io.add(io_body(), io_name="Fixed budget", is_auto_sum_io_total_budget=False,
                        io_total_budget=2000)["ioId"]
    listed = api.io.list(sort_by="+ioId")
    assert [row["ioId"] for row in listed["ioBasicDetailsList"]] == [io_id, second]
    assert [row["ioId"] for row in api.io.iter(page_size=1, sort_by="-ioId")] == [second, io_id]
    assert api.io.update_budget(io_ids_list=[second], budget=500, budget_update_type="add") == \
        "Budget updated successfully"
    assert api.io.get(second)["ioTotalBudget"] == 2500
    new_end = IO_END_MS + 86_400_000
    assert api.io.update_end_date(io_ids_list=[io_id, second], io_end_time=new_end) == "EndDate updated successfully"
    assert api.io.get(second)["ioEndTime"] == new_end
    creative = make_creative(db, tenant["owId"])
    campaign_id = api.campaigns.add(campaign_body(io_id, creative))["data"]
    grouped = api.io.campaigns_basic_list(io_ids=[io_id])["ioCampaignsList"]
    assert [(g["ioId"], [c["campaignId"] for c in g["campaigns"]]) for g in grouped] == [(io_id, [campaign_id])]
    with_delivery = api.io.campaigns_list(io_ids_list=[io_id])
    assert [row["campaignId"] for row in with_delivery["recordsList"]] == [campaign_id]
    copy = api.io.duplicate(io_id=io_id, io_start_time=IO_START_MS + 86_400_000, io_time_zone_id=29,
                            io_existing_campaign_ids=[campaign_id])
    assert api.io.get(copy["duplicatedIOId"])["ioName"] == "Renamed IO copy"
    assert len(copy["duplicatedCampaignIds"]) == 1
    # another organization sees none of it
    with pytest.raises(NotFoundError):
        other_api.io.get(io_id)
    with pytest.raises(NotFoundError):
        other_api.io.update(io_id, io_name="stolen")
    assert other_api.io.list()["ioBasicDetailsList"] == []
    assert api.io.delete([second]) == "1 Insertion Order deleted successfully"
    with pytest.raises(NotFoundError):
        other_api.io.delete([io_id])


def test_io_validation_errors_name_the_field(api: AdplaneClient, io_id: int) -> None:  # noqa: F811
    with pytest.raises(ValidationError) as caught:
        api.io.add(io_body(ioName=""))
    assert caught.value.fields == ["ioName"]
    with pytest.raises(ValidationError) as caught:
        api.io.list(no_of_entries=0)
    assert caught.value.fields == ["noOfEntries"]
    with pytest.raises(ValidationError) as caught:
        api.io.duplicate(io_id=io_id)
    assert caught.value.fields == ["ioStartTime"]
    assert api.io.get(io_id)["ioName"] == "IO Name 1"


def test_campaign_lifecycle(api: AdplaneClient, other_api: AdplaneClient, io_id: int, tenant: dict[str, Any],  # noqa: F811
                            db) -> None:  # noqa: ANN001
    creative = make_creative(db, tenant["owId"])
    created = api.campaigns.add(campaign_body(io_id, creative))
    assert created["message"] == "Campaign saved successfully." and created["status"] == "pending"
    campaign_id = created["data"]
    detail = api.campaigns.get(campaign_id)
    assert detail["startTime"] == START_S and detail["endTime"] == END_S and detail["ioId"] == io_id
    api.campaigns.update(campaign_id, max_bid=12)
    assert api.campaigns.get(campaign_id)["maxBid"] == 12
    assert api.campaigns.update_name(campaign_id, "Renamed") == {"message": "campaignName updated successfully"}
    draft = api.campaigns.add_draft(campaign_body(io_id, creative, campaignName="Draft one"))
    draft_id = draft["data"] if isinstance(draft, dict) else draft
    assert api.campaigns.get(draft_id)["status"] == "draft"
    api.campaigns.update_draft(draft_id, campaign_body(io_id, creative, campaignName="Draft one", maxBid=9))
    assert api.campaigns.get(draft_id)["maxBid"] == 9
    names = [row["name"] for row in api.campaigns.iter(page_size=1, sort_by="name", order="asc")]
    assert names == ["Draft one", "Renamed"]
    page = api.campaigns.list(no_of_entries=1, pgno=2, sort_by="name", order="asc")
    assert page["recordsFiltered"] == 2 and [row["name"] for row in page["data"]] == ["Renamed"]
    counts = {entry["status_key"]: entry["status_count"] for entry in api.campaigns.count()}
    assert counts["pending"] == 1 and counts["draft"] == 1
    every_status = {entry["status_key"]: entry["status_count"] for entry in api.campaigns.count_post()}
    assert every_status["running"] == 0 and every_status["pending"] == 1
    assert {row["id"] for row in api.campaigns.data()["data"]} == {campaign_id, draft_id}
    groups = api.campaigns.group_list()
    assert [(g["id"], g["campaignCount"]) for g in groups] == [(io_id, 2)]
    assert api.campaigns.start()["start_time"] == START_S
    info = api.campaigns.budget_info(budget_total=1500, start_time=START_S, end_time=END_S, timezone=29)
    assert info["budgetTotal"] == 1500
    budget = api.campaigns.update_budget(campaign_ids=str(campaign_id), total_budget=1600,
                                         total_budget_update_type="change")
    assert budget["status"] is True
    assert api.campaigns.get(campaign_id)["budgetTotal"] == 1600
    moved = api.campaigns.update_end_date(campaign_ids=str(campaign_id), end_date=END_S + 3600)
    assert moved["status"] is True and api.campaigns.get(campaign_id)["endTime"] == END_S + 3600
    assert api.campaigns.update_status([campaign_id], "running")["status"] is True
    copies = api.campaigns.duplicate(existing_campaign_ids=str(campaign_id), io_id=io_id, time_zone_id=29,
                                     start_date=START_S, end_date=END_S)
    assert len(copies["duplicatedCampaignIds"]) == 1
    with pytest.raises(NotFoundError):
        other_api.campaigns.get(campaign_id)
    with pytest.raises(NotFoundError):
        other_api.campaigns.update_name(campaign_id, "stolen")
    assert other_api.campaigns.list()["data"] == []


def test_campaign_validation_errors_name_the_field(api: AdplaneClient, io_id: int, tenant: dict[str, Any],  # noqa: F811
                                                   db) -> None:  # noqa: ANN001
    creative = make_creative(db, tenant["owId"])
    with pytest.raises(ValidationError) as caught:
        api.campaigns.add(campaign_body(io_id, creative, maxBid=0.5))
    assert caught.value.fields == ["maxBid"]
    with pytest.raises(ValidationError) as caught:
        api.campaigns.count(sort_type="sideways")
    assert caught.value.fields == ["sortType"]
    assert api.campaigns.list()["data"] == []


def test_async_client_on_domain_endpoints(live_server: LiveServer, tenant: dict[str, Any], db) -> None:  # noqa: ANN001, F811
    import asyncio

    from adplane.client import AsyncAdplaneClient

    freeze()
    creative = make_creative(db, tenant["owId"])

    async def scenario() -> None:
        async with AsyncAdplaneClient(now=client_clock, **sdk_kwargs(live_server, tenant)) as aio:
            first, second = await asyncio.gather(aio.io.add(io_body()), aio.io.add(io_body(ioName="Second")))
            ids = sorted([first["ioId"], second["ioId"]])
            assert [io["ioId"] async for io in aio.io.iter(page_size=1, sort_by="+ioId")] == ids
            created = await aio.campaigns.add(campaign_body(ids[0], creative))
            detail = await aio.campaigns.get(created["data"])
            assert detail["ioId"] == ids[0] and detail["status"] == "pending"
            names = [c["name"] async for c in aio.campaigns.iter()]
            assert names == ["NewTest"]
            with pytest.raises(ValidationError) as caught:
                await aio.io.add(io_body(ioName=""))
            assert caught.value.fields == ["ioName"]

    asyncio.run(scenario())


def test_server_request_models_are_accepted_as_bodies(api: AdplaneClient) -> None:  # noqa: F811
    """One source of truth: the server's Pydantic request models double as typed SDK request bodies."""
    from adplane.insertion_orders.schemas import IoCreate, IoUpdate

    freeze()
    created = api.io.add(IoCreate.model_validate(io_body(ioName="Typed IO")))
    assert api.io.get(created["ioId"])["ioName"] == "Typed IO"
    api.io.update(created["ioId"], IoUpdate(io_name="Typed and renamed"))
    assert api.io.get(created["ioId"])["ioName"] == "Typed and renamed"
