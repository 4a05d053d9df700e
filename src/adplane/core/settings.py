"""Settings from ADPLANE_* environment variables (documented in the README)."""

from __future__ import annotations

import ipaddress
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, PrivateAttr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(value: str) -> tuple[IPNetwork, ...]:
    """`10.0.0.1, 10.1.0.0/16, ::1` -> networks; a bad entry is a ValueError naming it."""
    networks = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"ADPLANE_TRUSTED_PROXIES: {item!r} is not an IP address or network") from None
    return tuple(networks)


def serve_origin(host: str, port: int) -> str:
    """http origin of a bound address; a wildcard bind (0.0.0.0, ::) is reached at loopback from here."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ADPLANE_", extra="ignore", populate_by_name=True)

    data_dir: Path = Path("./var")
    database_url: str | None = None
    secret_key: str | None = None

    access_token_ttl_seconds: int = 35999
    refresh_token_ttl_seconds: int = 30 * 24 * 3600

    refresh_reuse_grace_seconds: int = 0  # 0: any reuse of a rotated refresh token revokes its family

    login_max_failures_per_account: int = 5  # guesses per account from one client address per window
    login_max_failures_per_address: int = 20  # guesses per client address (any account) per window
    login_failure_window_seconds: int = 900
    login_lockout_seconds: int = 300  # first lockout; doubles for each repeat per account + address
    login_lockout_max_seconds: int = 86400
    # comma-separated addresses/networks of reverse proxies whose X-Forwarded-For is believed
    trusted_proxies: str = ""

    invite_ttl_seconds: int = 7 * 24 * 3600  # lifetime of an invitation's token
    sign_up_max_per_address: int = 5  # open sign-ups (new organizations) per client address per window
    sign_up_window_seconds: int = 3600

    event_retention_days: int = 400  # raw analytics events older than this are purged (rollups stay)
    analytics_schema: str = "analytics"  # PostgreSQL schema of the analytics store
    # ClickHouse analytics store (the `clickhouse` extra): chdb:///dir?database=NAME (in-process) or
    # clickhouse://user:password@host:8123/database; unset: PostgreSQL with the app database, else DuckDB
    analytics_url: str | None = None

    log_level: str = "INFO"
    log_line_max_chars: int = 16_384  # longer log lines are cut (values shortened, then the line marked)
    # OpenTelemetry tracing (adplane.core.tracing, the `otel` extra); the exporter reads OTEL_EXPORTER_OTLP_*.
    otel_enabled: bool = False
    otel_service_name: str = "adplane"

    # Request bodies larger than these are refused with a 413 before they are read or authenticated.
    max_request_bytes: int = 4 * 1024 * 1024
    max_upload_bytes: int = 1024 * 1024 * 1024  # creative and matched-audience uploads
    max_ingest_bytes: int = 1024 * 1024 * 1024  # event batches (POST /api/v3/adplane/events/batches)
    conversion_hits_per_second: int = 200  # pixel/postback hits per conversion per second, per process (0: no limit)
    audience_pixel_hits_per_second: int = 200  # retargeting pixel hits per audience per second, per process
    run_background_jobs: bool = True
    # The server's event loop. asyncio by default: under saturation uvloop left some new connections
    # unserved for seconds while it served the others (docs/api-throughput.md), at about the same throughput.
    event_loop: Literal["asyncio", "uvloop"] = "asyncio"
    # Sandbox for testing integrations (adplane.sandbox): reset and clock endpoints; `serve --demo` sets it.
    sandbox: bool = False

    # Mail and scheduled report delivery (adplane.mail, adplane.schedules).
    smtp_url: str | None = None  # smtp://user:pass@host:587?starttls=true or smtps://...; unset: outbox
    mail_from: str = "adplane <reports@adplane.local>"
    # Origin of every link adplane hands out (downloads, creative files, unsubscribe and invite links);
    # never taken from a request's Host header. Unset: the address `adplane serve` binds (serve_origin).
    public_base_url: str = ""
    _public_base_url_set: bool = PrivateAttr(default=False)
    schedule_delivery_hour: int = 9  # local hour (report's timezone) of scheduled deliveries

    # Background jobs (adplane.jobs): every claimed item (scheduled delivery, insight generation,
    # periodic task) is held this long before another worker may take it over; failed items are
    # retried after base, 2·base, 4·base ... seconds and end `failed` after max attempts. The old
    # ADPLANE_SCHEDULE_* names are still read.
    job_lease_seconds: float = Field(300.0, gt=0)
    job_max_attempts: int = Field(5, ge=1, validation_alias=AliasChoices(
        "ADPLANE_JOB_MAX_ATTEMPTS", "ADPLANE_SCHEDULE_MAX_ATTEMPTS", "job_max_attempts"))
    job_retry_base_seconds: float = Field(60.0, ge=0, validation_alias=AliasChoices(
        "ADPLANE_JOB_RETRY_BASE_SECONDS", "ADPLANE_SCHEDULE_RETRY_BASE_SECONDS", "job_retry_base_seconds"))

    @model_validator(mode="after")
    def _default_public_base_url(self) -> Settings:
        self._public_base_url_set = bool(self.public_base_url.strip())
        if not self._public_base_url_set:
            self.public_base_url = serve_origin("127.0.0.1", 8000)
        self.public_base_url = self.public_base_url.strip().rstrip("/")
        return self

    def follow_bind_address(self, host: str, port: int) -> None:
        """`serve --host/--port`: links point at the bound address unless ADPLANE_PUBLIC_BASE_URL was set."""
        if not self._public_base_url_set:
            self.public_base_url = serve_origin(host, port)

    @field_validator("trusted_proxies")
    @classmethod
    def _check_trusted_proxies(cls, value: str) -> str:
        parse_networks(value)
        return value

    @property
    def trusted_proxy_networks(self) -> tuple[IPNetwork, ...]:
        return parse_networks(self.trusted_proxies)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'adplane.db').resolve()}"

    @property
    def resolved_secret_key(self) -> str:
        """The signing key: the setting, or one generated once and kept in the data dir."""
        if self.secret_key:
            return self.secret_key
        key_file = self.data_dir / "secret.key"
        if not key_file.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        return key_file.read_text().strip()

    def ensure_dirs(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)


@lru_cache
def get_settings() -> Settings:
    return Settings()
