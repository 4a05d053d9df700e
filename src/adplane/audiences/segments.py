"""Segmented audiences: the third-party segment catalogue, IQM's segment equations, and the members
an equation stands for.

The catalogue (`data/segments.csv`, `data/segment_partners.csv`; see `data/README.md` for where it
comes from) is a tree per data partner and provider: category nodes, and leaf segments with a reach
(devices in the US) and a CPM. Only leaves go into an audience.

Membership: a segment with reach R holds, of the simulated users 1..`identities.SIMULATED_USERS`, those
whose 64-bit hash of (segment id, user id) falls below R / `ADDRESSABLE_DEVICES` of the hash range, so
it is a stable pseudo-random R/300M share of them (a 3M-reach segment: 1% of 5M users, 50,000 members).
An audience's members are the equation's boolean combination of its segments, written to
`AudienceMember` by the "audience-segments" job; the audience is then ready, and `reach` is its
member count. Its data CPM is the highest CPM among its segments (IQM's published example: segments
at $0.75, $0.50 and $1.50 give an audience at $1.50)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.audiences import building, catalog, identities
from adplane.audiences import repository as repo
from adplane.audiences.models import Audience
from adplane.core.clock import to_epoch_ms, utcnow
from adplane.core.deps import Principal
from adplane.core.errors import NotFound, ValidationFailed
from adplane.jobs import leases
from adplane.jobs.models import Job
from adplane.jobs.queue import drain, enqueue
from adplane.jobs.registry import JobContext, queued

log = structlog.get_logger("adplane.audiences")

BUILD_KIND = "audience-segments"
ADDRESSABLE_DEVICES = 300_000_000  # US devices a segment's reach is counted against
USER_CHUNK = 1_000_000
MAX_GROUPS = 5
MAX_SEGMENTS_PER_GROUP = 100
MAX_EQUATION_LENGTH = 20_000
MAX_SEARCH_KEYWORDS = 10
LOGO_BASE = "/static/data-partners"  # adplane serves no partner logos: a stable relative path
_MASK64 = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


# ------------------------------------------------------------------------------------ catalogue

@dataclass(frozen=True)
class Provider:
    id: int
    partner_id: int
    name: str
    description: str
    vertical_ids: tuple[int, ...]


@dataclass(frozen=True)
class Partner:
    id: int
    name: str
    description: str
    vertical_ids: tuple[int, ...]
    display_order: int
    is_public: bool
    providers: tuple[Provider, ...]

    @property
    def logo_url(self) -> str:
        return f"{LOGO_BASE}/{self.id}.svg"


@dataclass(frozen=True)
class Segment:
    id: int
    parent_id: int  # 0: a root node of its provider
    partner_id: int
    provider_id: int
    taxonomy_id: str
    value: str
    description: str | None
    cpm: Decimal
    reach: int
    ios_reach: int
    android_reach: int
    cookies_reach: int
    vertical_ids: tuple[int, ...]
    data_available: bool
    reference_id: str
    modified_at: str
    path_key: str
    leaf: bool


@dataclass(frozen=True)
class Catalogue:
    partners: dict[int, Partner]
    providers: dict[int, Provider]
    segments: dict[int, Segment]
    children: dict[tuple[int, int], list[int]]  # (provider id, parent id) → child segment ids, in id order


def _ids(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(",") if p.strip())


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    data = resources.files("adplane.audiences").joinpath("data")
    providers: dict[int, Provider] = {}
    partner_rows: list[dict[str, str]] = []
    for row in csv.DictReader(io.StringIO(data.joinpath("segment_partners.csv").read_text(encoding="utf-8"))):
        if row["kind"] == "provider":
            providers[int(row["id"])] = Provider(int(row["id"]), int(row["partner_id"]), row["name"],
                                                 row["description"], _ids(row["vertical_ids"]))
        else:
            partner_rows.append(row)
    partners = {int(r["id"]): Partner(int(r["id"]), r["name"], r["description"], _ids(r["vertical_ids"]),
                                      int(r["display_order"]), r["is_public"] == "1",
                                      tuple(p for p in providers.values() if p.partner_id == int(r["id"])))
                for r in partner_rows}
    raw = list(csv.DictReader(io.StringIO(data.joinpath("segments.csv").read_text(encoding="utf-8"))))
    parents = {int(r["parent_id"]) for r in raw}
    by_id = {int(r["segment_id"]): r for r in raw}

    def path(row: dict[str, str]) -> list[str]:
        parent = int(row["parent_id"])
        return (path(by_id[parent]) if parent else []) + [row["taxonomy_value"]]

    segments: dict[int, Segment] = {}
    children: dict[tuple[int, int], list[int]] = {}
    for row in raw:
        sid, provider = int(row["segment_id"]), providers[int(row["provider_id"])]
        partner = partners[provider.partner_id]
        segments[sid] = Segment(
            id=sid, parent_id=int(row["parent_id"]), partner_id=partner.id, provider_id=provider.id,
            taxonomy_id=row["taxonomy_id"], value=row["taxonomy_value"], description=row["description"] or None,
            cpm=Decimal(row["cpm"]), reach=int(row["total_reach"]), ios_reach=int(row["ios_reach"]),
            android_reach=int(row["android_reach"]), cookies_reach=int(row["cookies_reach"]),
            vertical_ids=_ids(row["vertical_ids"]), data_available=row["data_available"] == "1",
            reference_id=row["reference_id"], modified_at=row["modified_at"],
            path_key=" > ".join([partner.name, provider.name, *path(row)]), leaf=sid not in parents)
        children.setdefault((provider.id, int(row["parent_id"])), []).append(sid)
    for ids in children.values():
        ids.sort()
    return Catalogue(partners, providers, segments, children)


def money(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def segment_wire(segment: Segment) -> dict[str, Any]:
    """A segment as IQM's lists give it (the guide's and the specification's names both)."""
    catalogue = load_catalogue()
    reach_metadata = None if not segment.reach else {
        "iosDevicesReach": segment.ios_reach, "androidDevicesReach": segment.android_reach,
        "cookiesReach": segment.cookies_reach}
    return {
        "segmentId": segment.id, "taxonomyId": segment.taxonomy_id, "taxonomyValue": segment.value,
        "description": segment.description, "pathKey": segment.path_key, "cpm": money(segment.cpm),
        "referenceId": segment.reference_id, "lastUpdatedDate": segment.modified_at,
        "modifiedAt": segment.modified_at, "totalReach": segment.reach, "reachMetadata": reach_metadata,
        "dataAvailable": segment.data_available, "leaf": segment.leaf, "leafNode": segment.leaf,
        "parentSegmentId": segment.parent_id, "providerId": segment.provider_id, "partnerId": segment.partner_id,
        "logoUrl": catalogue.partners[segment.partner_id].logo_url,
    }


def partner_providers(*, spec_shape: bool) -> dict[str, Any] | list[dict[str, Any]]:
    """Partners with their providers: the guide's list, or the specification's `partnerProviderList`."""
    partners = sorted(load_catalogue().partners.values(), key=lambda p: (p.display_order, p.id))
    if not spec_shape:
        return [{"partnerId": p.id, "partnerName": p.name, "partnerLogoUrl": p.logo_url, "description": p.description,
                 "verticalIds": list(p.vertical_ids), "displayOrder": p.display_order,
                 "providers": [{"providerId": v.id, "providerName": v.name, "providerLogoUrl": p.logo_url,
                                "description": v.description, "verticalIds": list(v.vertical_ids)}
                               for v in p.providers],
                 "isCustomPartner": False, "isPartnerPublic": p.is_public} for p in partners]
    items = [{"partnerId": p.id, "partnerName": p.name, "partnerLogoUrl": p.logo_url,
              "partnerDescription": p.description, "order": p.display_order, "verticalIdList": list(p.vertical_ids),
              "customPartner": False, "isPartnerPublic": p.is_public,
              "providerList": [{"providerId": v.id, "providerName": v.name, "providerLogoUrl": p.logo_url,
                                "verticalIdList": list(v.vertical_ids), "providerDescription": v.description}
                               for v in p.providers]} for p in partners]
    return {"partnerProviderList": items, "totalRecords": len(items), "filteredRecords": len(items)}


def children_of(partner_id: int, provider_id: int, parent_id: int | None, *, non_zero: bool = False,
                ready_only: bool = False) -> list[dict[str, Any]]:
    """The direct children of `parent_id` (the provider's root segments without one)."""
    catalogue = load_catalogue()
    if partner_id not in catalogue.partners:
        raise ValidationFailed(f"Unknown partnerId {partner_id}.", field="partnerId")
    provider = catalogue.providers.get(provider_id)
    if provider is None or provider.partner_id != partner_id:
        raise ValidationFailed(f"Provider {provider_id} is not a provider of partner {partner_id}.",
                               field="providerId")
    if parent_id:
        parent = catalogue.segments.get(parent_id)
        if parent is None or parent.provider_id != provider_id:
            raise ValidationFailed(f"Segment {parent_id} is not a segment of provider {provider_id}.",
                                   field="parentId")
    rows = [catalogue.segments[i] for i in catalogue.children.get((provider_id, parent_id or 0), [])]
    return [segment_wire(s) for s in rows if _shown(s, non_zero=non_zero, ready_only=ready_only)]


def _shown(segment: Segment, *, non_zero: bool, ready_only: bool) -> bool:
    """A category node is shown whatever its own figures (its leaves carry them)."""
    if not segment.leaf:
        return True
    return not (non_zero and segment.reach <= 0) and not (ready_only and not segment.data_available)


@dataclass
class SegmentQuery:
    keywords: list[str]
    segment_ids: list[int]
    vertical_ids: list[int]
    partner_ids: list[int]
    provider_ids: list[int]
    price_range_ids: list[int]
    reach_range_ids: list[int]
    ready_only: bool = False
    non_zero: bool = False
    sort_by: str | None = None


def _ranges(ids: Sequence[int], table: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    known = {r["id"]: r for r in table}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ValidationFailed(f"Unknown {field}: {', '.join(map(str, unknown[:10]))}.", field=field)
    return [known[i] for i in ids]


def _in_range(value: float, row: dict[str, Any], *, unknown_is_zero: bool = False) -> bool:
    if row["min"] is None and row["max"] is None:
        return unknown_is_zero and value == 0
    low, high = row["min"] or 0, row["max"]
    if unknown_is_zero and value == 0:
        return False
    return value >= low and (high is None or value < high)


SORT_KEYS: dict[str, Callable[[Segment], Any]] = {"cpm": lambda s: s.cpm, "reach": lambda s: s.reach}


def search(query: SegmentQuery) -> list[Segment]:
    """Leaf segments matching the keywords (any of them, in path key or description) or the ids, and
    every filter given; sorted by `cpm` or `reach` (one of them), else by path key."""
    if not query.keywords and not query.segment_ids:
        raise ValidationFailed("searchField is required!", field="searchField")
    if len(query.keywords) > MAX_SEARCH_KEYWORDS:
        raise ValidationFailed("Search keywords cannot be more than 10", field="searchKeywordSet")
    order = _sort(query.sort_by)
    prices = _ranges(query.price_range_ids, catalog.PRICE_RANGES, "priceRangeIds")
    reaches = _ranges(query.reach_range_ids, catalog.REACH_RANGES, "reachRangeIds")
    needles = [k.strip().lower() for k in query.keywords if k.strip()]
    wanted_ids = set(query.segment_ids)
    out = []
    for segment in load_catalogue().segments.values():
        if not segment.leaf:
            continue
        text = f"{segment.path_key}\n{segment.description or ''}".lower()
        if not ((needles and any(n in text for n in needles)) or segment.id in wanted_ids):
            continue
        if query.vertical_ids and not set(query.vertical_ids) & set(segment.vertical_ids):
            continue
        if query.partner_ids and segment.partner_id not in query.partner_ids:
            continue
        if query.provider_ids and segment.provider_id not in query.provider_ids:
            continue
        if prices and not any(_in_range(float(segment.cpm), r) for r in prices):
            continue
        if reaches and not any(_in_range(segment.reach, r, unknown_is_zero=True) for r in reaches):
            continue
        if not _shown(segment, non_zero=query.non_zero, ready_only=query.ready_only):
            continue
        out.append(segment)
    out.sort(key=lambda s: (s.path_key.lower(), s.id))
    if order is not None:
        key, descending = order
        out.sort(key=key, reverse=descending)
    return out


def _sort(sort_by: str | None) -> tuple[Callable[[Segment], Any], bool] | None:
    parts = [p.strip() for p in (sort_by or "").split(",") if p.strip()]
    if not parts:
        return None
    if len(parts) > 1:
        raise ValidationFailed("Sorting can be applied either on CPM or Reach", field="sortBy")
    name = parts[0].lstrip("+-").strip()
    if name not in SORT_KEYS:
        raise ValidationFailed("Invalid sortBy value.", field="sortBy")
    return SORT_KEYS[name], parts[0].startswith("-")


CSV_HEADER = ["Segment ID", "Taxonomy Value", "CPM", "Total Reach", "Description", "Path Key"]


def csv_rows(segments: Sequence[Segment]) -> list[list[Any]]:
    return [[s.id, s.value, money(s.cpm), s.reach, s.description or "", s.path_key] for s in segments]


# ------------------------------------------------------------------------------------ equations

_TOKEN = re.compile(r"\s*(?:([()&|!])|([A-Za-z0-9_]+))")
Node = tuple[Any, ...]  # ("id", key) | ("not", node) | ("and", [nodes]) | ("or", [nodes])


def parse_equation(text: str, field: str = "equation", *, allow_not: bool = False,
                   numeric: bool = True) -> Node:
    """IQM's segment equation: ids joined by `|` (or) and `&` (and), grouped in parentheses; `&` binds
    tighter than `|`; `!` (not) where `allow_not` (custom voter audiences)."""
    source = (text or "").strip()
    if not source:
        raise ValidationFailed("Segment group equation is required and can not be empty.", field=field)
    if len(source) > MAX_EQUATION_LENGTH:
        raise ValidationFailed("The equation is too long.", field=field)
    tokens: list[str] = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None or match.end() == position:
            if source[position:].strip() == "":
                break
            raise ValidationFailed(f"Invalid equation near '{source[position:position + 10]}'.", field=field)
        tokens.append(match.group(1) or match.group(2))
        position = match.end()
    state = {"i": 0}

    def peek() -> str | None:
        return tokens[state["i"]] if state["i"] < len(tokens) else None

    def take() -> str:
        token = peek()
        if token is None:
            raise ValidationFailed("The equation ends too early.", field=field)
        state["i"] += 1
        return token

    def expr(depth: int) -> Node:
        parts = [term(depth)]
        while peek() == "|":
            take()
            parts.append(term(depth))
        return parts[0] if len(parts) == 1 else ("or", parts)

    def term(depth: int) -> Node:
        parts = [factor(depth)]
        while peek() == "&":
            take()
            parts.append(factor(depth))
        return parts[0] if len(parts) == 1 else ("and", parts)

    def factor(depth: int) -> Node:
        if depth > 50:
            raise ValidationFailed("The equation is nested too deeply.", field=field)
        token = take()
        if token == "(":
            inner = expr(depth + 1)
            if peek() != ")":
                raise ValidationFailed("Unbalanced parentheses in the equation.", field=field)
            if take() != ")":
                raise ValidationFailed("Unbalanced parentheses in the equation.", field=field)
            return inner
        if token == "!":
            if not allow_not:
                raise ValidationFailed("'!' (not) is not allowed in this equation.", field=field)
            return ("not", factor(depth + 1))
        if token in "()&|":
            raise ValidationFailed(f"Unexpected '{token}' in the equation.", field=field)
        if numeric:
            if not token.isdigit() or len(token) > 10 or not 1 <= int(token) <= 2_147_483_647:
                raise ValidationFailed(f"Invalid segment id '{token}' in the equation.", field=field)
            return ("id", int(token))
        return ("id", token)

    node = expr(0)
    if peek() is not None:
        raise ValidationFailed(f"Unexpected '{peek()}' in the equation.", field=field)
    return node


def leaves(node: Node) -> list[Any]:
    """The ids an equation names, in order of first appearance."""
    if node[0] == "id":
        return [node[1]]
    if node[0] == "not":
        return leaves(node[1])
    return list(dict.fromkeys(i for child in node[1] for i in leaves(child)))


def groups(node: Node) -> list[Node]:
    """IQM's segment groups: the parts of a top-level `&` (one group otherwise)."""
    return list(node[1]) if node[0] == "and" else [node]


def evaluate(node: Node, mask_of: Callable[[Any], np.ndarray]) -> np.ndarray:
    kind = node[0]
    if kind == "id":
        return mask_of(node[1])
    if kind == "not":
        return ~evaluate(node[1], mask_of)
    masks = [evaluate(child, mask_of) for child in node[1]]
    out = masks[0].copy()
    for mask in masks[1:]:
        if kind == "and":
            out &= mask
        else:
            out |= mask
    return out


# ----------------------------------------------------------------------------------- membership

def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser on uint64 (wrapping arithmetic)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def threshold(reach: int, addressable: int = ADDRESSABLE_DEVICES) -> int:
    """A user is in a segment when its hash is below this (2**64 · reach / addressable devices)."""
    return (max(0, min(reach, addressable)) << 64) // addressable


def in_set(set_key: int, reach: int, users: np.ndarray, addressable: int = ADDRESSABLE_DEVICES) -> np.ndarray:
    """Which of `users` (uint64) belong to the set `set_key` (a segment id) of that reach."""
    limit = threshold(reach, addressable)
    if limit <= 0:
        return np.zeros(len(users), dtype=bool)
    if limit >= 1 << 64:
        return np.ones(len(users), dtype=bool)
    hashed = _mix(users + np.uint64((set_key * _GOLDEN) & _MASK64))
    return hashed < np.uint64(limit)


def members(node: Node, reach_of: Callable[[Any], tuple[int, int]], *, universe: int | None = None,
            addressable: int = ADDRESSABLE_DEVICES) -> np.ndarray:
    """Sorted user ids (int64) of the equation: `reach_of(key)` gives each named set's (hash key, reach)."""
    total = universe or identities.SIMULATED_USERS
    found: list[np.ndarray] = []
    for start in range(1, total + 1, USER_CHUNK):
        users = np.arange(start, min(start + USER_CHUNK, total + 1), dtype=np.uint64)

        def mask_of(key: Any, users: np.ndarray = users) -> np.ndarray:
            set_key, reach = reach_of(key)
            return in_set(set_key, reach, users, addressable)

        found.append(users[evaluate(node, mask_of)].astype(np.int64))
    return np.concatenate(found) if found else np.zeros(0, np.int64)


def segment_reach(segment_id: int) -> tuple[int, int]:
    segment = load_catalogue().segments[segment_id]
    return segment.id, segment.reach


# ------------------------------------------------------------------------------------- audiences

@dataclass
class Checked:
    equation: str
    segment_ids: list[int]
    partner_id: int
    cpm: Decimal


def check_equation(equation: str | None, field: str = "equation") -> Checked:
    """IQM's rules: known leaf segments of one data partner, at most 5 groups of at most 100 segments."""
    node = parse_equation(equation or "", field)
    parts = groups(node)
    if len(parts) > MAX_GROUPS:
        raise ValidationFailed("Cannot add more than 5 Segment Groups", field=field)
    if any(len(leaves(g)) > MAX_SEGMENTS_PER_GROUP for g in parts):
        raise ValidationFailed("Cannot add more than 100 segments in a Segment Group.", field=field)
    catalogue = load_catalogue()
    ids = leaves(node)
    unknown = [i for i in ids if i not in catalogue.segments]
    if unknown:
        raise ValidationFailed(f"Unknown segment ids: {', '.join(map(str, unknown[:10]))}.", field=field)
    categories = [i for i in ids if not catalogue.segments[i].leaf]
    if categories:
        raise ValidationFailed(f"Segments {', '.join(map(str, categories[:10]))} are categories, not segments "
                               "that can be selected.", field=field)
    partners = {catalogue.segments[i].partner_id for i in ids}
    if len(partners) > 1:
        raise ValidationFailed("All segments of an audience must come from one data partner.", field=field)
    cpm = max(catalogue.segments[i].cpm for i in ids)
    return Checked((equation or "").strip(), ids, partners.pop(), cpm)


def _name(*candidates: str | None) -> str:
    for value in candidates:
        if value is not None and value.strip():
            if len(value.strip()) > 255:
                raise ValidationFailed("audienceName must be at most 255 characters.", field="audienceName")
            return value.strip()
    raise ValidationFailed("Segment group name is required and can not be empty.", field="audienceName")


def _check_partner(given: Any, checked: Checked) -> None:
    """A `segmentPartnerId`/`dataPartnerId` the client sends must be the segments' partner."""
    if given is None or given == "":
        return
    text = str(given).strip()
    if not text.isdigit() or int(text) != checked.partner_id:
        raise ValidationFailed(f"The segments belong to data partner {checked.partner_id}.", field="segmentPartnerId")


def queue_build(session: Session, audience: Audience) -> None:
    version = int((audience.details or {}).get("buildVersion", 0)) + 1
    audience.details = {**(audience.details or {}), "buildVersion": version}
    enqueue(session, BUILD_KIND, f"{audience.id}:{version}", {"audienceId": audience.id, "version": version})


def create(session: Session, principal: Principal, *, equation: str | None, name: str | None,
           partner_id: Any = None) -> dict[str, Any]:
    checked = check_equation(equation)
    _check_partner(partner_id, checked)
    audience = Audience(ow_id=principal.ow_id, uow_id=principal.uow_id, created_by_user_id=principal.user_id,
                        name=_name(name), type_id=catalog.TYPE_SEGMENTED, status_id=catalog.STATUS_PROCESSING,
                        data_partner_id=checked.partner_id, data_cost=checked.cpm, reach=0,
                        details={"equation": checked.equation, "segmentIds": checked.segment_ids})
    session.add(audience)
    session.flush()
    queue_build(session, audience)
    session.commit()
    return {"audienceId": audience.id, "id": audience.id, "message": f"{audience.name} audience created successfully"}


def _own_segmented(session: Session, principal: Principal, audience_id: int, *, for_update: bool = False) -> Audience:
    audience = repo.get(session, principal.ow_id, audience_id, for_update=for_update)
    if audience.type_id != catalog.TYPE_SEGMENTED:
        raise ValidationFailed("The audience is not a segmented audience.", field="audienceId")
    return audience


def update(session: Session, principal: Principal, audience_id: int, *, equation: str | None,
           name: str | None, partner_id: Any = None) -> dict[str, Any]:
    """New name and equation: the members are built again (processing until then)."""
    audience = _own_segmented(session, principal, audience_id, for_update=True)
    checked = check_equation(equation)
    _check_partner(partner_id, checked)
    audience.name = _name(name)
    audience.data_partner_id, audience.data_cost = checked.partner_id, checked.cpm
    audience.details = {**(audience.details or {}), "equation": checked.equation, "segmentIds": checked.segment_ids}
    audience.status_id = catalog.STATUS_PROCESSING
    audience.failure_reason = None
    queue_build(session, audience)
    session.commit()
    return {"audienceId": audience.id, "message": f"{audience.name} audience updated successfully"}


def details(session: Session, principal: Principal, audience_id: int, usage: Callable[..., Any],
            organization_name: str | None) -> dict[str, Any]:
    """The guide's and the specification's fields (they name the same things differently)."""
    audience = _own_segmented(session, principal, audience_id)
    catalogue = load_catalogue()
    info = audience.details or {}
    ids = [int(i) for i in info.get("segmentIds", [])]
    segments = [segment_wire(catalogue.segments[i]) for i in sorted(ids) if i in catalogue.segments]
    partner = catalogue.partners.get(audience.data_partner_id or 0)
    refs = usage(session, principal.ow_id, [audience.id]).get(audience.id, {})
    created_s = (to_epoch_ms(audience.created_at) or 0) // 1000
    status = catalog.STATUS_NAMES.get(audience.status_id, "")
    out: dict[str, Any] = {
        "audienceId": audience.id, "id": audience.id, "audienceName": audience.name, "name": audience.name,
        "audienceStatusId": audience.status_id, "status": status, "type": audience.type_id,
        "audienceTypeId": audience.type_id, "createdAt": created_s, "createdOn": created_s,
        "uniques": audience.reach, "reach": audience.reach, "cpm": money(audience.data_cost),
        "dataCost": money(audience.data_cost), "owId": audience.ow_id, "organizationName": organization_name,
        "createdByUowId": audience.uow_id or 0, "includedCount": len(set(refs.get("included", []))),
        "excludedCount": len(set(refs.get("excluded", []))), "editAccess": True,
        "segmentPartnerName": partner.name if partner else None, "segmentPartnerId": audience.data_partner_id,
        "segmentPartnerLogo": partner.logo_url if partner else None, "equation": info.get("equation", ""),
        "segmentsList": segments, "segmentIdList": sorted(ids),
    }
    if audience.failure_reason:
        out["failureReason"] = audience.failure_reason
    return out


def segments_by_audience(session: Session, principal: Principal, audience_ids: list[int],
                         size: int) -> list[dict[str, Any]]:
    """Each audience's first `size` segment names; other organizations' ids are 404 like unknown ones."""
    rows = {a.id: a for a in session.scalars(select(Audience).where(Audience.ow_id == principal.ow_id,
                                                                      Audience.id.in_(audience_ids)))}
    missing = [i for i in audience_ids if i not in rows]
    if missing:
        raise NotFound("Audience not found.", field="audienceIds")
    catalogue = load_catalogue()
    out = []
    for audience_id in audience_ids:
        audience = rows[audience_id]
        ids = sorted(int(i) for i in (audience.details or {}).get("segmentIds", [])) \
            if audience.type_id == catalog.TYPE_SEGMENTED else []
        known = [catalogue.segments[i] for i in ids if i in catalogue.segments]
        out.append({"audienceId": audience_id, "totalSegments": len(known),
                    "segmentDetailsResponseVOList": [{"segmentId": s.id, "segmentName": s.value}
                                                     for s in known[:size]]})
    return out


# ------------------------------------------------------------------------------------------ job

def build(ctx: JobContext, session: Session, job: Job) -> str | None:
    """Handle one "audience-segments" job: compute the members outside any write, then write them, the
    reach and the ready status with the job's outcome while the lease is held. A job of an older
    version (the audience was edited since) is cancelled: the newer version's job builds it."""
    audience_id, version = int(job.payload["audienceId"]), int(job.payload.get("version", 0))
    audience = session.get(Audience, audience_id)
    current = audience is not None and audience.status_id == catalog.STATUS_PROCESSING and \
        int((audience.details or {}).get("buildVersion", 0)) == version
    if not current or audience is None:
        won = leases.finish(session, job, worker=ctx.worker, now=utcnow(), status=leases.CANCELLED,
                            note="the audience is no longer waiting for this build")
        return leases.CANCELLED if won else "lost"
    user_ids = _members_of(audience)
    session.rollback()
    if not leases.hold(session, job, worker=ctx.worker):
        session.rollback()
        return "lost"
    mine = building.locked(session, audience_id)
    if mine is None or int((mine.details or {}).get("buildVersion", 0)) != version:
        session.rollback()
        leases.finish(session, job, worker=ctx.worker, now=utcnow(), status=leases.CANCELLED,
                      note="the audience changed during the build")
        return leases.CANCELLED
    repo.replace_members(session, audience_id, user_ids)
    mine.reach = len(user_ids)
    mine.status_id = catalog.STATUS_READY
    mine.failure_reason = None
    leases.finish(session, job, worker=ctx.worker, now=utcnow(), commit=False)
    session.commit()
    log.info("audience_segments_built", audience_id=audience_id, reach=len(user_ids))
    return leases.DONE


def _members_of(audience: Audience) -> np.ndarray:
    info = audience.details or {}
    if audience.type_id == catalog.TYPE_CUSTOM_VOTER:
        from adplane.audiences import cva  # cva builds on this module

        return cva.members(str(info.get("equation", "")), [int(i) for i in info.get("stateIds", [])])
    return members(parse_equation(str(info.get("equation", ""))), segment_reach)


def on_last_failure(ctx: JobContext, session: Session, job: Job, exc: BaseException) -> None:
    mine = building.locked(session, int(job.payload["audienceId"]))
    if mine is not None:
        mine.status_id = catalog.STATUS_FAILED
        mine.failure_reason = f"Building the audience failed: {type(exc).__name__}"


def build_pending(db: Any, settings: Any, *, limit: int = 50) -> int:
    """Build up to `limit` waiting segmented audiences now (tests, CLI); returns how many jobs were taken."""
    ctx = JobContext(db, settings, leases.worker_name())
    return sum(drain(ctx, BUILD_KIND, build, on_last_failure, batch=1, limit=limit).values())


JOB_KINDS = [queued(BUILD_KIND, build, on_failure=on_last_failure, interval_seconds=3.0, batch=1,
                    description="build segmented and custom voter audiences' members from their equations")]
