"""Client settings: where the API is and who logs in (ADPLANE_API_* environment variables)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ClientConfig(BaseSettings):
    """Works for adplane and any IQM-compatible endpoint: only `url` decides where calls go."""

    model_config = SettingsConfigDict(env_prefix="ADPLANE_API_", extra="ignore")

    url: str = "http://127.0.0.1:8000"
    client_id: str | None = None
    client_secret: str | None = Field(default=None, repr=False)
    host: str | None = None
    email: str | None = None
    password: str | None = Field(default=None, repr=False)
    ow_id: int | None = None

    timeout_seconds: float = 30.0
    max_retries: int = 3
    backoff_seconds: float = 0.5
    refresh_margin_seconds: float = 60.0
    typed: bool = False
    """Return the routes' response models (`adplane.<domain>.responses`) instead of dicts."""

    @property
    def base_url(self) -> str:
        return self.url.rstrip("/")
