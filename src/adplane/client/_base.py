"""What the sync and async clients share: configuration, headers, token state, retry policy."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

from adplane.client.calls import Call
from adplane.client.config import ClientConfig
from adplane.client.errors import AuthenticationError
from adplane.client.resources import (
    AuthResource,
    CampaignsResource,
    CreativesResource,
    EventsResource,
    InsertionOrdersResource,
    InsightsResource,
    MasterResource,
    OperationsResource,
    ReportsResource,
    SchedulesResource,
    attach_resources,
)
from adplane.client.tokens import Now, Token

RETRY_STATUSES = frozenset({500, 502, 503, 504})
MAX_BACKOFF_SECONDS = 30.0

TokenListener = Callable[[Token], None]


class ClientBase:
    """State and rules common to `AdplaneClient` and `AsyncAdplaneClient`."""

    # the endpoint groups (`attach_resources` sets one of each; see RESOURCES)
    auth: AuthResource
    master: MasterResource
    creatives: CreativesResource
    io: InsertionOrdersResource
    campaigns: CampaignsResource
    reports: ReportsResource
    schedules: SchedulesResource
    insights: InsightsResource
    events: EventsResource
    operations: OperationsResource

    def __init__(
        self,
        config: ClientConfig | None = None,
        *,
        token: Token | None = None,
        on_token: TokenListener | None = None,
        now: Now = time.time,
        **settings: Any,
    ) -> None:
        """`settings` override `config` fields (url, client_id, client_secret, host, email, password,
        ow_id, timeout_seconds, max_retries, ...); unset ones come from ADPLANE_API_* variables."""
        base = config or ClientConfig()
        self.config = base.model_copy(update=settings) if settings else base
        self.token = token
        self.ow_id: int | None = self.config.ow_id or (token.ow_id if token else None)
        self.on_token = on_token
        self.now = now
        attach_resources(self)

    # --- organization -------------------------------------------------------------------
    def use_organization(self, ow_id: int) -> None:
        """Act for another organization (the X-IAA-OW-ID sent from now on)."""
        self.ow_id = int(ow_id)

    # --- any endpoint -------------------------------------------------------------------
    def request(self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None,
                form: dict[str, Any] | None = None, files: Any = None) -> Any:
        """Call any endpoint by method and path and return the data of its answer (the resources'
        methods are this with fixed paths; the CLI's table-driven commands use it directly)."""
        return self._call(Call(method.upper(), path, json=json, params=params, form=form, files=files))

    def _call(self, call: Call) -> Any:
        """Run one call: the data (sync client) or an awaitable of it (async client)."""
        raise NotImplementedError

    # --- headers ------------------------------------------------------------------------
    def client_headers(self) -> dict[str, str]:
        """Basic client credentials and the workspace host, for login-type calls."""
        cfg = self.config
        if not cfg.client_id or not cfg.client_secret:
            raise AuthenticationError(
                401, [{"error": "client_id and client_secret are required to log in", "field": "client_id"}]
            )
        raw = f"{cfg.client_id}:{cfg.client_secret}".encode()
        headers = {"Authorization": "Basic " + base64.b64encode(raw).decode()}
        if cfg.host:
            headers["X-IAA-HOST"] = cfg.host
        return headers

    def bearer_headers(self, token: Token | None) -> dict[str, str]:
        headers: dict[str, str] = {}
        if token is not None:
            headers["Authorization"] = f"Bearer {token.access_token}"
        if self.ow_id is not None:
            headers["X-IAA-OW-ID"] = str(self.ow_id)
        return headers

    def request_args(self, call: Call, token: Token | None) -> dict[str, Any]:
        if call.anonymous:
            headers: dict[str, str] = {}
        else:
            headers = self.client_headers() if not call.authenticated else self.bearer_headers(token)
        headers.update(call.headers)
        args: dict[str, Any] = {"method": call.method, "url": call.path, "headers": headers}
        if call.params:
            args["params"] = {k: v for k, v in call.params.items() if v is not None}
        if call.form is not None:
            args["data"] = call.form
        if call.files:
            args["files"] = call.files
        elif call.content is not None:
            args["content"] = call.content
        elif call.json is not None:
            args["json"] = call.json
        return args

    def same_origin(self, url: str) -> bool:
        target = urlsplit(url)
        if not target.scheme:
            return True
        base = urlsplit(self.config.base_url)
        return (target.scheme, target.netloc) == (base.scheme, base.netloc)

    # --- tokens -------------------------------------------------------------------------
    def adopt_token(self, data: dict[str, Any]) -> Token:
        """Keep the token a login or refresh returned (and the organization it names)."""
        token = Token.from_response(data, self.now)
        if token.ow_id is None and self.token is not None:
            token.ow_id = self.token.ow_id
        self.token = token
        if self.ow_id is None and token.ow_id is not None:
            self.ow_id = token.ow_id
        if self.on_token:
            self.on_token(token)
        return token

    def needs_refresh(self, token: Token) -> bool:
        return token.expires_within(self.config.refresh_margin_seconds, self.now)

    def can_log_in(self) -> bool:
        return bool(self.config.email and self.config.password)

    # --- retries ------------------------------------------------------------------------
    def backoff(self, attempt: int) -> float:
        return min(self.config.backoff_seconds * (2**attempt), MAX_BACKOFF_SECONDS)

    def may_retry(self, call: Call, attempt: int) -> bool:
        return call.idempotent and attempt < self.config.max_retries

    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.config.timeout_seconds)
