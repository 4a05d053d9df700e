"""Campaign estimates (IQM's `cmp/campaign/estimation/reach`, `.../bid-landscape`, `cmp/estimate-reach` and
the estimator's dimension list), computed with the delivery simulator's own market model, never invented.

- Daily supply: a campaign with the requested targeting is built the way the simulator builds running campaigns
  (`simulation.build_campaign`: states weighted by population, the device × traffic mix; `rules.apply`: the
  organization's block list, the deals, inventory groups and catalogue apps/sites the request names), so it can
  win BASE_DAILY_IMPRESSIONS × the targeting's share × the rules' factor a day. Cities, ZIP codes and radii narrow
  a state by their population share (master reference data: a ZIP is its city's population over the city's ZIP
  codes, a radius holds the cities whose centre lies inside); ages and genders by the mix the simulator's events
  carry. Exchanges only move where impressions land in the simulator, not how many there are.
- Min / avg / max: the 10th, 50th and 90th percentiles of the simulator's per-campaign supply draw (lognormal,
  σ `SUPPLY_SIGMA`) and, with `budgetDay`, of the share of a day's budget a campaign spends (its demand draw);
  `budgetDay` caps the day at what it buys at the expected cost of an impression (media, platform margin, data).
- Reach: the expected number of distinct users among that many impressions under the simulator's user model
  (`generator.draw_users`), summed over the id distribution in 4,000 log-spaced bins.
- Bid landscape: clearing CPMs of the caller's own impressions matching the targeting over the last 30 days
  (the analytics store) when there are at least `MIN_OBSERVED` of them, else 20,000 draws of the simulator's
  clearing model (the max bid × a Beta(2.5, 2.5) share of the creative type's range; a PG deal's fixed price, a PMP
  deal's floor); `numImp` at the p-th percentile floor is p% of the day's median supply.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from functools import cache
from typing import Annotated, Any

import numpy as np
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, PrivateAttr, model_validator
from scipy.special import betaincinv, ndtri
from sqlalchemy.orm import Session

from adplane.analytics.store import AnalyticsStore
from adplane.campaigns import wire as campaign_wire
from adplane.campaigns.models import Campaign
from adplane.core.clock import utcnow
from adplane.core.deps import Principal
from adplane.core.errors import NotFound, ValidationFailed
from adplane.core.listing import parse_ids
from adplane.insertion_orders.models import InsertionOrder
from adplane.inventory import repository as inventory_repository
from adplane.inventory.service import RuleInputs, compose_rules, get_group
from adplane.master import catalog, refdata
from adplane.simulator import profiles
from adplane.simulator.generator import MICRO, USER_IDS, USER_SCALE, USER_TAIL
from adplane.simulator.geography import targeting_of as geography_of
from adplane.simulator.rules import CampaignRules
from adplane.simulator.rules import apply as apply_rules
from adplane.simulator.simulation import (
    BASE_DAILY_IMPRESSIONS,
    DEMAND_PACED,
    DEMAND_UNPACED,
    SUPPLY_SIGMA,
    build_campaign,
)

QUANTILES = (0.1, 0.5, 0.9)  # min, avg, max
LANDSCAPE_PERCENTILES = (0, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99)
MIN_OBSERVED = 100
OBSERVED_DAYS = 30
MODEL_DRAWS = 20_000
DEFAULT_MAX_BID = Decimal("5")  # the simulator's bid for a campaign without one
EARTH_RADIUS_MILES = 3958.8

Csv = Annotated[str, Field(max_length=100_000)] | list[Any] | int | None


def _choices(*names: str) -> Any:
    return Field(default=None, validation_alias=AliasChoices(*names))


class RadiusDetail(BaseModel):
    radius: float = Field(ge=0, le=10_000)  # miles
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)


class EstimateRequest(BaseModel):
    """Every targeting key the three estimate operations accept (IQM's spellings); unknown keys are ignored."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    country_ids: Csv = _choices("countryIds")
    state_ids: Csv = _choices("stateIds")
    state_codes: Csv = _choices("stateCodes")
    city_ids: Csv = _choices("whitelistCityIds", "whiteListedCityIds", "cityIdsIncluded")
    zip_codes: Csv = _choices("whitelistZipCodes", "whiteListedZipcodes", "zipCodesIncluded", "zipCodes")
    radii: Annotated[list[RadiusDetail], Field(max_length=1000)] | None = _choices("whiteListedGeoRadiusDetails")
    age_ids: Csv = _choices("ageIds", "ageRangeIds")
    gender_ids: Csv = _choices("genderIds")
    ethnicity_ids: Csv = _choices("ethnicityIds")  # not in the model: accepted, no effect
    income_ids: Csv = _choices("incomeIds", "incomeRangeIds")  # not in the model: accepted, no effect
    device_type_ids: Csv = _choices("deviceTypeIds")
    device_type_names: Csv = _choices("deviceTypeNames")
    traffic_type_ids: Csv = _choices("trafficTypeIds")
    traffic_type_names: Csv = _choices("trafficTypeNames")
    excluded_exchange_ids: Csv = _choices("excludedExchangeIds")
    excluded_exchange_names: Csv = _choices("excludedExchangeNames")
    creative_types: Csv = _choices("creativeTypes", "creativeTypeIds", "creativeTypeId")
    max_bid: Annotated[Decimal, Field(ge=0, le=1000, allow_inf_nan=False)] | None = _choices("maxBid")
    budget_day: Annotated[Decimal, Field(ge=0, le=10_000_000_000, allow_inf_nan=False)] | None = _choices(
        "budgetDay")
    total_budget_pacing: bool | None = _choices("totalBudgetPacing")
    bid_pacing: bool | None = _choices("bidPacing")
    deal_ids: Csv = _choices("dealIds")
    include_groups: Csv = _choices("whitelistInventoryGroupIds")
    exclude_groups: Csv = _choices("blacklistInventoryGroupIds")
    allowed_sites: Csv = _choices("whitelistSiteDomains")
    blocked_sites: Csv = _choices("blacklistSiteDomains")
    allowed_apps: Csv = _choices("whitelistAppIds", "whitelistAndroidPackages")
    blocked_apps: Csv = _choices("blacklistAppIds", "blacklistAndroidPackages")
    excluded_inventories: Csv = _choices("excludedInventories")
    _keys: set[str] = PrivateAttr(default_factory=set)  # the keys the caller sent (errors name its spelling)

    @model_validator(mode="wrap")
    @classmethod
    def _remember_keys(cls, data: Any, handler: Any) -> Any:
        model = handler(data)
        if isinstance(data, dict):
            model._keys = set(data)
        return model


def _alias(request: EstimateRequest, name: str) -> str:
    """The field's name as the caller spelled it (else IQM's first spelling)."""
    alias = type(request).model_fields[name].validation_alias
    choices = [str(c) for c in alias.choices] if isinstance(alias, AliasChoices) else [name]
    return next((c for c in choices if c in request._keys), choices[0])


def _texts(value: Any) -> list[str]:
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else [value]
    return [str(item).strip() for item in items if str(item).strip()]


# ----------------------------------------------------------------------------------------- targeting


@dataclass
class Targeting:
    states: list[int] = field(default_factory=list)  # every state the geography touches
    within: float = 1.0  # the share of those states' population the cities / ZIP codes / radii hold
    devices: list[int] = field(default_factory=list)
    traffic: list[int] = field(default_factory=list)
    excluded_exchanges: list[int] = field(default_factory=list)
    demographic: float = 1.0
    creative_type: int = catalog.CREATIVE_TYPE_IMAGE
    country_ok: bool = True
    narrowed: bool = False  # any targeting applied ("Specific") or none ("Broad")
    ignored: dict[str, list[Any]] = field(default_factory=dict)


@cache
def _places() -> tuple[dict[int, int], dict[int, int]]:
    """(population of each state's cities, ZIP codes per city) from the master reference data."""
    state_population: dict[int, int] = {}
    for city in refdata.geo("cities").by_id.values():
        if city.parent_id is not None:
            state_population[city.parent_id] = state_population.get(city.parent_id, 0) + (city.population or 0)
    zips_per_city: dict[int, int] = {}
    for place in refdata.geo("zips").by_id.values():
        if place.city_id is not None:
            zips_per_city[place.city_id] = zips_per_city.get(place.city_id, 0) + 1
    return state_population, zips_per_city


def _miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def _known(request: EstimateRequest, name: str, known: Any, out: Targeting) -> list[int]:
    """Ids of a field that the list knows; well-formed ids it does not know are reported as ignored."""
    ids = parse_ids(getattr(request, name), _alias(request, name))
    unknown = [i for i in ids if i not in known]
    if unknown:
        out.ignored[_alias(request, name)] = unknown
    return [i for i in ids if i in known]


def _by_name(request: EstimateRequest, name: str, items: Any, out: Targeting, *, attr: str = "name") -> list[int]:
    wanted = _texts(getattr(request, name))
    index = {str(getattr(item, attr)).lower(): item.id for item in items}
    unknown = [w for w in wanted if w.lower() not in index]
    if unknown:
        out.ignored[_alias(request, name)] = unknown
    return [index[w.lower()] for w in wanted if w.lower() in index]


def _geography(request: EstimateRequest, out: Targeting) -> None:
    states = set(_known(request, "state_ids", catalog.STATES_BY_ID, out))
    states |= set(_by_name(request, "state_codes", catalog.STATES, out, attr="code"))
    cities_list = refdata.geo("cities").by_id
    cities = set(_known(request, "city_ids", cities_list, out))
    zips_list = refdata.geo("zips").by_id
    zip_ids: list[int] = []
    unknown_zips: list[str] = []
    for code in _texts(request.zip_codes):
        zip_id = refdata.zip_id(code) if len(code) == 5 else None
        if zip_id is not None and zip_id in zips_list:
            zip_ids.append(zip_id)
        else:
            unknown_zips.append(code)
    if unknown_zips:
        out.ignored[_alias(request, "zip_codes")] = unknown_zips
    for radius in request.radii or []:
        cities |= {c.id for c in cities_list.values() if c.lat is not None and c.lon is not None
                   and _miles(radius.latitude, radius.longitude, c.lat, c.lon) <= radius.radius}
    state_population, zips_per_city = _places()
    # each narrowed state: the population share of its cities and ZIP codes (a ZIP of a listed city adds nothing)
    fraction: dict[int, float] = {}
    for city_id in cities:
        city = cities_list[city_id]
        total = state_population.get(city.parent_id or 0, 0)
        if city.parent_id is not None and total:
            fraction[city.parent_id] = fraction.get(city.parent_id, 0.0) + (city.population or 0) / total
    for zip_id in zip_ids:
        place = zips_list[zip_id]
        if place.city_id in cities or place.parent_id is None:
            continue
        zip_city = cities_list.get(place.city_id or 0)
        total = state_population.get(place.parent_id, 0)
        if zip_city is not None and total:
            share = (zip_city.population or 0) / total / max(zips_per_city.get(zip_city.id, 1), 1)
            fraction[place.parent_id] = fraction.get(place.parent_id, 0.0) + share
    narrowed = bool(cities or zip_ids or request.radii)
    touched = states | set(fraction)
    if narrowed and not touched:  # places that hold nobody (a radius around no city, ZIPs of no city)
        out.within = 0.0
        out.narrowed = True
        return
    out.states = sorted(s for s in touched if s in catalog.STATES_BY_ID)
    if fraction:
        weight = {s.id: profiles.STATE_POPULATION.get(s.code, 1.0) for s in catalog.STATES
                  if s.id in catalog.STATES_BY_ID}
        whole = sum(weight.get(s, 0.0) for s in out.states)
        kept = sum(weight.get(s, 0.0) * (min(1.0, fraction[s]) if s in fraction and s not in states else 1.0)
                   for s in out.states)
        out.within = kept / whole if whole else 0.0
    out.narrowed = out.narrowed or bool(touched)


def parse_targeting(request: EstimateRequest) -> Targeting:
    out = Targeting()
    countries = _known(request, "country_ids", catalog.COUNTRIES_BY_ID, out)
    out.country_ok = not countries or catalog.COUNTRY_US in countries
    _geography(request, out)
    out.devices = list(dict.fromkeys(
        catalog.legacy_device_type_id(i) for i in parse_ids(request.device_type_ids, "deviceTypeIds")))
    unknown = [i for i in out.devices if i not in catalog.DEVICE_TYPES_BY_ID]
    if unknown:
        out.ignored["deviceTypeIds"] = unknown
    out.devices = [i for i in out.devices if i in catalog.DEVICE_TYPES_BY_ID]
    out.devices += _by_name(request, "device_type_names", catalog.DEVICE_TYPES, out)
    out.traffic = _known(request, "traffic_type_ids", catalog.TRAFFIC_TYPES_BY_ID, out)
    out.traffic += _by_name(request, "traffic_type_names", catalog.TRAFFIC_TYPES, out)
    out.excluded_exchanges = _known(request, "excluded_exchange_ids", catalog.EXCHANGES_BY_ID, out)
    out.excluded_exchanges += _by_name(request, "excluded_exchange_names", catalog.EXCHANGES, out)
    for name, mix in (("age_ids", profiles.AGE_SHARE), ("gender_ids", profiles.GENDER_SHARE)):
        ids = _known(request, name, mix, out)
        if ids:
            out.demographic *= sum(mix[i] for i in ids) / sum(mix.values())
            out.narrowed = True
    for name in ("ethnicity_ids", "income_ids"):
        parse_ids(getattr(request, name), _alias(request, name))  # well-formed, even though not modelled
    types = _texts(request.creative_types)
    if types:
        by_name = {c.name.lower(): c.id for c in catalog.CREATIVE_TYPES}
        first = types[0]
        chosen = int(first) if first.isdigit() and int(first) in catalog.CREATIVE_TYPES_BY_ID else by_name.get(
            first.lower())
        if chosen is None:
            raise ValidationFailed(f"Unknown creative type: {first}.", field="creativeTypes")
        out.creative_type = chosen
    out.narrowed = out.narrowed or bool(out.devices or out.traffic or not out.country_ok)
    return out


def _inventory_inputs(session: Session, principal: Principal, request: EstimateRequest, out: Targeting
                      ) -> RuleInputs:
    """The request's inventory rules in the caller's organization (another organization's deals or groups 404)."""
    inputs = RuleInputs(principal.ow_id)
    deal_ids = parse_ids(request.deal_ids, "dealIds")
    deals = inventory_repository.deals_by_ids(session, principal.ow_id, deal_ids)
    missing = [i for i in deal_ids if i not in deals]
    if missing:
        raise NotFound(f"Deal(s) not found: {', '.join(map(str, missing))}.", field="dealIds")
    inputs.deals = [deals[i] for i in deal_ids]
    for name, excluded in (("include_groups", False), ("exclude_groups", True)):
        for group_id in parse_ids(getattr(request, name), _alias(request, name)):
            get_group(session, principal.ow_id, group_id, field=_alias(request, name))
            inputs.groups.append((group_id, excluded))
    named = {name: _texts(getattr(request, name)) for name in ("allowed_sites", "blocked_sites", "allowed_apps",
                                                               "blocked_apps")}
    wanted = {text.lower() for texts in named.values() for text in texts}
    catalogue = {inv.app_id.lower(): inv.id for inv in inventory_repository.all_inventories(session)
                 if inv.app_id.lower() in wanted}
    for name, texts in named.items():
        unknown = [t for t in texts if t.lower() not in catalogue]
        if unknown:
            out.ignored[_alias(request, name)] = unknown
        inputs.singles += [(catalogue[t.lower()], name.startswith("blocked")) for t in texts
                           if t.lower() in catalogue]
    inputs.singles += [(i, True) for i in parse_ids(request.excluded_inventories, "excludedInventories")]
    out.narrowed = out.narrowed or bool(inputs.deals or inputs.groups or inputs.singles)
    return inputs


# -------------------------------------------------------------------------------------------- the model


@dataclass
class Estimate:
    targeting: Targeting
    supply: tuple[float, float, float]  # impressions a day the targeting offers (min, avg, max)
    volume: tuple[float, float, float]  # ... that the budget buys
    reach: tuple[int, int, int]
    plan: Any  # the simulator's CampaignPlan the estimate was computed on


@cache
def _user_bins() -> tuple[np.ndarray, np.ndarray]:
    """(probability of one id, ids) per bin of user ids under `generator.draw_users`: j = floor(SCALE × X),
    X ~ Lomax(TAIL), P(j < x) = 1 - (1 + x / SCALE)^-TAIL; ids past USER_IDS wrap around (spread evenly)."""
    edges = np.unique(np.concatenate(([0], np.geomspace(1, USER_IDS, 4000).astype(np.int64), [USER_IDS])))

    def below(j: np.ndarray | int) -> np.ndarray:
        return 1 - (1 + np.asarray(j, dtype=float) / USER_SCALE) ** -USER_TAIL

    counts = np.diff(edges).astype(float)
    mass = np.diff(below(edges))
    wrapped = 1 - float(below(USER_IDS))
    return mass / counts + wrapped / USER_IDS, counts


def distinct_users(impressions: float) -> int:
    """Expected distinct users among `impressions` draws of the simulator's user model."""
    if impressions <= 0:
        return 0
    p, counts = _user_bins()
    return int(round(float((counts * -np.expm1(impressions * np.log1p(-p))).sum())))


def estimate(session: Session, principal: Principal, request: EstimateRequest) -> Estimate:
    targeting = parse_targeting(request)
    inputs = _inventory_inputs(session, principal, request, targeting)
    now = utcnow()
    campaign = Campaign(
        id=0, ow_id=principal.ow_id, io_id=0, creative_type_id=targeting.creative_type, start_time=now,
        end_time=None, timezone_id=29, state_ids=targeting.states, device_type_ids=targeting.devices,
        traffic_type_ids=targeting.traffic,
        exchange_ids=[e.id for e in catalog.EXCHANGES if e.id not in targeting.excluded_exchanges]
        if targeting.excluded_exchanges else [],
        max_bid=request.max_bid or DEFAULT_MAX_BID, budget_day=None, budget_total=None, total_budget_pacing=False)
    sim = build_campaign(campaign, InsertionOrder(id=0, end_time=None), [0], [], seed=0)
    rules = compose_rules(session, {0: inputs})[0]
    factor = apply_rules(sim.plan, 1.0, CampaignRules(rules))
    share = sim.supply_share * targeting.within * targeting.demographic * factor * float(targeting.country_ok)
    spread = [math.exp(SUPPLY_SIGMA * float(ndtri(q))) for q in QUANTILES]
    supply = tuple(BASE_DAILY_IMPRESSIONS * share * s for s in spread)
    volume = supply
    if request.budget_day is not None:
        demand = DEMAND_PACED if request.total_budget_pacing else DEMAND_UNPACED
        per_impression = sim.plan.mean_cost_micro / MICRO
        affordable = [float(request.budget_day) * float(betaincinv(*demand, q)) / per_impression for q in QUANTILES]
        volume = tuple(min(s, a) for s, a in zip(supply, affordable, strict=True))
    return Estimate(targeting, supply, volume, tuple(distinct_users(v) for v in volume), sim.plan)  # type: ignore[arg-type]


def reach_answer(result: Estimate) -> dict[str, Any]:
    low, mid, high = result.reach
    answer: dict[str, Any] = {"targetingType": "Specific" if result.targeting.narrowed else "Broad",
                              "estimatedReachMin": low, "estimatedReachMax": high, "estimatedReachAvg": mid,
                              "estimatedImpressionsAvg": int(round(result.volume[1]))}
    if result.targeting.ignored:
        answer["ignored"] = result.targeting.ignored
    return answer


def _observed_prices(store: AnalyticsStore, principal: Principal, targeting: Targeting) -> np.ndarray | None:
    """Clearing CPMs (USD) of the caller's impressions matching the targeting over the last 30 days."""
    sql = ("SELECT media_cost, count(*) FROM events WHERE ow_id = ? AND event_type = 'impression' "
           "AND event_time >= ?")
    params: list[Any] = [principal.ow_id, utcnow() - timedelta(days=OBSERVED_DAYS)]
    for column, ids in (("state_id", targeting.states), ("device_type_id", targeting.devices),
                        ("traffic_type_id", targeting.traffic), ("creative_type_id", [targeting.creative_type])):
        if ids:
            sql += f" AND {column} IN ({', '.join('?' for _ in ids)})"
            params += ids
    if targeting.excluded_exchanges:
        sql += f" AND exchange_id NOT IN ({', '.join('?' for _ in targeting.excluded_exchanges)})"
        params += targeting.excluded_exchanges
    rows = store.query(sql + " GROUP BY media_cost", params)
    if sum(int(n) for _, n in rows) < MIN_OBSERVED:
        return None
    return np.repeat(np.array([float(cost) * 1000 for cost, _ in rows]), [int(n) for _, n in rows])


def _modelled_prices(plan: Any) -> np.ndarray:
    """Draws of the simulator's clearing price (USD CPM) for the plan: the max bid × the creative type's share, a
    PG deal's fixed price, never under a PMP deal's floor."""
    rng = np.random.default_rng(0)
    low, high = plan.clearing_share
    prices = plan.max_bid_micro * (low + (high - low) * rng.beta(2.5, 2.5, MODEL_DRAWS))
    if plan.deal_exchange_ids:
        pick = rng.integers(0, len(plan.deal_exchange_ids), MODEL_DRAWS)
        cpm = np.array(plan.deal_cpm_micro, dtype=float)[pick]
        fixed = np.array(plan.deal_fixed)[pick] & (cpm > 0)
        prices = np.where(fixed, cpm, np.maximum(prices, cpm))
    return prices / MICRO


def landscape_answer(store: AnalyticsStore, principal: Principal, result: Estimate) -> dict[str, Any]:
    observed = _observed_prices(store, principal, result.targeting)
    prices = observed if observed is not None else _modelled_prices(result.plan)
    supply = result.supply[1]
    guidance = [{"bidfloorPercentile": p, "bidFloor": round(float(np.percentile(prices, p)), 6),
                 "numImp": int(round(supply * p / 100))} for p in LANDSCAPE_PERCENTILES]
    answer: dict[str, Any] = {"axis": {"x": "bidFloor", "y": "numImp"}, "bidGuidance": guidance,
                              "basis": "events" if observed is not None else "model"}
    if result.targeting.ignored:
        answer["ignored"] = result.targeting.ignored
    return answer


# IQM's keys, true where adplane's estimate applies them (and adplane's own additions)
TARGETABLE_AUDIENCE = {
    "countryIds": True, "stateIds": True, "countyIdsIncluded": False, "cityIdsIncluded": True,
    "zipCodesIncluded": True, "ethnicityIds": False, "ageIds": True, "genderIds": True, "incomeIds": False,
    "whitelistLocationJson": False, "deviceTypeIds": True, "whiteListedGeoRadiusDetails": True,
    "trafficTypeIds": True, "budgetDay": True, "maxBid": True, "dealIds": True,
}
BID_LANDSCAPE = {
    "countryIds": True, "creativeRtbTypes": False, "creativeTypes": True, "maxBid": True, "deviceTypeNames": True,
    "whitelistCustomAudienceStateCodes": False, "stateCodes": True, "excludedExchangeNames": True,
    "dmaCodesIncluded": False, "whitelistCustomAudienceIds": False, "blacklistCustomAudienceIds": False,
    "whitelistDeviceIds": False, "whitelistCookieIds": False, "blacklistDeviceIds": False,
    "blacklistCookieIds": False, "whitelistAudienceSegmentsGroupCookieIds": False,
    "whitelistAudienceSegmentsGroupDeviceIds": False, "blacklistAudienceSegmentsGroupCookieIds": False,
    "blacklistAudienceSegmentsGroupDeviceIds": False, "campaignPublisherCategoryTargetingCodes": False,
    "campaignIabCategoryCodes": False, "dealIds": True, "whitelistInventoryGroupIds": True,
    "blacklistInventoryGroupIds": True, "whitelistSiteDomains": True, "blacklistSiteDomains": True,
    "whitelistAppIds": True, "blacklistAppIds": True, "whitelistAndroidPackages": True,
    "blacklistAndroidPackages": True, "excludedInventories": True, "exchangeURLs": False,
    "congressionalDistrictCodes": False, "senateDistrictCodes": False, "houseDistrictCodes": False,
    "zipCodes": True, "whitelistCustomAudienceZipCodes": False, "locationJson": False,
    "whitelistLocationJson": False, "trafficTypeNames": True,
}


# ------------------------------------------------------------------------------------ campaign answers

ESTIMATED_PLACES = frozenset({"states", "cities", "zips", "areas"})
AUDIENCE_FIELDS = ("whiteListedAudienceIds", "blackListedAudienceIds")


def can_estimate(campaign: Campaign) -> bool:
    """Whether the estimator models what delivery does for this campaign (its `isEstimatorAvailable`): United
    States supply (the only market simulated), and no narrowing delivery applies that the estimate leaves out:
    counties, DMAs, districts, polygons, excluded places, locations combined with AND, operating systems and
    audiences. Targeting neither applies (languages, interests, ethnicities, incomes) does not matter."""
    if campaign.country_id is not None and campaign.country_id != catalog.COUNTRY_US:
        return False
    extra = campaign.extra or {}
    geo = geography_of(campaign.state_ids, extra)
    included = geo.included
    if (not included.named <= ESTIMATED_PLACES or geo.excluded.named or any(a.polygon for a in included.areas)
            or (not geo.any_of and len(included.named) > 1)):
        return False
    return not any(extra.get(key) not in (None, "", []) for key in ("os", *AUDIENCE_FIELDS))


@campaign_wire.estimator_available.connect
def _estimator_available(campaign: Campaign) -> bool:
    return can_estimate(campaign)
