"""The SDK against a live adplane server (uvicorn on a loopback port): login, organizations,
token refresh before expiry and on 401, error mapping, retries, timeouts, downloads."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from adplane.app import create_app
from adplane.client import (
    AdplaneClient,
    ApiError,
    AsyncAdplaneClient,
    AuthenticationError,
    ConnectionFailed,
    NotFoundError,
    PermissionDenied,
    ServerError,
    Token,
    ValidationError,
)
from adplane.client.calls import Call
from adplane.client.testing import LiveServer
from adplane.core.clock import clock
from adplane.core.settings import Settings
from adplane.files import service as files

TOKEN_TTL_SECONDS = 300


def client_clock() -> float:
    """The SDK's notion of now follows the server's movable clock, so expiry can be simulated."""
    return clock.now().timestamp()


@pytest.fixture(scope="module")
def server_settings(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("live"), database_url=database_url, secret_key="live-secret",
                    access_token_ttl_seconds=TOKEN_TTL_SECONDS, run_background_jobs=False)


@pytest.fixture(scope="module")
def live_server(server_settings: Settings, session_database) -> Iterator[LiveServer]:  # noqa: ANN001
    server = LiveServer(create_app(server_settings, session_database, background=False))
    server_settings.public_base_url = server.url  # links the server hands out (creative files, e-mails)
    with server:
        yield server


class Recorder:
    """Every request and response the SDK exchanged, as (method, path, status)."""

    def __init__(self) -> None:
        self.exchanges: list[tuple[str, str, int]] = []

    def hook(self, response: httpx.Response) -> None:
        self.exchanges.append((response.request.method, response.request.url.path, response.status_code))

    def paths(self) -> list[str]:
        return [path for _method, path, _status in self.exchanges]


def sdk_kwargs(server: LiveServer, creds: dict[str, Any]) -> dict[str, Any]:
    return dict(url=server.url, client_id=creds["clientId"], client_secret=creds["clientSecret"],
                host=creds["host"], email=creds["email"], password=creds["password"], backoff_seconds=0.0)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def api(live_server: LiveServer, tenant: dict[str, Any], recorder: Recorder) -> Iterator[AdplaneClient]:
    http = httpx.Client(base_url=live_server.url, event_hooks={"response": [recorder.hook]})
    with AdplaneClient(http=http, now=client_clock, **sdk_kwargs(live_server, tenant)) as client:
        yield client


# --- login and organizations --------------------------------------------------------------

def test_login_keeps_token_and_organization(api: AdplaneClient, tenant: dict[str, Any]) -> None:
    token = api.login()
    assert token.ow_id == tenant["owId"] == api.ow_id
    assert token.refresh_token and token.access_token
    assert token.expires_at == pytest.approx(client_clock() + TOKEN_TTL_SECONDS, abs=5)
    profile = api.auth.profile()
    assert profile.ow_id == tenant["owId"]
    assert profile.email == tenant["email"]
    assert profile.role == "admin"


def test_first_call_logs_in_by_itself(api: AdplaneClient, recorder: Recorder) -> None:
    assert api.auth.profile().organization_name == "Org A"
    assert recorder.paths() == ["/api/v3/ua/login", "/api/v3/ua/profile"]


def test_allowed_organizations_iterate_page_by_page(api: AdplaneClient, make_tenant, recorder: Recorder) -> None:  # noqa: ANN001
    second = make_tenant(organization="Org B")
    third = make_tenant(organization="Org C")
    names = [org["organizationName"] for org in api.auth.iter_allowed_organizations(page_size=2)]
    assert names == ["Org A", "Org B", "Org C"]
    assert recorder.paths().count("/api/v3/ua/user/allowed-organizations") == 2
    page = api.auth.allowed_organizations(no_of_entries=1, page_no=2)
    assert page.total_records == 3
    assert [org.ow_id for org in page.data] == [second["owId"]]
    assert third["owId"] != second["owId"]


def test_use_organization_switches_the_header(api: AdplaneClient, make_tenant) -> None:  # noqa: ANN001
    second = make_tenant(organization="Org B")
    api.login()
    api.use_organization(second["owId"])
    assert api.auth.profile().ow_id == second["owId"]
    foreign = make_tenant(organization="Org X", email="someone@x.test")
    api.use_organization(foreign["owId"])
    with pytest.raises(PermissionDenied) as caught:
        api.auth.profile()
    assert caught.value.status_code == 403
    assert caught.value.error_objects


def test_oauth_password_grant_and_logout(api: AdplaneClient, tenant: dict[str, Any], recorder: Recorder) -> None:
    data = api.auth.oauth_token("password", username=tenant["email"], password=tenant["password"])
    assert data.access_token == api.token.access_token
    assert data.owId == tenant["owId"]
    revoked = api.token.access_token
    assert api.auth.logout() == "User logged out successfully."
    assert api.token is None
    api.auth.profile()  # logs in again with the configured password
    assert api.token.access_token != revoked
    assert recorder.paths()[-2:] == ["/api/v3/ua/login", "/api/v3/ua/profile"]


def test_sign_up_of_an_invited_user(api: AdplaneClient, tenant: dict[str, Any], db,  # noqa: ANN001
                                    server_settings: Settings) -> None:
    from adplane.auth.admin import add_user
    from test_auth_invitations import invite_token

    with db.session() as session:
        add_user(session, ow_id=tenant["owId"], email="invited@a.test", password=None, role="member",
                 settings=server_settings)
    invite_hash = invite_token(server_settings, "invited@a.test")
    assert api.auth.validate_invite(invite_hash).is_new_user is True
    data = api.auth.sign_up("invited@a.test", "Another-Passw0rd!", invite_hash=invite_hash)
    assert data.owId == tenant["owId"]
    assert api.auth.profile().email == "invited@a.test"


# --- token refresh --------------------------------------------------------------------------

def test_token_is_refreshed_before_it_expires(api: AdplaneClient, recorder: Recorder) -> None:
    first = api.login()
    clock.advance(timedelta(seconds=TOKEN_TTL_SECONDS - 30))  # inside the refresh margin
    api.auth.profile()
    assert recorder.paths()[-2:] == ["/api/v3/ua/oauth/token", "/api/v3/ua/profile"]
    assert all(status == 200 for _m, _p, status in recorder.exchanges)
    assert api.token.access_token != first.access_token
    assert api.token.refresh_token != first.refresh_token


def test_token_is_refreshed_once_on_401(live_server: LiveServer, tenant: dict[str, Any], recorder: Recorder) -> None:
    http = httpx.Client(base_url=live_server.url, event_hooks={"response": [recorder.hook]})
    with AdplaneClient(http=http, **sdk_kwargs(live_server, tenant)) as api:  # real time: it cannot foresee
        api.login()
        clock.advance(timedelta(seconds=TOKEN_TTL_SECONDS + 5))
        assert api.auth.profile().ow_id == tenant["owId"]
    assert recorder.exchanges[1:] == [
        ("GET", "/api/v3/ua/profile", 401),
        ("POST", "/api/v3/ua/oauth/token", 200),
        ("GET", "/api/v3/ua/profile", 200),
    ]


def test_rotated_refresh_token_is_reported_to_the_listener(live_server: LiveServer, tenant: dict[str, Any]) -> None:
    seen: list[Token] = []
    with AdplaneClient(on_token=seen.append, now=client_clock, **sdk_kwargs(live_server, tenant)) as api:
        api.login()
        api.refresh()
    assert len(seen) == 2
    assert seen[0].refresh_token != seen[1].refresh_token


def test_unusable_refresh_token_without_password_raises(live_server: LiveServer, tenant: dict[str, Any]) -> None:
    kwargs = sdk_kwargs(live_server, tenant) | {"password": None}
    stale = Token(access_token="expired", refresh_token="not-a-token", expires_at=0, ow_id=tenant["owId"])
    with AdplaneClient(token=stale, **kwargs) as api, pytest.raises(AuthenticationError) as caught:
        api.auth.profile()
    assert caught.value.status_code == 401
    assert caught.value.fields == ["refresh_token"]


def test_unusable_refresh_token_with_password_logs_in_again(live_server: LiveServer, tenant: dict[str, Any]) -> None:
    stale = Token(access_token="expired", refresh_token="not-a-token", expires_at=0, ow_id=tenant["owId"])
    with AdplaneClient(token=stale, **sdk_kwargs(live_server, tenant)) as api:
        assert api.auth.profile().ow_id == tenant["owId"]
        assert api.token.access_token != "expired"


# --- error mapping ----------------------------------------------------------------------------

def test_bad_client_secret_is_an_authentication_error(live_server: LiveServer, tenant: dict[str, Any]) -> None:
    wrong = sdk_kwargs(live_server, tenant) | {"client_secret": "wrong"}
    with AdplaneClient(**wrong) as api, pytest.raises(AuthenticationError) as caught:
        api.login()
    assert caught.value.status_code == 401
    assert caught.value.error_objects == [{"error": "Invalid client credentials."}]


def test_wrong_password_carries_the_servers_error_objects(api: AdplaneClient) -> None:
    with pytest.raises(PermissionDenied) as caught:
        api.login(password="Wrong-Passw0rd!")
    assert caught.value.error_objects == [
        {"error": "User doesn't exist or user is not allowed to provided workspace."}
    ]
    assert api.token is None


def test_validation_errors_name_the_field(api: AdplaneClient) -> None:
    with pytest.raises(ValidationError) as caught:
        api.auth.sign_up("not-an-email", "Another-Passw0rd!")
    assert caught.value.status_code == 422
    assert caught.value.fields == ["email"]
    with pytest.raises(ValidationError) as caught:
        api.auth.allowed_organizations(sort_by="+nonsense")
    assert caught.value.fields == ["sortBy"]


def test_unknown_paths_are_not_found_in_both_envelopes(api: AdplaneClient) -> None:
    with pytest.raises(NotFoundError) as v3:
        api._call(Call("GET", "/api/v3/does-not-exist"))
    with pytest.raises(NotFoundError) as v2:
        api._call(Call("GET", "/api/v2/does-not-exist"))
    assert v3.value.error_objects == v2.value.error_objects == [{"error": "Resource not found"}]


def test_missing_credentials_fail_before_any_request(live_server: LiveServer) -> None:
    with AdplaneClient(url=live_server.url) as api, pytest.raises(AuthenticationError) as caught:
        api.auth.profile()
    assert caught.value.fields == ["email"]


# --- retries and timeouts (a small real server that fails on purpose) ----------------------------

class FlakyApp:
    """ASGI app: answers 503 to the first `failures` requests of each path, then a v3 envelope."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls: dict[str, int] = {}

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        path = scope["path"]
        self.calls[path] = self.calls.get(path, 0) + 1
        if path == "/slow":
            await asyncio.sleep(2)
        failing = self.calls[path] <= self.failures
        status = 503 if failing else 200
        payload = {"success": not failing, "data": {"calls": self.calls[path]}} if not failing else {
            "success": False, "errorObjects": [{"error": "try again"}]}
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": json.dumps(payload).encode()})


@pytest.fixture
def flaky() -> Iterator[tuple[FlakyApp, LiveServer]]:
    app = FlakyApp(failures=2)
    with LiveServer(app) as server:
        yield app, server


def flaky_client(server: LiveServer, **kwargs: Any) -> AdplaneClient:
    token = Token(access_token="t", refresh_token=None, expires_at=float("inf"), ow_id=1)
    return AdplaneClient(url=server.url, token=token, backoff_seconds=0.0, **kwargs)


def test_idempotent_calls_are_retried_on_5xx(flaky) -> None:  # noqa: ANN001
    app, server = flaky
    with flaky_client(server) as api:
        assert api._call(Call("GET", "/thing")) == {"calls": 3}
        assert api._call(Call("POST", "/list", retry_safe=True)) == {"calls": 3}
    assert app.calls == {"/thing": 3, "/list": 3}


def test_non_idempotent_calls_are_not_retried(flaky) -> None:  # noqa: ANN001
    app, server = flaky
    with flaky_client(server) as api, pytest.raises(ServerError) as caught:
        api._call(Call("POST", "/create"))
    assert caught.value.status_code == 503
    assert caught.value.error_objects == [{"error": "try again"}]
    assert app.calls == {"/create": 1}


def test_retries_stop_at_the_limit(flaky) -> None:  # noqa: ANN001
    app, server = flaky
    with flaky_client(server, max_retries=1) as api, pytest.raises(ServerError):
        api._call(Call("GET", "/thing"))
    assert app.calls == {"/thing": 2}


def test_connection_errors_are_retried_then_raised(live_server: LiveServer) -> None:
    closed = LiveServer(FlakyApp(0))  # a port that was free a moment ago and has no listener
    closed._socket.close()
    attempts: list[str] = []
    http = httpx.Client(base_url=closed.url, event_hooks={"request": [lambda r: attempts.append(r.url.path)]})
    with flaky_client(closed, max_retries=2, http=http) as api, pytest.raises(ConnectionFailed) as caught:
        api._call(Call("GET", "/thing"))
    assert caught.value.status_code == 0
    assert attempts == ["/thing"] * 3
    with flaky_client(closed, max_retries=2) as api, pytest.raises(ConnectionFailed):
        api._call(Call("POST", "/create"))


def test_timeouts_raise_connection_failed(flaky) -> None:  # noqa: ANN001
    app, server = flaky
    with flaky_client(server, timeout_seconds=0.2, max_retries=0) as api, pytest.raises(ConnectionFailed) as caught:
        api._call(Call("GET", "/slow"))
    assert "Timeout" in caught.value.message
    assert app.calls == {"/slow": 1}


# --- downloads ----------------------------------------------------------------------------------

@pytest.fixture
def signed_file(server_settings: Settings, live_server: LiveServer, tenant: dict[str, Any], db) -> tuple[str, bytes]:  # noqa: ANN001
    content = b"campaign,impressions\n" + b"".join(f"c{i},{i * 7}\n".encode() for i in range(20000))
    path = files.new_file_path(server_settings, "reports", tenant["owId"], ".csv")
    path.write_bytes(content)
    with db.session() as session:
        stored = files.register(session, server_settings, ow_id=tenant["owId"], path=path,
                                download_name="report.csv", kind="reports")
        session.commit()
        url = files.signed_url(server_settings, stored, live_server.url)
    return url, content


def test_download_to_a_path_a_stream_or_bytes(api: AdplaneClient, signed_file, tmp_path: Path) -> None:  # noqa: ANN001
    url, content = signed_file
    assert api.download(url, tmp_path / "r.csv").read_bytes() == content
    buffer = io.BytesIO()
    assert api.download(url, buffer) == len(content)
    assert buffer.getvalue() == content
    assert api.download(url) == content
    with api.stream(url, chunk_size=1024) as chunks:
        assert b"".join(chunks) == content


def test_download_errors_are_api_errors(api: AdplaneClient, signed_file) -> None:  # noqa: ANN001
    url, _content = signed_file
    with pytest.raises(PermissionDenied) as caught:
        api.download(url[:-3] + "xyz")
    assert caught.value.error_objects == [{"error": "The link is invalid."}]
    clock.advance(timedelta(days=2))
    with pytest.raises(NotFoundError):
        api.download(url)


# --- the async client -----------------------------------------------------------------------------

def test_async_client_covers_the_same_flows(live_server: LiveServer, tenant: dict[str, Any], make_tenant,  # noqa: ANN001
                                            signed_file, tmp_path: Path) -> None:  # noqa: ANN001
    make_tenant(organization="Org B")
    url, content = signed_file
    responses: list[tuple[str, int]] = []

    async def hook(response: httpx.Response) -> None:
        responses.append((response.request.url.path, response.status_code))

    async def scenario() -> None:
        http = httpx.AsyncClient(base_url=live_server.url, event_hooks={"response": [hook]})
        async with AsyncAdplaneClient(http=http, **sdk_kwargs(live_server, tenant)) as api:
            profile = await api.auth.profile()
            assert profile.ow_id == tenant["owId"]
            names = [org["organizationName"] async for org in api.auth.iter_allowed_organizations(page_size=1)]
            assert names == ["Org A", "Org B"]
            clock.advance(timedelta(seconds=TOKEN_TTL_SECONDS + 5))
            results = await asyncio.gather(api.auth.profile(), api.auth.profile())
            assert {p.ow_id for p in results} == {tenant["owId"]}
            assert await api.download(url, tmp_path / "a.csv") == tmp_path / "a.csv"
            assert (tmp_path / "a.csv").read_bytes() == content
            with pytest.raises(ValidationError) as caught:
                await api.auth.sign_up("bad", "x")
            assert "email" in caught.value.fields

    asyncio.run(scenario())
    # both concurrent calls hit 401, but the rotating refresh token was used once
    assert [r for r in responses if r[0] == "/api/v3/ua/oauth/token"] == [("/api/v3/ua/oauth/token", 200)]


def test_api_error_is_one_family() -> None:
    for cls in (AuthenticationError, PermissionDenied, NotFoundError, ValidationError, ServerError, ConnectionFailed):
        assert issubclass(cls, ApiError)


def test_refused_login_of_an_organization_on_hold_carries_its_data(api: AdplaneClient, tenant: dict[str, Any],
                                                                    db) -> None:  # noqa: ANN001
    from adplane.auth import organizations

    with db.session() as session:
        organizations.put_on_hold(session, tenant["owId"], "Missed payments.", "billing@example.com")
        session.commit()
    with pytest.raises(ApiError) as caught:
        api.login()
    assert caught.value.status_code == 400
    assert caught.value.data["status"] == "On Hold" and caught.value.data["supportEmail"] == "billing@example.com"
    assert caught.value.error_objects[0]["reason"]
