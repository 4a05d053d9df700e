"""No input gets a 500 (issue #12 point 4): bounded numbers, epochs, dates, ids, id lists, nested JSON and
search fields are a 4xx in the IQM envelope naming the field; unknown paths are a 404; request bodies
are bounded before they are read (point 5)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adplane.app import create_app
from adplane.core.schemas import MAX_ID_LIST

HUGE = [2**63, 10**30, int("9" * 4000), 2183452467963991162880]
DEEP = "[" * 5000 + "]" * 5000


def error_fields(response: Any) -> list[str | None]:
    return [obj.get("field") for obj in response.json()["errorObjects"]]


def report(**overrides: Any) -> dict[str, Any]:
    body = {"reportName": "edge", "startDate": 1_700_000_000_000, "endDate": 1_700_086_400_000,
            "dimensions": json.dumps([{"filter": "campaign"}]), "columns": ["campaignId", "impressions"],
            "requestType": 1, "timezoneId": 29}
    body.update(overrides)
    return body


@pytest.mark.parametrize("value", HUGE)
@pytest.mark.parametrize("field", ["startTime", "endTime"])
def test_overflowing_epochs_in_creative_list_are_422(client, headers, field, value) -> None:
    response = client.post("/api/v3/crt/creatives/list", headers=headers, json={field: value})
    assert response.status_code == 422, response.text
    assert error_fields(response) == [field]


@pytest.mark.parametrize("value", HUGE)
def test_ids_past_64_bits_are_422_naming_the_field(client, headers, value) -> None:
    for path in ("/api/v3/ra/report/execute", "/api/v3/ra/report/download"):
        response = client.post(path, headers=headers, json={"id": value})
        assert response.status_code == 422, (path, response.text)
        assert error_fields(response) == ["id"]


@pytest.mark.parametrize("search", ["9223372036854775808", "9" * 200, "²", "١٢", "-1"])
def test_numeric_looking_search_fields_never_fail(client, headers, search) -> None:
    assert client.get("/api/v3/ra/reports/list", headers=headers, params={"searchField": search}).status_code == 200
    assert client.post("/api/v3/crt/creatives/list", headers=headers,
                       json={"searchField": search}).status_code == 200
    assert client.get("/api/v2/cmp/campaigns/list", headers=headers,
                      params={"searchField": search}).status_code == 200


def test_overlong_search_fields_are_422(client, headers) -> None:
    response = client.get("/api/v3/ra/reports/list", headers=headers, params={"searchField": "9" * 4000})
    assert response.status_code == 422 and error_fields(response) == ["searchField"]


def test_page_number_zero_is_422(client, headers) -> None:
    response = client.get("/api/v3/ra/reports/list", headers=headers, params={"pageNo": 0})
    assert response.status_code == 422 and error_fields(response) == ["pageNo"]


@pytest.mark.parametrize(("start", "end"), [
    (253_402_300_798_999, 253_402_300_799_999),  # the last second of year 9999: a day later overflows
    (-62_135_596_800_000, -62_135_510_400_000),  # year 1: a time zone west of UTC underflows
])
def test_report_dates_at_the_ends_of_the_calendar_are_422(client, headers, start, end) -> None:
    for path in ("/api/v3/ra/report/execute", "/api/v3/ra/report/add"):
        response = client.post(path, headers=headers, json=report(startDate=start, endDate=end))
        assert response.status_code == 422, (path, response.text)
        assert error_fields(response) == ["startDate"]


def test_deeply_nested_json_is_a_4xx(client, headers) -> None:
    response = client.post("/api/v3/ra/report/execute", headers=headers, json=report(dimensions=DEEP))
    assert response.status_code == 422 and error_fields(response) == ["dimensions"]
    response = client.post("/api/v3/crt/creatives", headers=headers, params={"creativeRequest": DEEP[:4000]})
    assert response.status_code == 422 and error_fields(response) == ["creativeRequest"]
    response = client.post("/api/v3/crt/creatives", headers={**headers, "content-type": "application/json"},
                           content=b'{"a": "\xff\xfe"}')
    assert response.status_code == 422 and error_fields(response) == ["creativeRequest"]
    # a whole body nested past the parser's stack
    response = client.post("/api/v3/cmp/io/basic/list", headers={**headers, "content-type": "application/json"},
                           content=DEEP * 4)
    assert 400 <= response.status_code < 500


def test_id_lists_longer_than_the_limit_are_refused(client, headers) -> None:
    too_many = list(range(1, MAX_ID_LIST + 2))
    for field in ("creativeIds", "campaignIds", "owIds"):
        response = client.post("/api/v3/crt/creatives/list", headers=headers, json={field: too_many})
        assert response.status_code == 422, response.text
        assert error_fields(response) == [field]
    assert client.post("/api/v3/crt/creatives/list", headers=headers,
                       json={"creativeIds": too_many[:MAX_ID_LIST]}).status_code == 200


@pytest.mark.parametrize("path", ["/api/v3/cmp/io/list", "/api/v3/cmp/io/abc", "/api/v2/cmp/campaign/xyz",
                                  "/api/v3/crt/creatives/1.5e3", "/api/v3/ra/report/none"])
def test_paths_adplane_does_not_serve_are_404_not_422(client, headers, path) -> None:
    response = client.get(path, headers=headers)
    assert response.status_code == 404, response.text
    body = response.json()
    assert body.get("success") is False or body.get("statusCode") == 404


def test_out_of_range_numeric_path_ids_stay_422(client, headers) -> None:
    response = client.get("/api/v3/cmp/io/99999999999999999999", headers=headers)
    assert response.status_code == 422


def test_unexpected_errors_are_a_500_in_the_envelope_and_not_re_raised(settings, db) -> None:
    app = create_app(settings, db, background=False)

    @app.get("/api/v3/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    # raise_server_exceptions=True: had the app re-raised (which drops a keep-alive connection), this would fail
    with TestClient(app) as strict:
        response = strict.get("/api/v3/boom")
        assert response.status_code == 500
        assert response.json() == {"success": False, "errorObjects": [{"error": "server encountered an error !"}]}
        assert strict.get("/healthz").status_code == 200


# ------------------------------------------------------------------ point 5: bounded request bodies


@pytest.fixture
def small_client(settings, db):  # noqa: ANN001, ANN201
    limited = settings.model_copy(update={"max_request_bytes": 1000, "max_upload_bytes": 5000,
                                          "max_ingest_bytes": 3000})
    with TestClient(create_app(limited, db, background=False)) as test_client:
        yield test_client


def test_body_limit_is_413_before_authentication(small_client) -> None:
    # no credentials at all: the size is refused first, so nothing is parsed or looked up
    response = small_client.post("/api/v3/cmp/io/basic/list", content=b"x" * 1001,
                                 headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["success"] is False and error_fields(response) == ["body"]
    assert "1000 bytes" in response.json()["errorObjects"][0]["error"]
    v2 = small_client.post("/api/v2/cmp/campaigns/add", content=b"x" * 1001)
    assert v2.status_code == 413 and v2.json()["statusCode"] == 413
    # within the limit, the request goes on to authentication as usual
    assert small_client.post("/api/v3/cmp/io/basic/list", json={}).status_code == 401


def test_body_limit_counts_streamed_bodies_without_content_length(small_client) -> None:
    def chunks():  # noqa: ANN202 - a generator makes httpx send chunked, with no Content-Length
        for _ in range(20):
            yield b"x" * 100

    response = small_client.post("/api/v3/cmp/io/basic/list", content=chunks(),
                                 headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_uploads_and_ingestion_have_their_own_limits(small_client) -> None:
    assert small_client.post("/api/v3/crt/creatives", content=b"x" * 4000).status_code == 401
    assert small_client.post("/api/v3/crt/creatives", content=b"x" * 5001).status_code == 413
    assert small_client.post("/api/v3/adplane/events/batches", content=b"x" * 2000).status_code == 401
    assert small_client.post("/api/v3/adplane/events/batches", content=b"x" * 3001).status_code == 413


@pytest.mark.parametrize("email", ["a\x1c@b.co", "a\x85@b.co", "a@b\u2028.co", "a@b.co\r\nBcc: x@y.z"])
def test_addresses_that_would_break_mail_headers_are_422(client, headers, email) -> None:
    response = client.post("/api/v3/ua/user/invite", headers=headers, json=[{"email": email, "name": "X"}])
    assert response.status_code == 422, response.text
    assert error_fields(response) == ["0.email"]
