"""Human-readable values of report dimensions and the campaign fields reports show.

Campaign, IO and creative names come from the application DB (only the caller's organization);
every other id dimension from the static catalog of `adplane.master`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from adplane.master import catalog as master
from adplane.reports.catalog import Dimension
from adplane.reports.definition import tenant_model

UNKNOWN = "Unknown"
PER_VIEW_CREATIVE_TYPES = (master.CREATIVE_TYPE_VIDEO, master.CREATIVE_TYPE_AUDIO)


def _static_names(dimension: Dimension) -> dict[Any, str] | None:
    key = dimension.key
    if key == "creativeType":
        return {i: t.display_name for i, t in master.CREATIVE_TYPES_BY_ID.items()}
    if key == "dma":
        return {code: d.name for code, d in master.DMAS_BY_CODE.items()}
    lookups: dict[str, dict[Any, Any]] = {
        "exchange": master.EXCHANGES_BY_ID,
        "trafficType": master.TRAFFIC_TYPES_BY_ID,
        "deviceType": master.DEVICE_TYPES_BY_ID,
        "country": master.COUNTRIES_BY_ID,
        "state": master.STATES_BY_ID,
        "gender": master.GENDERS_BY_ID,
        "age": master.AGE_RANGES_BY_ID,
    }
    table = lookups.get(key)
    return None if table is None else {i: item.name for i, item in table.items()}


class Labels:
    """Per-request cache of names for one organization."""

    def __init__(self, session: Session, ow_id: int) -> None:
        self.session = session
        self.ow_id = ow_id
        self._names: dict[str, dict[Any, str]] = {}
        self._campaigns: dict[int, Any] | None = None
        self._all_loaded = False
        # names of some ids only (a page's), by column; None for an id asked for and not found
        self._some_names: dict[str, dict[Any, str | None]] = {}
        self._attributes: dict[int, dict[str, Any]] = {}

    def names(self, dimension: Dimension) -> dict[Any, str] | None:
        """id -> name for id dimensions; None for text dimensions (the value is its own label)."""
        if dimension.id_key is None:
            return None
        if dimension.column not in self._names:
            model = tenant_model(dimension)
            if model is not None:
                rows = self.session.execute(select(model.id, model.name).where(model.ow_id == self.ow_id))
                self._names[dimension.column] = {row_id: name for row_id, name in rows}
            else:
                self._names[dimension.column] = _static_names(dimension) or {}
        return self._names[dimension.column]

    def prefetch(self, dimension: Dimension, values: Iterable[Any]) -> None:
        """Load the names of just these ids (a page's) of an application-DB dimension.

        A page needs 50 names; the organization may have thousands of campaigns or creatives."""
        column = dimension.column
        model = tenant_model(dimension) if dimension.id_key is not None else None
        if model is None or column in self._names:
            return
        found = self._some_names.setdefault(column, {})
        wanted = {v for v in values if v is not None} - found.keys()
        if not wanted:
            return
        found.update(dict.fromkeys(wanted))
        if column == "campaign_id":  # the campaign rows a page shows are loaded anyway
            campaigns = self.campaigns(wanted)
            found.update((i, campaigns[i].name) for i in wanted if i in campaigns)
        else:
            rows = self.session.execute(_names_by_id(model), {"ow_id": self.ow_id, "ids": sorted(wanted)})
            found.update((row_id, name) for row_id, name in rows)

    def label(self, dimension: Dimension, value: Any) -> Any:
        if value is None:
            return UNKNOWN
        some = self._some_names.get(dimension.column, {})
        if dimension.column not in self._names and value in some:
            name = some[value]
            return name if name is not None else str(value)
        names = self.names(dimension)
        if names is None:
            return value
        return names.get(value, str(value))

    def campaigns(self, ids: Iterable[int] | None = None) -> dict[int, Any]:
        """The organization's campaigns (the fields reports show), all of them or these ids."""
        from adplane.campaigns.models import Campaign

        if self._campaigns is None:
            self._campaigns = {}
        if ids is None:
            if not self._all_loaded:
                self._load(select(*_campaign_columns(Campaign)).where(Campaign.ow_id == self.ow_id))
                self._all_loaded = True
            return self._campaigns
        missing = sorted({i for i in ids if i is not None and i not in self._campaigns})
        if missing and not self._all_loaded:
            self._load(_campaigns_by_id(), {"ow_id": self.ow_id, "ids": missing})
        return self._campaigns

    def attributes(self, campaign_id: int) -> dict[str, Any]:
        """`campaign_attributes` of a loaded campaign (empty when it is not one of the organization's)."""
        known = self._attributes.get(campaign_id)
        if known is None:
            campaign = self.campaigns((campaign_id,)).get(campaign_id)
            known = campaign_attributes(campaign) if campaign is not None else {}
            self._attributes[campaign_id] = known
        return known

    def _load(self, stmt: Any, params: dict[str, Any] | None = None) -> None:
        assert self._campaigns is not None
        for row in self.session.execute(stmt, params):
            self._campaigns[row.id] = row

    def campaign_ids_with_status(self, statuses: list[str]) -> list[int]:
        from adplane.campaigns.models import Campaign

        stmt = select(Campaign.id).where(Campaign.ow_id == self.ow_id, Campaign.status.in_(statuses))
        return sorted(self.session.scalars(stmt))

    def matching_ids(self, dimension: Dimension, text: str) -> list[Any]:
        """Ids whose name (or id) contains `text`, case-insensitively."""
        needle = text.lower()
        names = self.names(dimension) or {}
        return sorted(i for i, name in names.items() if needle in str(name).lower() or needle in str(i))

    def ranks_by_label(self, dimension: Dimension) -> dict[Any, int]:
        names = self.names(dimension) or {}
        ordered = sorted(names.items(), key=lambda item: (str(item[1]).lower(), item[0]))
        return {value: rank for rank, (value, _) in enumerate(ordered)}

    def ranks_by_campaign_field(self, key: str) -> dict[int, int]:
        values = {cid: campaign_attributes(c).get(key) for cid, c in self.campaigns().items()}
        ordered = sorted(values.items(), key=lambda item: (item[1] is not None, _sortable(item[1]), item[0]))
        return {cid: rank for rank, (cid, _) in enumerate(ordered)}


# Built once per model: building a statement and its cache key costs more than running it on a page's ids.
@functools.cache
def _names_by_id(model: Any) -> Select[Any]:
    return select(model.id, model.name).where(model.ow_id == bindparam("ow_id"),
                                              model.id.in_(bindparam("ids", expanding=True)))


@functools.cache
def _campaigns_by_id() -> Select[Any]:
    from adplane.campaigns.models import Campaign

    return select(*_campaign_columns(Campaign)).where(Campaign.ow_id == bindparam("ow_id"),
                                                      Campaign.id.in_(bindparam("ids", expanding=True)))


def _campaign_columns(campaign: Any) -> list[Any]:
    return [campaign.id, campaign.name, campaign.budget_day, campaign.budget_total, campaign.total_budget_pacing,
            campaign.max_bid, campaign.start_time, campaign.end_time, campaign.status, campaign.creative_type_id,
            campaign.timezone_id]


def _sortable(value: Any) -> Any:
    if isinstance(value, str):
        return (0, value.lower())
    return (1, value) if value is not None else (2, 0)


def _epoch_seconds(instant: Any) -> int | None:
    return int(instant.timestamp()) if instant is not None else None


def _money(value: Any) -> float | None:
    return float(value) if value is not None else None


def campaign_attributes(campaign: Any) -> dict[str, Any]:
    """The campaign fields a report row shows, by column key (seed sample names and units)."""
    tz = master.timezone_by_id(campaign.timezone_id)
    return {
        "campaignName": campaign.name,
        "budgetDay": _money(campaign.budget_day),
        "budgetTotal": _money(campaign.budget_total),
        "budgetPacing": bool(campaign.total_budget_pacing),
        "maxBid": _money(campaign.max_bid),
        "startTime": _epoch_seconds(campaign.start_time),
        "endTime": _epoch_seconds(campaign.end_time),
        "status": campaign.status,
        "campaignType": "cpv" if campaign.creative_type_id in PER_VIEW_CREATIVE_TYPES else "cpm",
        "campaignTimezone": tz.name if tz else None,
    }
