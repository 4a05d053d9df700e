"""ScriptLift: the effect of exposure on prescribing, by difference-in-differences against a
matched unexposed control group.

- Pre period: the complete weeks of the lookback (months of 30.44 days) before the study start.
- Each exposed prescriber's post period: the complete study weeks that start after their first
  exposure (the week of the first exposure is partly unexposed, so it counts in neither period).
- Control: for each exposed prescriber, the unexposed prescriber of the same specialty and state
  (else same specialty, else anyone) with the nearest mean weekly volume over the first half of
  the lookback, with replacement; it is measured over the same weeks. The DiD baseline is the
  second half of the lookback, so matching noise does not leak into the estimate.
- Per pair: d = (post_e - pre_e) - (post_c - pre_c) weekly; counterfactual = pre_e + (post_c - pre_c).
  Incremental prescriptions = Σ d·weeks; lift = incremental / Σ counterfactual·weeks.
- 95% confidence intervals: percentile bootstrap over pairs (fixed seed, so reproducible).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.healthcare.models import Prescriber, WeeklyVolume

DAYS_PER_MONTH = 30.44
BOOTSTRAP_SAMPLES = 1000


class LiftError(ValueError):
    """The data cannot support a lift estimate (no exposed prescriber with data, no control...)."""


@dataclass
class LiftResult:
    concept_group_id: int
    exposed: int
    controls: int  # distinct control prescribers
    pre_weeks: int
    exposed_pre_weekly: float
    exposed_post_weekly: float
    control_pre_weekly: float
    control_post_weekly: float
    incremental: float
    incremental_ci: tuple[float, float]
    lift: float
    lift_ci: tuple[float, float]
    trend: list[tuple[date, float, float]] = field(default_factory=list)  # week, exposed mean, control mean
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (exposed npi, control npi)

    def as_dict(self) -> dict:
        return {
            "conceptGroupId": self.concept_group_id, "exposedPrescribers": self.exposed,
            "controlPrescribers": self.controls, "preWeeks": self.pre_weeks,
            "exposedPreWeekly": round(self.exposed_pre_weekly, 4),
            "exposedPostWeekly": round(self.exposed_post_weekly, 4),
            "controlPreWeekly": round(self.control_pre_weekly, 4),
            "controlPostWeekly": round(self.control_post_weekly, 4),
            "incrementalPrescriptions": round(self.incremental, 2),
            "incrementalCiLow": round(self.incremental_ci[0], 2),
            "incrementalCiHigh": round(self.incremental_ci[1], 2),
            "lift": round(self.lift, 4), "liftCiLow": round(self.lift_ci[0], 4),
            "liftCiHigh": round(self.lift_ci[1], 4),
        }


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def compute_lift(
    session: Session,
    *,
    concept_group_id: int,
    exposures: dict[str, datetime],
    excluded: set[str],
    start: datetime,
    end: datetime,
    lookback_months: int,
) -> LiftResult:
    start_day, end_day = start.date(), end.date()
    pre_first = _monday(start_day - timedelta(days=round(lookback_months * DAYS_PER_MONTH)))
    if pre_first < start_day - timedelta(days=round(lookback_months * DAYS_PER_MONTH)):
        pre_first += timedelta(weeks=1)
    pre_weeks = []
    week = pre_first
    while week + timedelta(days=6) < start_day:
        pre_weeks.append(week)
        week += timedelta(weeks=1)
    if not pre_weeks:
        raise LiftError("The lookback holds no complete week before the study start.")
    study_weeks = []
    week = _monday(start_day)
    while week + timedelta(days=6) <= end_day:
        if week >= start_day:
            study_weeks.append(week)
        week += timedelta(weeks=1)

    volumes: dict[str, dict[date, int]] = defaultdict(dict)
    rows = session.execute(
        select(WeeklyVolume.npi, WeeklyVolume.week_start, WeeklyVolume.volume).where(
            WeeklyVolume.concept_group_id == concept_group_id,
            WeeklyVolume.week_start >= pre_weeks[0],
            WeeklyVolume.week_start <= end_day,
        )
    )
    for npi, week_start, volume in rows:
        volumes[npi][week_start] = volume
    if not volumes:
        raise LiftError(f"No prescription volumes for concept group {concept_group_id} in the study window.")
    profiles = {
        npi: (specialty, state)
        for npi, specialty, state in session.execute(
            select(Prescriber.npi, Prescriber.specialty, Prescriber.state).where(Prescriber.npi.in_(list(volumes)))
        )
    }

    # Matching and the DiD baseline use disjoint halves of the lookback: matching on the same noisy
    # weeks the baseline uses would pick controls whose baseline is high by chance (regression to
    # the mean would then look like lift).
    half = len(pre_weeks) // 2
    match_weeks, base_weeks = (pre_weeks[:half], pre_weeks[half:]) if half else (pre_weeks, pre_weeks)

    def match_value(npi: str) -> float:
        series = volumes[npi]
        return float(np.mean([series.get(w, 0) for w in match_weeks]))

    def pre_mean(npi: str) -> float:
        series = volumes[npi]
        return float(np.mean([series.get(w, 0) for w in base_weeks]))

    def post_mean(npi: str, weeks: list[date]) -> float:
        series = volumes[npi]
        return float(np.mean([series.get(w, 0) for w in weeks]))

    exposed = []
    for npi, first in sorted(exposures.items()):
        if npi not in volumes or npi not in profiles:
            continue
        weeks = [w for w in study_weeks if w > first.date()]
        if weeks:
            exposed.append((npi, weeks))
    if not exposed:
        raise LiftError("No exposed prescriber has prescription data after their first exposure.")
    pool = [npi for npi in volumes if npi not in excluded and npi not in exposures and npi in profiles]
    if not pool:
        raise LiftError("No unexposed prescribers to compare with.")
    pool_match = np.array([match_value(n) for n in pool])
    by_cell: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_specialty: dict[str, list[int]] = defaultdict(list)
    for index, npi in enumerate(pool):
        specialty, state = profiles[npi]
        by_cell[(specialty, state)].append(index)
        by_specialty[specialty].append(index)

    d, cf, n, e_pre, e_post, c_pre, c_post, pairs = [], [], [], [], [], [], [], []
    for npi, weeks in exposed:
        specialty, state = profiles[npi]
        candidates = by_cell.get((specialty, state)) or by_specialty.get(specialty) or list(range(len(pool)))
        own_match = match_value(npi)
        best = min(candidates, key=lambda i: (abs(pool_match[i] - own_match), pool[i]))
        control = pool[best]
        ep, eq = pre_mean(npi), post_mean(npi, weeks)
        cp, cq = pre_mean(control), post_mean(control, weeks)
        d.append((eq - ep) - (cq - cp))
        cf.append(ep + (cq - cp))
        n.append(len(weeks))
        e_pre.append(ep)
        e_post.append(eq)
        c_pre.append(cp)
        c_post.append(cq)
        pairs.append((npi, control))

    diffs, counterfactual, weights = np.array(d), np.array(cf), np.array(n, dtype=float)
    incremental = float(np.sum(diffs * weights))
    base = float(np.sum(counterfactual * weights))
    lift = incremental / base if base > 0 else 0.0
    rng = np.random.default_rng(0)
    samples = rng.integers(0, len(diffs), size=(BOOTSTRAP_SAMPLES, len(diffs)))
    boot_inc = np.sum(diffs[samples] * weights[samples], axis=1)
    boot_base = np.sum(counterfactual[samples] * weights[samples], axis=1)
    boot_lift = np.divide(boot_inc, boot_base, out=np.zeros_like(boot_inc), where=boot_base > 0)

    trend = []
    exposed_npis = [p[0] for p in pairs]
    control_npis = [p[1] for p in pairs]
    for week in [*pre_weeks, *study_weeks]:
        trend.append((week, float(np.mean([volumes[x].get(week, 0) for x in exposed_npis])),
                      float(np.mean([volumes[x].get(week, 0) for x in control_npis]))))
    return LiftResult(
        concept_group_id=concept_group_id, exposed=len(pairs), controls=len(set(control_npis)),
        pre_weeks=len(pre_weeks),
        exposed_pre_weekly=float(np.mean(e_pre)), exposed_post_weekly=float(np.mean(e_post)),
        control_pre_weekly=float(np.mean(c_pre)), control_post_weekly=float(np.mean(c_post)),
        incremental=incremental,
        incremental_ci=(float(np.percentile(boot_inc, 2.5)), float(np.percentile(boot_inc, 97.5))),
        lift=lift, lift_ci=(float(np.percentile(boot_lift, 2.5)), float(np.percentile(boot_lift, 97.5))),
        trend=trend, pairs=pairs,
    )
