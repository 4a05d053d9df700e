"""Settings from ADPLANE_* environment variables (documented in the README)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ADPLANE_", extra="ignore")

    data_dir: Path = Path("./var")
    database_url: str | None = None
    secret_key: str | None = None

    access_token_ttl_seconds: int = 35999
    refresh_token_ttl_seconds: int = 30 * 24 * 3600

    login_max_failures_per_account: int = 5
    login_max_failures_per_address: int = 20
    login_failure_window_seconds: int = 900
    login_lockout_seconds: int = 300

    event_retention_days: int = 400  # raw analytics events older than this are purged (rollups stay)
    analytics_schema: str = "analytics"  # PostgreSQL schema of the analytics store

    log_level: str = "INFO"
    run_background_jobs: bool = True

    # Mail and scheduled report delivery (adplane.mail, adplane.schedules).
    smtp_url: str | None = None  # smtp://user:pass@host:587?starttls=true or smtps://...; unset: outbox
    mail_from: str = "adplane <reports@adplane.local>"
    public_base_url: str = "http://127.0.0.1:8000"  # origin of links in e-mails
    schedule_delivery_hour: int = 9  # local hour (report's timezone) of scheduled deliveries
    schedule_max_attempts: int = 5
    schedule_retry_base_seconds: int = 60

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
