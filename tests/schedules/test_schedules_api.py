"""The report scheduling endpoints: seed request and answer, validation, PATCH/DELETE, isolation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adplane.core.clock import clock
from adplane.schedules.service import schedule_summary
from test_schedules_support import SEED_REQUEST, make_report

URL = "/api/v3/ra/report/email/schedule"
SEED_TIME = datetime(2022, 11, 14, 15, tzinfo=UTC)  # before the seed's eventEndDate (10 December 2022)


@pytest.fixture
def report_id(db, tenant):
    clock.set(SEED_TIME)
    return make_report(db, tenant["owId"])


def _body(report_id: int, **changes):
    return {**SEED_REQUEST, "reportId": report_id, **changes}


def test_seed_request_saves_and_echoes_the_schedule(client, headers, report_id, db):
    response = client.post(URL, headers=headers, json=_body(report_id))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    assert body["data"]["message"] == "Report schedule has been successfully updated."
    assert body["data"]["scheduledData"] == {
        "earliestCampaignStartDate": 1670674108900,
        "reportId": report_id,
        "deliveryFrequency": 3,
        "fileType": 2,
        "subscriberEmails": ["sample_email1@example.com", "sample_email2@example.com"],
        "eventEndDate": 1670674106000,
        "deliveryDay": "MONDAY",
        "runningTotalEnabled": True,
    }
    with db.session() as session:
        summary = schedule_summary(session, report_id)
    # next Monday 21 November 2022, 09:00 US/Eastern (EST) = 14:00 UTC
    assert summary["nextDeliveryDate"] == int(datetime(2022, 11, 21, 14, tzinfo=UTC).timestamp() * 1000)
    assert summary["lastDeliveries"] == []


def test_both_spellings_of_the_earliest_campaign_date_and_weekday_case(client, headers, report_id):
    body = _body(report_id, deliveryDay="Monday")
    body["earliestCampaignDate"] = body.pop("earliestCampaignStartDate")
    response = client.post(URL, headers=headers, json=body)
    assert response.status_code == 200, response.text
    data = response.json()["data"]["scheduledData"]
    assert data["earliestCampaignStartDate"] == 1670674108900
    assert data["deliveryDay"] == "MONDAY"


def test_posting_again_replaces_and_duplicates_are_dropped(client, headers, report_id):
    client.post(URL, headers=headers, json=_body(report_id))
    response = client.post(URL, headers=headers, json=_body(
        report_id, deliveryFrequency=4, deliveryDay="last", runningTotalEnabled=False, fileType=1,
        subscriberEmails=["a@example.com", "A@example.com", "b@example.com"]))
    assert response.status_code == 200, response.text
    data = response.json()["data"]["scheduledData"]
    assert data["deliveryDay"] == "Last"
    assert data["subscriberEmails"] == ["a@example.com", "b@example.com"]
    assert data["earliestCampaignStartDate"] == 0 and data["runningTotalEnabled"] is False


def test_once_needs_no_day_nor_end(client, headers, report_id, db):
    response = client.post(URL, headers=headers, json={"reportId": report_id, "subscriberEmails": ["a@example.com"],
                                                       "fileType": 1, "deliveryFrequency": 1})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["scheduledData"]["deliveryDay"] == ""
    with db.session() as session:
        # the report ended 1 November: the one-off delivery is the next 09:00 in New York
        assert schedule_summary(session, report_id)["nextDeliveryDate"] == int(
            datetime(2022, 11, 15, 14, tzinfo=UTC).timestamp() * 1000)


@pytest.mark.parametrize(("changes", "field"), [
    ({"reportId": 999999}, "reportId"),
    ({"reportId": "abc"}, "reportId"),
    ({"subscriberEmails": []}, "subscriberEmails"),
    ({"subscriberEmails": ["sample_email1@example.com", "sample_email2@invalid"]}, "subscriberEmails"),
    ({"subscriberEmails": [f"u{i}@example.com" for i in range(51)]}, "subscriberEmails"),
    ({"subscriberEmails": "a@example.com"}, "subscriberEmails"),
    ({"fileType": 3}, "fileType"),
    ({"fileType": None}, "fileType"),
    ({"deliveryFrequency": 5}, "deliveryFrequency"),
    ({"deliveryDay": "Mon"}, "deliveryDay"),
    ({"deliveryDay": None}, "deliveryDay"),
    ({"deliveryFrequency": 4, "deliveryDay": "30"}, "deliveryDay"),
    ({"eventEndDate": None}, "eventEndDate"),
    ({"eventEndDate": 1600000000000}, "eventEndDate"),
    ({"eventEndDate": "soon"}, "eventEndDate"),
    ({"eventEndDate": 10**20}, "eventEndDate"),
    ({"earliestCampaignStartDate": None}, "earliestCampaignStartDate"),
    ({"runningTotalEnabled": "yes"}, "runningTotalEnabled"),
])
def test_validation_is_422_naming_the_field_and_saves_nothing(client, headers, report_id, db, changes, field):
    response = client.post(URL, headers=headers, json=_body(report_id, **changes))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["success"] is False
    assert field in {e["field"] for e in body["errorObjects"]}
    with db.session() as session:
        assert schedule_summary(session, report_id) is None


def test_invalid_emails_are_listed(client, headers, report_id):
    response = client.post(URL, headers=headers, json=_body(
        report_id, subscriberEmails=["sample_email1@example.com", "sample_email2@invalid"]))
    error = response.json()["errorObjects"][0]
    assert error["error"] == "Invalid email provided - invalid Emails : [sample_email2@invalid]."


def test_running_total_only_for_campaign_reports(client, headers, db, tenant):
    clock.set(SEED_TIME)
    other = make_report(db, tenant["owId"], dimensions=[{"filter": "deviceType"}, {"filter": "campaign"}])
    response = client.post(URL, headers=headers, json=_body(other))
    assert response.status_code == 422
    assert response.json()["errorObjects"][0]["field"] == "runningTotalEnabled"
    response = client.post(URL, headers=headers, json=_body(other, runningTotalEnabled=False))
    assert response.status_code == 200


def test_patch_changes_only_the_given_fields(client, headers, report_id):
    client.post(URL, headers=headers, json=_body(report_id))
    response = client.patch(f"{URL}/{report_id}", headers=headers,
                            json={"subscriberEmails": ["sample_email3@example.com"], "deliveryDay": "friday"})
    assert response.status_code == 200, response.text
    data = response.json()["data"]["scheduledData"]
    assert data["subscriberEmails"] == ["sample_email3@example.com"]
    assert data["deliveryDay"] == "FRIDAY"
    assert data["fileType"] == 2 and data["eventEndDate"] == 1670674106000
    response = client.patch(f"{URL}/{report_id}", headers=headers, json={"fileType": 0})
    assert response.status_code == 422
    assert response.json()["errorObjects"][0] == {"error": "Invalid file type.", "field": "fileType",
                                                  "reason": "fileType must be 1 (CSV) or 2 (XLSX)."}
    response = client.patch(f"{URL}/{report_id}", headers=headers, json={"deliveryFrequency": 4})
    assert response.status_code == 422  # FRIDAY is no monthly day
    assert response.json()["errorObjects"][0]["field"] == "deliveryDay"


def test_delete_stops_the_schedule(client, headers, report_id, db):
    client.post(URL, headers=headers, json=_body(report_id))
    response = client.delete(f"{URL}/{report_id}", headers=headers)
    assert response.status_code == 200
    assert response.json() == {"success": True, "data": {"message": "Report event is removed."}}
    with db.session() as session:
        assert schedule_summary(session, report_id) is None
    assert client.delete(f"{URL}/{report_id}", headers=headers).status_code == 404
    assert client.patch(f"{URL}/{report_id}", headers=headers, json={"fileType": 1}).status_code == 404


def test_path_ids_out_of_range_are_422(client, headers):
    assert client.delete(f"{URL}/0", headers=headers).status_code == 422
    assert client.patch(f"{URL}/99999999999", headers=headers, json={}).status_code == 422


def test_other_organizations_reports_and_schedules_look_missing(client, headers, other_headers, report_id):
    client.post(URL, headers=headers, json=_body(report_id))
    mine = client.post(URL, headers=other_headers, json=_body(report_id))
    missing = client.post(URL, headers=other_headers, json=_body(987654))
    assert mine.status_code == missing.status_code == 422
    assert mine.json() == missing.json()
    for method in ("patch", "delete"):
        kwargs = {"json": {"fileType": 1}} if method == "patch" else {}
        theirs = getattr(client, method)(f"{URL}/{report_id}", headers=other_headers, **kwargs)
        nothing = getattr(client, method)(f"{URL}/987654", headers=other_headers, **kwargs)
        assert theirs.status_code == nothing.status_code == 404
        assert theirs.json() == nothing.json()
    # and nothing changed
    assert client.patch(f"{URL}/{report_id}", headers=headers, json={}).json()["data"]["scheduledData"][
        "fileType"] == 2


def test_login_is_required(client, report_id):
    assert client.post(URL, json=_body(report_id)).status_code == 401


def test_a_report_moved_to_another_timezone_is_planned_again(client, headers, report_id, db):
    from adplane.reports.models import Report
    from adplane.schedules.service import report_changed

    client.post(URL, headers=headers, json=_body(report_id))
    with db.session() as session:
        session.get(Report, report_id).timezone_name = "Asia/Tokyo"
        report_changed(session, report_id)
        session.commit()
        # Monday 21 November 2022, 09:00 in Tokyo = 00:00 UTC
        assert schedule_summary(session, report_id)["nextDeliveryDate"] == int(
            datetime(2022, 11, 21, 0, tzinfo=UTC).timestamp() * 1000)
