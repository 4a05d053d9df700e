"""The attributes IQM's ABM healthcare data filters on, and how adplane derives them for each prescriber.

The reference dataset (`adplane.healthcare.dataset`) knows a prescriber's NPI, name, specialty text, state,
city and ZIP. IQM's rows also carry a title, a speciality id, an account (the practice or hospital), its type
and subtype and the health system it belongs to. adplane derives those deterministically:

- speciality: the specialty text matched (case-insensitively, with a few aliases) against `SPECIALITIES`, each
  with its NUCC Health Care Provider Taxonomy code; a text the list lacks becomes its own speciality (ids from
  40501001 in name order) with no taxonomy code, no title kind and no audience subtype ("generic" records);
- title: from the speciality's kind: physicians are MD, or DO for one in five (by a hash of the NPI);
  nurse practitioners NP, registered nurses RN, physician assistants PA, pharmacists PharmD, others "Other";
- audience subtype: HCP (3) for physicians, PAs and pharmacists, Nurse (4) for NPs and RNs;
- account: one of the city's accounts, picked by a hash of the NPI (pharmacists work at pharmacies): a
  general hospital, a university medical center, a community health center, an urgent care, a
  "<speciality> Associates" single-specialty group or a medical group;
- health system: one of two per state ("<State> Health System", "<State> Care Alliance"), by a hash of the
  account.

Ids are in IQM's number ranges (health systems 401xxxxx, accounts 402xxxxx, account types 403xxxxx, subtypes
404xxxxx, specialities and titles 405xxxxx); account and health-system ids are given in name order when the
rows are built. Geography ids are the master lists' (country 30100001, states, "City, ST" cities)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Provider:
    id: int
    name: str
    cost: Decimal  # data CPM, USD


# IQM's ABM samples: data provider 1 ("HealthCarelink" in the data rows, "Healthlink" in the audience details),
# cost 10 per row and dataCost 10 on the audience. Its matched-audience partner of the same data is id 7.
PROVIDERS = {1: Provider(1, "Healthlink", Decimal("10"))}
MATCHED_PARTNER_ID = 7

KIND_PHYSICIAN = "physician"
KIND_NP = "np"
KIND_RN = "rn"
KIND_PA = "pa"
KIND_PHARMACIST = "pharmacist"

SUBTYPE_HCP = 3
SUBTYPE_NURSE = 4
SUBTYPE_OF_KIND = {KIND_PHYSICIAN: SUBTYPE_HCP, KIND_PA: SUBTYPE_HCP, KIND_PHARMACIST: SUBTYPE_HCP,
                   KIND_NP: SUBTYPE_NURSE, KIND_RN: SUBTYPE_NURSE}


@dataclass(frozen=True)
class Speciality:
    id: int
    name: str
    taxonomy: str | None
    kind: str | None


_SPECIALITY_ROWS = (  # (name, NUCC taxonomy code, kind)
    ("Allergy & Immunology", "207K00000X", KIND_PHYSICIAN),
    ("Anesthesiology", "207L00000X", KIND_PHYSICIAN),
    ("Cardiology", "207RC0000X", KIND_PHYSICIAN),
    ("Dermatology", "207N00000X", KIND_PHYSICIAN),
    ("Emergency Medicine", "207P00000X", KIND_PHYSICIAN),
    ("Endocrinology", "207RE0101X", KIND_PHYSICIAN),
    ("Family Medicine", "207Q00000X", KIND_PHYSICIAN),
    ("Gastroenterology", "207RG0100X", KIND_PHYSICIAN),
    ("General Surgery", "208600000X", KIND_PHYSICIAN),
    ("Hematology & Oncology", "207RH0003X", KIND_PHYSICIAN),
    ("Infectious Disease", "207RI0200X", KIND_PHYSICIAN),
    ("Internal Medicine", "207R00000X", KIND_PHYSICIAN),
    ("Nephrology", "207RN0300X", KIND_PHYSICIAN),
    ("Neurology", "2084N0400X", KIND_PHYSICIAN),
    ("Obstetrics & Gynecology", "207V00000X", KIND_PHYSICIAN),
    ("Ophthalmology", "207W00000X", KIND_PHYSICIAN),
    ("Orthopaedic Surgery", "207X00000X", KIND_PHYSICIAN),
    ("Pediatrics", "208000000X", KIND_PHYSICIAN),
    ("Psychiatry", "2084P0800X", KIND_PHYSICIAN),
    ("Pulmonary Disease", "207RP1001X", KIND_PHYSICIAN),
    ("Diagnostic Radiology", "2085R0202X", KIND_PHYSICIAN),
    ("Rheumatology", "207RR0500X", KIND_PHYSICIAN),
    ("Urology", "208800000X", KIND_PHYSICIAN),
    ("Nurse Practitioner", "363L00000X", KIND_NP),
    ("Registered Nurse", "163W00000X", KIND_RN),
    ("Physician Assistant", "363A00000X", KIND_PA),
    ("Pharmacist", "183500000X", KIND_PHARMACIST),
)
SPECIALITIES = [Speciality(40500001 + i, name, code, kind) for i, (name, code, kind) in enumerate(_SPECIALITY_ROWS)]
UNKNOWN_SPECIALITY_BASE = 40501001
_ALIASES = {"cardiovascular disease": "Cardiology", "oncology": "Hematology & Oncology",
            "ob/gyn": "Obstetrics & Gynecology", "radiology": "Diagnostic Radiology", "np": "Nurse Practitioner",
            "rn": "Registered Nurse", "pa": "Physician Assistant", "pharmacy": "Pharmacist"}
_BY_NAME = {s.name.lower(): s for s in SPECIALITIES}


def known_speciality(text: str) -> Speciality | None:
    key = text.strip().lower()
    return _BY_NAME.get(key) or _BY_NAME.get(_ALIASES.get(key, "").lower())


TITLE_MD, TITLE_DO, TITLE_NP, TITLE_PA, TITLE_RN, TITLE_PHARMD, TITLE_OTHER = (
    (40500099, "MD"), (40500098, "DO"), (40500097, "NP"), (40500096, "PA"), (40500095, "RN"),
    (40500094, "PharmD"), (40500090, "Other"))
_TITLE_OF_KIND = {KIND_NP: TITLE_NP, KIND_RN: TITLE_RN, KIND_PA: TITLE_PA, KIND_PHARMACIST: TITLE_PHARMD}

HOSPITAL, CLINIC, GROUP_PRACTICE, PHARMACY = ((40300001, "Hospital"), (40300002, "Clinic"),
                                              (40300003, "Group Practice"), (40300004, "Pharmacy"))
ACCOUNT_TYPES = (HOSPITAL, CLINIC, GROUP_PRACTICE, PHARMACY)


@dataclass(frozen=True)
class AccountKind:
    """An account template of a city: its name pattern, type and subtype."""

    pattern: str  # {city}, {speciality}
    account_type: tuple[int, str]
    subtype: tuple[int, str]


GENERAL_HOSPITAL = AccountKind("{city} General Hospital", HOSPITAL, (40400001, "Short Term Acute Care Hospital"))
MEDICAL_CENTER = AccountKind("{city} University Medical Center", HOSPITAL, (40400002, "Academic Medical Center"))
HEALTH_CENTER = AccountKind("{city} Community Health Center", CLINIC, (40400003, "Federally Qualified Health Center"))
URGENT_CARE = AccountKind("{city} Urgent Care", CLINIC, (40400004, "Urgent Care Clinic"))
SPECIALTY_GROUP = AccountKind("{city} {speciality} Associates", GROUP_PRACTICE, (40400005, "Single Specialty Group"))
MEDICAL_GROUP = AccountKind("{city} Medical Group", GROUP_PRACTICE, (40400006, "Multi-Specialty Group"))
RETAIL_PHARMACY = AccountKind("{city} Community Pharmacy", PHARMACY, (40400007, "Community/Retail Pharmacy"))
MAIL_PHARMACY = AccountKind("{city} Mail Order Pharmacy", PHARMACY, (40400010, "Telephone/E-Mail Order Pharmacy"))
ACCOUNT_SUBTYPES = tuple(k.subtype for k in (GENERAL_HOSPITAL, MEDICAL_CENTER, HEALTH_CENTER, URGENT_CARE,
                                             SPECIALTY_GROUP, MEDICAL_GROUP, RETAIL_PHARMACY, MAIL_PHARMACY))
# hash(NPI) % 10 → the account kind of a professional who is not a pharmacist
_ACCOUNT_BY_DRAW = (GENERAL_HOSPITAL, GENERAL_HOSPITAL, GENERAL_HOSPITAL, MEDICAL_CENTER, HEALTH_CENTER,
                    URGENT_CARE, SPECIALTY_GROUP, SPECIALTY_GROUP, MEDICAL_GROUP, MEDICAL_GROUP)
HEALTH_SYSTEM_PATTERNS = ("{state} Health System", "{state} Care Alliance")

HEALTH_SYSTEM_BASE = 40100001
ACCOUNT_BASE = 40200001


def draw(value: str, salt: str) -> int:
    """A stable pseudo-random number of `value` (no process-dependent hashing)."""
    return int.from_bytes(hashlib.blake2b(f"{value}:{salt}".encode(), digest_size=8).digest(), "big")


def title_of(npi: str, kind: str | None) -> tuple[int, str]:
    if kind == KIND_PHYSICIAN:
        return TITLE_DO if draw(npi, "title") % 5 == 0 else TITLE_MD
    return _TITLE_OF_KIND.get(kind or "", TITLE_OTHER)


def account_kind_of(npi: str, kind: str | None) -> AccountKind:
    if kind == KIND_PHARMACIST:
        return MAIL_PHARMACY if draw(npi, "account") % 3 == 0 else RETAIL_PHARMACY
    return _ACCOUNT_BY_DRAW[draw(npi, "account") % len(_ACCOUNT_BY_DRAW)]


def health_system_pattern(account_key: str) -> str:
    return HEALTH_SYSTEM_PATTERNS[draw(account_key, "system") % len(HEALTH_SYSTEM_PATTERNS)]
