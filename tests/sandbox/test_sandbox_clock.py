"""The sandbox clock (issue #14, point 7): `GET|POST /api/v3/adplane/sandbox/clock` and
`/clock/advance` move time for the demo workspace's admins, running the work that falls due on the
way (campaigns start, deliver, spend and expire; scheduled reports go out); only on a sandbox
server, refused to everyone else, and bad input is a 422 naming the field that changes nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from adplane.auth.admin import add_user
from adplane.campaigns.models import Campaign
from adplane.core.clock import clock, to_epoch_ms, utcnow
from adplane.simulator.realtime import RealtimeSimulator
from campaign_helpers import make_creative
from conftest import PASSWORD, login

PREFIX = "/api/v3/adplane/sandbox"


@pytest.fixture
def sandbox(settings) -> None:  # noqa: ANN001
    settings.sandbox = True


@pytest.fixture
def demo(make_tenant) -> dict[str, Any]:  # noqa: ANN001
    """The demo workspace (host localhost) and its admin, a workspace admin."""
    return make_tenant(host="localhost", organization="Demo Agency", email="demo@adplane.local")


@pytest.fixture
def demo_headers(client, demo) -> dict[str, str]:  # noqa: ANN001
    return login(client, demo)


def offset(client, headers) -> float:  # noqa: ANN001
    answer = client.get(f"{PREFIX}/clock", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]["offsetSeconds"]


def test_the_endpoints_do_not_exist_outside_a_sandbox(client, demo_headers) -> None:  # noqa: ANN001
    for method, path, body in (("GET", "/clock", None), ("POST", "/clock", {"now": "2099-01-01"}),
                               ("POST", "/clock/advance", {"hours": 1}), ("POST", "/reset", None)):
        answer = client.request(method, PREFIX + path, headers=demo_headers, json=body)
        assert answer.status_code == 404, (path, answer.text)
        assert answer.json()["success"] is False
    assert clock.offset == timedelta(0)


def test_only_the_demo_workspaces_admins_may_use_it(client, sandbox, db, demo, demo_headers,  # noqa: ANN001
                                                     make_tenant) -> None:
    with db.session() as session:
        add_user(session, ow_id=demo["owId"], email="member@demo.test", password=PASSWORD, role="member")
    member = login(client, {**demo, "email": "member@demo.test"})
    client_org = login(client, make_tenant(host="localhost", organization="A client", email="admin@client.test"))
    other_workspace = login(client, make_tenant(host="ws1.test", organization="Elsewhere", email="admin@ws1.test"))
    for headers, status in ((member, 403), (client_org, 403), (other_workspace, 403), ({}, 401)):
        for method, path, body in (("GET", "/clock", None), ("POST", "/clock/advance", {"days": 1}),
                                   ("POST", "/clock", {"now": "2099-01-01T00:00:00Z"}), ("POST", "/reset", None)):
            answer = client.request(method, PREFIX + path, headers=headers, json=body)
            assert answer.status_code == status, (headers, path, answer.text)
    assert clock.offset == timedelta(0)
    assert offset(client, demo_headers) == 0


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/clock/advance", {}, "seconds"),
    ("/clock/advance", {"seconds": -5}, "seconds"),
    ("/clock/advance", {"days": 400}, "days"),
    ("/clock/advance", {"hours": "soon"}, "hours"),
    ("/clock", {"now": "yesterday"}, "now"),
    ("/clock", {"now": "2001-01-01T00:00:00Z"}, "now"),
    ("/clock", {}, "now"),
])
def test_bad_input_is_refused_and_changes_nothing(client, sandbox, demo_headers, path, body, field) -> None:  # noqa: ANN001
    answer = client.post(PREFIX + path, headers=demo_headers, json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["errorObjects"][0]["field"] == field
    assert offset(client, demo_headers) == 0


def flight(client, headers, db, ow_id: int, *, starts_in: timedelta, runs: timedelta) -> int:  # noqa: ANN001
    """An IO and an approved campaign that starts `starts_in` from now and runs for `runs`."""
    now = utcnow()
    io = client.post("/api/v3/cmp/io/add", headers=headers, json={
        "ioName": "Sandbox IO", "ioStartTime": to_epoch_ms(now), "ioEndTime": to_epoch_ms(now + timedelta(days=30)),
        "ioTotalBudget": 0, "ioTimeZoneId": 29, "isAutoSumIoTotalBudget": True, "ioBudgetTypeId": 1,
        "ioBudgetDistributionMethodId": 1})
    assert io.status_code == 200, io.text
    creative_id = make_creative(db, ow_id)
    start = now + starts_in
    created = client.post("/api/v2/cmp/campaigns/add", headers=headers, json={
        "campaignName": "Sandbox campaign", "ioId": io.json()["data"]["ioId"], "maxBid": 8, "budgetDay": 200,
        "budgetTotal": 5000, "startTime": int(start.timestamp()), "endTime": int((start + runs).timestamp()),
        "timezone": 29, "creativeType": 11, "creativeIds": str(creative_id), "isAgreementChecked": True,
        "countryId": "30100001", "advertiserDomain": "https://www.example.com", "totalBudgetPacing": False,
        "publisherAdCategory": "", "exchanges": "", "budgetTypeId": 1, "campaignType": 1})
    assert created.status_code == 200, created.text
    campaign_id = created.json()["responseObject"]["data"]
    approved = client.put("/api/v2/cmp/campaigns/update-status", headers=headers,
                          json={"campaignIds": str(campaign_id), "status": "running"})
    assert approved.status_code == 200, approved.text
    return campaign_id


def status_of(db, campaign_id: int) -> str:  # noqa: ANN001
    with db.session() as session:
        return session.scalar(select(Campaign.status).where(Campaign.id == campaign_id))


def impressions(store, campaign_id: int) -> int:  # noqa: ANN001
    rows = store.query("SELECT count(*) FROM events WHERE campaign_id = ? AND event_type = 'impression'",
                       [campaign_id])
    return int(rows[0][0])


def test_advancing_starts_delivers_sends_and_expires(client, sandbox, db, demo, demo_headers, settings) -> None:  # noqa: ANN001
    store = client.app.state.analytics
    store.reset()
    simulator = RealtimeSimulator(client.app)  # as `serve --demo` runs it (ticked here by the clock only)
    simulator.restart_from(utcnow())
    client.app.state.simulator = simulator
    campaign_id = flight(client, demo_headers, db, demo["owId"], starts_in=timedelta(hours=2),
                         runs=timedelta(days=2))
    report = client.post("/api/v3/ra/report/add", headers=demo_headers, json={
        "reportName": "Daily delivery", "startDate": "2026-01-01", "endDate": "2026-01-01", "timezoneId": 29,
        "dimensions": json.dumps([{"filter": "campaign"}]), "columns": ["impressions", "spent"], "requestType": 1,
        "reportSchedulingEventDetails": {"deliveryFrequency": 2, "fileType": 1, "deliveryDay": "MONDAY",
                                         "subscriberEmails": ["ops@example.com"],
                                         "eventEndDate": to_epoch_ms(utcnow() + timedelta(days=20)),
                                         "runningTotalEnabled": False}})
    assert report.status_code == 200, report.text
    assert status_of(db, campaign_id) == "pending"
    outbox = settings.data_dir / "outbox"

    before = utcnow()
    moved = client.post(f"{PREFIX}/clock/advance", headers=demo_headers, json={"hours": 3})
    assert moved.status_code == 200, moved.text
    answer = moved.json()["data"]
    assert answer["started"] == 1 and answer["simulated"] is True
    assert answer["now"] >= to_epoch_ms(before + timedelta(hours=3))
    assert status_of(db, campaign_id) == "running"
    first_hour = impressions(store, campaign_id)
    assert first_hour > 0  # the simulator delivered the hour since its start

    day = client.post(f"{PREFIX}/clock/advance", headers=demo_headers, json={"days": 1}).json()["data"]
    assert impressions(store, campaign_id) > first_hour
    assert day["reportsDelivered"] >= 1 and len(list(outbox.glob("*.eml"))) >= 1  # the daily 09:00 mail

    # tokens age with the clock: a day later the access token (10 h) has expired, a new login works
    assert client.get(f"{PREFIX}/clock", headers=demo_headers).status_code == 401
    demo_headers = login(client, demo)
    target = utcnow() + timedelta(days=2)
    ended = client.post(f"{PREFIX}/clock", headers=demo_headers, json={"now": to_epoch_ms(target)})
    assert ended.status_code == 200, ended.text
    assert ended.json()["data"]["expired"] == 1 and status_of(db, campaign_id) == "expired"
    spent = store.query("SELECT max(event_time) FROM events WHERE campaign_id = ?", [campaign_id])[0][0]
    assert spent is not None
    state = client.get(f"{PREFIX}/clock", headers=login(client, demo)).json()["data"]
    assert state["realTime"] is False and state["offsetSeconds"] >= (3 * 3600 + 86400 + 2 * 86400) - 5
    saved = json.loads((settings.data_dir / "sandbox-clock.json").read_text())
    assert saved["offsetSeconds"] == pytest.approx(state["offsetSeconds"], abs=5)
    store.reset()


def test_advancing_without_a_simulator_still_runs_the_lifecycle(client, sandbox, db, demo, demo_headers) -> None:  # noqa: ANN001
    campaign_id = flight(client, demo_headers, db, demo["owId"], starts_in=timedelta(days=1), runs=timedelta(days=1))
    moved = client.post(f"{PREFIX}/clock/advance", headers=demo_headers, json={"days": 1, "minutes": 5})
    assert moved.status_code == 200, moved.text
    assert moved.json()["data"]["simulated"] is False and status_of(db, campaign_id) == "running"
    client.post(f"{PREFIX}/clock/advance", headers=login(client, demo), json={"days": 1})
    assert status_of(db, campaign_id) == "expired"
