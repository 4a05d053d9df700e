"""ABM healthcare audiences: the healthcare data rows, filters, statistics and value lists match an independent
computation over the reference dataset; an ABM audience's members are exactly its professionals' user keys
and delivery stays inside them; IQM's examples are accepted; one organization never sees another's."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select

from adplane.audiences import catalog, identities
from adplane.audiences.abm import build_pending
from adplane.audiences.models import Audience, AudienceMember
from adplane.campaigns.models import Campaign
from adplane.healthcare import abm_catalog as cat
from adplane.healthcare import dataset as hc_dataset
from adplane.healthcare.models import AbmMapping, AbmProfessional
from adplane.healthcare.synthetic import SyntheticSpec, generate
from adplane.master import catalog as master
from adplane.simulator.simulation import simulate_period
from audience_helpers import csv_bytes
from test_events_ingest import END, START, make_campaign

BASE = "/api/v3/audience/abm"
DATA = f"{BASE}/healthcare-data"
PROVIDER = {"dataProviderIds": [1]}

# IQM's request samples, as published (OpenAPI document and guides).
SPEC_FILTERS = {
    "dataProviderIds": [1], "healthCareSystemIds": [40100004, 40100007], "accountIds": [40208104, 40628423],
    "accountTypeIds": [40300003], "accountSubTypeIds": [40400001, 40400010], "countryIds": [30100001],
    "stateIds": [30200028, 30200043], "cityIds": [30430356, 30447825, 30447952, 30448122], "titleIds": [40500099],
    "specialityIds": [40500014, 40500086], "ids": [1, 2, 3], "pageNo": 1, "noOfEntries": 2,
}
GUIDE_FILTERS = {**SPEC_FILTERS, "audienceSubtypeIds": [3], "includeGenericAudience": False}
SPEC_CREATE = {"audienceName": "HealthCare Innovators", "healthCareDataMappingIds": [1, 2, 3], "dataProviderId": 1,
               "filters": SPEC_FILTERS}
GUIDE_CREATE = {**SPEC_CREATE, "filters": GUIDE_FILTERS, "audienceSubtypeId": 3}
SPEC_ACCOUNT_TYPE = {"pageNo": 1, "noOfEntries": 20, "searchField": "Sample text", "dataProviderIds": [1],
                     "healthcareSystemIds": [1, 2, 3], "accountNameIds": [4, 5, 6]}
GUIDE_ACCOUNT_TYPE = {**SPEC_ACCOUNT_TYPE, "searchField": "Sample Text", "audienceSubtypeIds": [3],
                      "includeGenericAudience": False}
SPEC_ACCOUNT_SUBTYPE = {**SPEC_ACCOUNT_TYPE, "accountTypeIds": [7, 8, 9]}
GUIDE_ACCOUNT_SUBTYPE = {**SPEC_ACCOUNT_SUBTYPE, "searchField": "Sample Text", "audienceSubtypeIds": [3],
                         "includeGenericAudience": True}
SPEC_ACCOUNT_NAME = {"pageNo": 1, "noOfEntries": 20, "searchField": "Sample text", "dataProviderIds": [1],
                     "healthcareSystemIds": [1, 2, 3]}
IQM_COLUMNS = {"Title-name": "Title", "Account-type-name": "Account Type", "Account-Sub-Type-Name": "Account Sub-Type",
               "Health-System-Name": "Health System Name", "Account-Name": "Account Name",
               "Speciality-Name": "Speciality", "City-Name": "City", "State-Name": "State"}

# A mix of kinds: physicians from the synthetic generator, plus nurses, PAs, pharmacists and an unknown specialty.
OVERRIDES = [(7, "Nurse Practitioner"), (11, "Registered Nurse"), (13, "Pharmacist"), (17, "Physician Assistant"),
             (19, "Chiropractic")]


def _dataset() -> hc_dataset.Dataset:
    result = generate(SyntheticSpec(seed=5, prescribers=150, weeks=2, exposed_share=0.0))
    data = result.dataset
    for i, prescriber in enumerate(data.prescribers):
        for every, specialty in OVERRIDES:
            if i % every == 0 and i:
                prescriber["specialty"] = specialty
    data.prescribers[1].update(state="TN", city="Franklin", zip="37064")
    data.prescribers[2].update(state="TN", city="", zip="37027")  # Brentwood, TN only by its ZIP code
    return data


@pytest.fixture
def hc(db) -> dict[str, Any]:
    """Store the dataset; return each NPI's attributes, derived here from the documented rules."""
    data = _dataset()
    with db.session() as session:
        hc_dataset.store(session, data)
        session.commit()
    people: dict[str, dict[str, Any]] = {}
    unknown = sorted({p["specialty"] for p in data.prescribers if cat.known_speciality(p["specialty"]) is None})
    for p in data.prescribers:
        speciality = cat.known_speciality(p["specialty"])
        speciality_id = speciality.id if speciality else cat.UNKNOWN_SPECIALITY_BASE + unknown.index(p["specialty"])
        kind = speciality.kind if speciality else None
        account = cat.account_kind_of(p["npi"], kind)
        people[p["npi"]] = {
            "titleId": cat.title_of(p["npi"], kind)[0], "specialityId": speciality_id,
            "accountTypeId": account.account_type[0], "accountSubTypeId": account.subtype[0],
            "stateId": master.STATES_BY_CODE[p["state"]].id, "audienceSubtypeId": cat.SUBTYPE_OF_KIND.get(kind or ""),
            "city": p["city"], "state": p["state"],
        }
    return people


def _rows(client, headers, **filters) -> dict[str, Any]:
    answer = client.post(DATA, headers=headers, json={**PROVIDER, "pageNo": -1, **filters})
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def _stats(rows: list[dict[str, Any]], npis: int) -> dict[str, int]:
    """What the statistics must say of these rows, counted here."""
    return {"npiReach": npis, "healthSystem": len({r["healthCareSystemId"] for r in rows}),
            "account": len({r["accountId"] for r in rows}), "accountType": len({r["accountTypeId"] for r in rows}),
            "speciality": len({r["specialityId"] for r in rows})}


def _npi_rows(db) -> dict[str, int]:
    with db.session() as session:
        return dict(session.execute(select(AbmProfessional.npi, AbmProfessional.mapping_id)).tuples().all())


def test_rows_hold_each_professional_with_the_documented_attributes(client, db, headers, hc):
    data = _rows(client, headers)
    rows = {r["id"]: r for r in data["healthCareData"]}
    assert data["totalRecords"] == data["filteredRecords"] == len(rows)
    assert sorted(rows) == list(range(1, len(rows) + 1))
    assert sum(r["reach"] for r in rows.values()) == len(hc)
    where = _npi_rows(db)
    assert set(where) == set(hc)
    reach = Counter(where.values())
    for npi, person in hc.items():
        row = rows[where[npi]]
        for key in ("titleId", "specialityId", "accountTypeId", "accountSubTypeId", "stateId", "audienceSubtypeId"):
            assert row[key] == person[key], (npi, key)
        assert row["countryId"] == master.COUNTRY_US and row["countryName"] == "United States"
        assert row["cost"] == 10 and row["dataProviderId"] == 1 and row["dataProviderName"] == "Healthlink"
    assert all(rows[i]["reach"] == n for i, n in reach.items())
    # the city comes from the master list, by name or else by the ZIP code
    cities = {r["cityName"]: r["cityId"] for r in rows.values()}
    assert cities["Franklin, TN"] == 30417788 and cities["Brentwood, TN"] == 30417703
    # an unknown specialty is its own "generic" speciality without an audience subtype
    generic = [r for r in rows.values() if r["specialityName"] == "Chiropractic"]
    assert generic and all(r["audienceSubtypeId"] is None and r["titleName"] == "Other" for r in generic)
    # one row per (account, title, speciality, city): no two rows share all four
    keys = Counter((r["accountId"], r["titleId"], r["specialityId"], r["cityName"]) for r in rows.values())
    assert max(keys.values()) == 1


FILTER_CASES = [
    {"titleIds": [40500099]},
    {"stateIds": [master.STATES_BY_CODE["NY"].id, master.STATES_BY_CODE["TX"].id]},
    {"accountTypeIds": [40300001], "specialityIds": [40500003, 40500012]},
    {"audienceSubtypeIds": [4]},
    {"audienceSubtypeIds": [4], "includeGenericAudience": True},
    {"accountSubTypeIds": [40400007, 40400010]},
    {"titleIds": "40500099,40500098", "stateIds": [master.STATES_BY_CODE["CA"].id]},
]


@pytest.mark.parametrize("filters", FILTER_CASES)
def test_filters_and_statistics_match_an_independent_count(client, db, headers, hc, filters):
    def keep(person: dict[str, Any]) -> bool:
        checks = {"titleIds": "titleId", "stateIds": "stateId", "accountTypeIds": "accountTypeId",
                  "specialityIds": "specialityId", "accountSubTypeIds": "accountSubTypeId"}
        for key, attr in checks.items():
            if key in filters:
                wanted = filters[key] if isinstance(filters[key], list) else [int(x) for x in filters[key].split(",")]
                if person[attr] not in wanted:
                    return False
        if "audienceSubtypeIds" in filters:
            generic = filters.get("includeGenericAudience") and person["audienceSubtypeId"] is None
            return person["audienceSubtypeId"] in filters["audienceSubtypeIds"] or bool(generic)
        return True

    where = _npi_rows(db)
    expected_npis = {n for n, p in hc.items() if keep(p)}
    expected_rows = {where[n] for n in expected_npis}
    data = _rows(client, headers, **filters)
    assert {r["id"] for r in data["healthCareData"]} == expected_rows
    assert data["filteredRecords"] == len(expected_rows) and expected_rows
    stats = client.post(f"{DATA}/statistics", headers=headers, json={**PROVIDER, **filters}).json()["data"]
    assert stats == _stats(data["healthCareData"], len(expected_npis))


def test_paging_sorting_and_search(client, headers, hc):
    everything = _rows(client, headers)["healthCareData"]
    page = client.post(DATA, headers=headers, json={**PROVIDER, "pageNo": 2, "noOfEntries": 5}).json()["data"]
    assert [r["id"] for r in page["healthCareData"]] == [r["id"] for r in everything[5:10]]
    assert page["filteredRecords"] == len(everything)
    by_reach = _rows(client, headers, sortBy="-reach")["healthCareData"]
    assert [r["reach"] for r in by_reach] == sorted((r["reach"] for r in everything), reverse=True)
    found = _rows(client, headers, searchField="pharmacy")["healthCareData"]
    texts = ("accountName", "accountTypeName", "accountSubTypeName", "healthCareSystemName")
    assert found and {r["id"] for r in found} == {
        r["id"] for r in everything if any("pharmacy" in str(r[k]).lower() for k in texts)}
    bad = client.post(DATA, headers=headers, json={**PROVIDER, "sortBy": "nope"})
    assert bad.status_code == 422 and bad.json()["errorObjects"][0]["field"] == "sortBy"


def test_value_lists_count_their_professionals(client, headers, hc):
    rows = _rows(client, headers)["healthCareData"]
    for path, list_key, id_key, name_key in [
        (f"{DATA}/titles?dataProviderIds=1&pageNo=-1", "titleList", "titleId", "titleName"),
        (f"{DATA}/speciality?dataProviderIds=1&noOfEntries=100", "specialityList", "specialityId", "specialityName"),
        (f"{DATA}/healthcare-systems?dataProviderIds=1&pageNo=-1", "healthcareSystemList", "healthCareSystemId",
         "healthCareSystemName"),
    ]:
        answer = client.get(path, headers=headers)
        assert answer.status_code == 200, answer.text
        data = answer.json()["data"]
        reach: dict[int, int] = defaultdict(int)
        for r in rows:
            reach[r[id_key]] += r["reach"]
        names = {r[id_key]: r[name_key] for r in rows}
        assert {i["id"]: i["reach"] for i in data[list_key]} == dict(reach)
        assert [i["displayName"] for i in data[list_key]] == sorted((names[i] for i in reach), key=str.lower)
        assert data["totalRecords"] == data["filteredRecords"] == len(reach)
    titles = client.get(f"{DATA}/title?dataProviderIds=1&audienceSubtypeIds=4", headers=headers).json()["data"]
    assert {i["displayName"] for i in titles["titleList"]} == {"NP", "RN"}
    assert all(i["audienceSubtypeId"] == 4 for i in titles["titleList"])
    searched = client.get(f"{DATA}/specialities?dataProviderIds=1&searchField=cardio", headers=headers).json()["data"]
    assert [i["displayName"] for i in searched["specialityList"]] == ["Cardiology"]
    assert searched["filteredRecords"] == 1 and searched["totalRecords"] > 1
    # the POSTed lists narrow by the other filters
    hospitals = [r for r in rows if r["accountTypeId"] == 40300001]
    subtypes = client.post(f"{DATA}/account-subtypes", headers=headers,
                           json={**PROVIDER, "accountTypeIds": [40300001], "pageNo": -1}).json()["data"]
    assert {i["id"] for i in subtypes["accountSubTypeList"]} == {r["accountSubTypeId"] for r in hospitals}
    system = rows[0]["healthCareSystemId"]
    names = client.post(f"{DATA}/account-name", headers=headers,
                        json={**PROVIDER, "healthcareSystemIds": [system], "pageNo": -1}).json()["data"]
    assert {i["id"] for i in names["accountNameList"]} == {r["accountId"] for r in rows
                                                           if r["healthCareSystemId"] == system}
    types = client.post(f"{DATA}/account-types", headers=headers, json={**PROVIDER, "noOfEntries": 2}).json()["data"]
    assert len(types["accountTypeList"]) == 2 and types["filteredRecords"] == len({r["accountTypeId"] for r in rows})


def test_iqm_examples_are_accepted(client, headers, hc):
    for path, body, key in [(DATA, SPEC_FILTERS, "healthCareData"), (DATA, GUIDE_FILTERS, "healthCareData"),
                            (f"{DATA}/statistics", SPEC_FILTERS, "npiReach"),
                            (f"{DATA}/statistics", GUIDE_FILTERS, "npiReach"),
                            (f"{DATA}/account-type", SPEC_ACCOUNT_TYPE, "accountTypeList"),
                            (f"{DATA}/account-types", GUIDE_ACCOUNT_TYPE, "accountTypeList"),
                            (f"{DATA}/account-subtype", SPEC_ACCOUNT_SUBTYPE, "accountSubTypeList"),
                            (f"{DATA}/account-subtypes", GUIDE_ACCOUNT_SUBTYPE, "accountSubTypeList"),
                            (f"{DATA}/account-name", SPEC_ACCOUNT_NAME, "accountNameList"),
                            (f"{DATA}/account-names", SPEC_ACCOUNT_NAME, "accountNameList")]:
        answer = client.post(path, headers=headers, json=body)
        assert answer.status_code == 200, (path, answer.text)
        assert key in answer.json()["data"]
    # the sample's ids name nothing in this dataset (its filters are AND-ed): an exact, empty answer
    sample = client.post(DATA, headers=headers, json=SPEC_FILTERS).json()["data"]
    assert sample["filteredRecords"] == 0 and sample["healthCareData"] == []
    assert sample["totalRecords"] == len(_rows(client, headers)["healthCareData"])


def test_bad_requests_name_the_field(client, headers, hc):
    for path, body, field in [(DATA, {}, "dataProviderIds"), (DATA, {"dataProviderIds": [99]}, "dataProviderIds"),
                              (DATA, {**PROVIDER, "titleIds": ["x"]}, "titleIds"),
                              (f"{DATA}/statistics", {**PROVIDER, "stateIds": "1,a"}, "stateIds"),
                              (DATA, {**PROVIDER, "noOfEntries": 0}, "noOfEntries"),
                              (BASE, {"healthCareDataMappingIds": [1]}, "audienceName"),
                              (BASE, {"audienceName": "x"}, "healthCareDataMappingIds"),
                              (BASE, {"audienceName": "x", "healthCareDataMappingIds": [999999]},
                               "healthCareDataMappingIds"),
                              (BASE, {"audienceName": "x", "filters": {**PROVIDER, "titleIds": [1]}}, "filters"),
                              (BASE, {"audienceName": "x", "dataProviderId": 5, "healthCareDataMappingIds": [1]},
                               "dataProviderId"),
                              (BASE, {"audienceName": "x", "audienceSubtypeId": 6, "healthCareDataMappingIds": [1]},
                               "audienceSubtypeId")]:
        answer = client.post(path, headers=headers, json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["errorObjects"][0]["field"] == field, answer.text
    missing = client.get(f"{DATA}/titles", headers=headers)
    assert missing.status_code == 422 and missing.json()["errorObjects"][0]["field"] == "dataProviderIds"
    with client.app.state.db.session() as session:
        assert session.scalar(select(Audience.id).where(Audience.type_id == catalog.TYPE_ABM)) is None


def _members(db, audience_id: int) -> set[int]:
    with db.session() as session:
        return set(session.scalars(select(AudienceMember.user_id).where(AudienceMember.audience_id == audience_id)))


def _npis_of_rows(db, mapping_ids: set[int]) -> set[str]:
    return {n for n, m in _npi_rows(db).items() if m in mapping_ids}


@pytest.mark.parametrize("body", [SPEC_CREATE, GUIDE_CREATE], ids=["spec", "guide"])
def test_create_from_iqm_sample_builds_exact_members(client, app, db, headers, hc, body):
    answer = client.post(BASE, headers=headers, json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["message"] == "HealthCare Innovators audience created successfully"
    audience_id = answer.json()["data"]["audienceId"]
    details = client.get(f"{BASE}/{audience_id}", headers=headers).json()["data"]
    assert details["status"] == "Processing" and details["audienceTypeId"] == catalog.TYPE_ABM
    assert build_pending(app.state.db, app.state.settings) == 1
    npis = _npis_of_rows(db, {1, 2, 3})
    expected = {identities.npi_user_id(n) for n in npis}
    assert _members(db, audience_id) == expected
    details = client.get(f"{BASE}/{audience_id}", headers=headers).json()["data"]
    assert details["status"] == "Ready" and details["uniques"] == len(expected) and details["dataCost"] == 10
    assert details["healthCareDataMappingIds"] == [1, 2, 3] and details["partnerName"] == "Healthlink"
    assert details["filters"]["healthCareSystemIds"] == [40100004, 40100007]
    assert details["audienceSubtypeId"] == body.get("audienceSubtypeId")
    stats = client.get(f"{BASE}/{audience_id}/healthcare-data-statistics", headers=headers).json()["data"]
    rows = [r for r in _rows(client, headers)["healthCareData"] if r["id"] in {1, 2, 3}]
    assert stats == _stats(rows, len(npis))
    # the generic audience endpoints know the new kind
    listed = client.post("/api/v3/audience/list", headers=headers, json={"audienceTypeIds": [catalog.TYPE_ABM]})
    assert listed.status_code == 200, listed.text
    assert [a["audienceId"] for a in listed.json()["data"]["audienceList"]] == [audience_id]


def test_create_from_filters_and_deliver_inside_the_audience(client, app, db, headers, hc, tenant, store):
    ny = master.STATES_BY_CODE["NY"].id
    body = {"audienceName": "NY MDs", "dataProviderId": 1,
            "filters": {**PROVIDER, "stateIds": [ny], "titleIds": [40500099], "pageNo": 1, "noOfEntries": 2}}
    audience_id = client.post(BASE, headers=headers, json=body).json()["data"]["audienceId"]
    build_pending(app.state.db, app.state.settings)
    npis = {n for n, p in hc.items() if p["stateId"] == ny and p["titleId"] == 40500099}
    members = _members(db, audience_id)
    assert npis and members == {identities.npi_user_id(n) for n in npis}
    assert client.get(f"{BASE}/{audience_id}/healthcare-data-statistics",
                      headers=headers).json()["data"]["npiReach"] == len(npis)
    campaign = make_campaign(db, tenant["owId"], start=START, end=END, max_bid=Decimal("5"))
    with db.session() as session:
        row = session.get(Campaign, campaign["campaign_id"])
        row.extra = {**(row.extra or {}), "whiteListedAudienceIds": str(audience_id)}
        session.commit()
    with db.session() as session:
        simulate_period(session, store, date(2026, 3, 2), date(2026, 3, 2), seed=3)
    users = store.query("SELECT DISTINCT user_id FROM events WHERE campaign_id = ? AND event_type = 'impression'",
                        [campaign["campaign_id"]])
    served = np.array(sorted(int(r[0]) for r in users), dtype=np.int64)
    assert len(served) > 0 and np.isin(served, sorted(members)).all()
    [(data_cost, imps)] = store.query("SELECT sum(data_cost), count(*) FROM events WHERE campaign_id = ? "
                                      "AND event_type = 'impression'", [campaign["campaign_id"]])
    assert Decimal(str(data_cost)) / imps >= Decimal("0.010")  # the $10 CPM of the ABM data per impression


def test_another_organization_sees_nothing(client, app, db, headers, other_headers, hc):
    audience_id = client.post(BASE, headers=headers, json=SPEC_CREATE).json()["data"]["audienceId"]
    build_pending(app.state.db, app.state.settings)
    for path in (f"{BASE}/{audience_id}", f"{BASE}/{audience_id}/healthcare-data-statistics"):
        assert client.get(path, headers=other_headers).status_code == 404
        assert client.get(path, headers=headers).status_code == 200
    listed = client.post("/api/v3/audience/list", headers=other_headers, json={"audienceTypeIds": [11]})
    assert listed.json()["data"]["audienceList"] == []
    assert client.get(f"{BASE}/abc", headers=headers).status_code == 404
    assert client.get(f"{BASE}/99999999999", headers=headers).status_code == 422
    assert client.get(f"{BASE}/{audience_id + 1000}", headers=headers).status_code == 404
    deleted = client.delete(f"/api/v3/audience?audienceIds={audience_id}", headers=other_headers)
    assert client.get(f"{BASE}/{audience_id}", headers=headers).status_code == 200, deleted.text
    assert client.delete(f"/api/v3/audience?audienceIds={audience_id}", headers=headers).status_code == 200
    assert client.get(f"{BASE}/{audience_id}", headers=headers).status_code == 404


def test_not_an_abm_audience(client, db, headers, tenant, hc):
    with db.session() as session:
        other = Audience(ow_id=tenant["owId"], name="m", type_id=catalog.TYPE_MATCHED, status_id=catalog.STATUS_READY)
        session.add(other)
        session.commit()
        other_id = other.id
    answer = client.get(f"{BASE}/{other_id}", headers=headers)
    assert answer.status_code == 422 and answer.json()["errorObjects"][0]["field"] == "audienceId"


def _upload(client, headers, content: bytes, columns: dict[str, str], file_type: str = "1", name: str = "abm.csv"):
    return client.post(f"{DATA}/filter-file", headers=headers,
                       files={"fileType": (None, file_type), "columns": (None, json.dumps(columns)),
                              "abmFilterFile": (name, content, "text/csv")})


def test_filter_file_resolves_names_to_ids(client, db, headers, hc):
    rows = _rows(client, headers)["healthCareData"]
    first, second = rows[0], rows[-1]
    table = [[r["titleName"], r["accountTypeName"], r["accountSubTypeName"], r["healthCareSystemName"],
              r["accountName"], r["specialityName"], r["cityName"].rsplit(", ", 1)[0], r["stateName"]]
             for r in (first, second)]
    table.append(["Surgeon General", "", "", "", "", "", "", ""])  # an unknown title: the row does not match
    content = csv_bytes(list(IQM_COLUMNS), table)
    answer = _upload(client, headers, content, IQM_COLUMNS)
    assert answer.status_code == 200, answer.text
    data = answer.json()["data"]
    filters = data["healthCareFilterData"]
    assert data["matchingRate"] == round(200 / 3, 2)
    assert filters["titleIds"] == sorted({first["titleId"], second["titleId"]})
    assert filters["healthcareAccountIds"] == sorted({first["accountId"], second["accountId"]})
    assert filters["specialityIds"] == sorted({first["specialityId"], second["specialityId"]})
    assert filters["stateIds"] == sorted({first["stateId"], second["stateId"]})
    assert set(filters["cityIds"]) >= {first["cityId"], second["cityId"]} - {None}
    # the ids feed the healthcare-data filters as they are
    narrowed = _rows(client, headers, titleIds=filters["titleIds"], accountIds=filters["healthcareAccountIds"],
                     specialityIds=filters["specialityIds"])
    assert {first["id"], second["id"]} <= {r["id"] for r in narrowed["healthCareData"]}
    # an NPI column (adplane's addition) gives the rows holding those professionals
    where = _npi_rows(db)
    npis = sorted(hc)[:3]
    by_npi = _upload(client, headers, csv_bytes(["npi"], [[n] for n in npis] + [["1234567890"]]), {"npi": "NPI"})
    assert by_npi.json()["data"]["healthCareFilterData"]["ids"] == sorted({where[n] for n in npis})
    assert by_npi.json()["data"]["matchingRate"] == 75
    for columns, file_type, field in [({"Title-name": "Shoe size"}, "1", "columns"),
                                      ({"Missing": "Title"}, "1", "columns"), (IQM_COLUMNS, "3", "fileType")]:
        bad = _upload(client, headers, content, columns, file_type)
        assert bad.status_code == 422 and bad.json()["errorObjects"][0]["field"] == field, bad.text
    assert client.post(f"{DATA}/filter-file", headers=headers, json={}).status_code == 422


def test_mapping_rows_follow_a_reloaded_dataset(db, hc):
    with db.session() as session:
        before = session.scalar(select(AbmMapping.id).order_by(AbmMapping.id.desc()).limit(1))
        hc_dataset.store(session, generate(SyntheticSpec(seed=9, prescribers=20, weeks=2)).dataset)
        session.commit()
        rows = session.scalars(select(AbmMapping)).all()
        assert sum(r.reach for r in rows) == 20 and max(r.id for r in rows) < before
