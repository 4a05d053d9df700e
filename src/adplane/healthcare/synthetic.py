"""A seeded synthetic healthcare dataset with a known effect of ad exposure on prescribing.

Every prescriber has a baseline weekly volume of the brand concept group (log-normal around a
specialty mean) with a shared seasonal wave and Poisson noise. Exposed prescribers (chosen with a
bias towards high prescribers, as real NPI audiences are) prescribe `lift` more — volume times
(1 + lift) — in every week that starts after their first exposure. Competitor groups, the
diagnosis and the procedure carry no effect. So a correct lift computation recovers `lift` for
the brand, and 0 with `lift=0`.

Exposures are either given (NPI → first exposure date, e.g. read from delivery data) or drawn:
`exposed_share` of the prescribers, first exposed within two weeks of `exposure_start`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from adplane.healthcare.dataset import Dataset
from adplane.healthcare.npi import make_npi

BRAND_ID = 202335
COMPETITOR_IDS = (800214, 800215, 800216)
DIAGNOSIS_ID = 300101
PROCEDURE_ID = 400101
AUDIENCE_ID = 101

CONCEPT_GROUPS = (
    {"id": BRAND_ID, "name": "Cardiozan (brand)", "kind": "drug", "competitor_ids": list(COMPETITOR_IDS)},
    {"id": 800214, "name": "Valsotrin", "kind": "drug", "competitor_ids": []},
    {"id": 800215, "name": "Lisopra", "kind": "drug", "competitor_ids": []},
    {"id": 800216, "name": "Amlodex", "kind": "drug", "competitor_ids": []},
    {"id": DIAGNOSIS_ID, "name": "Essential hypertension (I10)", "kind": "diagnosis", "competitor_ids": []},
    {"id": PROCEDURE_ID, "name": "Echocardiogram", "kind": "procedure", "competitor_ids": []},
)
COMPETITOR_SHARES = {800214: 0.8, 800215: 0.5, 800216: 0.3}
SPECIALTY_MEANS = {"Cardiology": 12.0, "Internal Medicine": 8.0, "Family Medicine": 6.0, "Nephrology": 5.0,
                   "Endocrinology": 4.0}
STATES = ("NY", "CA", "TX", "FL", "IL", "PA")
CITIES = {  # (city, zip prefix) per state
    "NY": (("New York", "100"), ("Buffalo", "142"), ("Rochester", "146")),
    "CA": (("Los Angeles", "900"), ("San Diego", "921"), ("San Jose", "951")),
    "TX": (("Houston", "770"), ("Dallas", "752"), ("Austin", "787")),
    "FL": (("Miami", "331"), ("Tampa", "336"), ("Orlando", "328")),
    "IL": (("Chicago", "606"), ("Springfield", "627"), ("Peoria", "616")),
    "PA": (("Philadelphia", "191"), ("Pittsburgh", "152"), ("Allentown", "181")),
}
FIRST_NAMES = ("Ava", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jamal", "Kira", "Luis")
LAST_NAMES = ("Adams", "Brown", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Huang", "Ivanova", "Jones", "Khan")


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class SyntheticSpec:
    seed: int = 1
    prescribers: int = 600
    weeks: int = 26
    first_week: date = date(2026, 1, 5)
    lift: float = 0.2
    exposed_share: float = 0.3
    exposure_start: date | None = None  # default: the middle week
    exposures: dict[str, date] | None = None  # given first exposures win over drawn ones
    audience_members: int = 1000
    audience_match_rate: float = 0.6  # share of audience members with the brand in their claims
    audience_users: list[str] | None = None  # member ids (e.g. delivered users); default hcu-0, hcu-1, ...
    npi_serial_start: int = 1


@dataclass
class SyntheticResult:
    dataset: Dataset
    exposures: dict[str, date] = field(default_factory=dict)
    npis: list[str] = field(default_factory=list)


def generate(spec: SyntheticSpec) -> SyntheticResult:
    rng = np.random.default_rng(spec.seed)
    first_week = monday_of(spec.first_week)
    weeks = [first_week + timedelta(weeks=w) for w in range(spec.weeks)]
    dataset = Dataset(concept_groups=[dict(g) for g in CONCEPT_GROUPS])
    specialties = list(SPECIALTY_MEANS)
    baselines: dict[str, float] = {}
    npis: list[str] = []
    for i in range(spec.prescribers):
        npi = make_npi(spec.npi_serial_start + i)
        specialty = specialties[int(rng.integers(len(specialties)))]
        state = STATES[int(rng.integers(len(STATES)))]
        baselines[npi] = float(SPECIALTY_MEANS[specialty] * rng.lognormal(0.0, 0.5))
        npis.append(npi)
        dataset.prescribers.append({
            "npi": npi, "first_name": FIRST_NAMES[i % len(FIRST_NAMES)],
            "last_name": LAST_NAMES[(i * 7) % len(LAST_NAMES)], "specialty": specialty, "state": state,
            **_location(state, i),
        })
    if spec.exposures is not None:
        exposures = dict(spec.exposures)
    else:
        exposures = _draw_exposures(rng, spec, npis, baselines, weeks)
    for npi in npis:
        base = baselines[npi]
        exposed_on = exposures.get(npi)
        for index, week in enumerate(weeks):
            season = 1.0 + 0.1 * math.sin(2 * math.pi * index / 52.0)
            effect = 1.0 + spec.lift if exposed_on is not None and week > exposed_on else 1.0
            means = {BRAND_ID: base * season * effect, DIAGNOSIS_ID: base * 1.5, PROCEDURE_ID: base * 0.3}
            for competitor, share in COMPETITOR_SHARES.items():
                means[competitor] = base * share * season
            for concept_group_id, mean in means.items():
                dataset.weekly_volumes.append({
                    "npi": npi, "concept_group_id": concept_group_id, "week_start": week,
                    "volume": int(rng.poisson(mean)),
                })
    _add_patients(rng, spec, dataset, first_week)
    return SyntheticResult(dataset=dataset, exposures=exposures, npis=npis)


def _location(state: str, index: int) -> dict[str, str]:
    """A city and zip in the state, picked from the index (no random draw, so data for a seed stays put)."""
    city, prefix = CITIES[state][index % len(CITIES[state])]
    return {"city": city, "zip": f"{prefix}{index % 100:02d}"}


def _draw_exposures(
    rng: np.random.Generator, spec: SyntheticSpec, npis: list[str], baselines: dict[str, float], weeks: list[date]
) -> dict[str, date]:
    count = int(round(spec.exposed_share * len(npis)))
    if count == 0:
        return {}
    weights = np.array([baselines[n] for n in npis])
    chosen = rng.choice(len(npis), size=count, replace=False, p=weights / weights.sum())
    start = spec.exposure_start or weeks[len(weeks) // 2]
    return {npis[int(i)]: start + timedelta(days=int(rng.integers(14))) for i in chosen}


def _add_patients(rng: np.random.Generator, spec: SyntheticSpec, dataset: Dataset, first_week: date) -> None:
    dataset.patient_audiences.append({"id": AUDIENCE_ID, "name": "Hypertension patients (matched)"})
    users = spec.audience_users
    if users is None:
        users = [f"hcu-{i}" for i in range(spec.audience_members)]
    for user_id in users[:spec.audience_members]:
        dataset.audience_members.append({"audience_id": AUDIENCE_ID, "user_id": user_id})
        if rng.random() < spec.audience_match_rate:
            dataset.patient_attributes.append({"user_id": user_id, "concept_group_id": BRAND_ID,
                                               "observed_on": first_week})
        if rng.random() < 0.8:
            dataset.patient_attributes.append({"user_id": user_id, "concept_group_id": DIAGNOSIS_ID,
                                               "observed_on": first_week})
