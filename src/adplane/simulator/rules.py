"""Inventory and bid-model rules applied to a campaign's plan before it delivers.

- Block lists (the organization's, the campaign's excludes, excluded inventory groups) take an app or site
  out of the campaign's publisher draw; allow lists (includes, included open-exchange/CTV groups) keep only
  theirs. Traffic types left with no publisher are not bought, and the campaign's reachable volume shrinks
  with the weight it lost.
- Deals: a campaign with active deals buys only through them (each deal offers `DEAL_SUPPLY_SHARE` of what
  its targeting reaches on the open exchange). A PG deal clears at its fixed price and wins every bid; a PMP
  deal clears at the auction price but never under its floor, and a floor above the campaign's max bid
  cannot be bought. A PG campaign buys only through its PG deals, and nothing while none is active.
- Bid multipliers (bid models): the bid on a dimension value is the base bid times its multiplier, never
  more than the max bid. The clearing price follows the bid, and so does the win rate (see
  `generator.win_probability`), so a value with a higher multiplier also wins a larger share of the
  campaign's impressions. Campaigns with a bid model also report their bids, so their win rate is known.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy.orm import Session

from adplane.inventory.repository import inventories_by_ids
from adplane.inventory.service import InventoryRules, delivery_rules
from adplane.simulator.generator import MICRO, CampaignPlan, dimensions, win_probability

DEAL_SUPPLY_SHARE = 0.25
BASE_WIN_RATE = 0.35  # what a campaign wins at its base bid

# bid-model dimension ids (IQM's bm/static/dimensions) → the plan's multiplier tables
DIMENSION_CREATIVE = 1
DIMENSION_OPEN_EXCHANGE = 4
DIMENSION_TRAFFIC_TYPE = 7
DIMENSION_DEVICE_TYPE = 8
DIMENSION_STATE = 10
DIMENSION_EXCHANGE = 13


@dataclass
class BidRules:
    """A campaign's bid model as delivery uses it: entity id → multiplier per dimension id, and the entities a
    dimension includes (only those) or excludes. Open-exchange entities are inventory ids resolved to app ids."""

    base_bid_micro: int | None = None
    multipliers: dict[int, dict[int | str, float]] = field(default_factory=dict)
    included: dict[int, set[int | str]] = field(default_factory=dict)
    excluded: dict[int, set[int | str]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return self.base_bid_micro is None and not self.multipliers and not self.included and not self.excluded


@dataclass
class CampaignRules:
    inventory: InventoryRules
    bids: BidRules | None = None
    priority: int | None = None  # within its insertion order: 1 bids first (see simulation.share_io_supply)


def load_rules(session: Session, campaigns: Sequence[tuple[int, int]]) -> dict[int, CampaignRules]:
    """Rules of each (campaign id, ow_id), read from the inventory and bidding domains."""
    inventory = delivery_rules(session, campaigns)
    bids = _bid_rules(session, [c for c, _ in campaigns])
    priorities = _priorities(session, [c for c, _ in campaigns])
    return {cid: CampaignRules(inventory[cid], bids.get(cid), priorities.get(cid)) for cid, _ in campaigns}


def _priorities(session: Session, campaign_ids: list[int]) -> dict[int, int]:
    try:
        from adplane.bidding.service import priorities
    except ImportError:  # the bidding domain is optional
        return {}
    return priorities(session, campaign_ids)


def _bid_rules(session: Session, campaign_ids: list[int]) -> dict[int, BidRules]:
    try:
        from adplane.bidding.service import delivery_bid_rules
    except ImportError:  # the bidding domain is optional
        return {}
    found = delivery_bid_rules(session, campaign_ids)
    inventory_ids = {int(i) for rules in found.values() for by_dim in (rules.multipliers, rules.included,
                                                                       rules.excluded)
                     for i in by_dim.get(DIMENSION_OPEN_EXCHANGE, ())}
    app_ids = {i: inv.app_id for i, inv in inventories_by_ids(session, inventory_ids).items()}
    out = {}
    for cid, rules in found.items():
        bids = BidRules(rules.base_bid_micro, dict(rules.multipliers), dict(rules.included), dict(rules.excluded))
        if DIMENSION_OPEN_EXCHANGE in bids.multipliers:  # inventory ids → the app ids the generator draws
            bids.multipliers[DIMENSION_OPEN_EXCHANGE] = {
                app_ids[int(i)]: m for i, m in bids.multipliers[DIMENSION_OPEN_EXCHANGE].items() if int(i) in app_ids}
        for by_dim in (bids.included, bids.excluded):
            if DIMENSION_OPEN_EXCHANGE in by_dim:
                by_dim[DIMENSION_OPEN_EXCHANGE] = {app_ids[int(i)] for i in by_dim[DIMENSION_OPEN_EXCHANGE]
                                                   if int(i) in app_ids}
        out[cid] = bids
    return out


def _factor(plan: CampaignPlan, bids: BidRules | None, dimension: int, keys: Sequence[int | str]) -> tuple[
        np.ndarray, np.ndarray | None]:
    """(weight factor, multiplier table) over `keys` for one dimension: 0 where excluded (or not included),
    the win-rate uplift of the multiplier elsewhere; the table is None without multipliers."""
    weight = np.ones(len(keys))
    if bids is None:
        return weight, None
    included, excluded = bids.included.get(dimension), bids.excluded.get(dimension, set())
    for i, key in enumerate(keys):
        if key in excluded or (included and key not in included):
            weight[i] = 0.0
    given = bids.multipliers.get(dimension)
    if not given:
        return weight, None
    others = given.get(-1, 1.0)  # the dimension's "all other entities" model
    table = np.array([given.get(key, others) for key in keys])
    base = bids.base_bid_micro or plan.max_bid_micro
    capped = np.minimum(table, plan.max_bid_micro / max(base, 1))
    uplift = win_probability(BASE_WIN_RATE, capped) / BASE_WIN_RATE
    return weight * uplift, table


def _reweigh(weights: np.ndarray, factor: np.ndarray) -> tuple[np.ndarray, float]:
    """New weights and how much of the old weight they keep (the reach factor)."""
    new = weights * factor
    old = weights.sum()
    return new, (float(new.sum() / old) if old > 0 else 0.0)


def apply(plan: CampaignPlan, daily_inventory: float, rules: CampaignRules) -> float:
    """Set the plan's rule fields; returns the campaign's reachable impressions per day under the rules."""
    dims = dimensions()
    bids = rules.bids if rules.bids is not None and not rules.bids.is_empty else None
    inv = rules.inventory
    reach = 1.0
    max_mult = 1.0

    # publishers: block/allow lists, then open-exchange (inventory) multipliers
    pub_weight = np.array([0.0 if p in inv.blocked or (inv.allowed is not None and p not in inv.allowed) else 1.0
                           for p in dims.publishers])
    pub_factor, pub_table = _factor(plan, bids, DIMENSION_OPEN_EXCHANGE, dims.publishers)
    pub_weight *= pub_factor
    if not inv.is_open or pub_table is not None or (bids and DIMENSION_OPEN_EXCHANGE in bids.included | bids.excluded):
        plan.publisher_weights = pub_weight
        base_pdf = np.diff(np.concatenate([np.zeros((len(dims.traffic_types), 1)), dims.traffic_pub_cdf], axis=1),
                           axis=1)
        traffic_share = base_pdf @ pub_weight  # per traffic type: the publisher weight left
        per_pair = np.repeat(traffic_share[None, :], len(dims.device_types), axis=0).ravel()
        plan.device_traffic_weights, factor = _reweigh(plan.device_traffic_weights, per_pair)
        reach *= factor
    if pub_table is not None:
        plan.multipliers["publisher"] = pub_table

    for dimension, name, keys, attr in (
        (DIMENSION_EXCHANGE, "exchange", [int(e) for e in dims.exchange_ids], "exchange_weights"),
        (DIMENSION_STATE, "state", [int(s) for s in dims.state_ids], "state_weights"),
    ):
        factor_w, table = _factor(plan, bids, dimension, keys)
        weights, factor = _reweigh(getattr(plan, attr), factor_w)
        setattr(plan, attr, weights)
        reach *= factor
        if table is not None:
            plan.multipliers[name] = table
            max_mult = max(max_mult, float((table * weights).sum() / max(weights.sum(), 1e-12)))
    device_w, device_table = _factor(plan, bids, DIMENSION_DEVICE_TYPE, list(dims.device_types))
    traffic_w, traffic_table = _factor(plan, bids, DIMENSION_TRAFFIC_TYPE, list(dims.traffic_types))
    pair = np.outer(device_w, traffic_w).ravel()
    plan.device_traffic_weights, factor = _reweigh(plan.device_traffic_weights, pair)
    reach *= factor
    for name, table in (("device", device_table), ("traffic", traffic_table)):
        if table is not None:
            plan.multipliers[name] = table
    creative_w, creative_table = _factor(plan, bids, DIMENSION_CREATIVE, plan.creative_ids)
    if bids is not None and (creative_table is not None or DIMENSION_CREATIVE in bids.included | bids.excluded):
        plan.creative_weights = creative_w
        reach *= float(creative_w.mean())
    if creative_table is not None:
        plan.multipliers["creative"] = creative_table

    if bids is not None:
        plan.base_bid_micro = bids.base_bid_micro
        plan.win_rate = BASE_WIN_RATE
        base = bids.base_bid_micro or plan.max_bid_micro
        plan.price_factor = min(base * max_mult, plan.max_bid_micro) / plan.max_bid_micro

    if inv.deals or inv.deals_only:
        mean_share = sum(plan.clearing_share) / 2
        open_price = plan.max_bid_micro * mean_share * plan.price_factor
        usable = [d for d in inv.deals if d.fixed or d.cpm is None or int(d.cpm * MICRO) <= plan.max_bid_micro]
        plan.deal_exchange_ids = [d.exchange_id for d in usable]
        plan.deal_cpm_micro = [int(d.cpm * MICRO) if d.cpm is not None else 0 for d in usable]
        plan.deal_fixed = [d.fixed for d in usable]
        if not usable:
            return 0.0
        prices = [c if f and c else max(open_price, c) for c, f in zip(plan.deal_cpm_micro, plan.deal_fixed,
                                                                          strict=True)]
        plan.price_factor = float(np.mean(prices)) / (plan.max_bid_micro * mean_share)
        reach *= min(1.0, DEAL_SUPPLY_SHARE * len(usable))
    return daily_inventory * reach
