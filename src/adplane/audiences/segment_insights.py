"""GET /api/v3/audience/segment/audience-insights/{audienceId}: insights of a segmented audience.

The widgets are those of every audience's insights (`audience_insights.compute`): the audience's current
members (the ones its equation built) joined with the organization's served events in the analytics store
(each member's most frequent state, device type, age range and gender, against the organization's whole
served population) and with the identity store (members with a known e-mail, phone, device). Shaped as IQM's
example of this operation: `audienceValue(Absolute)` with thousands separators ("10,161,882"), and the
vertical the audience's segments share (IQM's verticals 1 political, 2 healthcare), else IQM's example's
"8" / "other" (e.g. a marketplace segment sold to every vertical)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from adplane.analytics.store import AnalyticsStore
from adplane.audiences import audience_insights, catalog, segments
from adplane.audiences import repository as repo
from adplane.audiences.models import Audience
from adplane.core.deps import Principal
from adplane.core.errors import ValidationFailed

ABSOLUTE = "audienceValue(Absolute)"
VERTICALS = {1: "Political", 2: "Healthcare"}
OTHER_VERTICAL = ("8", "other")


def vertical(audience: Audience) -> tuple[str, str]:
    """The one vertical (political or healthcare) every segment of the audience serves, else "other"."""
    catalogue = segments.load_catalogue()
    ids = [int(i) for i in (audience.details or {}).get("segmentIds", []) if int(i) in catalogue.segments]
    if not ids:
        return OTHER_VERTICAL
    common = set.intersection(*(set(catalogue.segments[i].vertical_ids) for i in ids))
    if len(common) == 1 and (only := next(iter(common))) in VERTICALS:
        return str(only), VERTICALS[only]
    return OTHER_VERTICAL


def _grouped(value: Any) -> Any:
    text = str(value)
    return f"{int(text):,}" if text.isdigit() else value


def insights(session: Session, store: AnalyticsStore, principal: Principal, audience_id: int) -> dict[str, Any]:
    """Another organization's audience is 404 like an unknown one; another kind, or one not ready, is 422."""
    audience = repo.get(session, principal.ow_id, audience_id)
    if audience.type_id != catalog.TYPE_SEGMENTED:
        raise ValidationFailed("The audience is not a segmented audience.", field="audienceId")
    data = audience_insights.live(session, store, principal, audience_id, guide=False)
    data["verticalId"], data["vertical"] = vertical(audience)
    for widget in data["widgets"]:
        for row in widget["data"]:
            if ABSOLUTE in row:
                row[ABSOLUTE] = _grouped(row[ABSOLUTE])
    return data
