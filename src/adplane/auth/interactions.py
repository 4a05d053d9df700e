"""User interaction events (IQM's Workspace API): named things a user did (first login, a tour finished, ...),
counted per user, with the metadata of the latest occurrence.

An upsert is one `INSERT ... ON CONFLICT DO UPDATE` on (user, event), so parallel upserts of one event count
every occurrence. A user only ever reads and writes their own events.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from adplane.auth.models import UserInteractionEvent
from adplane.core.clock import utcnow
from adplane.core.deps import Principal
from adplane.core.errors import ValidationFailed

PERSISTED = "User interaction event persisted successfully"
INVALID_EVENT = "Please provide valid user interaction event."
EVENT_PATTERN = re.compile(r"^[A-Za-z0-9_.:\-]{1,100}$")
MAX_META_BYTES = 4096
MAX_FILTER_EVENTS = 100
TABLE: Table = UserInteractionEvent.__table__  # type: ignore[assignment]


def _event(raw: Any) -> str:
    text = raw.strip() if isinstance(raw, str) else ""
    if not EVENT_PATTERN.match(text):
        raise ValidationFailed(INVALID_EVENT + " (letters, digits, '_', '-', '.', ':'; up to 100 characters)",
                               field="userInteractionEvent")
    return text


def _meta(raw: Any) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ValidationFailed("metaData must be a JSON object.", field="metaData")
    if len(json.dumps(raw, separators=(",", ":"))) > MAX_META_BYTES:
        raise ValidationFailed(f"metaData must be at most {MAX_META_BYTES} bytes of JSON.", field="metaData")
    return raw


def upsert(session: Session, principal: Principal, raw_event: Any, raw_meta: Any) -> dict[str, str]:
    """Count one occurrence of the event for the caller; given metadata replaces the stored one."""
    event, meta = _event(raw_event), _meta(raw_meta)
    now = utcnow()
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(TABLE).values(user_id=principal.user_id, event=event, event_count=1, meta_data=meta,
                                ow_id=principal.ow_id, created_at=now, modified_at=now)
    changes: dict[str, Any] = {"event_count": TABLE.c.event_count + 1, "ow_id": principal.ow_id, "modified_at": now}
    if meta is not None:
        changes["meta_data"] = stmt.excluded.meta_data
    session.execute(stmt.on_conflict_do_update(index_elements=[TABLE.c.user_id, TABLE.c.event], set_=changes))
    session.commit()
    return {"message": PERSISTED}


def events(session: Session, principal: Principal, wanted: str | None) -> list[dict[str, Any]]:
    """The caller's events (all, or those named in the comma-separated `wanted`), by name."""
    names = [part.strip() for part in (wanted or "").split(",") if part.strip()]
    if len(names) > MAX_FILTER_EVENTS:
        raise ValidationFailed(f"At most {MAX_FILTER_EVENTS} events can be asked for.", field="userInteractionEvent")
    stmt = select(UserInteractionEvent).where(UserInteractionEvent.user_id == principal.user_id)
    if names:
        stmt = stmt.where(UserInteractionEvent.event.in_(names))
    rows = session.scalars(stmt.order_by(UserInteractionEvent.event))
    return [{"userInteractionEvent": row.event, "eventCount": row.event_count, "metaData": row.meta_data or {}}
            for row in rows]
