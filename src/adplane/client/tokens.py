"""The token pair a login gives, and when it needs refreshing."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

Now = Callable[[], float]
"""Seconds since the epoch; injectable so tests can move the client's time."""


@dataclass
class Token:
    access_token: str
    refresh_token: str | None
    expires_at: float
    token_type: str = "bearer"
    scope: str | None = None
    ow_id: int | None = None

    @classmethod
    def from_response(cls, data: dict[str, Any], now: Now = time.time) -> Token:
        return cls(
            access_token=data["access_token"],
            refresh_token=data.get("refresh_token"),
            expires_at=now() + float(data.get("expires_in") or 0),
            token_type=data.get("token_type") or "bearer",
            scope=data.get("scope"),
            ow_id=data.get("owId"),
        )

    def expires_within(self, seconds: float, now: Now = time.time) -> bool:
        return now() + seconds >= self.expires_at

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Token:
        """A token saved by `as_dict` (keys it lacks keep their defaults)."""
        return cls(
            access_token=data["access_token"],
            refresh_token=data.get("refresh_token"),
            expires_at=data["expires_at"],
            token_type=data.get("token_type", "bearer"),
            scope=data.get("scope"),
            ow_id=data.get("ow_id"),
        )
