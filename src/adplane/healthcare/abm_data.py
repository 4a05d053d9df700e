"""IQM's ABM healthcare data over adplane's reference dataset: building its rows, filtering, the value
lists, statistics, and the selection an ABM audience is made of.

A row ("healthcare data mapping", `AbmMapping`) groups the prescribers that share an account, a title, a
speciality and a city; `reach` counts them and each NPI belongs to exactly one row (`AbmProfessional`). The
attributes come from `adplane.healthcare.abm_catalog`. Every filter is `attribute IN ids` (AND across
filters; an empty or absent list filters nothing), evaluated in SQL, and paging happens in SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, case, delete, distinct, func, insert, or_, select
from sqlalchemy.orm import Session

from adplane.audiences.models import AudienceNpi
from adplane.core.errors import ValidationFailed
from adplane.core.listing import apply_sort, in_ids, parse_sort, search_condition
from adplane.healthcare import abm_catalog as cat
from adplane.healthcare.models import AbmMapping, AbmProfessional, Prescriber
from adplane.master import catalog as master
from adplane.master import refdata

CHUNK = 5000
DEFAULT_PAGE_SIZE = 50


# ------------------------------------------------------------------------------------------- building

@dataclass
class _Account:
    name: str
    kind: cat.AccountKind
    system_name: str
    id: int = 0


def _place_of(city: str | None, state: str, zip_code: str | None) -> tuple[int | None, str]:
    """(master city id, "City, ST") of a prescriber's city: by name, else by the ZIP code's city."""
    cities = _cities_by_name()
    text = (city or "").strip()
    if text:
        place = cities.get(f"{text}, {state}".lower())
        if place is not None:
            return place.id, place.name
    zip_id = refdata.zip_id(zip_code or "")
    zip_place = refdata.geo("zips").get(zip_id) if zip_id else None
    if zip_place is not None and zip_place.city_id:
        place = refdata.geo("cities").get(zip_place.city_id)
        if place is not None and place.name.endswith(f", {state}"):
            return place.id, place.name
    return None, f"{text or 'Unknown'}, {state}"


_CITY_INDEX: dict[str, refdata.Place] = {}


def _cities_by_name() -> dict[str, refdata.Place]:
    if not _CITY_INDEX:
        _CITY_INDEX.update({p.name.lower(): p for p in refdata.geo("cities")})
    return _CITY_INDEX


def rebuild(session: Session) -> int:
    """Replace the ABM rows by those the current prescribers give (caller commits); returns the row count."""
    session.execute(delete(AbmProfessional))
    session.execute(delete(AbmMapping))
    prescribers = session.execute(select(Prescriber.npi, Prescriber.specialty, Prescriber.state, Prescriber.city,
                                         Prescriber.zip).order_by(Prescriber.npi)).all()
    unknown = sorted({(p.specialty or "").strip() for p in prescribers
                      if cat.known_speciality(p.specialty or "") is None}, key=lambda s: (s.lower(), s))
    extra = {name: cat.Speciality(cat.UNKNOWN_SPECIALITY_BASE + i, name, None, None) for i, name in enumerate(unknown)}
    accounts: dict[tuple[str, str], _Account] = {}
    members: list[tuple[str, tuple[str, str], tuple[int, str], cat.Speciality, int | None, str, str]] = []
    for p in prescribers:
        speciality = cat.known_speciality(p.specialty or "") or extra[(p.specialty or "").strip()]
        state = master.STATES_BY_CODE.get(p.state)
        state_name = state.name if state is not None else p.state
        city_id, city_name = _place_of(p.city, p.state, p.zip)
        kind = cat.account_kind_of(p.npi, speciality.kind)
        city_short = city_name.rsplit(", ", 1)[0]
        name = kind.pattern.format(city=city_short, speciality=speciality.name)
        key = (name, city_name)
        if key not in accounts:
            system = cat.health_system_pattern(f"{name}|{city_name}").format(state=state_name)
            accounts[key] = _Account(name, kind, system)
        members.append((p.npi, key, cat.title_of(p.npi, speciality.kind), speciality, city_id, city_name, p.state))
    systems = {name: cat.HEALTH_SYSTEM_BASE + i
               for i, name in enumerate(sorted({a.system_name for a in accounts.values()}))}
    for i, key in enumerate(sorted(accounts)):
        accounts[key].id = cat.ACCOUNT_BASE + i
    groups: dict[tuple[Any, ...], list[str]] = {}
    facts: dict[tuple[Any, ...], dict[str, Any]] = {}
    for npi, key, title, speciality, city_id, city_name, state_code in members:
        account = accounts[key]
        group = (account.name, city_name, title[1], speciality.name, account.id, title[0], speciality.id)
        groups.setdefault(group, []).append(npi)
        if group not in facts:
            state = master.STATES_BY_CODE.get(state_code)
            facts[group] = {
                "data_provider_id": 1, "health_system_id": systems[account.system_name],
                "health_system_name": account.system_name, "account_id": account.id, "account_name": account.name,
                "account_type_id": account.kind.account_type[0], "account_type_name": account.kind.account_type[1],
                "account_subtype_id": account.kind.subtype[0], "account_subtype_name": account.kind.subtype[1],
                "title_id": title[0], "title_name": title[1], "speciality_id": speciality.id,
                "speciality_name": speciality.name, "taxonomy_code": speciality.taxonomy,
                "audience_subtype_id": cat.SUBTYPE_OF_KIND.get(speciality.kind or ""),
                "country_id": master.COUNTRY_US, "state_id": state.id if state is not None else None,
                "state_name": state.name if state is not None else state_code, "city_id": city_id,
                "city_name": city_name,
            }
    mapping_rows: list[dict[str, Any]] = []
    professional_rows: list[dict[str, Any]] = []
    for mapping_id, group in enumerate(sorted(groups), start=1):
        mapping_rows.append({"id": mapping_id, **facts[group], "reach": len(groups[group])})
        professional_rows.extend({"npi": npi, "mapping_id": mapping_id} for npi in groups[group])
    for table, rows in ((AbmMapping, mapping_rows), (AbmProfessional, professional_rows)):
        for offset in range(0, len(rows), CHUNK):
            session.connection().execute(insert(table), rows[offset: offset + CHUNK])
    session.flush()
    return len(mapping_rows)


# ------------------------------------------------------------------------------------------- filters

@dataclass
class Filters:
    """Parsed filters of a healthcare-data request (ids already validated as ids)."""

    provider_ids: list[int] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    system_ids: list[int] = field(default_factory=list)
    account_ids: list[int] = field(default_factory=list)
    type_ids: list[int] = field(default_factory=list)
    subtype_ids: list[int] = field(default_factory=list)
    title_ids: list[int] = field(default_factory=list)
    speciality_ids: list[int] = field(default_factory=list)
    country_ids: list[int] = field(default_factory=list)
    state_ids: list[int] = field(default_factory=list)
    city_ids: list[int] = field(default_factory=list)
    audience_subtype_ids: list[int] = field(default_factory=list)
    include_generic: bool = False
    search: str | None = None

    def check_providers(self, *, required: bool = True) -> None:
        if required and not self.provider_ids:
            raise ValidationFailed("dataProviderIds is required.", field="dataProviderIds")
        unknown = [i for i in self.provider_ids if i not in cat.PROVIDERS]
        if unknown:
            raise ValidationFailed(f"Invalid data provider id: {', '.join(map(str, unknown))}.",
                                   field="dataProviderIds")


_COLUMN_OF = {
    "ids": AbmMapping.id, "system_ids": AbmMapping.health_system_id, "account_ids": AbmMapping.account_id,
    "type_ids": AbmMapping.account_type_id, "subtype_ids": AbmMapping.account_subtype_id,
    "title_ids": AbmMapping.title_id, "speciality_ids": AbmMapping.speciality_id,
    "country_ids": AbmMapping.country_id, "state_ids": AbmMapping.state_id, "city_ids": AbmMapping.city_id,
    "provider_ids": AbmMapping.data_provider_id,
}
_TEXT_COLUMNS = (AbmMapping.health_system_name, AbmMapping.account_name, AbmMapping.account_type_name,
                 AbmMapping.account_subtype_name, AbmMapping.title_name, AbmMapping.speciality_name,
                 AbmMapping.city_name, AbmMapping.state_name)


def _provider_only(f: Filters) -> list[ColumnElement[bool]]:
    return [in_ids(AbmMapping.data_provider_id, f.provider_ids)] if f.provider_ids else []


def conditions(f: Filters, *, search_columns: Sequence[Any] = _TEXT_COLUMNS,
               search_id: Any = AbmMapping.id) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    for name, column in _COLUMN_OF.items():
        ids = getattr(f, name)
        if ids:
            out.append(in_ids(column, ids))
    if f.audience_subtype_ids:
        wanted = in_ids(AbmMapping.audience_subtype_id, f.audience_subtype_ids)
        out.append(or_(wanted, AbmMapping.audience_subtype_id.is_(None)) if f.include_generic else wanted)
    found = search_condition(f.search, search_columns, search_id)
    if found is not None:
        out.append(found)
    return out


def _count(session: Session, where: Sequence[ColumnElement[bool]]) -> int:
    return int(session.scalar(select(func.count()).select_from(AbmMapping).where(*where)) or 0)


def page_window(page_no: int | None, no_of_entries: int | None) -> tuple[int, int | None]:
    """(offset, limit) of IQM's paging: pageNo from 1 (0 is the first page too), -1 for every row."""
    if page_no == -1:
        return 0, None
    size = no_of_entries or DEFAULT_PAGE_SIZE
    return (max(page_no or 1, 1) - 1) * size, size


SORTABLE = {
    "id": AbmMapping.id, "reach": AbmMapping.reach, "cost": AbmMapping.id,
    "healthCareSystemName": func.lower(AbmMapping.health_system_name),
    "accountName": func.lower(AbmMapping.account_name), "accountTypeName": func.lower(AbmMapping.account_type_name),
    "accountSubTypeName": func.lower(AbmMapping.account_subtype_name), "titleName": func.lower(AbmMapping.title_name),
    "specialityName": func.lower(AbmMapping.speciality_name), "stateName": func.lower(AbmMapping.state_name),
    "cityName": func.lower(AbmMapping.city_name),
}


def wire_row(row: AbmMapping) -> dict[str, Any]:
    provider = cat.PROVIDERS.get(row.data_provider_id)
    cost = provider.cost if provider is not None else 0
    country = master.COUNTRIES_BY_ID.get(row.country_id)
    return {
        "id": row.id, "cost": int(cost) if cost == int(cost) else float(cost), "reach": row.reach,
        "healthCareSystemId": row.health_system_id, "healthCareSystemName": row.health_system_name,
        "accountId": row.account_id, "accountName": row.account_name,
        "accountTypeId": row.account_type_id, "accountTypeName": row.account_type_name,
        "accountSubTypeId": row.account_subtype_id, "accountSubTypeName": row.account_subtype_name,
        "titleId": row.title_id, "titleName": row.title_name,
        "specialityId": row.speciality_id, "specialityName": row.speciality_name, "taxonomyCode": row.taxonomy_code,
        "countryId": row.country_id, "countryName": country.name if country is not None else "",
        "stateId": row.state_id, "stateName": row.state_name, "cityId": row.city_id, "cityName": row.city_name,
        "dataProviderId": row.data_provider_id, "dataProviderName": provider.name if provider is not None else "",
        "audienceSubtypeId": row.audience_subtype_id,
    }


def data_page(session: Session, f: Filters, *, page_no: int | None, no_of_entries: int | None,
              sort_by: str | None, order: str | None) -> dict[str, Any]:
    """POST /abm/healthcare-data: one page of the rows the filters select, with both counts."""
    sort = parse_sort(sort_by, SORTABLE, "id", order=order)
    where = conditions(f)
    offset, limit = page_window(page_no, no_of_entries)
    stmt = apply_sort(select(AbmMapping).where(*where), sort, AbmMapping.id).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return {"totalRecords": _count(session, _provider_only(f)), "filteredRecords": _count(session, where),
            "healthCareData": [wire_row(row) for row in session.scalars(stmt)]}


def statistics(session: Session, f: Filters) -> dict[str, int]:
    """Distinct health systems, accounts, account types and specialities, and professionals (NPIs)."""
    row = session.execute(select(
        func.count(distinct(AbmMapping.health_system_id)), func.count(distinct(AbmMapping.account_id)),
        func.count(distinct(AbmMapping.account_type_id)), func.coalesce(func.sum(AbmMapping.reach), 0),
        func.count(distinct(AbmMapping.speciality_id))).where(*conditions(f))).one()
    return {"healthSystem": int(row[0]), "account": int(row[1]), "accountType": int(row[2]),
            "npiReach": int(row[3]), "speciality": int(row[4])}


def audience_statistics(session: Session, audience_id: int) -> dict[str, int]:
    """The statistics of the professionals an ABM audience selected (as the reference data now places them);
    `npiReach` counts the NPIs it selected."""
    mine = select(AbmProfessional.mapping_id).join(AudienceNpi, AudienceNpi.npi == AbmProfessional.npi).where(
        AudienceNpi.audience_id == audience_id)
    row = session.execute(select(
        func.count(distinct(AbmMapping.health_system_id)), func.count(distinct(AbmMapping.account_id)),
        func.count(distinct(AbmMapping.account_type_id)), func.count(distinct(AbmMapping.speciality_id)))
        .where(AbmMapping.id.in_(mine))).one()
    npis = session.scalar(select(func.count()).select_from(AudienceNpi).where(AudienceNpi.audience_id == audience_id))
    return {"healthSystem": int(row[0]), "account": int(row[1]), "accountType": int(row[2]),
            "npiReach": int(npis or 0), "speciality": int(row[3])}


# ---------------------------------------------------------------------------------------- value lists

@dataclass(frozen=True)
class ValueList:
    key: str  # the answer's list key
    id_column: Any
    name_column: Any


VALUE_LISTS = {
    "title": ValueList("titleList", AbmMapping.title_id, AbmMapping.title_name),
    "speciality": ValueList("specialityList", AbmMapping.speciality_id, AbmMapping.speciality_name),
    "system": ValueList("healthcareSystemList", AbmMapping.health_system_id, AbmMapping.health_system_name),
    "account_type": ValueList("accountTypeList", AbmMapping.account_type_id, AbmMapping.account_type_name),
    "account_subtype": ValueList("accountSubTypeList", AbmMapping.account_subtype_id,
                                 AbmMapping.account_subtype_name),
    "account": ValueList("accountNameList", AbmMapping.account_id, AbmMapping.account_name),
}


def value_list(session: Session, kind: str, f: Filters, *, page_no: int | None,
               no_of_entries: int | None) -> dict[str, Any]:
    """The distinct values of one attribute among the rows the filters select, by name; `searchField` looks in
    the value's name (or is its id). `reach` counts the value's professionals; `audienceSubtypeId` is the
    subtype all of them share (None when they differ or have none)."""
    spec = VALUE_LISTS[kind]
    where = conditions(f, search_columns=[spec.name_column], search_id=spec.id_column)
    subtype = case((func.count() == func.count(AbmMapping.audience_subtype_id),
                    case((func.min(AbmMapping.audience_subtype_id) == func.max(AbmMapping.audience_subtype_id),
                          func.min(AbmMapping.audience_subtype_id)))))
    grouped = (select(spec.id_column.label("id"), spec.name_column.label("name"),
                      func.sum(AbmMapping.reach).label("reach"), subtype.label("subtype"))
               .group_by(spec.id_column, spec.name_column))
    total = _count_groups(session, grouped.where(*_provider_only(f)))
    filtered = grouped.where(*where)
    offset, limit = page_window(page_no, no_of_entries)
    sub = filtered.subquery()
    page = select(sub).order_by(func.lower(sub.c.name), sub.c.id).offset(offset)
    if limit is not None:
        page = page.limit(limit)
    items = [{"id": int(r.id), "displayName": r.name, "displayOrder": offset + i + 1, "reach": int(r.reach or 0),
              "audienceSubtypeId": int(r.subtype) if r.subtype is not None else None}
             for i, r in enumerate(session.execute(page))]
    return {spec.key: items, "filteredRecords": _count_groups(session, filtered), "totalRecords": total}


def _count_groups(session: Session, grouped: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(grouped.subquery())) or 0)


# ------------------------------------------------------------------------------------------ selection

def npis_of_mappings(session: Session, provider_id: int, mapping_ids: Sequence[int]) -> list[str]:
    """The NPIs of the given rows; 422 naming `healthCareDataMappingIds` when one is not a row of the provider."""
    found: set[int] = set()
    for offset in range(0, len(mapping_ids), CHUNK):
        part = list(mapping_ids[offset: offset + CHUNK])
        found |= set(session.scalars(select(AbmMapping.id).where(in_ids(AbmMapping.id, part),
                                                                 AbmMapping.data_provider_id == provider_id)))
    missing = [i for i in mapping_ids if i not in found]
    if missing:
        raise ValidationFailed(f"Unknown healthcare data mapping id: {', '.join(map(str, missing[:10]))}.",
                               field="healthCareDataMappingIds")
    npis: list[str] = []
    for offset in range(0, len(mapping_ids), CHUNK):
        part = list(mapping_ids[offset: offset + CHUNK])
        npis.extend(session.scalars(select(AbmProfessional.npi).where(AbmProfessional.mapping_id.in_(part))))
    return sorted(set(npis))


def npis_of_filters(session: Session, f: Filters) -> list[str]:
    """The NPIs of every row the filters select (no paging)."""
    rows = select(AbmMapping.id).where(*conditions(f))
    return sorted(session.scalars(select(AbmProfessional.npi).where(AbmProfessional.mapping_id.in_(rows))))


# ------------------------------------------------------------------------------------- filter files

# IQM's system column names (its `columns` sample), compared without case, spaces or punctuation; "NPI" is
# adplane's addition (the rows holding those professionals come back as `ids`).
SYSTEM_COLUMNS = {
    "title": "title", "titlename": "title",
    "accounttype": "account_type", "accounttypename": "account_type",
    "accountsubtype": "account_subtype", "accountsubtypename": "account_subtype",
    "healthsystemname": "system", "healthsystem": "system", "healthcaresystem": "system",
    "healthcaresystemname": "system",
    "accountname": "account", "account": "account",
    "speciality": "speciality", "specialty": "speciality", "specialityname": "speciality",
    "specialtyname": "speciality",
    "city": "city", "cityname": "city", "state": "state", "statename": "state",
    "country": "country", "countryname": "country", "npi": "npi", "npiid": "npi", "npinumber": "npi",
}
FILE_KEYS = {"system": "healthcareSystemIds", "account": "healthcareAccountIds", "account_type": "accountTypeIds",
             "account_subtype": "accountSubTypeIds", "title": "titleIds", "speciality": "specialityIds",
             "country": "countryIds", "state": "stateIds", "city": "cityIds", "npi": "ids"}


def system_column(name: Any) -> str | None:
    text = "".join(ch for ch in str(name).lower() if ch.isalnum())
    return SYSTEM_COLUMNS.get(text)


def _names(session: Session, provider_id: int, id_column: Any, name_column: Any) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    rows = session.execute(select(id_column, name_column).where(AbmMapping.data_provider_id == provider_id).distinct())
    for item_id, name in rows:
        if item_id is not None:
            out.setdefault(str(name).strip().lower(), set()).add(int(item_id))
    return out


def _lookups(session: Session, provider_id: int) -> dict[str, dict[str, set[int]]]:
    """attribute → (name in lower case → ids) for resolving a filter file's cells."""
    out = {kind: _names(session, provider_id, spec.id_column, spec.name_column) for kind, spec in VALUE_LISTS.items()}
    for speciality in cat.SPECIALITIES:
        out["speciality"].setdefault(speciality.name.lower(), set()).add(speciality.id)
    for title_id, title in (cat.TITLE_MD, cat.TITLE_DO, cat.TITLE_NP, cat.TITLE_PA, cat.TITLE_RN, cat.TITLE_PHARMD,
                            cat.TITLE_OTHER):
        out["title"].setdefault(title.lower(), set()).add(title_id)
    for type_id, type_name in cat.ACCOUNT_TYPES:
        out["account_type"].setdefault(type_name.lower(), set()).add(type_id)
    for subtype_id, subtype_name in cat.ACCOUNT_SUBTYPES:
        out["account_subtype"].setdefault(subtype_name.lower(), set()).add(subtype_id)
    out["state"] = {}
    for state in master.STATES:
        for key in (state.name.lower(), state.code.lower()):
            out["state"].setdefault(key, set()).add(state.id)
    out["country"] = {}
    for country in master.COUNTRIES:
        for key in (country.name.lower(), country.code.lower()):
            out["country"].setdefault(key, set()).add(country.id)
    out["country"].setdefault("usa", set()).add(master.COUNTRY_US)
    out["city"] = {}
    for city_id, city_name in session.execute(select(AbmMapping.city_id, AbmMapping.city_name)
                                              .where(AbmMapping.data_provider_id == provider_id).distinct()):
        if city_id is None:
            continue
        full = str(city_name).lower()
        for key in (full, full.rsplit(", ", 1)[0]):
            out["city"].setdefault(key, set()).add(int(city_id))
    return out


def _npi_rows(session: Session, npis: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    ordered = sorted(npis)
    for offset in range(0, len(ordered), CHUNK):
        part = ordered[offset: offset + CHUNK]
        found.update(session.execute(select(AbmProfessional.npi, AbmProfessional.mapping_id)
                                     .where(AbmProfessional.npi.in_(part))).tuples().all())
    return found


@dataclass
class FileFilters:
    ids: dict[str, set[int]]
    rows: int
    matched_rows: int

    def answer(self) -> dict[str, Any]:
        rate = round(self.matched_rows * 100 / self.rows, 2) if self.rows else 0
        data: dict[str, Any] = {key: sorted(self.ids.get(kind, set())) for kind, key in FILE_KEYS.items()}
        return {"healthCareFilterData": data, "matchingRate": int(rate) if rate == int(rate) else rate,
                "totalRows": self.rows, "matchedRows": self.matched_rows}


def filters_from_rows(session: Session, provider_id: int, rows: Any, columns: dict[str, str]) -> FileFilters:
    """Resolve a filter file: `rows` yields the header first, `columns` maps file headers to IQM's system column
    names. A row matches when it has a value in a mapped column and every such value names a known
    attribute (a city may be "City" or "City, ST"; a state its name or code); the ids of matched rows' values
    are the answer, `matchingRate` the percentage of non-blank rows that matched."""
    iterator = iter(rows)
    header: list[str] = []
    for row in iterator:
        if any(cell.strip() for cell in row):
            header = [cell.strip() for cell in row]
            break
    positions: list[tuple[int, str]] = []
    for file_column, system in columns.items():
        kind = system_column(system)
        if kind is None:
            raise ValidationFailed("Invalid System column provided.", field="columns")
        if file_column.strip() not in header:
            raise ValidationFailed(f"Column '{file_column}' is not in the file.", field="columns")
        positions.append((header.index(file_column.strip()), kind))
    lookups = _lookups(session, provider_id)
    found: dict[str, set[int]] = {}
    total = matched = 0
    pending_npis: list[tuple[dict[str, set[int]], set[str]]] = []
    for row in iterator:
        cells = [(kind, row[i].strip()) for i, kind in positions if i < len(row) and row[i].strip()]
        if not any(cell.strip() for cell in row):
            continue
        total += 1
        if not cells:
            continue
        resolved: dict[str, set[int]] = {}
        npis: set[str] = set()
        ok = True
        for kind, value in cells:
            if kind == "npi":
                npis.add(value)
                continue
            ids = lookups[kind].get(value.lower())
            if not ids:
                ok = False
                break
            resolved.setdefault(kind, set()).update(ids)
        if ok:
            pending_npis.append((resolved, npis))
    known = _npi_rows(session, {n for _, npis in pending_npis for n in npis})
    for resolved, npis in pending_npis:
        if any(n not in known for n in npis):
            continue
        matched += 1
        if npis:
            resolved.setdefault("npi", set()).update(known[n] for n in npis)
        for kind, ids in resolved.items():
            found.setdefault(kind, set()).update(ids)
    return FileFilters(found, total, matched)
