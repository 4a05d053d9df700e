"""The delivery simulator: budgets, pacing and the diurnal curve decide how much each running
campaign spends in each hour; `adplane.simulator.generator` turns that into events.

- Days are the campaign's local days (its timezone). A day's cap is the daily budget, with
  `totalBudgetPacing` the remaining total budget spread evenly over the remaining flight days,
  and never more than what is left of the total budget; spend already stored counts against it.
- A day's spend is the cap times a demand factor (campaigns rarely spend every cent), bounded by
  the inventory the targeting can reach, spread over the hours along the diurnal curve.
- Money is integer micro-dollars, so no day or total ever exceeds its budget.
- Same seed, same data: randomness comes from generators seeded by (seed, campaign, day), and
  each (timezone, day, campaign set) is stored as one idempotent batch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from adplane.analytics.counters import delivery_by_campaign
from adplane.analytics.rollups import ROLLUPS, Rollup
from adplane.analytics.store import AnalyticsStore
from adplane.campaigns.budget import DATA_CPM_DEFAULT, DATA_CPM_HEALTHCARE, PLATFORM_MARGIN_RATE, after_delivery
from adplane.campaigns.models import STATUS_RUNNING, Campaign, CampaignCreative
from adplane.insertion_orders.models import InsertionOrder
from adplane.master import catalog
from adplane.simulator import profiles
from adplane.simulator.generator import HOUR_US, MICRO, CampaignPlan, Generated, dimensions, generate
from adplane.simulator.rules import apply as apply_rules
from adplane.simulator.rules import load_rules
from adplane.simulator.supply import register_supply
from adplane.simulator.targeting import targeting_of

BASE_DAILY_IMPRESSIONS = 400_000  # what an untargeted campaign could win in a day at its max bid
SUPPLY_SIGMA = 0.25  # each campaign's supply: BASE_DAILY_IMPRESSIONS × its targeting's share × lognormal(0, this)
# share of a day's cap a campaign manages to spend: Beta(a, b), with and without total budget pacing
DEMAND_PACED = (40.0, 1.5)
DEMAND_UNPACED = (9.0, 1.3)


@dataclass
class SimCampaign:
    plan: CampaignPlan
    tz: ZoneInfo
    timezone_id: int
    flight_start: datetime
    flight_end: datetime | None
    budget_day_micro: int | None
    budget_total_micro: int | None
    pacing: bool
    daily_inventory: float  # impressions/day the targeting can reach
    supply_share: float = 1.0  # the targeting's share of an untargeted campaign's supply (before the draw)
    priority: int | None = None  # within its insertion order (1 bids first)


@dataclass
class SimulationSummary:
    events: int = 0
    impressions: int = 0
    spend_micro: int = 0
    batches: int = 0
    duplicate_batches: int = 0
    campaigns: set[int] = field(default_factory=set)
    expired: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"events": self.events, "impressions": self.impressions,
                "spend": str(Decimal(self.spend_micro) / MICRO), "batches": self.batches,
                "duplicateBatches": self.duplicate_batches, "campaigns": len(self.campaigns),
                "expiredCampaigns": self.expired}


def to_micro(value: Decimal | float | None) -> int | None:
    if value is None:
        return None
    return int((Decimal(str(value)) * MICRO).to_integral_value(rounding="ROUND_FLOOR"))


def _uniform_if_empty(weights: np.ndarray) -> np.ndarray:
    return weights if weights.sum() > 0 else np.ones_like(weights)


def _healthcare_npis(session: Session, campaigns: list[Campaign]) -> dict[int, list[str]]:
    """NPI audiences of the healthcare campaigns among `campaigns` (one query per organization)."""
    try:
        from adplane.healthcare.audiences import healthcare_campaign_ids, npis_for_campaign
    except ImportError:  # the healthcare domain is optional
        return {}
    wanted = {c.id for c in campaigns}
    healthcare: set[int] = set()
    for ow_id in {c.ow_id for c in campaigns}:
        healthcare |= healthcare_campaign_ids(session, ow_id) & wanted
    return {cid: npis_for_campaign(session, cid) for cid in sorted(healthcare)}


def build_campaign(campaign: Campaign, io: InsertionOrder, creative_ids: list[int], npis: list[str],
                   seed: int) -> SimCampaign:
    """Targeting, rates and budgets of one campaign, with its own stable random traits."""
    if campaign.creative_type_id is None or campaign.start_time is None:
        raise ValueError(f"campaign {campaign.id} cannot deliver: it has no creative type or start time")
    dims = dimensions()
    rng = np.random.default_rng([seed, campaign.id])
    profile = profiles.CREATIVE_PROFILES.get(campaign.creative_type_id, profiles.DEFAULT_PROFILE)

    devices = set(campaign.device_type_ids or [])
    traffic = set(campaign.traffic_type_ids or [])
    dt_mask = np.array([(not devices or d in devices) and (not traffic or t in traffic)
                        for d, t in dims.device_traffic])
    dt_w = dims.device_traffic_share * dt_mask
    if dt_w.sum() == 0:  # a combination the usual mixes never produce: spread over what is targeted
        dt_w = dt_mask.astype(float)
    exchanges = set(campaign.exchange_ids or [])
    ex_w = dims.exchange_share * (np.isin(dims.exchange_ids, list(exchanges)) if exchanges else 1.0)
    who = targeting_of(campaign)
    dt_w = who.reweigh_devices(dt_w)
    dt_share = dt_w.sum() / dims.device_traffic_share.sum() if dims.device_traffic_share.sum() else 1.0
    state_w, touched_share, within = who.state_weights()
    # the floor keeps a tiny selection of states buying something; places and demographics narrow after it
    reach = max(touched_share * dt_share, 0.01) * within * who.demographic_share
    if who.country_elsewhere or state_w.sum() == 0 or dt_w.sum() == 0:  # nothing there to buy
        reach = 0.0

    max_bid = to_micro(campaign.max_bid) or 5 * MICRO
    plan = CampaignPlan(
        campaign_id=campaign.id, ow_id=campaign.ow_id, io_id=campaign.io_id,
        creative_type_id=campaign.creative_type_id, creative_ids=creative_ids, max_bid_micro=max_bid,
        data_cpm_micro=int((DATA_CPM_HEALTHCARE if npis else DATA_CPM_DEFAULT) * MICRO),
        margin_rate=PLATFORM_MARGIN_RATE,
        ctr=profile.ctr * float(rng.lognormal(0, 0.3)), cvr=profile.cvr * float(rng.lognormal(0, 0.3)),
        vcr=float(np.clip(profile.vcr * rng.lognormal(0, 0.08), 0, 0.97)), video=profile.video,
        duration_seconds=profile.duration_seconds, clearing_share=profile.clearing_share,
        state_weights=_uniform_if_empty(state_w), device_traffic_weights=_uniform_if_empty(dt_w),
        exchange_weights=_uniform_if_empty(ex_w), npis=npis, place_mask=who.place_mask,
        age_weights=who.age_weights, gender_weights=who.gender_weights, os_mask=who.os_mask,
    )
    end = campaign.end_time or io.end_time
    return SimCampaign(
        plan=plan, tz=catalog.zoneinfo_for(campaign.timezone_id), timezone_id=campaign.timezone_id,
        flight_start=campaign.start_time, flight_end=end,
        budget_day_micro=to_micro(campaign.budget_day), budget_total_micro=to_micro(campaign.budget_total),
        pacing=bool(campaign.total_budget_pacing) and end is not None,
        daily_inventory=BASE_DAILY_IMPRESSIONS * reach * float(rng.lognormal(0, SUPPLY_SIGMA)), supply_share=reach,
    )


AUDIENCE_FULL_REACH = 100_000  # an included audience this large reaches all the inventory targeting allows


def _apply_audience_targeting(session: Session, campaign: Campaign, sim: SimCampaign) -> None:
    """Restrict the campaign's users to its audiences; their data CPM adds to its data cost, and a
    small included audience wins proportionally less inventory (none when it has no ready member)."""
    from adplane.audiences.targeting import audience_targeting

    targeting = audience_targeting(session, campaign.ow_id, campaign.extra)
    if targeting is None:
        return
    sim.plan.allowed_users, sim.plan.blocked_users = targeting.allowed, targeting.blocked
    sim.plan.data_cpm_micro += int(targeting.data_cpm * MICRO)
    if targeting.allowed is not None:
        sim.daily_inventory *= min(1.0, len(targeting.allowed) / AUDIENCE_FULL_REACH)


def running_campaigns(session: Session, start: datetime, end: datetime, seed: int,
                      campaign_ids: Sequence[int] | None = None) -> list[SimCampaign]:
    """Running campaigns whose flight overlaps [start, end) and that have at least one creative
    (only `campaign_ids` when given)."""
    effective_end = Campaign.end_time
    stmt = (select(Campaign, InsertionOrder).join(InsertionOrder, InsertionOrder.id == Campaign.io_id)
            .where(Campaign.status == STATUS_RUNNING, Campaign.start_time < end,
                   or_(effective_end.is_(None), effective_end > start))
            .order_by(Campaign.id))
    if campaign_ids is not None:
        stmt = stmt.where(Campaign.id.in_(list(campaign_ids)))
    rows = session.execute(stmt).all()
    creatives: dict[int, list[int]] = {}
    ids = [c.id for c, _ in rows]
    for offset in range(0, len(ids), 1000):
        chunk = ids[offset: offset + 1000]
        for cid, creative_id in session.execute(select(CampaignCreative.campaign_id, CampaignCreative.creative_id)
                                                .where(CampaignCreative.campaign_id.in_(chunk))):
            creatives.setdefault(cid, []).append(creative_id)
    npis = _healthcare_npis(session, [c for c, _ in rows])
    register_supply(session)
    rules = load_rules(session, [(c.id, c.ow_id) for c, _ in rows if creatives.get(c.id)])
    out = []
    for campaign, io in rows:
        if not creatives.get(campaign.id):
            continue
        sim = build_campaign(campaign, io, sorted(creatives[campaign.id]), npis.get(campaign.id, []), seed)
        sim.daily_inventory = apply_rules(sim.plan, sim.daily_inventory, rules[campaign.id])
        sim.priority = rules[campaign.id].priority
        _apply_audience_targeting(session, campaign, sim)
        if sim.flight_end is None or sim.flight_end > start:
            out.append(sim)
    share_io_supply(out)
    return out


def _targeted(weights: np.ndarray) -> np.ndarray:
    return np.asarray(weights) > 0


def _distribution(weights: np.ndarray) -> np.ndarray:
    total = float(np.sum(weights))
    return np.asarray(weights) / total if total > 0 else np.zeros(len(weights))


def share_io_supply(sims: list[SimCampaign]) -> None:
    """Campaign priorities within an insertion order (IQM's IO bid models): the IO bids once per impression, for
    its highest-priority campaign that wants it (1 first; campaigns without a priority come last). So a
    campaign's daily supply loses what the IO's higher-priority campaigns take of it: each takes its day's
    impressions (its supply, or what its daily budget buys at its expected cost), of which the share inside the
    lower campaign's targeting (states and device × traffic, drawn independently) is no longer the lower's."""
    by_io: dict[int, list[SimCampaign]] = {}
    for sim in sims:
        by_io.setdefault(sim.plan.io_id, []).append(sim)
    for members in by_io.values():
        if len(members) < 2 or all(m.priority is None for m in members):
            continue
        ranked = sorted(members, key=lambda m: m.priority if m.priority is not None else 11)
        takes: list[tuple[int, SimCampaign, float]] = []
        for sim in ranked:
            rank = sim.priority if sim.priority is not None else 11
            state_in, pair_in = _targeted(sim.plan.state_weights), _targeted(sim.plan.device_traffic_weights)
            lost = sum(taken * float(_distribution(higher.plan.state_weights) @ state_in)
                       * float(_distribution(higher.plan.device_traffic_weights) @ pair_in)
                       for higher_rank, higher, taken in takes if higher_rank < rank)
            sim.daily_inventory = max(sim.daily_inventory - lost, 0.0)
            affordable = (sim.budget_day_micro / sim.plan.mean_cost_micro if sim.budget_day_micro is not None
                          else sim.daily_inventory)
            takes.append((rank, sim, min(sim.daily_inventory, affordable)))


# ------------------------------------------------------------------------------ day planning

def _us(instant: datetime) -> int:
    return int(instant.timestamp() * 1_000_000)


def local_day_bounds(tz: ZoneInfo, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tz).astimezone(UTC)
    return start, end


def _hours(day_start: datetime, day_end: datetime, tz: ZoneInfo) -> tuple[np.ndarray, np.ndarray]:
    """UTC hour starts (µs) of a local day and the local hour of each (DST days have 23 or 25)."""
    starts = np.arange(_us(day_start), _us(day_end), HOUR_US, dtype=np.int64)
    local = np.array([datetime.fromtimestamp(s / 1e6, UTC).astimezone(tz).hour for s in starts])
    return starts, local


def _remaining_days(sim: SimCampaign, day: date) -> int:
    assert sim.flight_end is not None
    last = (sim.flight_end - timedelta(microseconds=1)).astimezone(sim.tz).date()
    return max((last - day).days + 1, 1)


def day_caps(sims: list[SimCampaign], day: date, spent_before: np.ndarray,
             spent_today: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Micro-dollars each campaign may still spend on its local `day` (never negative), and whether
    that cap is what is left of the total budget (the campaign then spends to the end of it)."""
    caps = np.full(len(sims), np.iinfo(np.int64).max // 4, dtype=np.int64)
    last_money = np.zeros(len(sims), dtype=bool)
    for i, sim in enumerate(sims):
        cap = int(caps[i])
        if sim.budget_total_micro is not None:
            left = sim.budget_total_micro - int(spent_before[i])
            cap = min(cap, left // _remaining_days(sim, day) if sim.pacing else left)
            last_money[i] = cap == left
        if sim.budget_day_micro is not None and sim.budget_day_micro < cap:
            cap = sim.budget_day_micro
            last_money[i] = False
        caps[i] = max(cap - int(spent_today[i]), 0)
    return caps, last_money


def _demand(seed: int, sims: list[SimCampaign], day: date, last_money: np.ndarray) -> np.ndarray:
    """Share of the day's cap a campaign manages to spend (paced campaigns run close to full, and
    a campaign spending its last money keeps bidding until it is gone)."""
    out = np.empty(len(sims))
    for i, sim in enumerate(sims):
        rng = np.random.default_rng([seed, sim.plan.campaign_id, day.toordinal()])
        out[i] = rng.beta(*(DEMAND_PACED if sim.pacing else DEMAND_UNPACED))
    out[last_money] = 1.0
    return out


@dataclass
class Window:
    """Segments of one local day for a group of campaigns sharing a timezone."""

    seg_plan: np.ndarray
    seg_start: np.ndarray
    seg_end: np.ndarray
    seg_target: np.ndarray


def plan_day(rng: np.random.Generator, sims: list[SimCampaign], day_start: datetime, day_end: datetime,
             caps: np.ndarray, demand: np.ndarray, window: tuple[datetime, datetime] | None = None) -> Window:
    """Hourly spend targets within [day_start, day_end) (or only `window` of it, for real time).

    With a window, the target is the window's share of the diurnal weight still ahead in the day,
    so a day delivered tick by tick spends like a day delivered at once."""
    tz = sims[0].tz
    hour_start, local_hour = _hours(day_start, day_end, tz)
    hour_end = hour_start + HOUR_US
    flight_lo = np.array([_us(s.flight_start) for s in sims], dtype=np.int64)
    flight_hi = np.array([_us(s.flight_end) if s.flight_end else np.iinfo(np.int64).max for s in sims],
                         dtype=np.int64)
    lo = np.maximum(hour_start[None, :], flight_lo[:, None])
    hi = np.minimum(hour_end[None, :], flight_hi[:, None])
    if window is not None:
        lo = np.maximum(lo, _us(window[0]))
    overlap = np.clip(hi - lo, 0, None) / HOUR_US
    noise = rng.lognormal(0, 0.12, overlap.shape)
    weight = profiles.DIURNAL[local_hour][None, :] * noise * overlap
    total_weight = weight.sum(axis=1)
    inventory_spend = np.array([s.daily_inventory * s.plan.mean_cost_micro for s in sims])
    day_spend = np.floor(np.minimum(caps * demand, inventory_spend)).astype(np.int64)
    if window is not None:
        in_window = np.clip(np.minimum(hi, _us(window[1])) - lo, 0, None) / HOUR_US
        window_weight = profiles.DIURNAL[local_hour][None, :] * noise * in_window
        share = np.divide(window_weight, total_weight[:, None], out=np.zeros_like(weight),
                          where=total_weight[:, None] > 0)
        hi = np.minimum(hi, _us(window[1]))
    else:
        share = np.divide(weight, total_weight[:, None], out=np.zeros_like(weight), where=total_weight[:, None] > 0)
    targets = np.floor(day_spend[:, None] * share).astype(np.int64)
    plan_idx, hour_idx = np.nonzero((targets > 0) & (hi > lo))
    return Window(plan_idx, lo[plan_idx, hour_idx], hi[plan_idx, hour_idx], targets[plan_idx, hour_idx])


# ----------------------------------------------------------------------------------- running

def _group_by_timezone(sims: list[SimCampaign]) -> dict[int, list[SimCampaign]]:
    groups: dict[int, list[SimCampaign]] = {}
    for sim in sims:
        groups.setdefault(sim.timezone_id, []).append(sim)
    return groups


def _batch_id(seed: int, timezone_id: int, day: date, sims: list[SimCampaign], window: tuple | None) -> str:
    ids = ",".join(str(s.plan.campaign_id) for s in sims)
    digest = hashlib.sha256(ids.encode()).hexdigest()[:16]
    span = f"{window[0].isoformat()}/{window[1].isoformat()}" if window else day.isoformat()
    return f"simulator:seed{seed}:tz{timezone_id}:{span}:{digest}"


@dataclass
class PreparedChunk:
    """A generated batch waiting to be stored."""

    table: pa.Table
    batch_id: str
    impressions: int
    spend_micro: int
    campaign_ids: list[int]


def prepare_chunk(store: AnalyticsStore, seed: int, sims: list[SimCampaign], day: date,
                  window: tuple[datetime, datetime] | None) -> PreparedChunk | None:
    """Generate one local day (or a window of it) for campaigns sharing a timezone."""
    day_start, day_end = local_day_bounds(sims[0].tz, day)
    ids = [s.plan.campaign_id for s in sims]
    before = delivery_by_campaign(store, ids, end=day_start)
    today = delivery_by_campaign(store, ids, start=day_start, end=day_end)
    spent_before = np.array([to_micro(before[i].spend) for i in ids], dtype=np.int64)
    spent_today = np.array([to_micro(today[i].spend) for i in ids], dtype=np.int64)
    caps, last_money = day_caps(sims, day, spent_before, spent_today)
    active = [i for i, cap in enumerate(caps) if cap > 0]
    if not active:
        return None
    sims = [sims[i] for i in active]
    caps, last_money = caps[active], last_money[active]
    ordinal = day.toordinal() if window is None else _us(window[0])
    rng = np.random.default_rng([seed, sims[0].timezone_id, ordinal, len(sims)])
    plan = plan_day(rng, sims, day_start, day_end, caps, _demand(seed, sims, day, last_money), window)
    plans = [s.plan for s in sims]
    generated = generate(rng, plans, plan.seg_plan, plan.seg_start, plan.seg_end, plan.seg_target)
    top_up = _top_up(rng, plans, plan, generated, last_money)
    parts = [p for p in (generated, top_up) if p is not None]
    tables = [p.table for p in parts if p.table.num_rows]
    if not tables:
        return None
    return PreparedChunk(
        table=pa.concat_tables(tables), batch_id=_batch_id(seed, sims[0].timezone_id, day, sims, window),
        impressions=sum(int(p.impressions.sum()) for p in parts),
        spend_micro=sum(int(p.spent_micro.sum()) for p in parts), campaign_ids=ids,
    )


def store_chunk(store: AnalyticsStore, chunk: PreparedChunk, summary: SimulationSummary,
                rollups: Sequence[Rollup] = ROLLUPS) -> None:
    # checkpoints are built once at the end of the run: chunks of different timezones overlap in time
    result = store.append_events(chunk.table, batch_id=chunk.batch_id, source="simulator", rollups=rollups,
                                 build_checkpoints=False)
    summary.batches += 1
    if result.duplicate:
        summary.duplicate_batches += 1
        return
    summary.events += result.stored
    summary.impressions += chunk.impressions
    summary.spend_micro += chunk.spend_micro
    summary.campaigns.update(chunk.campaign_ids)


def simulate_chunk(store: AnalyticsStore, seed: int, sims: list[SimCampaign], day: date,
                   window: tuple[datetime, datetime] | None, summary: SimulationSummary,
                   rollups: Sequence[Rollup] = ROLLUPS) -> None:
    """One local day (or a window of it) for campaigns sharing a timezone, stored as one batch."""
    chunk = prepare_chunk(store, seed, sims, day, window)
    if chunk is not None:
        store_chunk(store, chunk, summary, rollups)


def _top_up(rng: np.random.Generator, plans: list[CampaignPlan], window: Window, generated: Generated,
            last_money: np.ndarray) -> Generated | None:
    """Campaigns spending their last money: what each hour left unspent (less than one impression per
    hour) is spent in their last hour of the day, so the budget runs out rather than dribbling."""
    if not last_money.any() or len(window.seg_plan) == 0:
        return None
    left = np.bincount(window.seg_plan, weights=window.seg_target - generated.spent_micro,
                       minlength=len(plans)).astype(np.int64)
    last_seg = np.full(len(plans), -1)
    last_seg[window.seg_plan] = np.arange(len(window.seg_plan))  # the last index wins
    chosen = np.flatnonzero(last_money & (left > 0) & (last_seg >= 0))
    if len(chosen) == 0:
        return None
    segs = last_seg[chosen]
    return generate(rng, plans, chosen, window.seg_start[segs], window.seg_end[segs], left[chosen])


def simulate_period(session: Session, store: AnalyticsStore, start_day: date, end_day: date, *, seed: int = 0,
                    progress: Callable[[int, int], None] | None = None,
                    campaign_ids: Sequence[int] | None = None) -> SimulationSummary:
    """Delivery of every running campaign (or of `campaign_ids`) over the local days
    `start_day`..`end_day` (inclusive)."""
    if end_day < start_day:
        raise ValueError("end must not be before start")
    period_start = datetime.combine(start_day - timedelta(days=1), time(0), UTC)
    period_end = datetime.combine(end_day + timedelta(days=2), time(0), UTC)
    sims = running_campaigns(session, period_start, period_end, seed, campaign_ids)
    groups = _group_by_timezone(sims)
    days = [start_day + timedelta(days=i) for i in range((end_day - start_day).days + 1)]
    summary = SimulationSummary()
    total_steps = len(days) * max(len(groups), 1)
    step = 0
    # A one-batch pipeline: while a batch is being stored (the engine works outside the GIL), the
    # next timezone group's batch is generated. A group's next day waits for its previous day to be
    # stored, because its budget caps read that spend from the store.
    pending: dict[int, Future[None]] = {}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="adplane-sim-store") as writer:
        for day in days:
            for tz_id, members in sorted(groups.items()):
                day_start, day_end = local_day_bounds(members[0].tz, day)
                live = [s for s in members if s.flight_start < day_end
                        and (s.flight_end is None or s.flight_end > day_start)]
                if tz_id in pending:
                    pending.pop(tz_id).result()
                chunk = prepare_chunk(store, seed, live, day, None) if live else None
                if chunk is not None:
                    pending[tz_id] = writer.submit(store_chunk, store, chunk, summary)
                step += 1
                if progress:
                    progress(step, total_steps)
        for future in pending.values():
            future.result()
    if not groups and progress:
        progress(total_steps, total_steps)
    # Rollups were kept per batch (rebuilding them once per period measured slower: one big
    # aggregation over high-cardinality keys loses to many small ones on a warm temp table).
    store.compact_rollups(since=period_start)
    store.refresh_running_totals()  # days whose checkpoints appends left to maintenance
    summary.expired = after_delivery(session, store, summary.campaigns)
    return summary


def simulate_window(session: Session, store: AnalyticsStore, start: datetime, end: datetime, *,
                    seed: int = 0, campaign_ids: Sequence[int] | None = None) -> SimulationSummary:
    """Delivery in [start, end) for campaigns running now (or `campaign_ids` of them: the real-time
    mode, one tick)."""
    sims = running_campaigns(session, start, end, seed, campaign_ids)
    summary = SimulationSummary()
    for _tz_id, members in sorted(_group_by_timezone(sims).items()):
        tz = members[0].tz
        cursor = start
        while cursor < end:  # split at local midnight
            day = cursor.astimezone(tz).date()
            _day_start, day_end = local_day_bounds(tz, day)
            stop = min(end, day_end)
            live = [s for s in members if s.flight_start < stop and (s.flight_end is None or s.flight_end > cursor)]
            if live:
                simulate_chunk(store, seed, live, day, (cursor, stop), summary)
            cursor = stop
    summary.expired = after_delivery(session, store, summary.campaigns)
    return summary
