"""Recording conversion hits from pixels and postbacks: bounded input, one row per (conversion, transaction id),
IQM's repeat-conversion rule, and a pixel turning Active with its first hit."""

from __future__ import annotations

import hmac
import uuid as uuid_module
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from adplane.conversions import catalog
from adplane.conversions.models import HIT_PENDING, HIT_REPEAT, Conversion, ConversionHit
from adplane.core.clock import as_utc, from_epoch_ms, from_epoch_s, utcnow
from adplane.core.errors import Forbidden, ValidationFailed
from adplane.core.limits import RateLimiter

MAX_KEY_CHARS = 128
MAX_FIELD_CHARS = 256
MAX_VALUE = Decimal("1000000000")
# A postback may report a conversion up to the longest attribution window late, and not from the future.
MAX_PAST = timedelta(days=catalog.CLICK_DAYS_MAX + 1)
MAX_FUTURE = timedelta(minutes=5)


@dataclass(frozen=True)
class HitInput:
    """What a pixel or postback call says, already bounded."""

    transaction_id: str | None
    user_key: str | None
    occurred_at: datetime
    value: Decimal | None
    custom_fields: dict[str, str]


@dataclass(frozen=True)
class Recorded:
    hit_id: int
    recorded: bool  # False: the transaction id was already recorded, nothing written
    counted: bool  # False: the repeat-conversion rule does not count it


def _text(raw: str | None, field: str, limit: int) -> str | None:
    if raw is None or not raw.strip():
        return None
    value = raw.strip()
    if len(value) > limit:
        raise ValidationFailed(f"{field} is longer than {limit} characters.", field=field)
    return value


def _money(raw: str | None, field: str) -> Decimal | None:
    text = _text(raw, field, 40)
    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationFailed(f"{field} must be a number.", field=field) from None
    if not value.is_finite() or value < 0 or value > MAX_VALUE:
        raise ValidationFailed(f"{field} must be a number from 0 to {MAX_VALUE}.", field=field)
    return value.quantize(Decimal("0.000001"))


def _instant(raw: str | None, now: datetime) -> datetime:
    """`ts`: epoch seconds or milliseconds; absent means now."""
    text = _text(raw, "ts", 20)
    if text is None:
        return now
    if not text.isascii() or not text.isdigit():
        raise ValidationFailed("ts must be epoch seconds or milliseconds.", field="ts")
    number = int(text)
    instant = from_epoch_ms(number, "ts") if number > 100_000_000_000 else from_epoch_s(number, "ts")
    assert instant is not None
    if instant > now + MAX_FUTURE or instant < now - MAX_PAST:
        raise ValidationFailed("ts is too far from now.", field="ts")
    return instant


def parse_hit(conversion: Conversion, params: Mapping[str, str], *, allow_ts: bool, now: datetime | None = None
              ) -> HitInput:
    """A hit from query (or form/JSON) parameters: `tid`, `uid`, `cv`, `ts` and the conversion's custom fields.
    The financial-metric field, when sent, is the value if `cv` is not."""
    now = now or utcnow()
    fields: dict[str, str] = {}
    wanted = {name.lower(): name for name in [*(conversion.custom_fields or []), conversion.financial_metric or ""]
              if name}
    for key, raw in params.items():
        name = wanted.get(key.lower())
        if name is not None and (text := _text(raw, name, MAX_FIELD_CHARS)) is not None:
            fields[name] = text
    value = _money(params.get("cv"), "cv")
    if value is None and conversion.financial_metric and conversion.financial_metric in fields:
        value = _money(fields[conversion.financial_metric], conversion.financial_metric)
    return HitInput(
        transaction_id=_text(params.get("tid"), "tid", MAX_KEY_CHARS),
        user_key=_text(params.get("uid"), "uid", MAX_KEY_CHARS),
        occurred_at=_instant(params.get("ts"), now) if allow_ts else now,
        value=value,
        custom_fields=fields,
    )


def check_postback_token(expected: str, given: str | None) -> None:
    if not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise Forbidden("Invalid postback token.", field="token")


LIMITER = RateLimiter("conversion hits")


def _repeat_window(conversion: Conversion) -> timedelta | None:
    if conversion.repeat_count != 1:
        return None
    return timedelta(seconds=catalog.REPEAT_UNITS.get(conversion.repeat_unit, 86400) * conversion.repeat_frequency)


def _is_repeat(session: Session, conversion: Conversion, hit: HitInput) -> bool:
    """IQM's repeat rule "1 per user per <frequency> <unit>": a counted hit of the same user inside the window
    before this one makes this one a repeat."""
    window = _repeat_window(conversion)
    if window is None or hit.user_key is None:
        return False
    earlier = session.scalar(select(ConversionHit.id).where(
        ConversionHit.conversion_id == conversion.id, ConversionHit.user_key == hit.user_key,
        ConversionHit.state != HIT_REPEAT, ConversionHit.occurred_at > hit.occurred_at - window,
        ConversionHit.occurred_at <= hit.occurred_at).limit(1))
    return earlier is not None


def record(session: Session, conversion: Conversion, hit: HitInput, *, source: str) -> Recorded:
    """Store the hit once per (conversion, transaction id); a hit without one is always new."""
    transaction_id = hit.transaction_id or f"auto:{uuid_module.uuid4().hex}"
    existing = session.scalar(select(ConversionHit).where(ConversionHit.conversion_id == conversion.id,
                                                          ConversionHit.transaction_id == transaction_id))
    if existing is not None:
        return Recorded(existing.id, False, existing.state != HIT_REPEAT)
    repeat = _is_repeat(session, conversion, hit)
    row = {"conversion_id": conversion.id, "ow_id": conversion.ow_id, "source": source,
           "transaction_id": transaction_id, "user_key": hit.user_key, "occurred_at": as_utc(hit.occurred_at),
           "received_at": utcnow(), "value": hit.value, "custom_fields": hit.custom_fields,
           "state": HIT_REPEAT if repeat else HIT_PENDING}
    keys = ["conversion_id", "transaction_id"]
    insert = (postgresql.insert(ConversionHit).values(row).on_conflict_do_nothing(index_elements=keys)
              if session.get_bind().dialect.name == "postgresql"
              else sqlite.insert(ConversionHit).values(row).on_conflict_do_nothing(index_elements=keys))
    hit_id = session.execute(insert.returning(ConversionHit.id)).scalar()
    if hit_id is None:  # a concurrent call with the same transaction id won
        session.rollback()
        winner = session.scalar(select(ConversionHit).where(ConversionHit.conversion_id == conversion.id,
                                                            ConversionHit.transaction_id == transaction_id))
        assert winner is not None
        return Recorded(winner.id, False, winner.state != HIT_REPEAT)
    if conversion.status_id == catalog.STATUS_PENDING:
        session.execute(update(Conversion).where(Conversion.id == conversion.id,
                                                 Conversion.status_id == catalog.STATUS_PENDING)
                        .values(status_id=catalog.STATUS_ACTIVE))
    session.commit()
    return Recorded(hit_id, True, not repeat)
