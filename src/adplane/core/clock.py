"""An injectable clock: everything time-driven asks here, so tests and replays can move time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    def __init__(self) -> None:
        self._fixed: datetime | None = None
        self._offset = timedelta(0)

    def now(self) -> datetime:
        if self._fixed is not None:
            return self._fixed
        return datetime.now(UTC) + self._offset

    def set(self, instant: datetime | None) -> None:
        """Freeze time at `instant` (aware, UTC) or unfreeze with None."""
        if instant is not None and instant.tzinfo is None:
            instant = instant.replace(tzinfo=UTC)
        self._fixed = instant

    def advance(self, delta: timedelta) -> None:
        if self._fixed is not None:
            self._fixed += delta
        else:
            self._offset += delta

    @property
    def offset(self) -> timedelta:
        """How far the clock runs ahead of real time (when not frozen)."""
        return self._offset

    @property
    def frozen(self) -> bool:
        return self._fixed is not None

    def reset(self) -> None:
        self._fixed = None
        self._offset = timedelta(0)


clock = Clock()


def utcnow() -> datetime:
    return clock.now()


def to_epoch_ms(instant: datetime | None) -> int | None:
    return None if instant is None else int(round(as_utc(instant).timestamp() * 1000))


def to_epoch_s(instant: datetime | None) -> int | None:
    return None if instant is None else int(as_utc(instant).timestamp())


def from_epoch_ms(value: int | None, field: str | None = None) -> datetime | None:
    """The instant of an epoch in milliseconds; one no datetime can hold is a 422 naming `field`."""
    return None if value is None else _from_epoch(value / 1000, field)


def from_epoch_s(value: int | None, field: str | None = None) -> datetime | None:
    return None if value is None else _from_epoch(value, field)


def _from_epoch(seconds: float, field: str | None) -> datetime:
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        from adplane.core.errors import ValidationFailed

        name = field or "time"
        raise ValidationFailed(f"{name} is out of range (epoch before 1970 or after 9999).", field=name) from None


def as_utc(instant: datetime) -> datetime:
    """Databases (SQLite) may hand back naive datetimes; they are UTC by convention here."""
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)
