"""A campaign's audience targeting as delivery honours it: geography (`adplane.simulator.geography`), age
ranges and genders (`ageRangeIds`, `genderIds`), operating systems (`os`) and the country.

Every served impression lies inside the included sets and outside the excluded ones, and the campaign's daily
supply shrinks by the share of the market it keeps: the population share of its places within the states it
touches, the share of the age / gender mix it targets, the share of each device type's OS mix. These are the
shares `adplane.simulator.estimation` estimates with, so delivery shrinks as the estimator predicts. Targeting
the events cannot carry (languages, interests, ethnicities, incomes, carriers, manufacturers) is not applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from adplane.master import catalog
from adplane.simulator.generator import dimensions
from adplane.simulator.geography import GeoTargeting, place_mask, places
from adplane.simulator.geography import targeting_of as geo_targeting_of


def _ids(value: Any) -> set[int] | None:
    """The ids of an IQM comma-separated field (None when the field is absent or empty)."""
    if value is None or isinstance(value, bool):
        return None
    items = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else [value]
    texts = [str(item).strip() for item in items if str(item).strip()]
    if not texts:
        return None
    return {int(t) for t in texts if t.isascii() and t.isdigit() and len(t) <= 10}


@dataclass
class DeliveryTargeting:
    geo: GeoTargeting
    place_mask: np.ndarray | None  # None: anywhere in the states delivery draws
    age_weights: np.ndarray | None
    gender_weights: np.ndarray | None
    os_mask: np.ndarray | None
    demographic_share: float
    country_elsewhere: bool  # a country other than the United States, the only market delivery simulates

    def state_weights(self) -> tuple[np.ndarray, float, float]:
        """(weight of each state in the draw, population share of the states touched, share of their population
        the places hold). Without places: the included states by population (all when none is)."""
        dims = dimensions()
        population = dims.state_population
        if self.place_mask is None:
            states = self.geo.included.states
            weights = population * np.isin(dims.state_ids, list(states)) if states else population.copy()
            return weights, float(weights.sum() / population.sum()), 1.0
        p = places()
        kept = p.state_totals(np.where(self.place_mask, p.weight, 0))
        fraction = kept / np.maximum(p.state_totals(p.weight), 1)
        weights = population * fraction
        touched = population[kept > 0].sum()
        return weights, float(touched / population.sum()), float(weights.sum() / touched) if touched else 0.0

    def reweigh_devices(self, device_traffic: np.ndarray) -> np.ndarray:
        """Device × traffic weights times the share of each device type's OS mix the campaign targets."""
        if self.os_mask is None:
            return device_traffic
        dims = dimensions()
        base = np.diff(np.concatenate([np.zeros((len(dims.device_types), 1)), dims.device_os_cdf], axis=1), axis=1)
        per_device = base @ self.os_mask
        return device_traffic * np.repeat(per_device, len(dims.traffic_types))


def _share_mask(ids: set[int] | None, keys: np.ndarray, shares: np.ndarray) -> np.ndarray | None:
    if ids is None:
        return None
    return shares * np.isin(keys, list(ids))


def targeting_of(campaign: Any) -> DeliveryTargeting:
    """What a campaign (its columns and IQM extras) lets delivery reach."""
    dims = dimensions()
    extra = campaign.extra or {}
    geo = geo_targeting_of(campaign.state_ids, extra)
    age = _share_mask(_ids(extra.get("ageRangeIds")), dims.age_ids, dims.age_p)
    gender = _share_mask(_ids(extra.get("genderIds")), dims.gender_ids, dims.gender_p)
    demographic = 1.0
    for weights in (age, gender):
        if weights is not None:
            demographic *= float(weights.sum())
    os_ids = _ids(extra.get("os"))
    os_mask = None
    if os_ids is not None:
        names = {catalog.OPERATING_SYSTEMS_BY_ID[i].name for i in os_ids if i in catalog.OPERATING_SYSTEMS_BY_ID}
        os_mask = np.array([name in names for name in dims.os_names], dtype=float)
    country = campaign.country_id
    return DeliveryTargeting(
        geo=geo, place_mask=None if geo.only_states else place_mask(geo), age_weights=age, gender_weights=gender,
        os_mask=os_mask, demographic_share=demographic,
        country_elsewhere=country is not None and country != catalog.COUNTRY_US,
    )
