"""SDK static-list methods against the live server (adplane.master)."""

from __future__ import annotations

import pytest

from adplane.client import AdplaneClient, ValidationError
from test_client import api, live_server, recorder, server_settings  # noqa: F401 - fixtures


def test_timezones_in_both_envelopes(api: AdplaneClient) -> None:  # noqa: F811
    v3 = api.master.timezones()
    v2 = api.master.timezones_v2()
    by_id = {row["id"]: row["name"] for row in v3["data"]}
    assert by_id[29] == "US/Eastern" and by_id[423] == "US/Central"
    assert {row["id"]: row["name"] for row in v2} == by_id
    assert v3["totalRecords"] >= len(v3["data"])
    eastern = api.master.timezones(search_field="US/Eastern")["data"]
    assert 29 in [row["id"] for row in eastern]


def test_static_lists_of_each_domain(api: AdplaneClient) -> None:  # noqa: F811
    calls = [api.master.io_statuses, api.master.campaign_budget_types, api.master.campaign_types,
             api.master.budget_distribution_methods, api.master.creative_types, api.master.creative_statuses]
    for call in calls:
        answer = call()
        rows = next(value for value in answer.values() if isinstance(value, list))
        assert rows and all("id" in row for row in rows), call.__name__
    image = api.master.creative_types(creative_type_ids="11")
    rows = next(value for value in image.values() if isinstance(value, list))
    assert rows[0]["id"] == 11


def test_paged_exchanges_and_segments(api: AdplaneClient, recorder) -> None:  # noqa: ANN001, F811
    first_page = api.master.exchanges(no_of_entries=3, page_no=1)
    every = list(api.master.iter_exchanges(page_size=3))
    assert len(every) == first_page["filteredRecords"] > 3
    assert len({row["id"] for row in every}) == len(every)
    assert recorder.paths().count("/api/v3/master/exchanges") == 1 + -(-len(every) // 3)
    genders = list(api.master.iter_segment("gender", page_size=1))
    assert len(genders) == api.master.segment("gender")["totalRecords"]
    states = api.master.segment("states", country_ids="30100001", no_of_entries=100)
    assert states["data"]
    for kind in ("age", "country", "device-type", "os", "traffic-type"):
        assert api.master.segment(kind)["data"], kind


def test_bad_paging_is_a_validation_error(api: AdplaneClient) -> None:  # noqa: F811
    with pytest.raises(ValidationError) as caught:
        api.master.exchanges(no_of_entries=0)
    assert caught.value.fields == ["noOfEntries"]
    with pytest.raises(ValueError):
        api.master.segment("planets")


def test_health_and_readiness_need_no_login(live_server) -> None:  # noqa: ANN001, F811
    with AdplaneClient(url=live_server.url) as anonymous:
        assert anonymous.operations.health() == {"status": "ok"}
        assert anonymous.operations.ready() == {"status": "ready"}
