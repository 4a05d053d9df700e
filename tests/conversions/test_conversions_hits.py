"""Pixel and postback hits: recorded with user, time, value and custom fields, once per transaction id, bounded,
rate limited, and a postback only with its own conversion's token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from adplane.conversions.models import HIT_PENDING, HIT_REPEAT, ConversionHit
from adplane.core.clock import clock
from test_conversions_api import add_pixel, add_postback

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


def hits(db, conversion_id: int) -> list[ConversionHit]:
    with db.session() as session:
        return list(session.scalars(select(ConversionHit).where(ConversionHit.conversion_id == conversion_id)
                                    .order_by(ConversionHit.id)))


def token_of(client, headers: dict, conversion_id: int) -> str:
    url = client.get(f"/api/v3/conversion/{conversion_id}", headers=headers).json()["data"]["postbackUrl"]
    return parse_qs(urlsplit(url).query)["token"][0]


def test_pixel_records_a_hit_and_turns_the_pixel_active(client, headers, db):
    clock.set(NOW)
    pixel = add_pixel(client, headers)
    response = client.get(f"/i/pixel/{pixel['uuid']}?cv=12.50&tid=order-1&uid=user-7&field_1=blue&field_4=99"
                          "&unknown=x")
    assert response.status_code == 200 and response.headers["content-type"] == "image/gif"
    assert response.content.startswith(b"GIF89a") and response.headers["cache-control"] == "no-store"
    [hit] = hits(db, pixel["id"])
    assert (hit.source, hit.transaction_id, hit.user_key, hit.state) == ("pixel", "order-1", "user-7", HIT_PENDING)
    assert hit.value == Decimal("12.5") and hit.occurred_at == NOW
    assert hit.custom_fields == {"field_1": "blue", "field_4": "99"}
    details = client.get(f"/api/v3/conversion/{pixel['id']}", headers=headers).json()["data"]
    assert details["statusId"] == 1  # Active since its first hit
    # the same transaction id again changes nothing
    assert client.get(f"/i/pixel/{pixel['uuid']}?cv=1&tid=order-1&uid=user-7").status_code == 200
    assert len(hits(db, pixel["id"])) == 1
    # the financial metric field is the value when cv is absent; the script form of the tag gets a script
    script = client.get(f"/i/pixel/{pixel['uuid']}?tid=order-2&uid=user-8&field_4=7.25",
                        headers={"Sec-Fetch-Dest": "script"})
    assert script.headers["content-type"].startswith("application/javascript")
    assert hits(db, pixel["id"])[-1].value == Decimal("7.25")
    listed = client.get("/api/v3/conversion/list", headers=headers).json()["data"]["data"][0]
    assert listed["totalConversion"] == 2


def test_repeat_rule_counts_one_conversion_per_user_per_window(client, headers, db):
    clock.set(NOW)
    pixel = add_pixel(client, headers)  # IQM's example: count 1 per 1 Day
    uuid = pixel["uuid"]
    client.get(f"/i/pixel/{uuid}?uid=u1")
    clock.set(NOW + timedelta(hours=23))
    client.get(f"/i/pixel/{uuid}?uid=u1")  # inside the day: a repeat
    client.get(f"/i/pixel/{uuid}?uid=u2")
    clock.set(NOW + timedelta(hours=25))
    client.get(f"/i/pixel/{uuid}?uid=u1")  # a day after the counted one: counted again
    assert [(h.user_key, h.state) for h in hits(db, pixel["id"])] == [
        ("u1", HIT_PENDING), ("u1", HIT_REPEAT), ("u2", HIT_PENDING), ("u1", HIT_PENDING)]
    every = add_pixel(client, headers, name="every", conversionSetting={
        "conversionDuration": {"view": 10, "click": 10},
        "repeatConversion": {"count": 0, "frequency": 1, "unit": "Day"}})
    client.get(f"/i/pixel/{every['uuid']}?uid=u1")
    client.get(f"/i/pixel/{every['uuid']}?uid=u1")
    assert [h.state for h in hits(db, every["id"])] == [HIT_PENDING, HIT_PENDING]


def test_bad_pixel_input_is_a_4xx_and_stores_nothing(client, headers, db):
    pixel = add_pixel(client, headers)
    postback = add_postback(client, headers)
    for query, field in (("cv=abc", "cv"), ("cv=-1", "cv"), ("cv=NaN", "cv"), ("uid=" + "u" * 129, "uid"),
                         ("field_1=" + "x" * 257, "field_1")):
        response = client.get(f"/i/pixel/{pixel['uuid']}?{query}")
        assert response.status_code == 422 and response.json()["errorObjects"][0]["field"] == field, query
    assert client.get("/i/pixel/" + "0" * 32).status_code == 404
    assert client.get("/i/pixel/not-a-uuid").status_code == 422
    assert client.get(f"/i/pixel/{postback['uuid']}").status_code == 404  # a postback is not a pixel
    client.delete(f"/api/v3/conversion/delete?conversionIds={pixel['id']}", headers=headers)
    assert client.get(f"/i/pixel/{pixel['uuid']}").status_code == 404  # deleted
    assert hits(db, pixel["id"]) == []


def test_postback_needs_its_token_and_a_transaction_id_and_is_idempotent(client, headers, other_headers, db):
    clock.set(NOW)
    postback = add_postback(client, headers)
    token = token_of(client, headers, postback["id"])
    base = f"/i/postback/{postback['uuid']}"
    ts = int((NOW - timedelta(hours=2)).timestamp())
    first = client.get(f"{base}?token={token}&tid=click-1&uid=dev-1&cv=3.5&ts={ts}")
    assert first.status_code == 200, first.text
    assert first.json()["data"] == {"hitId": hits(db, postback["id"])[0].id, "recorded": True, "counted": True}
    again = client.post(f"{base}?token={token}", json={"tid": "click-1", "uid": "dev-1", "cv": 3.5})
    assert again.json()["data"]["recorded"] is False
    [hit] = hits(db, postback["id"])
    assert hit.occurred_at == NOW - timedelta(hours=2) and hit.value == Decimal("3.5")
    assert hit.source == "postback"
    posted = client.post(base, json={"token": token, "tid": "click-2", "uid": "dev-2", "ts": ts * 1000})
    assert posted.status_code == 200 and hits(db, postback["id"])[1].occurred_at == NOW - timedelta(hours=2)
    # another organization's postback token does not open ours, nor a missing one
    theirs = add_postback(client, other_headers)
    foreign = token_of(client, other_headers, theirs["id"])
    assert client.get(f"{base}?token={foreign}&tid=click-3").status_code == 403
    assert client.get(f"{base}?tid=click-3").status_code == 403
    missing_tid = client.get(f"{base}?token={token}&uid=x")
    assert missing_tid.status_code == 422 and missing_tid.json()["errorObjects"][0]["field"] == "tid"
    old = int((NOW - timedelta(days=90)).timestamp())
    for ts_value in (str(old), "12ab", str(int((NOW + timedelta(hours=1)).timestamp()))):
        late = client.get(f"{base}?token={token}&tid=click-9&ts={ts_value}")
        assert late.status_code == 422 and late.json()["errorObjects"][0]["field"] == "ts"
    assert len(hits(db, postback["id"])) == 2
    # the other organization sees none of these hits
    listed = client.get("/api/v3/conversion/list", headers=other_headers).json()["data"]["data"]
    assert [row["totalConversion"] for row in listed] == [0]


def test_hits_are_rate_limited_per_conversion(client, headers, settings, db):
    settings.conversion_hits_per_second = 2
    pixel = add_pixel(client, headers)
    codes = [client.get(f"/i/pixel/{pixel['uuid']}?uid=u{i}").status_code for i in range(5)]
    assert codes[:2] == [200, 200] and 429 in codes
    assert len(hits(db, pixel["id"])) == codes.count(200)
