"""IQM's v2 segment search (POST /api/v2/audience/segment/search and .../search/download): the segment
catalogue (`adplane.audiences.segments`) searched by data partner and provider *reference UUIDs*.

IQM's specification keys this older form by UUIDs: `referenceId` lists partners (its 412 message names them
"Partner IDs"), `providerIds` providers, both comma-separated; the answer maps a provider UUID to its
matching segments, each named by its own reference UUID (`id`). IQM's partner-provider list gives those UUIDs
as `partnerReferenceUuid` / `providerReferenceUuid`; adplane lists them there too (`reference_uuids`).

- UUIDs: the partners and providers of IQM's published examples keep the example's UUIDs (the request
  sample's three partners and six providers, and the response sample's key, StatSocial's); every other one
  has a stable uuid5 of its id. A partner's or provider's numeric id is accepted as well.
- Search: as the v3 search (`segments.search`): leaf segments whose path key or description contains any
  keyword of `searchField` (comma-separated, at most 10), of the given partners and providers, sorted by
  path key, or by `sortBy` (`cpm` / `reach`, `+`/`-`). A well-formed id that names no partner or provider
  matches nothing (IQM's sample request, whose UUIDs are other than adplane's when a client made them up,
  answers 200 with what matches). Paging (`pageNo`, `noOfEntries`) is adplane's addition: without it,
  every match.
- Missing or blank `providerIds`, `referenceId` or `searchField`: IQM's 412 with its message.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from adplane.audiences import segments
from adplane.core.errors import ApiError, ValidationFailed
from adplane.core.listing import page_offset, page_rows

MISSING_MESSAGE = "Please pass all required parameters, Partner IDs, Provider IDs and Search Field"
_NAMESPACE = uuid.UUID("5b0c9d52-3f0e-4b8a-9d7e-2a61c3f0a1d4")  # adplane's segment partners and providers
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# IQM's published request sample: `referenceId` (partners) and `providerIds`; its answer's key (StatSocial's).
EXAMPLE_PARTNERS = {1: "ea5f5d49-cbd2-49df-bda1-f3d8f2d14223", 6: "6449205f-3be6-419b-924f-817f68b42ca9",
                    7: "63b762fc-a5f4-47ac-ba08-1991fbb29bcb"}
EXAMPLE_PROVIDERS = {293: "a6ff7585-dbb4-43cd-8022-8046883bbad5", 140: "7735f885-717e-4bd6-b924-f9552ff987ba",
                     21: "267fdd70-8655-4ad2-ad2b-538be580b139", 88: "4a163538-1dcb-4c42-909a-256c542e8820",
                     95: "ff6ae965-bd75-4809-b3c3-ed5c568a39b3", 112: "efe627d6-25fe-47c1-9dc6-1005c5e8afe5",
                     61: "0d5fcaea-0fe3-4b10-ba62-168f3dcb0281"}
CSV_HEADER = ["Taxonomy Value", "CPM", "Description", "Path Key"]


class PreconditionFailed(ApiError):
    """IQM's 412 of this search: `responseObject` carries `errorMsg` and `errorCode`."""

    status_code = 412

    def __init__(self) -> None:
        super().__init__(MISSING_MESSAGE, data={"errorMsg": MISSING_MESSAGE, "errorCode": 412})


@dataclass(frozen=True)
class ReferenceUuids:
    partners: dict[int, str]  # id → UUID
    providers: dict[int, str]

    def partner_id(self, reference: str) -> int | None:
        return _inverse(self.partners).get(reference)

    def provider_id(self, reference: str) -> int | None:
        return _inverse(self.providers).get(reference)


def _inverse(mapping: dict[int, str]) -> dict[str, int]:
    return {v: k for k, v in mapping.items()}


@lru_cache(maxsize=1)
def reference_uuids() -> ReferenceUuids:
    catalogue = segments.load_catalogue()
    partners = {p: EXAMPLE_PARTNERS.get(p) or str(uuid.uuid5(_NAMESPACE, f"partner:{p}")) for p in catalogue.partners}
    providers = {p: EXAMPLE_PROVIDERS.get(p) or str(uuid.uuid5(_NAMESPACE, f"provider:{p}"))
                 for p in catalogue.providers}
    return ReferenceUuids(partners, providers)


def with_reference_uuids(listing: dict[str, Any]) -> dict[str, Any]:
    """The specification's partner-provider list with IQM's `partnerReferenceUuid` / `providerReferenceUuid`."""
    refs = reference_uuids()
    for partner in listing.get("partnerProviderList", []):
        partner["partnerReferenceUuid"] = refs.partners.get(partner["partnerId"])
        for provider in partner.get("providerList", []):
            provider["providerReferenceUuid"] = refs.providers.get(provider["providerId"])
    return listing


def _tokens(raw: str | Sequence[Any] | None) -> list[str]:
    if raw is None:
        return []
    items = raw.split(",") if isinstance(raw, str) else [str(i) for i in raw]
    return [t.strip().lower() for t in items if t.strip()]


def _ids(raw: str | Sequence[Any] | None, field: str, lookup: Any, known: dict[int, str]) -> list[int]:
    """Ids of the given UUIDs or numeric ids; a well-formed one naming nothing is left out (it matches nothing)."""
    out: list[int] = []
    for token in _tokens(raw):
        if _UUID.match(token):
            found = lookup(token)
        elif token.isascii() and token.isdigit() and len(token) <= 10:
            found = int(token) if int(token) in known else None
        else:
            raise ValidationFailed(f"{field} must be UUIDs (or ids) separated by commas: '{token[:40]}'.",
                                   field=field)
        if found is not None and found not in out:
            out.append(found)
    return out


@dataclass
class LegacyQuery:
    provider_ids: str | Sequence[Any] | None
    reference_ids: str | Sequence[Any] | None
    search_field: str | None
    sort_by: str | None = None
    page_no: int | None = None
    no_of_entries: int | None = None


def search(query: LegacyQuery) -> list[segments.Segment]:
    """Every matching leaf segment, in order (before paging)."""
    keywords = [k for k in (query.search_field or "").split(",") if k.strip()]
    if not _tokens(query.provider_ids) or not _tokens(query.reference_ids) or not keywords:
        raise PreconditionFailed()
    refs = reference_uuids()
    partners = _ids(query.reference_ids, "referenceId", refs.partner_id, refs.partners)
    providers = _ids(query.provider_ids, "providerIds", refs.provider_id, refs.providers)
    # no known partner (or provider): id 0, which none has, so nothing matches (and the checks still run)
    return segments.search(segments.SegmentQuery(keywords=keywords, segment_ids=[], vertical_ids=[],
                                                 partner_ids=partners or [0], provider_ids=providers or [0],
                                                 price_range_ids=[], reach_range_ids=[], sort_by=query.sort_by))


def _item(segment: segments.Segment) -> dict[str, Any]:
    return {"description": segment.description or "", "cpm": segments.money(segment.cpm), "isLeaf": 1, "margin": 0,
            "pathKey": segment.path_key, "id": segment.reference_id, "taxonomy_value": segment.value}


def by_provider(query: LegacyQuery) -> dict[str, list[dict[str, Any]]]:
    """provider UUID → its matching segments (providers in the order of their first match; a page of the
    matches when `pageNo`/`noOfEntries` are given)."""
    found = search(query)
    if query.page_no is not None or query.no_of_entries is not None:
        offset, limit = page_offset(query.page_no or 1, query.no_of_entries or 100)
        found = page_rows(found, offset, limit)
    providers = reference_uuids().providers
    out: dict[str, list[dict[str, Any]]] = {}
    for segment in found:
        out.setdefault(providers[segment.provider_id], []).append(_item(segment))
    return out


def csv_text(query: LegacyQuery) -> str:
    """Every match as IQM's CSV: Taxonomy Value, CPM, Description, Path Key (CRLF lines)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    writer.writerows([s.value, segments.money(s.cpm), s.description or "", s.path_key] for s in search(query))
    return buffer.getvalue()


def file_name(query: LegacyQuery, now_ms: int) -> str:
    """IQM's `<search>_segments_<epoch ms>.csv` (the first keyword, made safe for a header)."""
    first = next((k.strip() for k in (query.search_field or "").split(",") if k.strip()), "segments")
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", first)[:40].strip("-") or "segments"
    return f"{stem}_segments_{now_ms}.csv"
