"""Shared builders for the IO and campaign tests (no tests here)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from adplane.core.clock import clock
from adplane.creatives.models import Creative

# A fixed "now" for these tests: 2025-06-01 00:00 UTC, before the seed 003 campaign's flight.
NOW = datetime(2025, 6, 1, tzinfo=UTC)
START_S = 1748890201  # seed 003 campaign startTime (2025-06-02T18:50:01Z)
END_S = 1749096000  # seed 003 campaign endTime (2025-06-05T04:00:00Z)
IO_START_MS = 1748822400000  # 2025-06-02T00:00:00Z
IO_END_MS = 1751241600000  # 2025-06-30T00:00:00Z


def freeze() -> None:
    clock.set(NOW)


def make_creative(db: Any, ow_id: int, creative_type_id: int = 11, status_id: int = 2) -> int:
    with db.session() as session:
        creative = Creative(ow_id=ow_id, name="banner", creative_type_id=creative_type_id, status_id=status_id,
                            source_type="URL", source="https://cdn.example.com/banner.png",
                            click_url="https://iqm.com", width=300, height=250, details={})
        session.add(creative)
        session.commit()
        return creative.id


def io_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "ioName": "IO Name 1",
        "ioStartTime": IO_START_MS,
        "ioEndTime": IO_END_MS,
        "ioTotalBudget": 1000,
        "ioTimeZoneId": 29,
        "isAutoSumIoTotalBudget": True,
        "ioBudgetTypeId": 1,
        "ioBudgetDistributionMethodId": 1,
    }
    body.update(overrides)
    return body


def create_io(client: Any, headers: dict, **overrides: Any) -> int:
    response = client.post("/api/v3/cmp/io/add", headers=headers, json=io_body(**overrides))
    assert response.status_code == 200, response.text
    return response.json()["data"]["ioId"]


def campaign_body(io_id: int, creative_id: int, **overrides: Any) -> dict[str, Any]:
    """Seed 003's request sample, with this test's IO and creative."""
    body = {
        "campaignName": "NewTest",
        "maxBid": 100,
        "budgetTotal": 1500,
        "startTime": START_S,
        "endTime": END_S,
        "timezone": 29,
        "budgetDay": 50,
        "creativeType": 11,
        "isAgreementChecked": True,
        "ioId": io_id,
        "countryId": "30100001",
        "creativeIds": str(creative_id),
        "advertiserDomain": "https://iqm.com",
        "totalBudgetPacing": False,
        "publisherAdCategory": "",
        "exchanges": "",
        "budgetTypeId": 1,
        "campaignType": 1,
    }
    body.update(overrides)
    return body


def create_campaign(client: Any, headers: dict, io_id: int, creative_id: int, **overrides: Any) -> int:
    response = client.post("/api/v2/cmp/campaigns/add", headers=headers,
                           json=campaign_body(io_id, creative_id, **overrides))
    assert response.status_code == 200, response.text
    return response.json()["responseObject"]["data"]


def error_fields(response: Any) -> set[str]:
    return {e.get("field") for e in response.json()["errorObjects"]}


def add_rejects_then_accepts(client: Any, db: Any, ow_id: int, headers: dict, field: str,
                             good: Any, bad: Any) -> int:
    """Add a campaign with ``bad`` in ``field`` (a 422 naming the field, nothing stored), then with ``good``.

    Returns the id of the campaign added with the good value.
    """
    from adplane.campaigns.models import Campaign

    freeze()
    io_id = create_io(client, headers)
    creative_id = make_creative(db, ow_id)
    rejected = client.post("/api/v2/cmp/campaigns/add", headers=headers,
                           json=campaign_body(io_id, creative_id, **{field: bad}))
    assert rejected.status_code == 422, rejected.text
    assert error_fields(rejected) == {field}
    with db.session() as session:
        assert session.query(Campaign).count() == 0  # nothing was written
    accepted = client.post("/api/v2/cmp/campaigns/add", headers=headers,
                           json=campaign_body(io_id, creative_id, **{field: good}))
    assert accepted.status_code == 200, accepted.text
    return int(accepted.json()["responseObject"]["data"])
