"""SDK report and schedule methods against the live server: delivery ingested through the SDK,
reports executed, paged and downloaded, numbers checked against what was sent."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from adplane.client import AdplaneClient, NotFoundError, ValidationError
from adplane.client.testing import LiveServer
from campaign_helpers import campaign_body, freeze, io_body, make_creative
from test_client import api, client_clock, live_server, recorder, sdk_kwargs, server_settings  # noqa: F401

DAYS = [datetime(2025, 6, 3, 15, tzinfo=UTC), datetime(2025, 6, 4, 15, tzinfo=UTC)]
IMPRESSIONS_PER_DAY = [7, 4]
CLICKS_PER_DAY = [2, 1]
MEDIA_COST = 0.0125
COLUMNS = ["campaignId", "campaignName", "impressions", "clicks", "spent"]


def ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


@pytest.fixture
def delivered(api: AdplaneClient, live_server: LiveServer, tenant: dict[str, Any], db) -> Iterator[dict[str, Any]]:  # noqa: ANN001, F811
    """An IO and a campaign made through the SDK, with events ingested through the SDK."""
    store = live_server.app.state.analytics
    store.reset()
    freeze()
    io_id = api.io.add(io_body())["ioId"]
    creative_id = make_creative(db, tenant["owId"])
    campaign_id = api.campaigns.add(campaign_body(io_id, creative_id, campaignName="Spring"))["data"]
    base = {"ow_id": tenant["owId"], "io_id": io_id, "campaign_id": campaign_id, "creative_id": creative_id,
            "creative_type_id": 11}
    rows = []
    for day, impressions, clicks in zip(DAYS, IMPRESSIONS_PER_DAY, CLICKS_PER_DAY, strict=True):
        rows += [{**base, "event_time": day.isoformat(), "event_type": "impression", "media_cost": MEDIA_COST}
                 for _ in range(impressions)]
        rows += [{**base, "event_time": day.isoformat(), "event_type": "click"} for _ in range(clicks)]
    stored = api.events.ingest(rows, batch_id="sdk-delivery")
    assert stored["status"] == "stored"
    assert api.events.batch("sdk-delivery")["events"] == len(rows)
    assert api.events.ingest(rows, batch_id="sdk-delivery")["status"] != "stored"  # the same batch twice: once
    yield {"io_id": io_id, "campaign_id": campaign_id}
    store.reset()


def definition(**overrides: Any) -> dict[str, Any]:
    body = {"reportName": "Spring by day", "startDate": ms(datetime(2025, 6, 2, 4, tzinfo=UTC)),
            "endDate": ms(datetime(2025, 6, 5, 3, 59, tzinfo=UTC)), "dimensions": [{"filter": "campaign"}],
            "columns": COLUMNS, "requestType": 1, "timezoneId": 29}
    body.update(overrides)
    return body


def test_report_definitions(api: AdplaneClient, delivered: dict[str, Any], make_tenant,  # noqa: ANN001, F811
                            live_server: LiveServer) -> None:  # noqa: F811
    report_id = api.reports.add(definition())
    saved = api.reports.get(report_id)
    assert saved["reportName"] == "Spring by day"
    assert json.loads(saved["dimensions"]) == [{"filter": "campaign"}]
    api.reports.update(report_id, definition(reportName="Spring daily"))
    assert api.reports.get(report_id)["reportName"] == "Spring daily"
    message = api.reports.duplicate(id=report_id, report_name="Spring copy")
    copy_id = int(message.rsplit(" ", 1)[-1])
    assert message == f"Report duplicated successfully with id {copy_id}"
    assert api.reports.get(copy_id)["reportName"] == "Spring copy"
    assert [r["reportName"] for r in api.reports.iter(page_size=1, sort_by="+id")] == ["Spring daily", "Spring copy"]
    assert api.reports.list(limit=1)["totalRecords"] == 2
    assert [r["id"] for r in api.reports.list_post(sort_by="-id")["data"]] == [copy_id, report_id]
    api.reports.delete(copy_id)
    with pytest.raises(NotFoundError):
        api.reports.get(copy_id)
    other = make_tenant(organization="Org B", email="admin@b.test")
    with AdplaneClient(now=client_clock, **sdk_kwargs(live_server, other)) as other_api:
        with pytest.raises(NotFoundError):
            other_api.reports.get(report_id)
        with pytest.raises(NotFoundError):
            other_api.reports.execute(id=report_id)
        assert other_api.reports.list()["data"] == []


def test_execute_pages_and_totals_match_the_events(api: AdplaneClient, delivered: dict[str, Any]) -> None:  # noqa: F811
    report_id = api.reports.add(definition())
    result = api.reports.execute(id=report_id)
    rows = result["data"]
    assert [r["impressions"] for r in rows] == IMPRESSIONS_PER_DAY
    assert [r["clicks"] for r in rows] == CLICKS_PER_DAY
    assert {r["campaignId"] for r in rows} == {delivered["campaign_id"]}
    assert result["total"]["impressions"] == sum(IMPRESSIONS_PER_DAY)
    assert result["total"]["spent"] == pytest.approx(sum(IMPRESSIONS_PER_DAY) * MEDIA_COST)
    paged = list(api.reports.iter_rows(id=report_id, page_size=1))
    assert [r["impressions"] for r in paged] == IMPRESSIONS_PER_DAY
    adhoc = api.reports.execute(definition(requestType=2))
    assert [r["impressions"] for r in adhoc["data"]] == [sum(IMPRESSIONS_PER_DAY)]


def test_download_through_the_signed_link(api: AdplaneClient, delivered: dict[str, Any]) -> None:  # noqa: F811
    report_id = api.reports.add(definition())
    link = api.reports.download(id=report_id, file_type=1)["url"]
    lines = list(csv.reader(io.StringIO(api.download(link).decode())))
    body = lines[1:-1]
    assert [int(line[lines[0].index("Impressions")]) for line in body] == IMPRESSIONS_PER_DAY
    assert lines[-1][0] == "Total"
    with pytest.raises(ValidationError) as caught:
        api.reports.download(id=report_id, file_type=9)
    assert caught.value.fields == ["fileType"]


def test_report_validation_names_the_field(api: AdplaneClient, delivered: dict[str, Any]) -> None:  # noqa: F811
    with pytest.raises(ValidationError) as caught:
        api.reports.add(definition(dimensions=[{"filter": "planet"}]))
    assert caught.value.fields == ["dimensions"]
    with pytest.raises(ValidationError) as caught:
        api.reports.add(definition(endDate=ms(datetime(2026, 6, 5, tzinfo=UTC))))
    assert caught.value.fields
    assert api.reports.list()["data"] == []


def test_catalogue_and_static_lists(api: AdplaneClient) -> None:  # noqa: F811
    catalogue = api.reports.dimension_metrics()
    metrics = {m["key"] for group in catalogue["metrics"] for entries in group.values() for m in entries}
    assert {"impressions", "clicks", "CTR"} <= metrics
    assert [t["name"] for t in api.master.report_file_types()] == ["csv", "xlsx"]
    assert [t["id"] for t in api.master.report_request_types()] == [1, 2]
    assert [f["id"] for f in api.master.report_delivery_frequencies()] == [1, 2, 3, 4]


def test_schedule_a_report(api: AdplaneClient, delivered: dict[str, Any], make_tenant, live_server: LiveServer) -> None:  # noqa: ANN001, F811
    report_id = api.reports.add(definition())
    end = ms(datetime(2025, 12, 31, tzinfo=UTC))
    saved = api.schedules.create(report_id=report_id, subscriber_emails=["ops@example.com"], file_type=2,
                                 delivery_frequency=3, delivery_day="MONDAY", event_end_date=end)
    assert saved["message"] == "Report schedule has been successfully updated."
    assert saved["scheduledData"]["deliveryDay"] == "MONDAY" and saved["scheduledData"]["eventEndDate"] == end
    changed = api.schedules.update(report_id, delivery_frequency=2, delivery_day=None)
    assert changed["scheduledData"]["deliveryFrequency"] == 2
    with pytest.raises(ValidationError) as caught:
        api.schedules.create(report_id=report_id, subscriber_emails=["not-an-email"], file_type=1,
                             delivery_frequency=1)
    assert caught.value.fields and caught.value.fields[0].startswith("subscriberEmails")
    other = make_tenant(organization="Org B", email="admin@b.test")
    with AdplaneClient(now=client_clock, **sdk_kwargs(live_server, other)) as other_api, \
            pytest.raises(NotFoundError):
        other_api.schedules.delete(report_id)
    api.schedules.delete(report_id)
    with pytest.raises(NotFoundError):
        api.schedules.delete(report_id)


def test_unsubscribe_links_need_no_login(api: AdplaneClient, delivered: dict[str, Any], live_server: LiveServer,  # noqa: F811
                                         server_settings, tenant: dict[str, Any], db) -> None:  # noqa: ANN001, F811
    from adplane.schedules.links import unsubscribe_urls

    report_id = api.reports.add(definition())
    api.schedules.create(report_id=report_id, subscriber_emails=["a@example.com", "b@example.com"], file_type=1,
                         delivery_frequency=1)
    only_this, every = unsubscribe_urls(server_settings, ow_id=tenant["owId"], report_id=report_id,
                                        email="a@example.com")
    with AdplaneClient(url=live_server.url) as anonymous:  # a recipient clicking the link in the e-mail
        assert anonymous.schedules.unsubscribe(only_this) == {
            "message": "a@example.com will no longer receive this scheduled report."}
        assert anonymous.schedules.unsubscribe_all(every)["message"].startswith("a@example.com")
        with pytest.raises(ValidationError) as caught:
            anonymous.schedules.unsubscribe("forged-token")
        assert caught.value.fields == ["token"]
    from adplane.schedules.repository import opted_out

    with db.session() as session:  # the deliveries skip the opted-out address
        assert opted_out(session, tenant["owId"], report_id) == {"a@example.com"}
