"""Include or exclude device types, exchanges and traffic types on a campaign (IQM's v2
`cmp/{deviceType,exchange,trafficsource}/includeExclude`).

They change the campaign's own targeting lists (`deviceType`, `exchanges`, `trafficType`), so the campaign's
details show the change and delivery follows it (the simulator draws only the listed values):

- `isExcluded` 1 takes the ids out of the list. An empty list means every value, so excluding from it leaves
  every other known value; excluding the last one is a 422 (the campaign would have nothing left to buy).
- `isExcluded` 0 adds them (a list meaning every value already has them).

Device types take IQM's ids (20300001...) as well as 11-15, as campaign bodies do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from adplane.campaigns import rules
from adplane.campaigns.models import STATUS_EXPIRED, Campaign
from adplane.campaigns.schemas import IncludeExclude
from adplane.campaigns.service import get_campaign
from adplane.core.deps import Principal
from adplane.core.errors import ValidationFailed
from adplane.core.listing import parse_ids
from adplane.master import catalog


@dataclass(frozen=True)
class TargetingList:
    column: str  # the Campaign column holding the list
    known: Mapping[int, Any]
    label: str  # in errors
    plural: str  # in the answer's message


DEVICE_TYPES = TargetingList("device_type_ids", catalog.DEVICE_TYPES_BY_ID, "device type", "Device Types")
EXCHANGES = TargetingList("exchange_ids", catalog.EXCHANGES_BY_ID, "exchange", "Exchanges")
TRAFFIC_TYPES = TargetingList("traffic_type_ids", catalog.TRAFFIC_TYPES_BY_ID, "traffic type", "Traffic source")


def include_exclude(session: Session, principal: Principal, kind: TargetingList, body: IncludeExclude) -> Campaign:
    ids = parse_ids(body.ids, "ids", required=True)
    if kind is DEVICE_TYPES:
        ids = list(dict.fromkeys(catalog.legacy_device_type_id(i) for i in ids))
    rules.check_known_ids(ids, kind.known, "ids", kind.label)
    campaign = get_campaign(session, principal.ow_id, body.campaign_id, for_update=True)
    if campaign.status == STATUS_EXPIRED:
        raise ValidationFailed("An expired campaign cannot be edited.", field="campaignId")
    current: list[int] = list(getattr(campaign, kind.column) or [])
    if body.is_excluded:
        left = [i for i in (current or list(kind.known)) if i not in ids]
        if not left:
            raise ValidationFailed(f"The campaign must keep at least one {kind.label}.", field="ids")
        setattr(campaign, kind.column, left)
    elif current:
        setattr(campaign, kind.column, sorted({*current, *ids}))
    session.commit()
    return campaign


def message(kind: TargetingList, excluded: bool) -> str:
    return f"{kind.plural} {'excluded' if excluded else 'included'} successfully."
