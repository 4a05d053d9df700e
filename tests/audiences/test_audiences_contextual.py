"""Contextual audiences: IQM's samples accepted (the quickstart's trailing commas too); members are exactly the
users an independent computation finds with enough impressions on publishers matching the keywords or URLs in
the window (static and dynamic), built by a job; IQM's 422s; URL validation; other organizations see nothing."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa
from sqlalchemy import func, select

from adplane.audiences.kind_worker import build_pending, refresh
from adplane.audiences.models import Audience, AudienceMember
from adplane.core.clock import clock
from types_contract import checked

SPEC_STATIC = {"audienceName": "Test_aud", "frequency": 5, "startDate": 1750737600000, "endDate": 1753329599000,
               "keywords": "Test", "urls": "http://iqm.com", "timezoneId": 29, "dataCollectionMethodId": 1}
SPEC_DYNAMIC = {"audienceName": "Test_aud", "frequency": 10, "keywords": "Test", "urls": "http://iqm.com",
                "timezoneId": 29, "dataCollectionMethodId": 2, "dataCollectionDays": 20}
GUIDE = {"audienceName": "Test_aud", "frequency": 5, "startDate": 1750737600000, "endDate": 1753329599000,
         "keywords": ["Test"], "urls": ["http://iqm.com"], "timezoneId": 29, "dataCollectionMethodId": 1,
         "audienceSubtypes": [2, 3]}
# The quickstart's samples, byte for byte (their objects end with a trailing comma).
QUICKSTART_KEYWORDS = b"""{
  "audienceName": "California Politics",
  "frequency": 5,
  "keywords": "politics, voters, california",
  "dataCollectionMethodId": 1,
  "startDate": 1750737600000,
  "endDate": 1753329599000,
  "timezoneId": 29,
}"""
QUICKSTART_URLS = b"""{
  "audienceName": "California Politics",
  "frequency": 5,
  "urls": "www.iqm.com",
  "dataCollectionMethodId": 2,
  "dataCollectionDays": 20,
  "timezoneId": 29,
}"""
SAMPLE_NOW = datetime(2025, 7, 1, tzinfo=UTC)
NOW = datetime(2026, 3, 25, tzinfo=UTC)
PUBLISHERS = ["weather.com", "accuweather.com", "com.weather.Weather", "espn.com", "news.espn.com", "cnn.com",
              "iqm.com", "shop.iqm.com", "notiqm.com", "com.king.candycrushsaga"]
# What the audience below should match, decided by reading the names (not by the engine's code).
MATCHING = {"weather.com", "accuweather.com", "com.weather.Weather", "espn.com", "news.espn.com", "iqm.com",
            "shop.iqm.com", "com.king.candycrushsaga"}
AUDIENCE = {"audienceName": "Sports and weather", "keywords": "Weather, candy crush",
            "urls": ["https://www.espn.com/nba/scores", "iqm.com"], "timezoneId": 29}


def events(rng: random.Random, ow_id: int, n: int) -> list[dict[str, Any]]:
    return [{"event_time": NOW - timedelta(seconds=rng.randrange(0, 40 * 86400)),
             "event_type": rng.choice(["impression"] * 4 + ["click"]), "ow_id": ow_id, "io_id": 1,
             "campaign_id": 1, "creative_id": 1, "creative_type_id": 11, "publisher": rng.choice(PUBLISHERS),
             "user_id": rng.choice([*(str(u) for u in range(1, 120)), None])} for _ in range(n)]


def expected(rows: list[dict[str, Any]], ow_id: int, start: datetime, end: datetime, frequency: int) -> set[int]:
    counts = Counter(int(r["user_id"]) for r in rows
                     if r["ow_id"] == ow_id and r["event_type"] == "impression" and start <= r["event_time"] <= end
                     and r["publisher"] in MATCHING and r["user_id"] is not None)
    return {user for user, n in counts.items() if n >= frequency}


def members(db, audience_id: int) -> set[int]:
    with db.session() as session:
        return set(session.scalars(select(AudienceMember.user_id).where(AudienceMember.audience_id == audience_id)))


def test_members_match_an_independent_computation(client, headers, other_headers, db, tenant, settings):
    clock.set(NOW)
    rng = random.Random(8)
    ow, other = tenant["owId"], int(other_headers["X-IAA-OW-ID"])
    rows = events(rng, ow, 5000) + events(rng, other, 2000)
    store = client.app.state.analytics
    store.append_events(pa.Table.from_pylist(rows), batch_id="ctx")
    start, end = NOW - timedelta(days=30), NOW - timedelta(days=5)
    static = checked(client, "POST", "/api/v3/audience/contextual", headers=headers, json={
        **AUDIENCE, "frequency": 4, "dataCollectionMethodId": 1, "startDate": int(start.timestamp() * 1000),
        "endDate": int(end.timestamp() * 1000)})["data"]
    dynamic = checked(client, "POST", "/api/v3/audience/contextual/add", headers=headers, json={
        **AUDIENCE, "frequency": 2, "dataCollectionMethodId": 2, "dataCollectionDays": 10})["data"]
    pending = checked(client, "GET", f"/api/v3/audience/contextual/{static['id']}", headers=headers)["data"]
    assert (pending["status"], pending["type"], pending["dataCost"]) == ("Processing", 5, 1.5)
    assert build_pending(db, settings, store=store) == 2
    want_static = expected(rows, ow, start, end, 4)
    want_dynamic = expected(rows, ow, NOW - timedelta(days=10), NOW, 2)
    assert len(want_static) > 20 and len(want_dynamic) > 20
    assert members(db, static["id"]) == want_static
    assert members(db, dynamic["id"]) == want_dynamic
    ready = checked(client, "GET", f"/api/v3/audience/contextual/{static['id']}", headers=headers)["data"]
    assert ready | {"createdByUser": ""} == ready | {
        "status": "Ready", "uniques": len(want_static), "reach": len(want_static), "keywords": "Weather,candy crush",
        "urls": "https://www.espn.com/nba/scores,iqm.com", "frequency": 4, "dataCollectionMethodId": 1,
        "startDate": int(start.timestamp() * 1000), "endDate": int(end.timestamp() * 1000),
        "createdOn": int(NOW.timestamp()), "createdAt": int(NOW.timestamp() * 1000), "createdByUser": ""}
    details = client.get(f"/api/v3/audience/contextual/{dynamic['id']}", headers=headers).json()["data"]
    assert details["dataCollectionDays"] == 10 and "startDate" not in details
    # another organization: 404, and its impressions made no member
    assert client.get(f"/api/v3/audience/contextual/{static['id']}", headers=other_headers).status_code == 404
    # a dynamic audience is rebuilt once a day over its moving window
    clock.set(NOW + timedelta(hours=2))
    assert refresh(db, settings) == 0
    clock.set(NOW + timedelta(days=1, hours=1))
    assert refresh(db, settings) == 1
    assert build_pending(db, settings, store=store) == 1
    assert members(db, dynamic["id"]) == expected(rows, ow, NOW + timedelta(days=1, hours=1) - timedelta(days=10),
                                                  NOW + timedelta(days=1, hours=1), 2)


def test_iqm_samples_are_accepted(client, headers, db, settings):
    clock.set(SAMPLE_NOW)
    for path, sample in (("/api/v3/audience/contextual/add", SPEC_STATIC), ("/api/v3/audience/contextual/add",
                                                                             SPEC_DYNAMIC),
                         ("/api/v3/audience/contextual", GUIDE)):
        answer = client.post(path, headers=headers, json=sample)
        assert answer.status_code == 200, answer.text
    for raw in (QUICKSTART_KEYWORDS, QUICKSTART_URLS):
        answer = client.post("/api/v3/audience/contextual", headers={**headers, "Content-Type": "application/json"},
                             content=raw)
        assert answer.status_code == 200, answer.text
        assert answer.json()["data"]["message"] == "California Politics audience created successfully"
    made = answer.json()["data"]["id"]
    details = client.get(f"/api/v3/audience/contextual/{made}", headers=headers).json()["data"]
    assert (details["urls"], details["dataCollectionDays"], details["frequency"]) == ("www.iqm.com", 20, 5)
    assert build_pending(db, settings, store=client.app.state.analytics) == 5
    listed = client.post("/api/v3/audience/list", headers=headers, json={"audienceTypeIds": [5]}).json()["data"]
    assert listed["filteredRecords"] == 5


def test_iqm_errors_are_422_and_change_nothing(client, headers, db):
    clock.set(SAMPLE_NOW)
    cases = [
        ({**SPEC_STATIC, "frequency": 11}, "frequency", "Frequency must be between 1 and 10."),
        ({**SPEC_STATIC, "endDate": SPEC_STATIC["startDate"] + 91 * 86_400_000}, "endDate",
         "The period between start date and end date cannot exceed 90 days."),
        ({**SPEC_STATIC, "startDate": 1735689600000, "endDate": 1736294400000}, "startDate",
         "Start date must be within the last 180 days or up to 90 days in the future."),
        ({**SPEC_STATIC, "timezoneId": 123456789}, "timezoneId", "Invalid value provided"),
        ({**SPEC_STATIC, "dataCollectionMethodId": 3}, "dataCollectionMethodId",
         "Invalid data collection method provided"),
        ({**SPEC_DYNAMIC, "dataCollectionDays": 91}, "dataCollectionDays", None),
        ({**SPEC_DYNAMIC, "dataCollectionDays": None}, "dataCollectionDays", None),
        ({**SPEC_STATIC, "keywords": " , ", "urls": ""}, "keywords", None),
        ({**SPEC_STATIC, "urls": "http://iqm.com, ftp://files.example.com"}, "urls.1", None),
        ({**SPEC_STATIC, "endDate": SPEC_STATIC["startDate"]}, "endDate", None),
        ({k: v for k, v in SPEC_STATIC.items() if k != "startDate"}, "startDate", None),
        ({k: v for k, v in SPEC_STATIC.items() if k != "audienceName"}, "audienceName", None),
        ({**SPEC_STATIC, "frequency": "x"}, "frequency", None),
    ]
    for body, field, message in cases:
        answer = client.post("/api/v3/audience/contextual", headers=headers, json=body)
        assert answer.status_code == 422, (body, answer.text)
        error = answer.json()["errorObjects"][0]
        assert error["field"] == field, (field, answer.text)
        assert message is None or error["error"] == message
    for raw in (b"{", b"[1, 2]", b'{"audienceName": "x",,}'):
        answer = client.post("/api/v3/audience/contextual", headers={**headers, "Content-Type": "application/json"},
                             content=raw)
        assert answer.status_code == 422, raw
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Audience)) == 0
    assert client.get("/api/v3/audience/contextual/abc", headers=headers).status_code == 404
    assert client.post("/api/v3/audience/contextual", json=SPEC_STATIC).status_code == 401


def test_url_validation(client, headers):
    spec_all = ["https://sample-url-1.com", "https://sample-url-2.com", "https://sample-url-3.com"]
    spec_partial = ["https://sample-url-1.com", "https://sample-url-2.com", "https://.invalid-url.com"]
    for path in ("/api/v3/audience/contextual/programmatic/url/validate",
                 "/api/v3/audience/contextual/validate-programmatic-urls"):
        assert checked(client, "POST", path, headers=headers, json=spec_all)["data"] == dict.fromkeys(spec_all, True)
        answer = checked(client, "POST", path, headers=headers, json=spec_partial)["data"]
        assert answer == {"https://sample-url-1.com": True, "https://sample-url-2.com": True,
                          "https://.invalid-url.com": False}
    more = ["www.iqm.com", "iqm", "http://user@iqm.com", "https://iqm.com:99999", "https://bücher.de/x",
            "http://a b.com"]
    answer = client.post("/api/v3/audience/contextual/validate-programmatic-urls", headers=headers, json=more)
    assert answer.json()["data"] == {"www.iqm.com": True, "iqm": False, "http://user@iqm.com": False,
                                     "https://iqm.com:99999": False, "https://bücher.de/x": True,
                                     "http://a b.com": False}
    for bad in ({"urls": []}, [1, 2], ["x" * 2001]):
        assert client.post("/api/v3/audience/contextual/validate-programmatic-urls", headers=headers,
                           json=bad).status_code == 422
