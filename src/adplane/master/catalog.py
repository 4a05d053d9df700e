"""The platform's static catalog: every list with stable integer ids that the rest of the system uses.

Ids the seeds and IQM's specification show are kept (timezone 29 US/Eastern, country 30100001,
creative type 11 Image, ...); the others are assigned here once and must never change, because
campaigns, insertion orders and reports store them.
"""

from __future__ import annotations

import zlib
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from adplane.master import refdata

# --------------------------------------------------------------------------- data classes


@dataclass(frozen=True)
class Timezone:
    id: int
    name: str  # IANA name
    label: str
    offset: str  # UTC offset on the reference date, e.g. "UTC-05:00"


@dataclass(frozen=True)
class NamedItem:
    """A static list entry as IQM's v3 `cmp/static` endpoints show it (name, id, label, order)."""

    id: int
    name: str
    label: str
    order: int


@dataclass(frozen=True)
class CreativeType:
    id: int
    name: str
    display_name: str
    order: int
    rtb_creative_type_id: int


@dataclass(frozen=True)
class CreativeStatus:
    id: int
    name: str
    display_name: str
    order: int


@dataclass(frozen=True)
class CampaignStatus:
    """`key` is the wire value of a campaign's `status`; `order` is seed 004's count order."""

    id: int
    key: str
    label: str
    order: int


@dataclass(frozen=True)
class Segment:
    """A targeting segment (`/api/v2/master/segment/...`): id and name."""

    id: int
    name: str


@dataclass(frozen=True)
class Country:
    id: int
    name: str
    code: str  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class State:
    id: int
    name: str
    code: str  # postal abbreviation, what IQM shows as the state's `name`
    country_id: int


@dataclass(frozen=True)
class Exchange:
    id: int
    name: str
    url_name: str


@dataclass(frozen=True)
class Dma:
    code: int  # Nielsen DMA code
    name: str
    state_code: str


@dataclass(frozen=True)
class City:
    name: str
    state_code: str
    zips: tuple[str, ...]
    dma_code: int | None = None


# --------------------------------------------------------------------------- timezones

FIXED_TIMEZONE_IDS: dict[str, int] = {
    "US/Eastern": 29,
    "US/Central": 423,
    "US/Alaska": 420,
    "US/Arizona": 421,
    "Africa/Addis_Ababa": 149,
}
_DERIVED_TZ_BASE = 10_000
_DERIVED_TZ_SPAN = 90_000_000
_OFFSET_REFERENCE = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)


def _derived_timezone_id(name: str, taken: set[int]) -> int:
    """A stable id from the zone's name (CRC32), probing forward on the (rare) collision.

    Hash-based rather than positional so adding a zone to tzdata never renumbers the others.
    """
    candidate = _DERIVED_TZ_BASE + zlib.crc32(name.encode()) % _DERIVED_TZ_SPAN
    while candidate in taken:
        candidate += 1
    return candidate


def _offset_label(name: str) -> str:
    delta = _OFFSET_REFERENCE.astimezone(zoneinfo.ZoneInfo(name)).utcoffset()
    minutes = int(delta.total_seconds() // 60) if delta is not None else 0
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _build_timezones() -> list[Timezone]:
    names = sorted(zoneinfo.available_timezones() | set(FIXED_TIMEZONE_IDS))
    taken: set[int] = set(FIXED_TIMEZONE_IDS.values())
    result: list[Timezone] = []
    for name in names:
        if name in FIXED_TIMEZONE_IDS:
            tz_id = FIXED_TIMEZONE_IDS[name]
        else:
            tz_id = _derived_timezone_id(name, taken)
            taken.add(tz_id)
        result.append(Timezone(id=tz_id, name=name, label=name.replace("_", " "), offset=_offset_label(name)))
    return result


TIMEZONES: list[Timezone] = _build_timezones()
TIMEZONES_BY_ID: dict[int, Timezone] = {tz.id: tz for tz in TIMEZONES}
TIMEZONES_BY_NAME: dict[str, Timezone] = {tz.name: tz for tz in TIMEZONES}
assert len(TIMEZONES_BY_ID) == len(TIMEZONES), "timezone id collision"


def timezone_by_id(timezone_id: int | None) -> Timezone | None:
    return TIMEZONES_BY_ID.get(timezone_id) if timezone_id is not None else None


def timezone_by_name(name: str) -> Timezone | None:
    return TIMEZONES_BY_NAME.get(name)


@lru_cache(maxsize=1024)
def zoneinfo_for(timezone_id: int) -> zoneinfo.ZoneInfo:
    """The ZoneInfo of a catalog timezone id; KeyError for an unknown id."""
    tz = TIMEZONES_BY_ID.get(timezone_id)
    if tz is None:
        raise KeyError(f"unknown timezone id {timezone_id}")
    return zoneinfo.ZoneInfo(tz.name)


# --------------------------------------------------------------------------- campaign management lists

BUDGET_TYPE_CURRENCY = 1
BUDGET_TYPE_IMPRESSIONS = 2
BUDGET_TYPES: list[NamedItem] = [
    NamedItem(BUDGET_TYPE_CURRENCY, "budget", "Budget", 1),
    NamedItem(BUDGET_TYPE_IMPRESSIONS, "impression", "Impression", 2),
]

IO_STATUS_ACTIVE = 1
IO_STATUS_EXPIRED = 2
IO_STATUS_DELETED = 3
IO_STATUSES: list[NamedItem] = [
    NamedItem(IO_STATUS_ACTIVE, "active", "Active", 1),
    NamedItem(IO_STATUS_EXPIRED, "expired", "Expired", 2),
    NamedItem(IO_STATUS_DELETED, "deleted", "Deleted", 3),
]

BUDGET_DISTRIBUTION_MANUAL = 1
BUDGET_DISTRIBUTION_AUTO = 2
BUDGET_DISTRIBUTION_METHODS: list[NamedItem] = [
    NamedItem(BUDGET_DISTRIBUTION_MANUAL, "manual", "Manual", 1),
    NamedItem(BUDGET_DISTRIBUTION_AUTO, "auto", "Auto", 2),
]

CAMPAIGN_TYPE_ADVANCED = 1
CAMPAIGN_TYPE_PG = 2
CAMPAIGN_TYPES: list[NamedItem] = [
    NamedItem(CAMPAIGN_TYPE_ADVANCED, "advanced", "Advanced", 1),
    NamedItem(CAMPAIGN_TYPE_PG, "pg", "Programmatic Guaranteed", 2),
]

# Ids mirror the creative statuses where the meaning is shared; `order` is seed 004's count order
# (4 is unused there).
CAMPAIGN_STATUSES: list[CampaignStatus] = [
    CampaignStatus(2, "running", "Running", 0),
    CampaignStatus(1, "pending", "Pending", 1),
    CampaignStatus(3, "paused", "Paused", 2),
    CampaignStatus(6, "draft", "Draft", 3),
    CampaignStatus(4, "deleted", "Deleted", 5),
    CampaignStatus(7, "expired", "Expired", 6),
    CampaignStatus(5, "rejected", "Rejected", 7),
]
CAMPAIGN_STATUS_ALL = CampaignStatus(0, "all", "ALL", 8)

# --------------------------------------------------------------------------- creatives

CREATIVE_TYPE_IMAGE = 11
CREATIVE_TYPE_HTML = 13
CREATIVE_TYPE_VIDEO = 14
CREATIVE_TYPE_NATIVE = 15
CREATIVE_TYPE_AUDIO = 17
CREATIVE_TYPES: list[CreativeType] = [
    CreativeType(CREATIVE_TYPE_IMAGE, "Image", "Image", 100, 1),
    CreativeType(CREATIVE_TYPE_HTML, "HTML", "HTML", 100, 1),
    CreativeType(CREATIVE_TYPE_VIDEO, "Video", "Video", 100, 3),
    CreativeType(CREATIVE_TYPE_NATIVE, "Native", "Native", 100, 4),
    CreativeType(CREATIVE_TYPE_AUDIO, "Audio", "Audio", 100, 2),
]
CREATIVE_TYPE_ALL = CreativeType(0, "all", "All", 0, 0)

CREATIVE_STATUS_PENDING = 1
CREATIVE_STATUS_RUNNING = 2
CREATIVE_STATUS_PAUSED = 3
CREATIVE_STATUS_DELETED = 4
CREATIVE_STATUS_REJECTED = 5
CREATIVE_STATUSES: list[CreativeStatus] = [
    CreativeStatus(CREATIVE_STATUS_PENDING, "pending", "Pending", 1),
    CreativeStatus(CREATIVE_STATUS_RUNNING, "running", "Running", 2),
    CreativeStatus(CREATIVE_STATUS_PAUSED, "paused", "Paused", 3),
    CreativeStatus(CREATIVE_STATUS_REJECTED, "rejected", "Rejected", 4),
    CreativeStatus(CREATIVE_STATUS_DELETED, "deleted", "Deleted", 5),
]
CREATIVE_STATUS_ALL = CreativeStatus(0, "all", "All", 0)

# --------------------------------------------------------------------------- targeting segments

# Device and traffic type ids are the ones campaigns store (seed 003: deviceType "13,15,11,12").
DEVICE_TYPES: list[Segment] = [
    Segment(11, "Mobile"),
    Segment(12, "Tablet"),
    Segment(13, "Desktop"),
    Segment(14, "Unknown"),
    Segment(15, "Connected TV"),
]

# IQM's device-type ids (`/api/v3/master/segment/device-type`) for the ids campaigns stored before;
# campaign writes accept either and store the legacy id.
DEVICE_TYPE_IQM_IDS: dict[int, int] = {11: 20300001, 13: 20300002, 15: 20300003, 12: 20300004, 14: 20399999}
_LEGACY_DEVICE_TYPE_IDS = {iqm: legacy for legacy, iqm in DEVICE_TYPE_IQM_IDS.items()}


def iqm_device_type_id(device_type_id: int) -> int:
    """IQM's id of a device type given by either id (unknown ids are returned as they are)."""
    return DEVICE_TYPE_IQM_IDS.get(device_type_id, device_type_id)


def legacy_device_type_id(device_type_id: int) -> int:
    """The stored (11-15) id of a device type given by either id (unknown ids are returned as they are)."""
    return _LEGACY_DEVICE_TYPE_IDS.get(device_type_id, device_type_id)


# IQM's traffic types (`/api/v3/master/traffic-types`). adplane named 13 "CTV" and 14 "DOOH" before;
# 13 was only ever produced for connected-TV supply, which IQM's OTT (13) still describes, and 14 was
# never delivered, so the ids keep their stored meaning closely enough to take IQM's names.
TRAFFIC_TYPE_APP = 11
TRAFFIC_TYPE_WEB = 12
TRAFFIC_TYPE_OTT = 13
TRAFFIC_TYPE_CTV = 14
TRAFFIC_TYPES: list[Segment] = [
    Segment(TRAFFIC_TYPE_APP, "App"),
    Segment(TRAFFIC_TYPE_WEB, "Web"),
    Segment(TRAFFIC_TYPE_OTT, "OTT"),
    Segment(TRAFFIC_TYPE_CTV, "CTV"),
]
TV_TRAFFIC_TYPES = frozenset({TRAFFIC_TYPE_OTT, TRAFFIC_TYPE_CTV})  # IQM's `isTvAd`

GENDERS: list[Segment] = [
    Segment(10200001, "Male"),
    Segment(10200002, "Female"),
    Segment(10299999, "Unknown"),
]

AGE_RANGES: list[Segment] = [
    Segment(10100001, "13-17"),
    Segment(10100002, "18-24"),
    Segment(10100003, "25-34"),
    Segment(10100004, "35-44"),
    Segment(10100005, "45-54"),
    Segment(10100006, "55-64"),
    Segment(10100007, "65+"),
    Segment(10199999, "Unknown"),
]

OPERATING_SYSTEMS: list[Segment] = [
    Segment(11, "Android"),
    Segment(12, "iOS"),
    Segment(13, "Windows"),
    Segment(14, "macOS"),
    Segment(15, "Linux"),
    Segment(16, "Chrome OS"),
    Segment(17, "tvOS"),
    Segment(18, "Roku OS"),
    Segment(19, "Tizen"),
    Segment(20, "webOS"),
    Segment(21, "Fire OS"),
    Segment(99, "Other"),
]

EXCHANGES: list[Exchange] = [
    Exchange(1, "iQM", "test"),
    Exchange(11, "Google Ad Manager", "google"),
    Exchange(12, "PubMatic", "pubmatic"),
    Exchange(13, "OpenX", "openx"),
    Exchange(14, "Index Exchange", "indexexchange"),
    Exchange(15, "Xandr", "xandr"),
    Exchange(16, "TripleLift", "triplelift"),
    Exchange(17, "Smaato", "smaato"),
    Exchange(18, "InMobi", "inmobi"),
    Exchange(19, "Verve", "verve"),
    Exchange(20, "Sovrn", "sovrn"),
    Exchange(21, "Yieldmo", "yieldmo"),
    Exchange(22, "Unruly", "unruly"),
    Exchange(23, "Sharethrough", "sharethrough"),
    Exchange(24, "Media.net", "medianet"),
    Exchange(25, "GumGum", "gumgum"),
    Exchange(26, "Kargo", "kargo"),
    Exchange(27, "Fyber", "fyber"),
    Exchange(28, "Chartboost", "chartboost"),
    Exchange(78, "Magnite", "magnite"),
    Exchange(80, "Equativ", "equativ"),
    Exchange(84, "Vidazoo", "vidazoo"),
]

# --------------------------------------------------------------------------- geography

COUNTRY_US = refdata.COUNTRY_US
# ISO 3166-1 and the 50 states and DC, from the package's reference data (ids in the data files).
COUNTRIES: list[Country] = [Country(p.id, p.name, p.abbreviation) for p in refdata.geo("countries")]
STATES: list[State] = [
    State(p.id, p.name, p.abbreviation, p.parent_id or COUNTRY_US) for p in refdata.geo("states")
]

# Nielsen's 210 DMAs from the package's reference data (the code is the abbreviation; the state is
# the market's principal state), so report labels name every DMA the simulator and ingestion produce.
_STATE_CODES = {p.id: p.abbreviation for p in refdata.geo("states")}
DMAS: list[Dma] = [
    Dma(int(p.abbreviation), p.name, _STATE_CODES.get(p.parent_id or 0, ""))
    for p in refdata.geo("dmas") if p.abbreviation.isdigit()
]

# One or two real cities per state with some of their ZIP codes (for the delivery simulator).
CITIES: list[City] = [
    City("Anchorage", "AK", ("99501", "99502", "99503")),
    City("Birmingham", "AL", ("35203", "35205")),
    City("Little Rock", "AR", ("72201", "72202")),
    City("Phoenix", "AZ", ("85001", "85003", "85004"), 753),
    City("Los Angeles", "CA", ("90001", "90012", "90028"), 803),
    City("San Francisco", "CA", ("94102", "94103", "94110"), 807),
    City("San Diego", "CA", ("92101", "92103"), 825),
    City("Denver", "CO", ("80202", "80203", "80205"), 751),
    City("Hartford", "CT", ("06103", "06105")),
    City("Washington", "DC", ("20001", "20002", "20005"), 511),
    City("Wilmington", "DE", ("19801", "19802")),
    City("Miami", "FL", ("33101", "33130", "33131"), 528),
    City("Atlanta", "GA", ("30303", "30308", "30309"), 524),
    City("Honolulu", "HI", ("96813", "96814")),
    City("Des Moines", "IA", ("50309", "50310")),
    City("Boise", "ID", ("83702", "83704")),
    City("Chicago", "IL", ("60601", "60602", "60614"), 602),
    City("Indianapolis", "IN", ("46204", "46202")),
    City("Wichita", "KS", ("67202", "67203")),
    City("Louisville", "KY", ("40202", "40203")),
    City("New Orleans", "LA", ("70112", "70116")),
    City("Boston", "MA", ("02108", "02109", "02116"), 506),
    City("Baltimore", "MD", ("21201", "21202")),
    City("Portland", "ME", ("04101", "04102")),
    City("Detroit", "MI", ("48201", "48226"), 505),
    City("Minneapolis", "MN", ("55401", "55402"), 613),
    City("St. Louis", "MO", ("63101", "63103"), 609),
    City("Jackson", "MS", ("39201", "39202")),
    City("Billings", "MT", ("59101", "59102")),
    City("Charlotte", "NC", ("28202", "28203")),
    City("Fargo", "ND", ("58102", "58103")),
    City("Omaha", "NE", ("68102", "68105")),
    City("Manchester", "NH", ("03101", "03102")),
    City("Newark", "NJ", ("07102", "07103")),
    City("Albuquerque", "NM", ("87102", "87104")),
    City("Las Vegas", "NV", ("89101", "89109")),
    City("New York", "NY", ("10001", "10002", "10011", "10019"), 501),
    City("Columbus", "OH", ("43215", "43201")),
    City("Cleveland", "OH", ("44113", "44114"), 510),
    City("Oklahoma City", "OK", ("73102", "73103")),
    City("Portland", "OR", ("97201", "97204", "97209"), 820),
    City("Philadelphia", "PA", ("19102", "19103", "19107"), 504),
    City("Providence", "RI", ("02903", "02906")),
    City("Charleston", "SC", ("29401", "29403")),
    City("Sioux Falls", "SD", ("57104", "57105")),
    City("Nashville", "TN", ("37201", "37203")),
    City("Houston", "TX", ("77002", "77003", "77006"), 618),
    City("Dallas", "TX", ("75201", "75202", "75204"), 623),
    City("Salt Lake City", "UT", ("84101", "84102")),
    City("Richmond", "VA", ("23219", "23220")),
    City("Burlington", "VT", ("05401", "05403")),
    City("Seattle", "WA", ("98101", "98102", "98104"), 819),
    City("Milwaukee", "WI", ("53202", "53203")),
    City("Charleston", "WV", ("25301", "25302")),
    City("Cheyenne", "WY", ("82001", "82007")),
]

# --------------------------------------------------------------------------- lookups

BUDGET_TYPES_BY_ID: dict[int, NamedItem] = {item.id: item for item in BUDGET_TYPES}
IO_STATUSES_BY_ID: dict[int, NamedItem] = {item.id: item for item in IO_STATUSES}
BUDGET_DISTRIBUTION_METHODS_BY_ID: dict[int, NamedItem] = {item.id: item for item in BUDGET_DISTRIBUTION_METHODS}
CAMPAIGN_TYPES_BY_ID: dict[int, NamedItem] = {item.id: item for item in CAMPAIGN_TYPES}
CAMPAIGN_STATUSES_BY_ID: dict[int, CampaignStatus] = {item.id: item for item in CAMPAIGN_STATUSES}
CAMPAIGN_STATUSES_BY_KEY: dict[str, CampaignStatus] = {item.key: item for item in CAMPAIGN_STATUSES}
CREATIVE_TYPES_BY_ID: dict[int, CreativeType] = {item.id: item for item in CREATIVE_TYPES}
CREATIVE_STATUSES_BY_ID: dict[int, CreativeStatus] = {item.id: item for item in CREATIVE_STATUSES}
CREATIVE_STATUSES_BY_NAME: dict[str, CreativeStatus] = {item.name: item for item in CREATIVE_STATUSES}
DEVICE_TYPES_BY_ID: dict[int, Segment] = {item.id: item for item in DEVICE_TYPES}
TRAFFIC_TYPES_BY_ID: dict[int, Segment] = {item.id: item for item in TRAFFIC_TYPES}
GENDERS_BY_ID: dict[int, Segment] = {item.id: item for item in GENDERS}
AGE_RANGES_BY_ID: dict[int, Segment] = {item.id: item for item in AGE_RANGES}
OPERATING_SYSTEMS_BY_ID: dict[int, Segment] = {item.id: item for item in OPERATING_SYSTEMS}
# IQM's device-OS ids (`/api/v2/master/segment/device-os`, 202xxxxx) name operating systems too; delivery data
# stores the OS name, so both ids resolve to it (the device-OS list uses the same names as OPERATING_SYSTEMS).
DEVICE_OS: list[Segment] = [Segment(p.id, p.name) for p in refdata.segment_list("device_os")]
OPERATING_SYSTEMS_BY_ID.update({item.id: item for item in DEVICE_OS})
_DEVICE_OS_BY_NAME = {item.name: item.id for item in DEVICE_OS}
OS_IQM_IDS: dict[int, int] = {item.id: _DEVICE_OS_BY_NAME[item.name] for item in OPERATING_SYSTEMS}
"""The legacy OS id (11-99) → IQM's device-OS id of the same name."""
# IAB Content Taxonomy 1.0 (`/api/v3/master/adcategories`): the ids campaigns take as `publisherAdCategory`
AD_CATEGORIES_BY_ID: dict[int, Segment] = {p.id: Segment(p.id, p.name) for p in refdata.segment_list("ad_categories")}
EXCHANGES_BY_ID: dict[int, Exchange] = {item.id: item for item in EXCHANGES}
COUNTRIES_BY_ID: dict[int, Country] = {item.id: item for item in COUNTRIES}
COUNTRIES_BY_CODE: dict[str, Country] = {item.code: item for item in COUNTRIES}
STATES_BY_ID: dict[int, State] = {item.id: item for item in STATES}
STATES_BY_CODE: dict[str, State] = {item.code: item for item in STATES}
DMAS_BY_CODE: dict[int, Dma] = {item.code: item for item in DMAS}


def cities_in_state(state_code: str) -> list[City]:
    return [city for city in CITIES if city.state_code == state_code]


def states_of_country(country_id: int) -> list[State]:
    return [state for state in STATES if state.country_id == country_id]
