"""Retargeted audiences: IQM's create/edit/details in both spellings, the pixel (visitors become members inside
the window, idempotent, bounded, rate limited), the rolling window's expiry, the tag by real SMTP, delivery
inside the audience, and isolation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np
from sqlalchemy import func, select

from adplane.audiences import catalog, identities, retargeting
from adplane.audiences.kind_worker import refresh
from adplane.audiences.models import Audience, AudienceMember, PixelVisit
from adplane.campaigns.models import Campaign
from adplane.core.clock import clock
from adplane.simulator.simulation import simulate_period
from audience_helpers import ids_of, seed
from test_events_ingest import END, START, make_campaign
from test_schedules_support import SmtpSink
from types_contract import checked

# IQM's samples, sent as they are published.
SPEC_CREATE = {"tag_duration": "date_range", "tag_name": "Sample audience name", "start_date": 1643810939810,
               "end_date": 1645381800000}
SPEC_EDIT = {"tag_duration": "month", "tag_name": "Sample audience name", "tag_time": 5}
GUIDE_MONTH = {"audienceName": "Test audience by month", "dataCollectionBy": "month", "dataCollectionPeriod": 1}
GUIDE_RANGE = {"audienceName": "Test audience by date_range", "dataCollectionBy": "date_range",
               "startDate": 1753262493020, "endDate": 1753900200000}
SPEC_NOTIFY = {"pixelCode": "<script src='https://pxl.iqm.com/c/0a8e47e5-a3e7-4b99-b206-c4a8b0b9afbc' async></script>",
               "recipients": "jayesh.p@iqm.com"}
GUIDE_NOTIFY = {"recipientEmails": ["test.s@gmail.com"]}
NOW = datetime(2022, 2, 3, 12, tzinfo=UTC)  # inside the specification's sample window


def _key(tag: str) -> str:
    return tag.split(f"{retargeting.PIXEL_PATH}/")[1].split("'")[0]


def _create(client, headers, body: dict) -> dict:
    answer = client.post("/api/v3/audience/retargeted", headers=headers, json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def _members(db, audience_id: int) -> set[int]:
    with db.session() as session:
        return set(session.scalars(select(AudienceMember.user_id).where(AudienceMember.audience_id == audience_id)))


def test_iqm_samples_create_edit_and_read(client, headers, settings, tenant):
    clock.set(NOW)
    spec = checked(client, "POST", "/api/v3/audience/retarget/tag", headers=headers, json=SPEC_CREATE)["data"]
    tag = spec["tag_script"]
    assert tag == f"<script src='{settings.public_base_url}/i/audience/{_key(tag)}' async></script>"
    assert spec["id"] == spec["audienceId"] and spec["message"] == "Sample audience name audience created successfully"
    month = checked(client, "POST", "/api/v3/audience/retargeted", headers=headers, json=GUIDE_MONTH)["data"]
    ranged = checked(client, "POST", "/api/v3/audience/retargeted", headers=headers, json=GUIDE_RANGE)["data"]
    assert len({_key(spec["tag_script"]), _key(month["tag_script"]), _key(ranged["tag_script"])}) == 3
    details = checked(client, "GET", f"/api/v3/audience/retarget/{spec['id']}", headers=headers)["data"]
    assert details | {"createdByUser": "x"} == details | {
        "id": spec["id"], "name": "Sample audience name", "status": "Processing", "type": 3, "includedCount": 0,
        "excludedCount": 0, "createdOn": 1643889600000, "owId": tenant["owId"], "tagId": _key(tag),
        "duration": "DATE_RANGE", "time": 0, "startDate": 1643810939810, "endDate": 1645381800000,
        "editAccess": True, "uniques": 0, "reach": 0, "tag_script": tag, "createdByUser": "x",
        "audienceStatusId": catalog.STATUS_PROCESSING, "dataCost": 0}
    assert details["organizationName"]
    # the specification's edit: a 5-month rolling window, same tag
    edited = checked(client, "PUT", f"/api/v3/audience/retarget/{spec['id']}", headers=headers, json=SPEC_EDIT)
    assert edited["data"] == {"tag_script": tag, "message": "Your changes have been saved successfully"}
    # the guide's edit (PATCH) takes the guide's spelling
    patched = client.patch(f"/api/v3/audience/retargeted/{month['id']}", headers=headers,
                           json={**GUIDE_RANGE, "audienceName": "Renamed"})
    assert patched.status_code == 200, patched.text
    details = client.get(f"/api/v3/audience/retarget/{spec['id']}", headers=headers).json()["data"]
    assert (details["duration"], details["time"], details["startDate"]) == ("MONTH", 5, 0)
    renamed = client.get(f"/api/v3/audience/retarget/{month['id']}", headers=headers).json()["data"]
    assert (renamed["name"], renamed["duration"], renamed["endDate"]) == ("Renamed", "DATE_RANGE", 1753900200000)
    # the generic list filters by type and counts them
    listed = client.post("/api/v3/audience/list", headers=headers, json={"audienceTypeIds": [3]}).json()["data"]
    assert listed["filteredRecords"] == 3
    counts = client.get("/api/v3/audience/count-by-type", headers=headers).json()["data"]
    assert {"audienceTypeId": 3, "audienceCount": 3} in counts


def test_bad_requests_are_422_and_change_nothing(client, headers, db):
    clock.set(NOW)
    cases = [
        ({**GUIDE_MONTH, "dataCollectionBy": "week"}, "dataCollectionBy"),
        ({**GUIDE_MONTH, "dataCollectionPeriod": 13}, "dataCollectionPeriod"),
        ({**GUIDE_MONTH, "dataCollectionPeriod": 0}, "dataCollectionPeriod"),
        ({key: v for key, v in GUIDE_RANGE.items() if key != "startDate"}, "startDate"),
        ({**GUIDE_RANGE, "endDate": GUIDE_RANGE["startDate"] - 1}, "endDate"),
        ({**GUIDE_MONTH, "audienceName": "  "}, "audienceName"),
        ({key: v for key, v in GUIDE_MONTH.items() if key != "audienceName"}, "audienceName"),
        ({**GUIDE_MONTH, "dataCollectionPeriod": "x"}, "dataCollectionPeriod"),
    ]
    for body, field in cases:
        answer = client.post("/api/v3/audience/retargeted", headers=headers, json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["errorObjects"][0]["field"] == field, (body, answer.text)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Audience)) == 0
    made = _create(client, headers, GUIDE_MONTH)
    bad = client.patch(f"/api/v3/audience/retargeted/{made['id']}", headers=headers, json={"dataCollectionPeriod": 40})
    assert bad.status_code == 422 and bad.json()["errorObjects"][0]["field"] == "dataCollectionPeriod"
    assert client.get("/api/v3/audience/retarget/abc", headers=headers).status_code == 404
    assert client.get("/api/v3/audience/retarget/99999999999", headers=headers).status_code == 422


def test_pixel_visits_become_members_once_inside_the_window(client, headers, db):
    clock.set(NOW)
    seed(db, range(1, 41))
    made = _create(client, headers, {**GUIDE_RANGE, "startDate": 1643810939810, "endDate": 1645381800000})
    url = f"{retargeting.PIXEL_PATH}/{_key(made['tag_script'])}"
    first = client.get(f"{url}?uid=7&url=https://shop.example/cart")
    assert first.status_code == 200 and first.content.startswith(b"GIF89a")
    assert first.headers["x-adplane-visit"] == "recorded" and first.headers["cache-control"] == "no-store"
    details = client.get(f"/api/v3/audience/retarget/{made['id']}", headers=headers).json()["data"]
    assert (details["status"], details["reach"]) == ("Ready", 1)  # ready from its first visit
    # the same visitor again: one member, one visit row (its latest); the script form gets a script back
    clock.set(NOW + timedelta(hours=1))
    again = client.get(url, params={"uid": "7"}, headers={"Sec-Fetch-Dest": "script", "Referer": "https://a.test/x"})
    assert again.headers["content-type"].startswith("application/javascript")
    # a device id and an e-mail (plain, or SHA-256 as IQM asks) through the identity store; a cookie uid
    device_user = next(u for u in range(1, 41) if catalog.KIND_DEVICE in ids_of(u))
    mail_user = next(u for u in range(1, 41) if catalog.KIND_EMAIL in ids_of(u) and u != device_user)
    hashed_user = next(u for u in range(1, 41) if catalog.KIND_EMAIL in ids_of(u) and u not in (device_user, mail_user))
    assert client.get(f"{url}?did={ids_of(device_user)[catalog.KIND_DEVICE].upper()}").status_code == 200
    assert client.get(url, params={"em": ids_of(mail_user)[catalog.KIND_EMAIL]}).status_code == 200
    digest = identities.sha256_hex(catalog.KIND_EMAIL, ids_of(hashed_user)[catalog.KIND_EMAIL])
    assert client.get(f"{url}?em={digest}").status_code == 200
    client.cookies.set("uid", "9")
    assert client.get(url).headers["x-adplane-visit"] == "recorded"
    client.cookies.clear()
    # an unknown identifier and a hit without a visitor are answered but record nothing
    unknown = client.get(url, params={"em": "nobody@nowhere.test"})
    assert unknown.status_code == 200 and unknown.headers["x-adplane-visit"] == "ignored"
    assert client.get(url).headers["x-adplane-visit"] == "ignored"
    expected = {7, 9, device_user, mail_user, hashed_user}
    assert _members(db, made["id"]) == expected
    with db.session() as session:
        visits = list(session.scalars(select(PixelVisit).where(PixelVisit.audience_id == made["id"])))
        assert len(visits) == len(expected)
        seven = next(v for v in visits if v.user_id == 7)
        assert seven.url == "https://a.test/x" and seven.visited_at == NOW + timedelta(hours=1)
        assert session.get(Audience, made["id"]).reach == len(expected)
    # after the window closes a visit is not recorded; malformed visitors are 422; an unknown key 404
    clock.set(datetime(2022, 3, 1, tzinfo=UTC))
    late = client.get(f"{url}?uid=11")
    assert late.status_code == 200 and late.headers["x-adplane-visit"] == "ignored"
    for query, field in (("uid=abc", "uid"), ("uid=0", "uid"), ("did=x", "did"), (f"em={'a' * 400}", "em")):
        answer = client.get(f"{url}?{query}")
        assert answer.status_code == 422 and answer.json()["errorObjects"][0]["field"] == field, query
    assert client.get(f"{retargeting.PIXEL_PATH}/{'A' * 32}?uid=1").status_code == 404
    assert _members(db, made["id"]) == expected


def test_pixel_hits_are_rate_limited_per_audience(client, headers, settings, db):
    clock.set(NOW)
    settings.audience_pixel_hits_per_second = 2
    made = _create(client, headers, GUIDE_MONTH)
    url = f"{retargeting.PIXEL_PATH}/{_key(made['tag_script'])}"
    codes = [client.get(f"{url}?uid={i}").status_code for i in range(1, 7)]
    assert codes[:2] == [200, 200] and 429 in codes
    assert len(_members(db, made["id"])) == codes.count(200)


def test_month_window_rolls_members_out(client, headers, db, settings):
    """Visits at known instants; after time passes, members are exactly the visitors whose last visit is inside
    the last N calendar months (computed here independently)."""
    settings.audience_pixel_hits_per_second = 0
    start = datetime(2026, 1, 10, 9, tzinfo=UTC)
    clock.set(start)
    made = _create(client, headers, {**GUIDE_MONTH, "dataCollectionPeriod": 2})
    url = f"{retargeting.PIXEL_PATH}/{_key(made['tag_script'])}"
    last_visit: dict[int, datetime] = {}
    for day in range(0, 120, 3):
        clock.set(start + timedelta(days=day))
        for user in range(1 + day % 41, 400, 41):  # each user visits at most once
            assert client.get(f"{url}?uid={user}").status_code == 200
            last_visit[user] = start + timedelta(days=day)
    now = start + timedelta(days=125)
    clock.set(now)
    refresh(db, client.app.state.settings)
    cutoff = datetime(now.year, now.month - 2, now.day, now.hour, tzinfo=UTC)
    expected = {user for user, at in last_visit.items() if at >= cutoff}
    assert 0 < len(expected) < len(last_visit)
    assert _members(db, made["id"]) == expected
    assert client.get(f"/api/v3/audience/retarget/{made['id']}", headers=headers).json()["data"]["reach"] == len(
        expected)
    # widening the window through an edit keeps only visits still on record (the dropped ones are gone)
    client.patch(f"/api/v3/audience/retargeted/{made['id']}", headers=headers, json={"dataCollectionPeriod": 12})
    assert _members(db, made["id"]) == expected


def test_tag_is_mailed_by_smtp(client, headers, settings):
    clock.set(NOW)
    made = _create(client, headers, GUIDE_MONTH)
    with SmtpSink() as sink:
        settings.smtp_url = sink.url
        spec = client.post("/api/v2/audience/email/notify", headers=headers, json=SPEC_NOTIFY)
        assert spec.status_code == 200, spec.text
        assert spec.json() == {"statusCode": 200, "responseObject": {"message": "e-mail sent successfully"}}
        guide = checked(client, "POST", f"/api/v3/audience/retargeted/{made['id']}/email-notification",
                        headers=headers, json=GUIDE_NOTIFY)
        assert guide["data"] == {"message": "Pixel Code emailed successfully"}
        own = client.post("/api/v2/audience/email/notify", headers=headers,
                          json={"pixelCode": made["tag_script"], "recipients": "a@example.com, b@example.com"})
        assert own.status_code == 200
        bad = [client.post("/api/v2/audience/email/notify", headers=headers, json=body) for body in (
            {**SPEC_NOTIFY, "recipients": "nope"}, {**SPEC_NOTIFY, "pixelCode": "<b>hi</b>"},
            {"recipients": "a@example.com"})]
        assert [b.json()["errorObjects"][0]["field"] for b in bad] == ["recipients", "pixelCode", "pixelCode"]
        empty = client.post(f"/api/v3/audience/retargeted/{made['id']}/email-notification", headers=headers,
                            json={"recipientEmails": []})
        assert empty.status_code == 422 and empty.json()["errorObjects"][0]["field"] == "recipientEmails"
    assert [m["To"] for m in sink.messages] == ["jayesh.p@iqm.com", "test.s@gmail.com", "a@example.com, b@example.com"]
    assert SPEC_NOTIFY["pixelCode"] in sink.messages[0].get_body().get_content()
    assert made["tag_script"] in sink.messages[1].get_body().get_content()
    assert '"Test audience by month"' in sink.messages[2].get_body().get_content()


def test_other_organizations_see_nothing(client, headers, other_headers, db):
    clock.set(NOW)
    made = _create(client, headers, GUIDE_MONTH)
    url = f"{retargeting.PIXEL_PATH}/{_key(made['tag_script'])}"
    client.get(f"{url}?uid=5")
    base = f"/api/v3/audience/retarget/{made['id']}"
    for method, path, body in (("GET", base, None), ("PUT", base, SPEC_EDIT),
                               ("PATCH", f"/api/v3/audience/retargeted/{made['id']}", GUIDE_MONTH),
                               ("POST", f"/api/v3/audience/retargeted/{made['id']}/email-notification",
                                GUIDE_NOTIFY)):
        answer = client.request(method, path, headers=other_headers, json=body)
        assert answer.status_code == 404, (method, path, answer.text)
    assert client.post("/api/v3/audience/list", headers=other_headers, json={}).json()["data"]["totalRecords"] == 0
    assert client.get(base, headers=headers).json()["data"]["name"] == "Test audience by month"
    assert client.get(base).status_code == 401
    # the generic rename, duplicate and delete work on the kind; a duplicate gets its own tag and the members
    assert client.patch(f"/api/v3/audience/{made['id']}/update-name", headers=headers,
                        json={"audienceName": "Visitors"}).status_code == 200
    copy = client.post(f"/api/v3/audience/matched/duplicate/{made['id']}", headers=headers).json()["data"]
    copied = client.get(f"/api/v3/audience/retarget/{copy['audienceId']}", headers=headers).json()["data"]
    assert copied["tagId"] != _key(made["tag_script"]) and _members(db, copy["audienceId"]) == {5}
    gone = client.delete(f"/api/v3/audience?audienceIds={made['id']}", headers=headers).json()["data"]
    assert gone["successfulAudienceIds"] == [made["id"]]
    assert client.get(f"{url}?uid=5").status_code == 404


def _users(store, campaign_id: int) -> np.ndarray:
    rows = store.query("SELECT DISTINCT user_id FROM events WHERE campaign_id = ? AND event_type = 'impression'",
                       [campaign_id])
    return np.array(sorted(int(r[0]) for r in rows), dtype=np.int64)


def test_delivery_serves_only_the_retargeted_visitors(client, headers, db, tenant, store, settings):
    clock.set(START)
    settings.audience_pixel_hits_per_second = 0
    made = _create(client, headers, {**GUIDE_MONTH, "dataCollectionPeriod": 3})
    visitors = list(range(10, 2010, 2))
    with db.session() as session:
        for user in visitors:
            assert retargeting.record_visit(session, client.app.state.settings, _key(made["tag_script"]),
                                            {"uid": str(user)}, None)
    campaign = make_campaign(db, tenant["owId"], start=START, end=END, max_bid=Decimal("5"))
    with db.session() as session:
        row = session.get(Campaign, campaign["campaign_id"])
        row.extra = {**(row.extra or {}), "whiteListedAudienceIds": str(made["id"])}
        session.commit()
    with db.session() as session:
        simulate_period(session, store, date(2026, 3, 2), date(2026, 3, 2), seed=5)
    served = _users(store, campaign["campaign_id"])
    assert len(served) > 50 and np.isin(served, visitors).all()
