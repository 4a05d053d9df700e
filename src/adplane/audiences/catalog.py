"""IQM's static audience lists (types, statuses, subtypes, matched-audience columns, data formats and
partners, geo-farmed frequencies, segment reach and price ranges), as the guides publish them.

Only Pydantic-free plain data: the endpoints and the rules both read it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

TYPE_MATCHED = 1
TYPE_SEGMENTED = 2
TYPE_RETARGETED = 3
TYPE_GEOFARMED = 4
TYPE_CONTEXTUAL = 5
TYPE_LOOKALIKE = 6
TYPE_CAMPAIGN = 7
TYPE_PREBID = 8
TYPE_CUSTOM_VOTER = 10
TYPE_ABM = 11  # IQM's healthcare Account-Based Marketing audiences (not in the published type list)

AUDIENCE_TYPES = [
    {"id": TYPE_MATCHED, "name": "Matched Audience", "order": 1, "displayName": "Matched Audience"},
    {"id": TYPE_SEGMENTED, "name": "Segmented Audience", "order": 2, "displayName": "Segmented Audience"},
    {"id": TYPE_CUSTOM_VOTER, "name": "Custom Voter Audience", "order": 3, "displayName": "Custom Voter Audience"},
    {"id": TYPE_RETARGETED, "name": "Retargeted Audience", "order": 4, "displayName": "Retargeted Audience"},
    {"id": TYPE_GEOFARMED, "name": "Geofarmed Audience", "order": 5, "displayName": "Geofarmed Audience"},
    {"id": TYPE_CONTEXTUAL, "name": "Contextual Audience", "order": 6, "displayName": "Contextual Audience"},
    {"id": TYPE_LOOKALIKE, "name": "Lookalike Audience", "order": 7, "displayName": "Lookalike Audience"},
    {"id": TYPE_CAMPAIGN, "name": "Campaign Audience", "order": 8, "displayName": "Campaign Audience"},
    {"id": TYPE_PREBID, "name": "Pre-bid Audience", "order": 9, "displayName": "Pre-bid Audience"},
    {"id": TYPE_ABM, "name": "ABM Audience", "order": 10, "displayName": "ABM Audience"},
]
TYPE_IDS = {t["id"] for t in AUDIENCE_TYPES}

STATUS_PROCESSING = 1
STATUS_PENDING = 2  # matched and waiting for a workspace admin's approval
STATUS_READY = 3
STATUS_REJECTED = 4
STATUS_FAILED = 6
STATUS_FETCHING = 7
STATUS_FETCHED = 8

AUDIENCE_STATUSES = [
    {"id": STATUS_FAILED, "name": "failed", "order": 1, "displayName": "Failed"},
    {"id": STATUS_PENDING, "name": "pending", "order": 2, "displayName": "Pending"},
    {"id": STATUS_PROCESSING, "name": "processing", "order": 3, "displayName": "Processing"},
    {"id": STATUS_FETCHING, "name": "fetching data", "order": 4, "displayName": "Fetching Data"},
    {"id": STATUS_FETCHED, "name": "data fetched", "order": 5, "displayName": "Data Fetched"},
    {"id": STATUS_REJECTED, "name": "rejected", "order": 6, "displayName": "Rejected"},
    {"id": STATUS_READY, "name": "ready", "order": 7, "displayName": "Ready"},
]
STATUS_IDS = {s["id"] for s in AUDIENCE_STATUSES}
STATUS_NAMES = {s["id"]: s["displayName"] for s in AUDIENCE_STATUSES}

AUDIENCE_SUBTYPES = [
    {"id": 3, "name": "hcp", "order": 3, "displayName": "HCP", "typeIds": [TYPE_MATCHED, TYPE_ABM]},
    {"id": 4, "name": "npi_nurse", "order": 4, "displayName": "Nurse", "typeIds": [TYPE_MATCHED, TYPE_ABM]},
    {"id": 5, "name": "non_npi_nurse", "order": 5, "displayName": "Non-NPI Nurse", "typeIds": [TYPE_MATCHED]},
    {"id": 6, "name": "patient", "order": 6, "displayName": "Patient", "typeIds": [TYPE_MATCHED]},
]
SUBTYPE_IDS = {s["id"] for s in AUDIENCE_SUBTYPES}

FORMAT_RAW = 1
FORMAT_MD5 = 2
FORMAT_SHA1 = 3
FORMAT_SHA256 = 4
FORMAT_SHA512 = 5
FORMAT_OTHER = 6
DATA_FORMATS = [
    {"id": FORMAT_RAW, "name": "Raw", "order": 1, "displayName": "Raw"},
    {"id": FORMAT_MD5, "name": "MD5", "order": 2, "displayName": "Hashed (MD5)"},
    {"id": FORMAT_SHA1, "name": "SHA1", "order": 3, "displayName": "Hashed (SHA1)"},
    {"id": FORMAT_SHA256, "name": "SHA256", "order": 4, "displayName": "Hashed (SHA256)"},
    {"id": FORMAT_SHA512, "name": "SHA512", "order": 5, "displayName": "Hashed (SHA512)"},
    {"id": FORMAT_OTHER, "name": "Other", "order": 6, "displayName": "Hashed (other)"},
]
DATA_FORMAT_IDS = {f["id"] for f in DATA_FORMATS}
# The identity store keeps SHA-256, SHA-1 and MD5 digests of each normalised identifier; SHA-512 and
# unnamed hashes cannot be compared with it.
MATCHABLE_FORMATS = {FORMAT_RAW, FORMAT_MD5, FORMAT_SHA1, FORMAT_SHA256}


@dataclass(frozen=True)
class DataPartner:
    id: int
    name: str
    display_name: str
    cpm: Decimal

    def wire(self, order: int) -> dict:
        return {"id": self.id, "name": self.name, "order": order, "displayName": self.display_name,
                "cpm": int(self.cpm) if self.cpm == int(self.cpm) else float(self.cpm), "logoUrl": ""}


DATA_PARTNERS = [
    DataPartner(1, "iqm", "IQM", Decimal("0")),
    DataPartner(2, "l2_voter", "L2 Voter Data", Decimal("1.5")),
    DataPartner(5, "iqvia_npi_id", "IQVIA ID", Decimal("12")),
    DataPartner(7, "hl_npi_id", "Healthlink ID", Decimal("10")),
    DataPartner(8, "data360_npi_id", "Data360 ID", Decimal("15")),
]
DATA_PARTNERS_BY_ID = {p.id: p for p in DATA_PARTNERS}

# Identifier kinds of the identity store.
KIND_EMAIL = 1
KIND_PHONE = 2
KIND_DEVICE = 3  # mobile advertising id (IDFA/AAID) or CTV device id
KIND_NPI = 4
KIND_NAMES = {KIND_EMAIL: "email", KIND_PHONE: "phone", KIND_DEVICE: "device", KIND_NPI: "npi"}


@dataclass(frozen=True)
class MatchColumn:
    id: int
    key: str
    display_name: str
    order: int
    kind: int | None  # the identity kind it matches on; None: a descriptive column kept with the row
    hashable: bool = False

    def wire(self) -> dict:
        out: dict = {"id": self.id, "name": self.key, "order": self.order, "displayName": self.display_name,
                     "label": self.display_name, "key": self.key, "isSingleColumn": self.kind is not None}
        if self.hashable:
            out["dataFormatIds"] = sorted(DATA_FORMAT_IDS)
        return out


# IQM's column list (ids as its quickstart and healthcare samples use them: 26 and 18 are both NPI);
# 27 (Device ID) is adplane's own addition for mobile advertising ids.
MATCH_COLUMNS = [
    MatchColumn(1, "Voters_ID", "Voter ID", 1, None),
    MatchColumn(26, "NPI_ID", "NPI ID", 2, KIND_NPI),
    MatchColumn(18, "NPI_ID", "NPI ID", 2, KIND_NPI),
    MatchColumn(2, "Email", "Email", 3, KIND_EMAIL, hashable=True),
    MatchColumn(3, "Phone", "Phone", 4, KIND_PHONE, hashable=True),
    MatchColumn(27, "Device_ID", "Device ID (MAID)", 5, KIND_DEVICE, hashable=True),
    MatchColumn(4, "Residence_FullAddress", "Full Address", 6, None),
    MatchColumn(5, "Voters_FirstName", "First Name", 7, None),
    MatchColumn(6, "Voters_LastName", "Last Name", 8, None),
    MatchColumn(19, "First_Name", "First Name", 7, None),
    MatchColumn(20, "Last_Name", "Last Name", 8, None),
    MatchColumn(7, "Residence_Addresses_Zip", "Zip", 9, None),
    MatchColumn(8, "Residence_Addresses_State", "State", 10, None),
    MatchColumn(9, "Residence_Addresses_AddressLine", "Street Address", 11, None),
    MatchColumn(10, "Voters_FullName", "Full Name", 12, None),
    MatchColumn(11, "Residence_Addresses_City", "City", 13, None),
    MatchColumn(12, "Residence_Addresses_ZipPlus4", "ZipPlus4", 14, None),
    MatchColumn(13, "Voters_Age", "Age", 15, None),
    MatchColumn(14, "Voters_Gender", "Gender", 16, None),
    MatchColumn(15, "Ethnic_Description", "Ethnicity", 17, None),
    MatchColumn(16, "Residence_Addresses_Latitude", "Latitude", 18, None),
    MatchColumn(17, "Residence_Addresses_Longitude", "Longitude", 19, None),
]
MATCH_COLUMNS_BY_ID = {c.id: c for c in MATCH_COLUMNS}

COLUMN_COMBINATIONS = [
    {"id": 1, "columnIds": [1, 2, 3, 4], "order": 1},
    {"id": 3, "columnIds": [3, 4, 8, 9], "order": 4},
    {"id": 5, "columnIds": [7, 8, 4, 9], "order": 6},
    {"id": 11, "columnIds": [2, 3, 27], "order": 7},
    {"id": 14, "columnIds": [18, 19, 20], "order": 8},
]
COLUMN_COMBINATION_IDS = {c["id"] for c in COLUMN_COMBINATIONS}

FREQUENCY_TYPES = [
    {"id": 1, "name": "total", "displayName": "Total", "order": 1},
    {"id": 2, "name": "weekly", "displayName": "Weekly", "order": 2},
    {"id": 3, "name": "monthly", "displayName": "Monthly", "order": 3},
]
FREQUENCY_IDS = {f["id"] for f in FREQUENCY_TYPES}

REACH_RANGES = [
    {"id": 1, "name": "Unknown", "order": 1, "displayName": "Unknown", "min": None, "max": None},
    {"id": 2, "name": "<10K", "order": 2, "displayName": "<10K", "min": 0, "max": 10_000},
    {"id": 3, "name": "10K to 100K", "order": 3, "displayName": "10K to 100K", "min": 10_000, "max": 100_000},
    {"id": 4, "name": "100K to 1M", "order": 4, "displayName": "100K to 1M", "min": 100_000, "max": 1_000_000},
    {"id": 5, "name": "1M+", "order": 5, "displayName": "1M+", "min": 1_000_000, "max": None},
]
PRICE_RANGES = [
    {"id": 1, "name": "$0 to $1", "order": 1, "displayName": "$0 to $1", "min": 0, "max": 1},
    {"id": 2, "name": "$1 to $2", "order": 2, "displayName": "$1 to $2", "min": 1, "max": 2},
    {"id": 3, "name": "$2 to $5", "order": 3, "displayName": "$2 to $5", "min": 2, "max": 5},
    {"id": 4, "name": "$5 to $10", "order": 4, "displayName": "$5 to $10", "min": 5, "max": 10},
    {"id": 5, "name": "$10+", "order": 5, "displayName": "$10+", "min": 10, "max": None},
]


def public(rows: list[dict], *hidden: str) -> list[dict]:
    """A static list without its internal keys."""
    return [{k: v for k, v in row.items() if k not in hidden} for row in rows]

# ------------------------------------------------------- retargeted, geo-farmed and contextual audiences
# (adplane.audiences.retargeting, .geofarm, .contextual)

RETARGET_BY_MONTH = "month"  # a rolling lookback of `dataCollectionPeriod` months
RETARGET_BY_DATE_RANGE = "date_range"  # visits between startDate and endDate (endDate optional)
RETARGET_MAX_MONTHS = 12

FREQUENCY_TOTAL = 1
FREQUENCY_WEEKLY = 2
FREQUENCY_MONTHLY = 3

COLLECTION_STATIC = 1  # contextual: a fixed window (startDate..endDate)
COLLECTION_DYNAMIC = 2  # contextual: the last `dataCollectionDays` days, rebuilt every 24 hours
DATA_COLLECTION_METHODS = [
    {"id": COLLECTION_STATIC, "name": "static", "order": 1, "displayName": "Static"},
    {"id": COLLECTION_DYNAMIC, "name": "dynamic", "order": 2, "displayName": "Dynamic"},
]

# Data CPM (USD) of the kinds. IQM's contextual examples price contextual data at $1.50; adplane prices
# geo-farmed data the same; retargeted audiences are the advertiser's own site visitors (no data cost).
RETARGETED_CPM = Decimal("0")
CONTEXTUAL_CPM = Decimal("1.5")
GEOFARMED_CPM = Decimal("1.5")
