"""Geo-farmed audiences: IQM's samples accepted; members are exactly the users an independent computation finds
in the organization's impressions inside the places, window, weekday hours and frequency; built by a job
(processing → ready); bad input is a 422 naming the field; other organizations see nothing."""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
from sqlalchemy import func, select

from adplane.audiences import catalog
from adplane.audiences.kind_worker import build_pending, refresh
from adplane.audiences.models import Audience, AudienceMember
from adplane.core.clock import clock
from adplane.master import refdata
from types_contract import checked

GUIDE_SAMPLE = {
    "audienceName": "Healthcare Professionals NYC", "frequency": 5, "frequencyTypeId": 2, "startDate": 1697040000,
    "endDate": 1699641600, "timezoneId": 1, "audienceSubtypeIds": [3, 4],
    "timeRange": {"0": [["09:00:00", "17:00:00"]], "1": [["10:00:00", "18:00:00"]]},
    "locations": {"country": 1, "included": {"zipCodes": ["10001", "10002", "10003"], "customAreas": [
        {"type": "circle", "latitude": 40.7128, "longitude": -74.006, "radius": 5, "unit": "mile"}]},
        "locationFileIds": [123]}}
CIRCLE = {"latitude": 37.7486, "longitude": -122.4184, "radius": 0.5, "address": "Mission, San Francisco",
          "locationId": 0, "isIncluded": True, "cid": "246", "sid": "4695", "type": "circle", "unit": "mile",
          "cdId": 0, "sdId": 0, "hdId": 0}
RECTANGLE = {"latitude": 41.8858, "longitude": -87.6181, "radius": 1, "type": "square", "unit": "mile",
             "polypath": [{"lat": 41.87, "lng": -87.64}, {"lat": 41.90, "lng": -87.60}]}
NC = 30200028
EVENT_ZIPS = ["10001", "27513", "27502", "05401", "94110", "94103", "60601", None]
START = datetime(2026, 3, 1, tzinfo=UTC)
END = datetime(2026, 3, 31, 23, 59, 59, 999000, tzinfo=UTC)


def _ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


def body(**overrides: Any) -> dict[str, Any]:
    return {"audienceName": "Farm", "frequency": 2, "frequencyTypeId": 1, "timezoneId": 29,
            "startDate": _ms(START), "endDate": _ms(END),
            "locations": {"country": 30100001,
                          "included": {"zipCodes": ["10001"], "states": [NC], "customAreas": [CIRCLE, RECTANGLE]},
                          "excluded": {"zipCodes": [27513]}}, **overrides}


def _state(code: str | None) -> int:
    if code is None:
        return NC
    place = refdata.geo("zips").get(refdata.ZIP_BASE + int(code))
    assert place is not None and place.parent_id is not None
    return place.parent_id


def events(rng: random.Random, ow_id: int, n: int = 4000) -> list[dict[str, Any]]:
    rows = []
    for _ in range(n):
        code = rng.choice(EVENT_ZIPS)
        user = rng.choice([*(str(u) for u in range(1, 160)), "device-abc", None])
        rows.append({"event_time": START - timedelta(days=4) + timedelta(seconds=rng.randrange(0, 40 * 86400)),
                     "event_type": rng.choice(["impression"] * 5 + ["click"]), "ow_id": ow_id, "io_id": 1,
                     "campaign_id": 1, "creative_id": 1, "creative_type_id": 11, "zip": code,
                     "state_id": _state(code), "user_id": user, "publisher": "espn.com"})
    return rows


def _miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 3958.7613 * math.asin(math.sqrt(a))


def covered(code: str | None, state: int) -> bool:
    """The test's own reading of the places: zipCodes, the state, the circle (centroid within the radius, or the
    ZIP nearest its centre) and the rectangle; ZIP 27513 excluded."""
    if code == "27513":
        return False
    if code == "10001" or state == NC:
        return True
    if code is None:
        return False
    place = refdata.geo("zips").get(refdata.ZIP_BASE + int(code))
    assert place is not None and place.lat is not None and place.lon is not None
    in_circle = _miles(CIRCLE["latitude"], CIRCLE["longitude"], place.lat, place.lon) <= CIRCLE["radius"]
    nearest = min((z for z in refdata.geo("zips") if z.lat is not None and z.lon is not None),
                  key=lambda z: _miles(CIRCLE["latitude"], CIRCLE["longitude"], z.lat, z.lon))  # type: ignore[arg-type]
    in_box = 41.87 <= place.lat <= 41.90 and -87.64 <= place.lon <= -87.60
    return in_circle or nearest.name == code or in_box


def expected(rows: list[dict[str, Any]], ow_id: int, frequency: int, *, weekly: bool = False,
             hours: dict[int, tuple[int, int]] | None = None) -> set[int]:
    zone = ZoneInfo("US/Eastern")
    cover = {code: covered(code, _state(code)) for code in EVENT_ZIPS}
    counts: Counter[tuple[int, Any]] = Counter()
    for row in rows:
        user = row["user_id"]
        if row["ow_id"] != ow_id or row["event_type"] != "impression" or not (START <= row["event_time"] <= END) \
                or not cover[row["zip"]] or user is None or not user.isdigit():
            continue
        local = row["event_time"].astimezone(zone)
        weekday = (local.weekday() + 1) % 7  # Sunday 0
        if hours is not None:
            span = hours.get(weekday)
            second = local.hour * 3600 + local.minute * 60 + local.second
            if span is None or not span[0] <= second < span[1]:
                continue
        bucket = (local.date() - timedelta(days=weekday)) if weekly else None
        counts[(int(user), bucket)] += 1
    return {user for (user, _), n in counts.items() if n >= frequency}


def members(db, audience_id: int) -> set[int]:
    with db.session() as session:
        return set(session.scalars(select(AudienceMember.user_id).where(AudienceMember.audience_id == audience_id)))


def test_members_match_an_independent_computation(client, headers, other_headers, db, tenant, settings):
    clock.set(datetime(2026, 4, 10, tzinfo=UTC))
    rng = random.Random(4)
    ow, other = tenant["owId"], int(other_headers["X-IAA-OW-ID"])
    rows = events(rng, ow, 8000) + events(rng, other, 1500)
    store = client.app.state.analytics
    store.append_events(pa.Table.from_pylist(rows), batch_id="geo")
    total = checked(client, "POST", "/api/v3/audience/geo-farmed", headers=headers, json=body())["data"]
    assert total["message"] == "Farm audience created successfully" and total["audienceIds"] == [total["id"]]
    hours = {1: (9 * 3600, 17 * 3600), 3: (18 * 3600, 23 * 3600)}
    spec_spelling = {key: value for key, value in body(
        audienceName="Weekly", frequency=2, frequencyType=2, timezone=29,
        timeRange={"1": [["09:00:00", "17:00:00"]], "3": [["18:00:00", "23:00:00"]]}).items()
        if key not in ("frequencyTypeId", "timezoneId")}
    weekly = client.post("/api/v3/audience/geo-farmed/add", headers=headers, json=spec_spelling).json()["data"]
    pending = checked(client, "GET", f"/api/v3/audience/geo-farmed/{total['id']}", headers=headers)["data"]
    assert (pending["status"], pending["audienceStatusId"], pending["reach"]) == ("Processing", 1, 0)
    assert build_pending(db, settings, store=store) == 2
    want_total = expected(rows, ow, 2)
    want_weekly = expected(rows, ow, 2, weekly=True, hours=hours)
    assert len(want_total) > 20 and 5 < len(want_weekly) < len(want_total)
    assert members(db, total["id"]) == want_total
    assert members(db, weekly["id"]) == want_weekly
    ready = checked(client, "GET", f"/api/v3/audience/geo-farmed/{total['id']}", headers=headers)["data"]
    assert (ready["status"], ready["reach"], ready["uniques"], ready["cpm"]) == ("Ready", len(want_total),
                                                                                len(want_total), 1.5)
    assert (ready["startDate"], ready["endDate"], ready["frequency"], ready["frequencyTypeId"]) == (
        int(START.timestamp()), int(END.timestamp()), 2, 1)
    assert ready["locations"]["included"]["customAreas"][0]["address"] == "Mission, San Francisco"
    details = client.get(f"/api/v3/audience/geo-farmed/{weekly['id']}", headers=headers).json()["data"]
    assert details["timeRange"] == {"1": [["09:00:00", "17:00:00"]], "3": [["18:00:00", "23:00:00"]]}
    assert details["frequencyTypeId"] == 2 and details["timezoneId"] == 29
    # the other organization: 404 on the audience, and its events never made members
    assert client.get(f"/api/v3/audience/geo-farmed/{total['id']}", headers=other_headers).status_code == 404
    # a refresh after the window closed (over a day ago, since the last build) queues nothing more
    clock.set(datetime(2026, 4, 20, tzinfo=UTC))
    assert refresh(db, settings) == 0
    # late events inside the window while it is still open are picked up by the refresh's rebuild
    clock.set(datetime(2026, 3, 20, tzinfo=UTC))
    with db.session() as session:
        audience = session.get(Audience, total["id"])
        audience.details = {**audience.details, "builtAt": datetime(2026, 3, 19, tzinfo=UTC).isoformat()}
        session.commit()
    late = [{**rows[0], "ow_id": ow, "user_id": "9999", "zip": "10001", "state_id": _state("10001"),
             "event_type": "impression", "event_time": START + timedelta(days=3, hours=h)} for h in range(2)]
    store.append_events(pa.Table.from_pylist(late), batch_id="late")
    assert refresh(db, settings) == 1
    assert build_pending(db, settings, store=store) == 1
    assert members(db, total["id"]) == want_total | {9999}
    assert client.get(f"/api/v3/audience/geo-farmed/{total['id']}", headers=headers).json()["data"]["status"] == \
        "Ready"


def test_iqm_samples_are_accepted(client, headers, db, settings):
    clock.set(datetime(2023, 10, 1, tzinfo=UTC))
    guide = client.post("/api/v3/audience/geo-farmed", headers=headers, json=GUIDE_SAMPLE)
    assert guide.status_code == 200, guide.text
    spec_locations = {
        "country": 30100001,
        "included": {"locationIds": [50488, 50487], "states": [30200028, 30200041],
                     "counties": [30315199, 30315203, 30322340], "cities": [30430094, 30430093, 30445951],
                     "stateSenates": [30714553, 30721606], "stateHouses": [30802998, 30802999],
                     "congressionalDistricts": [30613735], "zipCodes": [27513, 27502], "customAreas": [
                         {"latitude": 35.406129635621866, "longitude": -78.33474172529601, "radius": 0.5,
                          "address": "Four Oaks, NC 27524, USA", "locationId": 0, "isIncluded": True, "cid": "246",
                          "sid": "4695", "type": "circle", "unit": "mile", "cdId": 0, "sdId": 0, "hdId": 0},
                         {"latitude": 35.43904739191802, "longitude": -78.20096345526908, "radius": 3.41,
                          "address": "Princeton, NC 27569, USA", "locationId": 0, "polypath": [
                              {"lat": 35.45918892465155, "lng": -78.23392243964408},
                              {"lat": 35.465900156326505, "lng": -78.16525788886283},
                              {"lat": 35.41890977772045, "lng": -78.17624421698783},
                              {"lat": 35.41219462750953, "lng": -78.23666902167533}],
                          "isIncluded": True, "cid": "246", "sid": "4695", "type": "custom", "unit": "mile",
                          "cdId": 0, "sdId": 0, "hdId": 0}]},
        "excluded": {"locationIds": [50486, 50485], "cities": [30430078, 30430028], "counties": [30322361],
                     "zipCodes": [27519], "customAreas": [
                         {"latitude": 35.47596252362811, "longitude": -78.08560700995658, "radius": 4.56,
                          "address": "Pikeville, NC 27863, USA", "locationId": 0, "polypath": [
                              {"lat": 35.45247713304938, "lng": -78.12680574042533},
                              {"lat": 35.49944791420684, "lng": -78.04440827948783}],
                          "isIncluded": True, "cid": "246", "sid": "4695", "type": "square", "unit": "mile",
                          "cdId": 0, "sdId": 0, "hdId": 0}]},
        "locationFileIds": [1656]}
    spec = client.post("/api/v3/audience/geo-farmed/add", headers=headers, json={
        "audienceName": "Spec", "frequency": 1, "frequencyType": 1, "startDate": 1696118400000,
        "endDate": 1698796800000, "timezone": 29, "timeRange": {"1": [["09:00:00", "12:00:00"]]},
        "removedLocationsIds": [], "locations": spec_locations})
    assert spec.status_code == 200, spec.text
    guide_id = guide.json()["data"]["id"]
    details = client.get(f"/api/v3/audience/geo-farmed/{guide_id}", headers=headers).json()["data"]
    assert (details["startDate"], details["endDate"], details["audienceSubtypeId"]) == (1697040000, 1699641600, 3)
    assert details["locations"]["included"]["zipCodes"] == ["10001", "10002", "10003"]
    assert details["locations"]["locationFileIds"] == [123]
    assert build_pending(db, settings, store=client.app.state.analytics) == 2  # no events yet: ready and empty
    assert client.get(f"/api/v3/audience/geo-farmed/{guide_id}", headers=headers).json()["data"]["status"] == "Ready"
    listed = client.post("/api/v3/audience/list", headers=headers, json={"audienceTypeIds": [4]}).json()["data"]
    assert listed["filteredRecords"] == 2


def test_bad_requests_are_422_and_change_nothing(client, headers, db):
    clock.set(datetime(2026, 4, 10, tzinfo=UTC))
    base = body()
    cases = [
        (body(frequency=11), "frequency"),
        (body(frequencyTypeId=9), "frequencyTypeId"),
        (body(endDate=_ms(START) - 1), "endDate"),
        ({k: v for k, v in base.items() if k != "startDate"}, "startDate"),
        ({k: v for k, v in base.items() if k != "audienceName"}, "audienceName"),
        ({k: v for k, v in base.items() if k != "locations"}, "locations"),
        (body(timeRange={"7": [["09:00:00", "10:00:00"]]}), "timeRange"),
        (body(timeRange={"1": [["10:00:00", "09:00:00"]]}), "timeRange.1.0"),
        (body(timeRange={"1": [["9am", "10:00:00"]]}), "timeRange.1.0"),
        (body(locations={"included": {"zipCodes": ["1234"]}}), "locations.included.zipCodes.0"),
        (body(locations={"included": {"zipCodes": ["00000"]}}), "locations.included.zipCodes.0"),
        (body(locations={"included": {"counties": [1]}}), "locations.included"),
        (body(locations={"included": {"customAreas": [{**CIRCLE, "latitude": 91}]}}),
         "locations.included.customAreas.0.latitude"),
        (body(locations={"included": {"customAreas": [{**CIRCLE, "unit": "parsec"}]}}),
         "locations.included.customAreas.0.unit"),
        (body(locations={"included": {"customAreas": [{"type": "circle", "latitude": 1}]}}),
         "locations.included.customAreas.0"),
        (body(locations={"included": {"customAreas": [{**CIRCLE, "type": "custom",
                                                       "polypath": [{"lat": 1, "lng": 1}]}]}}),
         "locations.included.customAreas.0.polypath"),
        (body(locations={"included": {"states": [NC]}, "excluded": {"zipCodes": ["abcde"]}}),
         "locations.excluded.zipCodes.0"),
        (body(frequency="often"), "frequency"),
    ]
    for request, field in cases:
        answer = client.post("/api/v3/audience/geo-farmed", headers=headers, json=request)
        assert answer.status_code == 422, (request, answer.text)
        assert answer.json()["errorObjects"][0]["field"] == field, (field, answer.text)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Audience)) == 0
    assert client.get("/api/v3/audience/geo-farmed/x", headers=headers).status_code == 404
    made = client.post("/api/v3/audience/retargeted", headers=headers,
                       json={"audienceName": "r", "dataCollectionBy": "month", "dataCollectionPeriod": 1})
    other_kind = client.get(f"/api/v3/audience/geo-farmed/{made.json()['data']['id']}", headers=headers)
    assert other_kind.status_code == 422 and other_kind.json()["errorObjects"][0]["error"] == \
        "Requested audience is not present"
    assert catalog.TYPE_GEOFARMED == 4
