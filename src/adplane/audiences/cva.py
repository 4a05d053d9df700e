"""Custom voter audiences (CVA): voter-file segments per US state, combined by an equation of taxonomy
ids (`&`, `|`, `!`), e.g. `(IQMCVACA069112&!IQMCVACA074004)`.

The voter file is modelled on the simulated users 1..`identities.SIMULATED_USERS`: each user is a voter
of exactly one state (a hash of the user id into the states' shares of `US_VOTERS`; a state's share is
its number of congressional districts, as apportioned) and has one party, age band, gender, urbanicity and
ethnicity (hashes into national shares below) and a voting history (independent flags). A leaf segment
is "voters of state S with attribute A", so members are exact and stable. Counts in the voter-file scale
(segment reach, get-reach, get-insights) are member counts × `VOTERS_PER_USER`; an audience's `reach` is
its member count, like every other audience. `!X` means the chosen states' voters not in X."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from adplane.audiences import catalog, identities, segments
from adplane.audiences import repository as repo
from adplane.audiences.models import Audience
from adplane.core.clock import to_epoch_ms
from adplane.core.deps import Principal
from adplane.core.errors import ValidationFailed
from adplane.master import refdata

US_VOTERS = 161_000_000  # registered voters
VOTERS_PER_USER = US_VOTERS / identities.SIMULATED_USERS
CPM = catalog.DATA_PARTNERS_BY_ID[2].cpm  # L2 Voter Data
GEOJSON_BASE = "/static/geojson"
_STATE_KEY = 0x5157A7E
_MASK64 = (1 << 64) - 1

# dimension → (hash key, taxonomy code base, [(value, share)])
DIMENSIONS: dict[str, tuple[int, int, list[tuple[str, float]]]] = {
    "PARTY": (101, 69112, [("Democrat", 0.40), ("Republican", 0.37), ("Other", 0.23)]),
    "AGE": (102, 70001, [("18-20", 0.04), ("21-24", 0.06), ("25-34", 0.17), ("35-44", 0.16), ("45-54", 0.15),
                         ("55-64", 0.17), ("65+", 0.25)]),
    "GENDER": (103, 71001, [("Female", 0.52), ("Male", 0.47), ("Unknown", 0.01)]),
    "URBANICITY": (104, 72001, [("Urban", 0.31), ("Sub-Urban", 0.52), ("Rural", 0.17)]),
    "ETHNICITY": (105, 73001, [("European", 0.62), ("Hispanic", 0.14), ("African-American", 0.12),
                               ("East Asian", 0.04), ("South Asian", 0.02), ("Other", 0.04), ("Unknown", 0.02)]),
}
HISTORY: list[tuple[str, int, float]] = [("Voted 2020 General", 74001, 0.66), ("Voted 2022 General", 74002, 0.46),
                                         ("Voted 2024 Primary", 74003, 0.25), ("Voted 2024 General", 74004, 0.64)]
INSIGHT_NAMES = {"PARTY": "party_registration", "GENDER": "gender", "URBANICITY": "urbanicity", "AGE": "age",
                 "ETHNICITY": "ethnicity"}


@dataclass(frozen=True)
class State:
    index: int
    id: int
    name: str
    abbreviation: str
    share: float


@dataclass(frozen=True)
class CvaSegment:
    id: int
    name: str
    taxonomy_id: str
    state_index: int
    parent_id: int
    path_key: str
    leaf: bool
    dimension: str | None = None  # a leaf's dimension (or "HISTORY")
    value_index: int = 0  # a leaf's category index (DIMENSIONS) or flag index (HISTORY)

    def wire(self, reach: int) -> dict[str, Any]:
        return {"segmentId": self.id, "segmentName": self.name, "taxonomyValue": self.name,
                "description": f"{self.path_key} voters" if self.leaf else f"{self.name} segment",
                "taxonomyId": self.taxonomy_id, "isLeaf": self.leaf, "pathKey": self.path_key,
                "parentSegmentId": self.parent_id, "reach": reach}


@dataclass(frozen=True)
class CvaCatalogue:
    states: list[State]
    states_by_id: dict[int, State]
    segments: dict[int, CvaSegment]
    by_taxonomy: dict[str, CvaSegment]
    children: dict[int, list[int]]


@lru_cache(maxsize=1)
def load_catalogue() -> CvaCatalogue:
    places = [p for p in refdata.geo("states") if p.parent_id == refdata.COUNTRY_US]
    seats: dict[int, int] = {}
    for district in refdata.geo("congressional_districts"):
        if district.parent_id is not None:
            seats[district.parent_id] = seats.get(district.parent_id, 0) + 1
    weights = [max(1, seats.get(p.id, 0)) for p in places]
    total = sum(weights)
    states = [State(i, p.id, p.name, p.abbreviation, w / total)
              for i, (p, w) in enumerate(zip(places, weights, strict=True))]
    found: dict[int, CvaSegment] = {}
    children: dict[int, list[int]] = {}
    next_id = len(states) + 1

    def add(segment: CvaSegment) -> None:
        found[segment.id] = segment
        children.setdefault(segment.parent_id, []).append(segment.id)

    for state in states:
        root = state.index + 1
        add(CvaSegment(root, state.name, f"IQMCVA{state.abbreviation}000000", state.index, 0, state.abbreviation,
                       False))
        groups: list[tuple[str, list[tuple[str, int]]]] = [
            (dim, [(value, code + i) for i, (value, _) in enumerate(values)])
            for dim, (_, code, values) in DIMENSIONS.items()]
        groups.append(("VOTING HISTORY", [(name, code) for name, code, _ in HISTORY]))
        for dim, values in groups:
            category = next_id
            next_id += 1
            path = f"{state.abbreviation} > {dim}"
            add(CvaSegment(category, dim.title(), f"IQMCVA{state.abbreviation}{category:06d}C", state.index, root, path,
                           False))
            for index, (value, code) in enumerate(values):
                add(CvaSegment(next_id, value, f"IQMCVA{state.abbreviation}{code:06d}", state.index, category,
                               f"{path} > {value}", True, "HISTORY" if dim == "VOTING HISTORY" else dim, index))
                next_id += 1
    return CvaCatalogue(states, {s.id: s for s in states}, found, {s.taxonomy_id: s for s in found.values()},
                        children)


# ------------------------------------------------------------------------------------ the voter model

def _unit(key: int, users: np.ndarray) -> np.ndarray:
    """A uniform number in [0, 1) per user for `key` (splitmix64 of user + key·φ, top 53 bits)."""
    hashed = segments._mix(users + np.uint64((key * 0x9E3779B97F4A7C15) & _MASK64))
    return (hashed >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def _bucket(key: int, users: np.ndarray, shares: Sequence[float]) -> np.ndarray:
    edges = np.cumsum(np.asarray(shares, dtype=np.float64))
    edges[-1] = 1.0
    return np.minimum(np.searchsorted(edges, _unit(key, users), side="right"), len(shares) - 1)


class Voters:
    """The voter attributes of a chunk of simulated users, computed on first use."""

    def __init__(self, users: np.ndarray) -> None:
        self.users = users
        self._cache: dict[str, np.ndarray] = {}

    def state(self) -> np.ndarray:
        if "state" not in self._cache:
            self._cache["state"] = _bucket(_STATE_KEY, self.users, [s.share for s in load_catalogue().states])
        return self._cache["state"]

    def dimension(self, dim: str) -> np.ndarray:
        if dim not in self._cache:
            key, _, values = DIMENSIONS[dim]
            self._cache[dim] = _bucket(key, self.users, [share for _, share in values])
        return self._cache[dim]

    def history(self, index: int) -> np.ndarray:
        name = f"history{index}"
        if name not in self._cache:
            self._cache[name] = _unit(200 + index, self.users) < HISTORY[index][2]
        return self._cache[name]

    def in_segment(self, segment: CvaSegment) -> np.ndarray:
        mask = self.state() == segment.state_index
        if segment.dimension == "HISTORY":
            return mask & self.history(segment.value_index)
        if segment.dimension:
            return mask & (self.dimension(segment.dimension) == segment.value_index)
        return mask


def _chunks() -> list[np.ndarray]:
    total = identities.SIMULATED_USERS
    return [np.arange(start, min(start + segments.USER_CHUNK, total + 1), dtype=np.uint64)
            for start in range(1, total + 1, segments.USER_CHUNK)]


@dataclass
class Selection:
    """An equation over the chosen states: its members and, per chunk, the voters behind them."""

    node: segments.Node
    state_indexes: list[int]


def _select(equation: str | None, state_ids: Sequence[int], field: str = "equation") -> Selection:
    node = segments.parse_equation(equation or "", field, allow_not=True, numeric=False)
    cat = load_catalogue()
    unknown = [t for t in segments.leaves(node) if t not in cat.by_taxonomy or not cat.by_taxonomy[t].leaf]
    if unknown:
        raise ValidationFailed(f"Unknown taxonomy ids: {', '.join(map(str, unknown[:10]))}.", field=field)
    bad_states = [s for s in state_ids if s not in cat.states_by_id]
    if bad_states:
        raise ValidationFailed(f"Unknown state ids: {', '.join(map(str, bad_states[:10]))}.", field="stateIds")
    indexes = [cat.states_by_id[s].index for s in state_ids] or \
        sorted({cat.by_taxonomy[t].state_index for t in segments.leaves(node)})
    return Selection(node, indexes)


def _evaluate(selection: Selection, voters: Voters) -> np.ndarray:
    cat = load_catalogue()
    inside = np.isin(voters.state(), selection.state_indexes)
    return segments.evaluate(selection.node, lambda t: voters.in_segment(cat.by_taxonomy[t])) & inside


def members(equation: str, state_ids: Sequence[int]) -> np.ndarray:
    selection = _select(equation, state_ids)
    found = []
    for users in _chunks():
        found.append(users[_evaluate(selection, Voters(users))].astype(np.int64))
    return np.concatenate(found)


def _scaled(count: Any) -> int:
    return int(round(float(count) * VOTERS_PER_USER))


@lru_cache(maxsize=1)
def _leaf_counts() -> dict[int, int]:
    """Simulated voters per leaf segment and per state root (the catalogue's reach figures), counted once."""
    cat = load_catalogue()
    n_states = len(cat.states)
    roots = np.zeros(n_states, np.int64)
    by_dim = {dim: np.zeros(n_states * len(values), np.int64) for dim, (_, _, values) in DIMENSIONS.items()}
    by_flag = [np.zeros(n_states, np.int64) for _ in HISTORY]
    for users in _chunks():
        voters = Voters(users)
        states = voters.state()
        roots += np.bincount(states, minlength=n_states)
        for dim, counts in by_dim.items():
            width = len(DIMENSIONS[dim][2])
            counts += np.bincount(states * width + voters.dimension(dim), minlength=n_states * width)
        for index, counts in enumerate(by_flag):
            counts += np.bincount(states[voters.history(index)], minlength=n_states)
    out: dict[int, int] = {}
    for segment in cat.segments.values():
        if segment.parent_id == 0:
            out[segment.id] = int(roots[segment.state_index])
        elif segment.dimension == "HISTORY":
            out[segment.id] = int(by_flag[segment.value_index][segment.state_index])
        elif segment.dimension:
            width = len(DIMENSIONS[segment.dimension][2])
            out[segment.id] = int(by_dim[segment.dimension][segment.state_index * width + segment.value_index])
    return out


def segment_reach(segment: CvaSegment) -> int:
    counts = _leaf_counts()
    if segment.id in counts:
        return _scaled(counts[segment.id])
    root = load_catalogue().segments[segment.parent_id]
    return _scaled(counts[root.id])  # a category: every voter of its state has one value of it


# ------------------------------------------------------------------------------------ endpoints' rules

def states_list() -> dict[str, Any]:
    rows = [{"id": s.id, "name": s.name, "abbreviation": s.abbreviation, "parentId": refdata.COUNTRY_US,
             "geojsonUrl": f"{GEOJSON_BASE}/{s.abbreviation}"} for s in load_catalogue().states]
    return {"statesList": rows, "totalRecords": len(rows), "filteredRecords": len(rows)}


def find_segments(*, state_ids: Sequence[int], parent_id: int | None, search: str | None,
                  taxonomy_ids: Sequence[str], validate: bool, segment_ids: Sequence[int], page_no: int | None,
                  no_of_entries: int | None) -> dict[str, Any]:
    """IQM's rules, first criterion given wins: segment ids, taxonomy ids, search keywords (leaves), parent
    id (its children), state ids (their roots with children); nothing: every state root with children."""
    cat = load_catalogue()

    def with_children(segment: CvaSegment) -> dict[str, Any]:
        return {**segment.wire(segment_reach(segment)),
                "childSegments": [cat.segments[c].wire(segment_reach(cat.segments[c]))
                                  for c in cat.children.get(segment.id, [])]}

    rows: list[dict[str, Any]]
    if segment_ids:
        rows = [cat.segments[i].wire(segment_reach(cat.segments[i])) for i in segment_ids if i in cat.segments]
    elif taxonomy_ids:
        missing = [t for t in taxonomy_ids if t not in cat.by_taxonomy or not cat.by_taxonomy[t].leaf]
        if validate and missing:
            raise ValidationFailed(f"Unknown taxonomy ids: {', '.join(missing[:10])}.", field="taxonomyIds")
        rows = [cat.by_taxonomy[t].wire(segment_reach(cat.by_taxonomy[t])) for t in taxonomy_ids if t not in missing]
    elif search and search.strip():
        needles = [k.strip().lower() for k in search.split(",") if k.strip()]
        wanted_states = {cat.states_by_id[s].index for s in state_ids if s in cat.states_by_id}
        rows = [s.wire(segment_reach(s)) for s in cat.segments.values()
                if s.leaf and (not wanted_states or s.state_index in wanted_states)
                and any(n in f"{s.path_key} voters".lower() for n in needles)]
    elif parent_id:
        if parent_id not in cat.segments:
            raise ValidationFailed(f"Unknown parentSegmentId {parent_id}.", field="parentSegmentId")
        rows = [with_children(cat.segments[c]) for c in cat.children.get(parent_id, [])]
    else:
        unknown = [s for s in state_ids if s not in cat.states_by_id]
        if unknown:
            raise ValidationFailed(f"Unknown state ids: {', '.join(map(str, unknown[:10]))}.", field="stateIds")
        indexes = {cat.states_by_id[s].index for s in state_ids}
        rows = [with_children(cat.segments[r]) for r in cat.children.get(0, [])
                if not indexes or cat.segments[r].state_index in indexes]
    total = len(rows)
    if no_of_entries:
        start = max((page_no or 1) - 1, 0) * no_of_entries
        rows = rows[start:start + no_of_entries]
    return {"totalRecords": total, "filteredRecords": len(rows), "cvaFilterData": rows}


def reach(equation: str | None, state_ids: Sequence[int]) -> dict[str, Any]:
    selection = _select(equation, state_ids)
    cat = load_catalogue()
    party_names = {0: "Democrat", 1: "Republican", 2: "Other"}
    by_state: dict[int, np.ndarray] = {i: np.zeros(3, np.int64) for i in selection.state_indexes}
    matched = chosen = 0
    for users in _chunks():
        voters = Voters(users)
        mask = _evaluate(selection, voters)
        matched += int(np.count_nonzero(mask))
        chosen += int(np.count_nonzero(np.isin(voters.state(), selection.state_indexes)))
        states, parties = voters.state()[mask], voters.dimension("PARTY")[mask]
        for index in selection.state_indexes:
            by_state[index] += np.bincount(parties[states == index], minlength=3)
    metrics = {str(cat.states[i].id): {party_names[p]: _scaled(n) for p, n in enumerate(counts)}
               for i, counts in by_state.items()}
    return {"segment_num_voters": _scaled(matched), "total_num_voters": _scaled(chosen), "map_metrics": metrics}


def insights(equation: str | None, state_ids: Sequence[int]) -> dict[str, Any]:
    selection = _select(equation, state_ids)
    totals = {dim: np.zeros(len(values), np.int64) for dim, (_, _, values) in DIMENSIONS.items()}
    matched = 0
    for users in _chunks():
        voters = Voters(users)
        mask = _evaluate(selection, voters)
        matched += int(np.count_nonzero(mask))
        for dim, counts in totals.items():
            counts += np.bincount(voters.dimension(dim)[mask], minlength=len(counts))
    out = {INSIGHT_NAMES[dim]: {DIMENSIONS[dim][2][i][0]: _scaled(n) for i, n in enumerate(counts)}
           for dim, counts in totals.items()}
    return {"segment_num_voters": _scaled(matched), "insights": out}


def create(session: Session, principal: Principal, *, name: str | None, equation: str | None,
           state_ids: Sequence[int]) -> dict[str, Any]:
    title = (name or "").strip()
    if not title or len(title) > 255:
        raise ValidationFailed("audienceName must be 1 to 255 characters.", field="audienceName")
    selection = _select(equation, state_ids)
    cat = load_catalogue()
    taxonomy = segments.leaves(selection.node)
    audience = Audience(ow_id=principal.ow_id, uow_id=principal.uow_id, created_by_user_id=principal.user_id,
                        name=title, type_id=catalog.TYPE_CUSTOM_VOTER, status_id=catalog.STATUS_PROCESSING,
                        data_partner_id=2, data_cost=Decimal(CPM), reach=0,
                        details={"equation": (equation or "").strip(),
                                 "stateIds": [cat.states[i].id for i in selection.state_indexes],
                                 "segmentIds": [cat.by_taxonomy[t].id for t in taxonomy]})
    session.add(audience)
    session.flush()
    segments.queue_build(session, audience)
    session.commit()
    return {"id": audience.id, "audienceId": audience.id, "message": "Custom Voter Audience created successfully"}


def details(session: Session, principal: Principal, audience_id: int) -> dict[str, Any]:
    audience = repo.get(session, principal.ow_id, audience_id)
    if audience.type_id != catalog.TYPE_CUSTOM_VOTER:
        raise ValidationFailed("The audience is not a custom voter audience.", field="audienceId")
    cat = load_catalogue()
    info = audience.details or {}
    ids = [int(i) for i in info.get("segmentIds", []) if int(i) in cat.segments]
    return {"audienceId": audience.id, "audienceName": audience.name, "audienceStatusId": audience.status_id,
            "cpm": segments.money(audience.data_cost), "createdAt": to_epoch_ms(audience.created_at) or 0,
            "reach": audience.reach, "equation": info.get("equation", ""), "stateIds": info.get("stateIds", []),
            "segmentList": [cat.segments[i].wire(segment_reach(cat.segments[i])) for i in ids], "segmentIds": ids}
