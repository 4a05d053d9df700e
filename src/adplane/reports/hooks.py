"""What the reports domain announces or asks about a saved report without importing who answers
(`adplane.core.hooks`). The schedules domain connects its handlers (`adplane.schedules.service`):
schedules depend on reports, never the other way."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from adplane.core.deps import Principal
from adplane.core.hooks import Hook
from adplane.core.settings import Settings
from adplane.reports.models import Report

# A definition was sent with `reportSchedulingEventDetails`: validate and save them (same transaction).
schedule_details_sent: Hook[[Session, Principal, Report, Any, Settings], object] = Hook("schedule details sent")
# The `reportSchedulingEventDetails` of a report's GET (None: no schedule).
schedule_details: Hook[[Session, int], dict[str, Any] | None] = Hook("schedule details")
# A definition's dates or timezone may have changed (flushed, not committed).
definition_changed: Hook[[Session, int, Settings], None] = Hook("definition changed")
# A definition is being deleted.
definition_deleted: Hook[[Session, Principal, int], None] = Hook("definition deleted")
