"""Vectorized event generation: spend targets per (campaign, time segment) → Arrow event rows.

Money is handled in integer micro-dollars (the store's scale), so a segment's events never cost
more than its target, exactly: impressions are drawn, priced, and cut where the running total of
the segment would pass its target. Clicks, conversions and video events derive from impressions
and inherit their dimensions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
from scipy.special import ndtr, ndtri

from adplane.analytics.schema import EVENT_TYPES, MONEY_PRECISION, MONEY_SCALE
from adplane.master import catalog
from adplane.simulator import geography, profiles

MICRO = 1_000_000
HOUR_US = 3_600_000_000
_TYPE_CODE = {name: i for i, name in enumerate(EVENT_TYPES)}


@dataclass
class CampaignPlan:
    """One campaign as the generator sees it (built by `adplane.simulator.simulation`)."""

    campaign_id: int
    ow_id: int
    io_id: int
    creative_type_id: int
    creative_ids: list[int]
    max_bid_micro: int  # max bid CPM in micro-dollars
    data_cpm_micro: int
    margin_rate: float
    ctr: float
    cvr: float
    vcr: float
    video: bool
    duration_seconds: int
    clearing_share: tuple[float, float]
    state_weights: np.ndarray  # over DIMENSIONS.states
    device_traffic_weights: np.ndarray  # over DIMENSIONS.device_traffic pairs
    exchange_weights: np.ndarray  # over DIMENSIONS.exchanges
    npis: list[str] = field(default_factory=list)
    # Geography and demographics (adplane.simulator.geography; None: anywhere in the drawn state, anyone).
    place_mask: np.ndarray | None = None  # over geography.places(): where the campaign may deliver
    age_weights: np.ndarray | None = None  # over DIMENSIONS.age_ids, 0 outside the targeted ranges
    gender_weights: np.ndarray | None = None  # over DIMENSIONS.gender_ids
    os_mask: np.ndarray | None = None  # over DIMENSIONS.os_names: the operating systems targeted
    # Audience targeting (adplane.audiences.targeting): users it may reach (None: anyone) and users it may not.
    allowed_users: np.ndarray | None = None
    blocked_users: np.ndarray | None = None
    # Inventory and bid-model rules (adplane.simulator.rules); the defaults buy the open exchange at the max bid.
    publisher_weights: np.ndarray | None = None  # over DIMENSIONS.publishers, 0 where blocked
    creative_weights: np.ndarray | None = None  # aligned with creative_ids
    deal_exchange_ids: list[int] = field(default_factory=list)  # buys only through these deals when given
    deal_cpm_micro: list[int] = field(default_factory=list)  # per deal: the PG price or the PMP floor (0: none)
    deal_fixed: list[bool] = field(default_factory=list)  # per deal: PG (clears at its price) or PMP
    base_bid_micro: int | None = None  # the bid before multipliers (None: the max bid)
    # bid multipliers by dimension ("exchange", "state", "device", "traffic", "publisher": per value index of
    # DIMENSIONS; "creative": aligned with creative_ids)
    multipliers: dict[str, np.ndarray] = field(default_factory=dict)
    win_rate: float | None = None  # win rate at the base bid; when set, bid events are generated too
    price_factor: float = 1.0  # expected media price over the open-exchange price at the max bid

    @property
    def mean_cost_micro(self) -> float:
        """Expected total cost of one impression (media + margin + data), micro-dollars."""
        share = sum(self.clearing_share) / 2
        media = self.max_bid_micro * share / 1000 * self.price_factor
        return media * (1 + self.margin_rate) + self.data_cpm_micro / 1000

    @property
    def has_rules(self) -> bool:
        return bool(self.publisher_weights is not None or self.creative_weights is not None
                    or self.deal_exchange_ids or self.base_bid_micro is not None or self.multipliers
                    or self.win_rate is not None)


# A campaign's win rate moves with its bid along a normal curve over log(bid): at the base bid it wins
# `win_rate` of its bids, and each doubling of the bid moves the curve by ln(2) / WIN_CURVE_SIGMA.
WIN_CURVE_SIGMA = 1.0


def win_probability(base_rate: float | np.ndarray, multiplier: float | np.ndarray) -> np.ndarray:
    """Win rate at `multiplier` times the base bid, for a campaign winning `base_rate` at the base bid."""
    base = np.clip(np.asarray(base_rate, dtype=float), 1e-6, 1 - 1e-6)
    return ndtr(ndtri(base) + np.log(np.maximum(multiplier, 1e-6)) / WIN_CURVE_SIGMA)


# Who sees an impression: a user id drawn per impression, heavy-tailed (a few users see many ads), from
# floor(USER_SCALE × Lomax(USER_TAIL)) wrapped into USER_IDS ids. `adplane.simulator.estimation` counts the
# distinct users of N draws from the same distribution.
USER_TAIL = 1.2
USER_SCALE = 2000
USER_IDS = 5_000_000


def draw_users(rng: np.random.Generator, n: int) -> np.ndarray:
    return (rng.pareto(USER_TAIL, n) * USER_SCALE).astype(np.int64) % USER_IDS + 1


class Dimensions:
    """The static lists the simulator draws from, as arrays (built once)."""

    def __init__(self) -> None:
        self.states = geography.us_states()
        self.state_ids = np.array([s.id for s in self.states])
        self.state_population = np.array([profiles.STATE_POPULATION.get(s.code, 1.0) for s in self.states])
        # Places (ZIP codes of the reference data's cities) are drawn within a state: `adplane.simulator.geography`.
        self.places = geography.places()

        self.device_types = list(profiles.DEVICE_SHARE)
        self.traffic_types = [t.id for t in catalog.TRAFFIC_TYPES]
        self.device_traffic = [(d, t) for d in self.device_types for t in self.traffic_types]
        self.device_traffic_share = np.array([
            profiles.DEVICE_SHARE[d] * profiles.TRAFFIC_BY_DEVICE.get(d, {}).get(t, 0.0) for d, t in self.device_traffic
        ])
        self.os_names = sorted({os for mix in profiles.OS_BY_DEVICE.values() for os in mix})
        self.device_os_cdf = np.zeros((len(self.device_types), len(self.os_names)))
        for di, device in enumerate(self.device_types):
            weights = np.array([profiles.OS_BY_DEVICE[device].get(name, 0.0) for name in self.os_names])
            self.device_os_cdf[di] = np.cumsum(weights / weights.sum())
        self.exchange_ids = np.array([e.id for e in catalog.EXCHANGES])
        ranks = np.arange(1, len(self.exchange_ids) + 1)
        self.exchange_share = 1 / ranks**0.8
        # Publishers by traffic type (app, web, OTT, CTV), Zipf-like popularity.
        pools = {catalog.TRAFFIC_TYPE_APP: profiles.APP_PUBLISHERS, catalog.TRAFFIC_TYPE_WEB: profiles.WEB_PUBLISHERS,
                 catalog.TRAFFIC_TYPE_OTT: profiles.CTV_PUBLISHERS, catalog.TRAFFIC_TYPE_CTV: profiles.CTV_PUBLISHERS}
        self.publishers = sorted({p for pool in pools.values() for p in pool})
        position = {p: i for i, p in enumerate(self.publishers)}
        self.traffic_pub_cdf = np.zeros((len(self.traffic_types), len(self.publishers)))
        for ti, traffic in enumerate(self.traffic_types):
            weights = np.zeros(len(self.publishers))
            for rank, pub in enumerate(pools.get(traffic, profiles.WEB_PUBLISHERS), start=1):
                weights[position[pub]] = 1 / rank
            self.traffic_pub_cdf[ti] = np.cumsum(weights / weights.sum())
        self.gender_ids, self.gender_p = profiles.normalized(profiles.GENDER_SHARE)
        self.age_ids, self.age_p = profiles.normalized(profiles.AGE_SHARE)


_DIMENSIONS: Dimensions | None = None


def dimensions() -> Dimensions:
    global _DIMENSIONS
    if _DIMENSIONS is None:
        _DIMENSIONS = Dimensions()
    return _DIMENSIONS


def _cdf(weights: np.ndarray) -> np.ndarray:
    """Row-wise cumulative distribution (each row must have a positive sum); last column exactly 1."""
    cdf = np.cumsum(weights, axis=1, dtype=float)
    cdf = cdf / cdf[:, -1:]
    cdf[:, -1] = 1.0
    return cdf


def _draw(rng: np.random.Generator, cdf: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each entry of `rows` (a row of `cdf`), a column drawn from that row's distribution.

    One searchsorted over the rows laid end to end (row r shifted by r), so no Python loop."""
    width = cdf.shape[1]
    flat = (cdf + np.arange(len(cdf))[:, None]).ravel()
    picks = np.searchsorted(flat, rows + rng.random(len(rows)), side="right")
    return np.clip(picks - rows * width, 0, width - 1)


def _sample_rows(rng: np.random.Generator, weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
    return _draw(rng, _cdf(weights), rows)


def _sample_cdf(rng: np.random.Generator, cdf: np.ndarray, rows: np.ndarray) -> np.ndarray:
    return _draw(rng, cdf, rows)


def money_array(micro: np.ndarray) -> pa.Array:
    """Integer micro-dollars → decimal128(18, 6) without going through Python objects."""
    values = np.ascontiguousarray(micro, dtype=np.int64)
    words = np.empty((len(values), 2), dtype=np.int64)
    words[:, 0] = values
    words[:, 1] = np.where(values < 0, -1, 0)
    return pa.Array.from_buffers(pa.decimal128(MONEY_PRECISION, MONEY_SCALE), len(values),
                                 [None, pa.py_buffer(words.tobytes())])


@dataclass
class Generated:
    table: pa.Table
    spent_micro: np.ndarray  # per segment
    impressions: np.ndarray  # per segment


def generate(rng: np.random.Generator, plans: list[CampaignPlan], seg_plan: np.ndarray, seg_start_us: np.ndarray,
             seg_end_us: np.ndarray, seg_target_micro: np.ndarray) -> Generated:
    """Events for segments (plan index, [start, end) in epoch µs, spend target in micro-dollars)."""
    dims = dimensions()
    n_seg = len(seg_plan)
    if n_seg == 0 or not plans:
        return Generated(_empty(), np.zeros(n_seg, np.int64), np.zeros(n_seg, np.int64))
    max_bid = np.array([p.max_bid_micro for p in plans], dtype=np.int64)
    mean_cost = np.array([max(p.mean_cost_micro, 1.0) for p in plans])
    share_lo = np.array([p.clearing_share[0] for p in plans])
    share_hi = np.array([p.clearing_share[1] for p in plans])
    data_cpm = np.array([p.data_cpm_micro for p in plans], dtype=np.int64)
    margin = np.array([p.margin_rate for p in plans])

    # Impressions per segment: a few more than the target affords, then cut at the target.
    wanted = np.ceil(seg_target_micro / mean_cost[seg_plan] * 1.08).astype(np.int64) + 1
    wanted[seg_target_micro <= 0] = 0
    seg_of = np.repeat(np.arange(n_seg), wanted)
    k = seg_plan[seg_of]
    share = share_lo[k] + (share_hi[k] - share_lo[k]) * rng.beta(2.5, 2.5, len(k))
    clear_cpm = np.minimum((max_bid[k] * share).astype(np.int64), max_bid[k] - 1)
    media = clear_cpm // 1000
    data = (data_cpm[k] * rng.uniform(0.8, 1.2, len(k))).astype(np.int64) // 1000
    platform = (media * margin[k]).astype(np.int64)
    total = media + data + platform
    running = np.cumsum(total)
    spent_before_segment = running - total  # spend of all earlier rows, at each row
    first_row = np.concatenate(([0], np.cumsum(wanted)[:-1]))
    base = spent_before_segment[np.minimum(first_row, max(len(total) - 1, 0))] if len(total) else first_row
    within = running - np.repeat(base, wanted)
    keep = within <= seg_target_micro[seg_of]
    seg_of, k, clear_cpm, media, data, platform = (a[keep] for a in (seg_of, k, clear_cpm, media, data, platform))
    n = len(k)
    spent = np.bincount(seg_of, weights=(media + data + platform), minlength=n_seg).astype(np.int64)
    impressions = np.bincount(seg_of, minlength=n_seg).astype(np.int64)

    start, end = seg_start_us[seg_of], seg_end_us[seg_of]
    times = start + (rng.random(n) * (end - start)).astype(np.int64)
    # A bid between the clearing price and the max bid (never above it).
    bid = clear_cpm + ((max_bid[k] - clear_cpm) * rng.random(n)).astype(np.int64)

    # Dimensions that follow each campaign's targeting.
    state_w = np.stack([p.state_weights for p in plans])
    dt_w = np.stack([p.device_traffic_weights for p in plans])
    ex_w = np.stack([p.exchange_weights for p in plans])
    state_idx = _sample_rows(rng, state_w, k)
    dt_idx = _sample_rows(rng, dt_w, k)
    exchange = dims.exchange_ids[_sample_rows(rng, ex_w, k)]
    device_idx = dt_idx // len(dims.traffic_types)
    traffic_idx = dt_idx % len(dims.traffic_types)
    os_idx = _sample_cdf(rng, dims.device_os_cdf, device_idx)
    pub_idx = _sample_cdf(rng, dims.traffic_pub_cdf, traffic_idx)
    if any(p.os_mask is not None for p in plans):
        os_idx = _draw_os(rng, plans, k, device_idx, os_idx)
    place = _draw_places(rng, plans, k, state_idx)
    city_idx = dims.places.city_idx[place]
    zip_idx = dims.places.zip_idx[place]
    has_zip = zip_idx >= 0  # a city without ZIP codes leaves the ZIP empty
    dma = dims.places.dma_codes[place]
    gender = _draw_demographic(rng, plans, k, "gender_weights", dims.gender_ids, dims.gender_p)
    age = _draw_demographic(rng, plans, k, "age_weights", dims.age_ids, dims.age_p)
    user = draw_users(rng, n)
    _apply_audiences(rng, plans, k, user)

    creative_offsets = np.cumsum([0] + [len(p.creative_ids) for p in plans])
    creative_pool = np.array([c for p in plans for c in p.creative_ids], dtype=np.int64)
    creative_count = np.diff(creative_offsets)
    creative = creative_pool[creative_offsets[k] + (rng.random(n) * creative_count[k]).astype(np.int64)]

    npi_offsets = np.cumsum([0] + [len(p.npis) for p in plans])
    npi_pool = [npi for p in plans for npi in p.npis]
    npi_count = np.diff(npi_offsets)
    has_npi = npi_count[k] > 0
    npi_idx = np.where(has_npi, npi_offsets[k] + (rng.random(n) * np.maximum(npi_count[k], 1)).astype(np.int64), 0)

    bids_per_row = np.ones(n, np.int64)
    if any(p.has_rules for p in plans):
        drawn = {"seg_of": seg_of, "k": k, "clear_cpm": clear_cpm, "media": media, "data": data, "platform": platform,
                "start": start, "end": end, "times": times, "bid": bid, "state_idx": state_idx, "exchange": exchange,
                "device_idx": device_idx, "traffic_idx": traffic_idx, "os_idx": os_idx, "pub_idx": pub_idx,
                "has_zip": has_zip, "city_idx": city_idx, "zip_idx": zip_idx, "dma": dma, "gender": gender,
                "age": age, "user": user, "creative": creative, "has_npi": has_npi, "npi_idx": npi_idx,
                "bids_per_row": bids_per_row}
        drawn = _apply_rules(rng, plans, drawn, seg_target_micro)
        (seg_of, k, clear_cpm, media, data, platform, start, end, times, bid, state_idx, exchange, device_idx,
         traffic_idx, os_idx, pub_idx, has_zip, city_idx, zip_idx, dma, gender, age, user, creative, has_npi,
         npi_idx, bids_per_row) = drawn.values()
        n = len(k)
        spent = np.bincount(seg_of, weights=(media + data + platform), minlength=n_seg).astype(np.int64)
        impressions = np.bincount(seg_of, minlength=n_seg).astype(np.int64)

    # Derived events: clicks, conversions, video progress (times clipped to their segment).
    ctr = np.array([p.ctr for p in plans])[k]
    cvr = np.array([p.cvr for p in plans])
    video = np.array([p.video for p in plans])
    vcr = np.array([p.vcr for p in plans])
    duration = np.array([p.duration_seconds for p in plans], dtype=np.int64) * 1_000_000
    sources = [np.arange(n)]
    types = [np.full(n, _TYPE_CODE["impression"], np.int8)]
    event_times = [times]
    bidders = np.flatnonzero(np.array([p.win_rate is not None for p in plans])[k])
    if len(bidders):  # every bid placed, the won one included, a few seconds before its impression
        bid_rows = np.repeat(bidders, bids_per_row[bidders])
        sources.append(bid_rows)
        types.append(np.full(len(bid_rows), _TYPE_CODE["bid"], np.int8))
        event_times.append(np.maximum(times[bid_rows] - (rng.random(len(bid_rows)) * 5e6).astype(np.int64),
                                      start[bid_rows]))
    clicks = np.flatnonzero(rng.random(n) < ctr)
    click_times = np.minimum(times[clicks] + (rng.exponential(20.0, len(clicks)) * 1e6).astype(np.int64),
                             end[clicks] - 1)
    sources.append(clicks)
    types.append(np.full(len(clicks), _TYPE_CODE["click"], np.int8))
    event_times.append(click_times)
    converted = rng.random(len(clicks)) < cvr[k[clicks]]
    conversions = clicks[converted]
    sources.append(conversions)
    types.append(np.full(len(conversions), _TYPE_CODE["conversion"], np.int8))
    event_times.append(np.minimum(click_times[converted] + (rng.exponential(300.0, len(conversions)) * 1e6)
                                  .astype(np.int64), end[conversions] - 1))
    viewers = np.flatnonzero(video[k])
    if len(viewers):
        # start, then each quartile reached with the same conditional rate, so completes/impressions ≈ vcr
        step = (np.clip(vcr[k[viewers]], 0.01, 0.97) / 0.97) ** 0.25
        alive = rng.random(len(viewers)) < 0.97
        stages = ("video_start", "video_first_quartile", "video_midpoint", "video_third_quartile", "video_complete")
        for stage_no, stage in enumerate(stages):
            if stage_no:
                alive &= rng.random(len(viewers)) < step
            rows = viewers[alive]
            offset = duration[k[rows]] * stage_no // 4
            sources.append(rows)
            types.append(np.full(len(rows), _TYPE_CODE[stage], np.int8))
            event_times.append(np.minimum(times[rows] + offset, end[rows] - 1))

    src = np.concatenate(sources)
    type_codes = np.concatenate(types)
    all_times = np.concatenate(event_times)
    is_imp = type_codes == _TYPE_CODE["impression"]
    is_bid = type_codes == _TYPE_CODE["bid"]
    zero = np.zeros(len(src), np.int64)

    def money(values: np.ndarray) -> pa.Array:
        out = zero.copy()
        out[is_imp] = values
        return money_array(out)

    ks = k[src]
    plan_ow = np.array([p.ow_id for p in plans], dtype=np.int64)
    plan_io = np.array([p.io_id for p in plans], dtype=np.int64)
    plan_campaign = np.array([p.campaign_id for p in plans], dtype=np.int64)
    plan_ctype = np.array([p.creative_type_id for p in plans], dtype=np.int64)
    zip_valid = has_zip[src]
    table = pa.table({
        "event_time": pa.array(all_times, pa.timestamp("us", tz="UTC")),
        "event_type": pa.DictionaryArray.from_arrays(pa.array(type_codes), pa.array(EVENT_TYPES)),
        "ow_id": pa.array(plan_ow[ks]),
        "io_id": pa.array(plan_io[ks]),
        "campaign_id": pa.array(plan_campaign[ks]),
        "creative_id": pa.array(creative[src]),
        "creative_type_id": pa.array(plan_ctype[ks]),
        "exchange_id": pa.array(exchange[src]),
        "device_type_id": pa.array(np.array(dims.device_types)[device_idx[src]]),
        "os": pa.DictionaryArray.from_arrays(pa.array(os_idx[src].astype(np.int32)), pa.array(dims.os_names)),
        "traffic_type_id": pa.array(np.array(dims.traffic_types)[traffic_idx[src]]),
        "publisher": pa.DictionaryArray.from_arrays(pa.array(pub_idx[src].astype(np.int32)),
                                                    pa.array(dims.publishers)),
        "country_id": pa.array(np.full(len(src), catalog.COUNTRY_US, np.int64)),
        "state_id": pa.array(dims.state_ids[state_idx[src]]),
        "city": pa.DictionaryArray.from_arrays(pa.array(city_idx[src].astype(np.int32)),
                                               pa.array(dims.places.city_names)),
        "zip": pa.DictionaryArray.from_arrays(
            pa.array(np.maximum(zip_idx[src], 0).astype(np.int32), mask=~zip_valid), pa.array(dims.places.zip_codes)),
        "dma_id": pa.array(dma[src], mask=dma[src] == 0),
        "gender_id": pa.array(gender[src]),
        "age_range_id": pa.array(age[src]),
        "npi": pa.DictionaryArray.from_arrays(
            pa.array(npi_idx[src].astype(np.int32), mask=~has_npi[src]), pa.array(npi_pool or [""], pa.string())),
        "user_id": pa.array(user[src]).cast(pa.string()),
        "bid_price": money_array(np.where(is_imp | is_bid, bid[src], 0)),
        "media_cost": money(media),
        "data_cost": money(data),
        "platform_margin": money(platform),
    })
    return Generated(table, spent, impressions)


def _draw_places(rng: np.random.Generator, plans: list[CampaignPlan], k: np.ndarray,
                 state_idx: np.ndarray) -> np.ndarray:
    """A place (ZIP code of a city) in each row's state: by population, only where the plan may deliver."""
    places = geography.places()
    out = np.empty(len(k), np.int64)
    masked = np.array([p.place_mask is not None for p in plans])
    free = np.flatnonzero(~masked[k])
    out[free] = geography.draw(rng, places.cum, state_idx[free])
    for index in np.flatnonzero(masked):
        rows = np.flatnonzero(k == index)
        if len(rows):
            cum = np.cumsum(np.where(plans[index].place_mask, places.weight, 0))  # type: ignore[arg-type]
            out[rows] = geography.draw(rng, cum, state_idx[rows])
    return out


def _draw_demographic(rng: np.random.Generator, plans: list[CampaignPlan], k: np.ndarray, attr: str,
                      ids: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Gender or age range of each row, from its plan's targeted share of the population mix."""
    if all(getattr(p, attr) is None for p in plans):
        return rng.choice(ids, len(k), p=shares)
    weights = np.stack([shares if getattr(p, attr) is None else getattr(p, attr) for p in plans])
    weights[weights.sum(axis=1) == 0] = shares  # a plan targeting nobody never delivers (no rows reach here)
    return ids[_sample_rows(rng, weights, k)]


def _draw_os(rng: np.random.Generator, plans: list[CampaignPlan], k: np.ndarray, device_idx: np.ndarray,
             os_idx: np.ndarray) -> np.ndarray:
    """Rows of plans targeting operating systems draw again among those the device type runs."""
    dims = dimensions()
    n_devices = len(dims.device_types)
    base = np.diff(np.concatenate([np.zeros((n_devices, 1)), dims.device_os_cdf], axis=1), axis=1)
    masks = np.stack([p.os_mask if p.os_mask is not None else np.ones(len(dims.os_names)) for p in plans])
    table = (base[None, :, :] * masks[:, None, :]).reshape(len(plans) * n_devices, -1)
    table[table.sum(axis=1) == 0] = 1.0  # a device the plan's device weights exclude: never drawn
    mine = np.flatnonzero(np.array([p.os_mask is not None for p in plans])[k])
    os_idx = os_idx.copy()
    os_idx[mine] = _sample_rows(rng, table, k[mine] * n_devices + device_idx[mine])
    return os_idx


def _row_multipliers(plans: list[CampaignPlan], k: np.ndarray, values: dict[str, np.ndarray],
                     creative_slot: np.ndarray) -> np.ndarray:
    """Each row's bid multiplier: the product of its plan's multipliers for the row's dimension values."""
    out = np.ones(len(k))
    for pi, plan in enumerate(plans):
        if not plan.multipliers:
            continue
        mine = k == pi
        for name, table in plan.multipliers.items():
            index = creative_slot[mine] if name == "creative" else values[name][mine]
            out[mine] *= table[index]
    return out


def _apply_rules(rng: np.random.Generator, plans: list[CampaignPlan], rows: dict[str, np.ndarray],
                 seg_target_micro: np.ndarray) -> dict[str, np.ndarray]:
    """Inventory and bid-model rules on drawn rows: publishers and creatives follow the plan's weights (block
    and allow lists, bid multipliers), deals set the exchange and the price, multipliers move the bid (never
    past the max bid); rows are then priced again and cut again at their segment's target."""
    dims = dimensions()
    k = rows["k"]
    n_traffic = len(dims.traffic_types)
    publisher_plans = [p.publisher_weights is not None for p in plans]
    if any(publisher_plans):
        base = np.diff(np.concatenate([np.zeros((n_traffic, 1)), dims.traffic_pub_cdf], axis=1), axis=1)
        weights = np.stack([p.publisher_weights if p.publisher_weights is not None else np.ones(len(dims.publishers))
                            for p in plans])
        table = (base[None, :, :] * weights[:, None, :]).reshape(len(plans) * n_traffic, -1)
        table[table.sum(axis=1) == 0] = 1.0  # never drawn: the plan's traffic weights exclude it
        mine = np.flatnonzero(np.array(publisher_plans)[k])
        rows["pub_idx"][mine] = _sample_rows(rng, table, k[mine] * n_traffic + rows["traffic_idx"][mine])
    width = max(len(p.creative_ids) for p in plans)
    creative_w = np.zeros((len(plans), width))
    for pi, plan in enumerate(plans):
        creative_w[pi, : len(plan.creative_ids)] = (plan.creative_weights if plan.creative_weights is not None
                                                    else np.ones(len(plan.creative_ids)))
    creative_slot = _sample_rows(rng, creative_w, k)
    pools = np.zeros((len(plans), width), np.int64)
    for pi, plan in enumerate(plans):
        pools[pi, : len(plan.creative_ids)] = plan.creative_ids
    rows["creative"] = pools[k, creative_slot]

    exchange_index = np.searchsorted(dims.exchange_ids, rows["exchange"])
    values = {"exchange": exchange_index, "state": rows["state_idx"], "device": rows["device_idx"],
              "traffic": rows["traffic_idx"], "publisher": rows["pub_idx"]}
    max_bid = np.array([p.max_bid_micro for p in plans], dtype=np.int64)[k]
    base_bid = np.array([p.base_bid_micro or p.max_bid_micro for p in plans], dtype=np.int64)[k]
    bid_cap = np.minimum(base_bid * _row_multipliers(plans, k, values, creative_slot), max_bid)
    multiplier = bid_cap / np.maximum(base_bid, 1)
    share = rows["clear_cpm"] / np.maximum(max_bid, 1)  # the row's draw of the clearing share
    clear = np.minimum((bid_cap * share).astype(np.int64), np.maximum(bid_cap.astype(np.int64) - 1, 0))
    won_at = np.array([p.win_rate if p.win_rate is not None else 1.0 for p in plans])[k]
    win = win_probability(won_at, multiplier)

    deal_counts = np.array([len(p.deal_exchange_ids) for p in plans])
    dealt = np.flatnonzero(deal_counts[k] > 0)
    if len(dealt):
        offsets = np.concatenate(([0], np.cumsum(deal_counts)[:-1]))
        pick = offsets[k[dealt]] + (rng.random(len(dealt)) * deal_counts[k[dealt]]).astype(np.int64)
        exchanges = np.array([e for p in plans for e in p.deal_exchange_ids], dtype=np.int64)
        prices = np.array([c for p in plans for c in p.deal_cpm_micro], dtype=np.int64)
        fixed = np.array([f for p in plans for f in p.deal_fixed], dtype=bool)
        rows["exchange"][dealt] = exchanges[pick]
        price, is_fixed = prices[pick], fixed[pick] & (prices[pick] > 0)
        clear[dealt] = np.where(is_fixed, price, np.maximum(clear[dealt], price))
        bid_cap[dealt] = np.maximum(bid_cap[dealt], clear[dealt])
        win[dealt] = np.where(fixed[pick], 1.0, win[dealt])  # a PG deal is guaranteed: every bid wins
    bidding = np.array([p.win_rate is not None for p in plans])[k]
    rows["bids_per_row"] = np.where(bidding, rng.geometric(np.clip(win, 1e-3, 1.0)), 1)

    margin = np.array([p.margin_rate for p in plans])[k]
    rows["clear_cpm"] = clear
    rows["media"] = clear // 1000
    rows["platform"] = (rows["media"] * margin).astype(np.int64)
    rows["bid"] = clear + ((bid_cap.astype(np.int64) - clear) * rng.random(len(k))).astype(np.int64)
    total = rows["media"] + rows["data"] + rows["platform"]
    seg_of = rows["seg_of"]
    order_in_segment = np.cumsum(total) - total
    first = np.zeros(len(seg_target_micro), np.int64)
    if len(seg_of):
        starts = np.flatnonzero(np.concatenate(([True], seg_of[1:] != seg_of[:-1])))
        first[seg_of[starts]] = order_in_segment[starts]
    keep = order_in_segment + total - first[seg_of] <= seg_target_micro[seg_of]
    return {name: values_[keep] for name, values_ in rows.items()}


def _apply_audiences(rng: np.random.Generator, plans: list[CampaignPlan], k: np.ndarray, user: np.ndarray) -> None:
    """Impressions of an audience-targeted campaign go to users of its included audiences (drawn
    uniformly) and never to users of its excluded ones (redrawn; a user found after 32 redraws of
    the heavy-tailed draw is taken from the lowest ids not excluded)."""
    for index, plan in enumerate(plans):
        rows = np.flatnonzero(k == index)
        if len(rows) == 0:
            continue
        if plan.allowed_users is not None:
            pool = plan.allowed_users
            user[rows] = pool[rng.integers(0, len(pool), len(rows))] if len(pool) else 0
            continue
        blocked = plan.blocked_users
        if blocked is None or len(blocked) == 0:
            continue
        for _ in range(32):
            clash = rows[np.isin(user[rows], blocked)]
            if len(clash) == 0:
                break
            user[clash] = draw_users(rng, len(clash))
        clash = rows[np.isin(user[rows], blocked)]
        if len(clash):
            free = np.setdiff1d(np.arange(1, len(blocked) + len(clash) + 2, dtype=np.int64), blocked)
            user[clash] = free[rng.integers(0, len(free), len(clash))]


def _empty() -> pa.Table:
    from adplane.analytics.schema import arrow_schema

    return arrow_schema().empty_table()
