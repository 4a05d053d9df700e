"""The web console: served at `/` without shadowing the API, its public config call, its build."""

from __future__ import annotations

import base64
from pathlib import Path

from adplane.console import build
from adplane.console.endpoints import DIST_DIR

ROOT = Path(__file__).resolve().parents[2]


def _basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def test_console_is_served_at_root_and_for_client_routes(client):
    index = client.get("/")
    assert index.status_code == 200 and index.headers["content-type"].startswith("text/html")
    assert '<div id="root">' in index.text and index.headers["cache-control"] == "no-cache"
    # a client-side route (reload on /campaigns/12) answers the same page
    assert client.get("/campaigns/12/edit").text == index.text
    asset = next((DIST_DIR / "assets").glob("*.js")).name
    served = client.get(f"/assets/{asset}")
    assert served.status_code == 200 and "javascript" in served.headers["content-type"]
    assert "immutable" in served.headers["cache-control"]
    # a missing file is a 404, not the page
    assert client.get("/assets/nope.js").status_code == 404
    assert client.get("/../pyproject.toml").status_code == 404


def test_console_does_not_shadow_any_api_answer(client, headers):
    missing = client.get("/api/v3/nope", headers=headers)
    assert missing.status_code == 404
    assert missing.json() == {"success": False, "errorObjects": [{"error": "Resource not found"}]}
    v2 = client.get("/api/v2/nope")
    assert v2.status_code == 404 and v2.json()["statusCode"] == 404
    # wrong method on an API path keeps its 405; POST elsewhere is not the console either
    assert client.get("/api/v3/ua/login").status_code == 405
    assert client.post("/campaigns").status_code == 404
    assert client.get("/openapi.json").json()["info"]["title"] == "adplane"
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/files/not-a-token").status_code in (403, 404)
    assert "text/html" not in client.get("/files/not-a-token").headers["content-type"]


def test_console_config_gives_a_working_public_client_of_that_workspace_only(client, make_tenant):
    tenant = make_tenant()
    other = make_tenant(host="ws2.test", organization="Other", email="admin@ws2.test")
    config = client.get("/api/v3/adplane/console/config", headers={"X-IAA-HOST": "WS1.test"})
    assert config.status_code == 200, config.text
    data = config.json()["data"]
    assert data["host"] == "ws1.test" and data["clientId"].startswith("console-")
    # the same credentials on every call (derived, not stored in clear)
    assert client.get("/api/v3/adplane/console/config", headers={"X-IAA-HOST": "ws1.test"}).json()["data"] == data
    body = {"grantType": "password", "email": tenant["email"], "password": tenant["password"]}
    auth = _basic(data["clientId"], data["clientSecret"])
    ok = client.post("/api/v3/ua/login", headers={"Authorization": auth, "X-IAA-HOST": "ws1.test"}, json=body)
    assert ok.status_code == 200 and ok.json()["data"]["owId"] == tenant["owId"]
    # ...and not for another workspace, even with that workspace's user
    other_body = {"grantType": "password", "email": other["email"], "password": other["password"]}
    refused = client.post("/api/v3/ua/login", headers={"Authorization": auth, "X-IAA-HOST": "ws2.test"},
                          json=other_body)
    assert refused.status_code == 401
    other_config = client.get("/api/v3/adplane/console/config", headers={"X-IAA-HOST": "ws2.test"}).json()["data"]
    assert other_config["clientId"] != data["clientId"]
    # the operator's API client is still the one bootstrap reports (not the console's)
    assert make_tenant()["clientId"] == tenant["clientId"]


def test_console_config_bad_input_names_the_header(client, make_tenant):
    make_tenant()
    missing = client.get("/api/v3/adplane/console/config")
    assert missing.status_code == 422 and missing.json()["errorObjects"][0]["field"] == "X-IAA-HOST"
    unknown = client.get("/api/v3/adplane/console/config", headers={"X-IAA-HOST": "nope.test"})
    assert unknown.status_code == 404 and unknown.json()["errorObjects"][0]["field"] == "X-IAA-HOST"
    too_long = client.get("/api/v3/adplane/console/config", headers={"X-IAA-HOST": "x" * 300})
    assert too_long.status_code == 422


def test_shipped_build_matches_the_console_sources():
    assert build.recorded_hash() == build.source_hash(ROOT / "console"), "run `make console` and commit the build"
    index = (DIST_DIR / "index.html").read_text()
    for ref in ("/assets/",):
        assert ref in index
    for name in [part.split('"')[0] for part in index.split("/assets/")[1:]]:
        assert (DIST_DIR / "assets" / name).is_file(), name
