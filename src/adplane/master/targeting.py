"""Which ids of a list a campaign targets: lists answer `campaignId` with them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from adplane.core.deps import Principal
from adplane.core.tenancy import get_scoped
from adplane.master import refdata


def _extra_ids(*keys: str) -> Callable[[Any], list[int]]:
    """Ids kept in the campaign's IQM extras (comma separated strings or lists); ZIP codes count by their id."""

    def read(campaign: Any) -> list[int]:
        ids: list[int] = []
        for key in keys:
            value = (campaign.extra or {}).get(key)
            parts = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else []
            for part in parts:
                text = str(part).strip()
                if not text.isascii() or not text.isdigit() or len(text) > 10:
                    continue
                item = refdata.zip_id(text) if len(text) == 5 else None
                ids.append(item if item is not None else int(text))
        return ids

    return read


# list (its URL segment) -> the ids a campaign targets in it
CAMPAIGN_TARGETING: dict[str, Callable[[Any], list[int]]] = {
    "country": lambda c: [c.country_id] if c.country_id else [],
    "states": lambda c: list(c.state_ids or []) + _extra_ids("whiteListedStateIds")(c),
    "device-type": lambda c: list(c.device_type_ids or []),
    "traffic-type": lambda c: list(c.traffic_type_ids or []),
    "zip": _extra_ids("zipcodes", "whiteListedZipcodes"),
    "city": _extra_ids("whiteListedCityIds"),
    "county": _extra_ids("whiteListedCountyIds"),
    "dma": _extra_ids("dmaIds", "whiteListedDmaIds"),
    "congressional-district": _extra_ids("congressionalDistrictIds"),
    "senate-district": _extra_ids("senateDistrictIds"),
    "house-district": _extra_ids("houseDistrictIds"),
}
# IQM's demographic and device fields, kept with the campaign as sent
CAMPAIGN_TARGETING.update({
    "gender": _extra_ids("genderIds"),
    "age": _extra_ids("ageRangeIds"),
    "language": _extra_ids("languageIds"),
    "interest": _extra_ids("interestIds"),
    "ethnicity": _extra_ids("ethnicityIds"),
    "device-os": _extra_ids("os"),
    "device-manufacturer": _extra_ids("manufacturer"),
    "device-carrier": _extra_ids("carriers"),
    "adcategories": lambda c: list(c.publisher_ad_category_ids or []),
})
CAMPAIGN_TARGETING["state"] = CAMPAIGN_TARGETING["states"]


def campaign_segment_ids(
    session: Session, principal: Principal, campaign_id: int | None, segment: str
) -> list[int] | None:
    """The ids a campaign of the caller's organization targets in this list (None: no campaign given).

    Lists a campaign cannot target (the legacy os list, income, ...) are empty for any campaign; another
    organization's campaign is a 404.
    """
    if campaign_id is None:
        return None
    from adplane.campaigns.models import Campaign

    campaign = get_scoped(session, Campaign, principal.ow_id, campaign_id, label="Campaign", field="campaignId")
    targeting = CAMPAIGN_TARGETING.get(segment)
    return targeting(campaign) if targeting is not None else []
