"""IQM's v2 segment search and its CSV download (POST /api/v2/audience/segment/search[/download]): the published
example request as-is, results equal to an independent reading of the catalogue files, partner and provider
reference UUIDs as the specification's partner list gives them, IQM's 412, paging and sort."""

from __future__ import annotations

import csv
import io
import re
from importlib import resources
from typing import Any

import pytest

from types_contract import checked

EXAMPLE = {
    "providerIds": "a6ff7585-dbb4-43cd-8022-8046883bbad5,7735f885-717e-4bd6-b924-f9552ff987ba,"
                   "267fdd70-8655-4ad2-ad2b-538be580b139,4a163538-1dcb-4c42-909a-256c542e8820,"
                   "ff6ae965-bd75-4809-b3c3-ed5c568a39b3,efe627d6-25fe-47c1-9dc6-1005c5e8afe5",
    "referenceId": "ea5f5d49-cbd2-49df-bda1-f3d8f2d14223,6449205f-3be6-419b-924f-817f68b42ca9,"
                   "63b762fc-a5f4-47ac-ba08-1991fbb29bcb",
    "searchField": "rocks",
}
SEARCH = "/api/v2/audience/segment/search"
DOWNLOAD = "/api/v2/audience/segment/search/download"
MISSING = "Please pass all required parameters, Partner IDs, Provider IDs and Search Field"


def catalogue_rows() -> tuple[dict[int, dict[str, str]], dict[int, dict[str, str]]]:
    """The package's catalogue files read here, without adplane's loader: (partners and providers, segments)."""
    data = resources.files("adplane.audiences").joinpath("data")
    owners = {int(r["id"]): r for r in csv.DictReader(io.StringIO(data.joinpath("segment_partners.csv").read_text()))}
    rows = {int(r["segment_id"]): r for r in csv.DictReader(io.StringIO(data.joinpath("segments.csv").read_text()))}
    return owners, rows


def expected(keywords: list[str], partner_ids: set[int], provider_ids: set[int]) -> list[dict[str, Any]]:
    """Leaf segments of those partners and providers whose path or description holds a keyword, by path."""
    owners, rows = catalogue_rows()
    parents = {int(r["parent_id"]) for r in rows.values()}

    def path(row: dict[str, str]) -> list[str]:
        parent = int(row["parent_id"])
        return (path(rows[parent]) if parent else []) + [row["taxonomy_value"]]

    found = []
    for segment_id, row in rows.items():
        provider = owners[int(row["provider_id"])]
        partner = owners[int(provider["partner_id"])]
        if segment_id in parents or int(partner["id"]) not in partner_ids or int(provider["id"]) not in provider_ids:
            continue
        path_key = " > ".join([partner["name"], provider["name"], *path(row)])
        text = f"{path_key}\n{row['description']}".lower()
        if any(k.lower() in text for k in keywords):
            cpm = float(row["cpm"])
            found.append({"description": row["description"], "cpm": int(cpm) if cpm.is_integer() else cpm,
                          "isLeaf": 1, "margin": 0, "pathKey": path_key, "id": row["reference_id"],
                          "taxonomy_value": row["taxonomy_value"], "_provider": int(provider["id"])})
    return sorted(found, key=lambda s: (s["pathKey"].lower(), s["id"]))


def uuids(client, headers) -> tuple[dict[int, str], dict[int, str]]:  # noqa: ANN001
    listing = client.get("/api/v3/audience/segment/partner-provider/list", headers=headers).json()["data"]
    partners = {p["partnerId"]: p["partnerReferenceUuid"] for p in listing["partnerProviderList"]}
    providers = {v["providerId"]: v["providerReferenceUuid"] for p in listing["partnerProviderList"]
                 for v in p["providerList"]}
    return partners, providers


def grouped(items: list[dict[str, Any]], providers: dict[int, str]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        out.setdefault(providers[item["_provider"]], []).append({k: v for k, v in item.items() if k != "_provider"})
    return out


def test_the_published_example_is_accepted_as_is(client, headers):
    answer = checked(client, "POST", SEARCH, headers=headers, json=EXAMPLE)
    partners, providers = uuids(client, headers)
    # the example's UUIDs are LiveRamp, IQM Political, IQM Healthcare and six of LiveRamp's providers
    assert [partners[i] for i in (1, 6, 7)] == EXAMPLE["referenceId"].split(",")
    assert sorted(providers[i] for i in (293, 140, 21, 88, 95, 112)) == sorted(EXAMPLE["providerIds"].split(","))
    example_providers = {i for i, u in providers.items() if u in EXAMPLE["providerIds"]}
    assert answer == {"statusCode": 200, "responseObject": grouped(expected(["rocks"], {1, 6, 7}, example_providers),
                                                                   providers)}
    # the same partners and providers with a word the catalogue has: keyed by each provider's UUID
    football = checked(client, "POST", SEARCH, headers=headers, json={**EXAMPLE, "searchField": "football, Voter"})
    want = grouped(expected(["football", "voter"], {1, 6, 7}, example_providers), providers)
    assert football["responseObject"] == want and len(want) >= 2
    assert providers[21] in want  # ShareThis' football segments
    assert all(item["id"] and item["isLeaf"] == 1 for items in want.values() for item in items)


def test_ids_filters_sort_and_paging(client, headers):
    partners, providers = uuids(client, headers)
    every = {"providerIds": ",".join(providers.values()), "referenceId": ",".join(partners.values())}
    everything = expected(["a"], set(partners), set(providers))
    answer = client.post(SEARCH, headers=headers, json={**every, "searchField": "a"}).json()["responseObject"]
    assert answer == grouped(everything, providers)
    # numeric ids work too, and narrow: StatSocial (61) only
    statsocial = client.post(SEARCH, headers=headers, json={"providerIds": "61", "referenceId": [1],
                                                            "searchField": "a"}).json()["responseObject"]
    assert statsocial == grouped(expected(["a"], {1}, {61}), providers) and list(statsocial) == [providers[61]]
    # a provider of another partner, or ids that name nothing, match nothing
    for body in ({"providerIds": providers[61], "referenceId": partners[7]},
                 {"providerIds": "00000000-0000-4000-8000-000000000000", "referenceId": partners[1]},
                 {"providerIds": "61", "referenceId": "999"}):
        got = client.post(SEARCH, headers=headers, json={**body, "searchField": "a"})
        assert got.status_code == 200 and got.json()["responseObject"] == {}, body
    # sort by CPM (highest first) and pages of the sorted matches
    by_cpm = client.post(SEARCH, headers=headers, json={**every, "searchField": "a", "sortBy": "-cpm"}).json()
    cpms = [item["cpm"] for items in by_cpm["responseObject"].values() for item in items]
    assert len(cpms) == len(everything)
    flat: list[dict[str, Any]] = []
    for page in (1, 2, 3):
        body = {**every, "searchField": "a", "sortBy": "-cpm", "pageNo": page, "noOfEntries": 7}
        flat += [i for items in client.post(SEARCH, headers=headers, json=body).json()["responseObject"].values()
                 for i in items]
    assert len(flat) == 21 and sorted((i["cpm"] for i in flat), reverse=True) == [i["cpm"] for i in flat]
    assert max(cpms) == flat[0]["cpm"]


@pytest.mark.parametrize("path", [SEARCH, DOWNLOAD])
def test_missing_fields_are_iqms_412_and_bad_ids_422(client, headers, path):
    for missing in ("providerIds", "referenceId", "searchField"):
        body = {k: v for k, v in EXAMPLE.items() if k != missing}
        for variant in (body, {**body, missing: " "}):
            answer = client.post(path, headers=headers, json=variant)
            assert answer.status_code == 412, (missing, answer.text)
            payload = answer.json()
            assert payload["statusCode"] == 412
            assert payload["responseObject"] == {"errorMsg": MISSING, "errorCode": 412}
    bad = client.post(path, headers=headers, json={**EXAMPLE, "providerIds": "not-a-uuid"})
    assert bad.status_code == 422 and bad.json()["errorObjects"][0]["field"] == "providerIds"
    bad_sort = client.post(path, headers=headers, json={**EXAMPLE, "sortBy": "name"})
    assert bad_sort.status_code == 422 and bad_sort.json()["errorObjects"][0]["field"] == "sortBy"
    too_many = client.post(path, headers=headers, json={**EXAMPLE, "searchField": ",".join("abcdefghijk")})
    assert too_many.status_code == 422
    assert client.post(path, json=EXAMPLE).status_code == 401


def test_download_is_iqms_csv_of_the_same_matches(client, headers):
    partners, providers = uuids(client, headers)
    body = {**EXAMPLE, "searchField": "football,voter"}
    answer = client.post(DOWNLOAD, headers=headers, json=body)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert re.fullmatch(r"attachment; filename=football_segments_\d{13}\.csv", answer.headers["content-disposition"])
    assert answer.text.startswith("Taxonomy Value,CPM,Description,Path Key\r\n")
    lines = list(csv.reader(io.StringIO(answer.text)))
    example_providers = {i for i, u in providers.items() if u in EXAMPLE["providerIds"]}
    want = expected(["football", "voter"], {1, 6, 7}, example_providers)
    assert lines[1:] == [[s["taxonomy_value"], str(s["cpm"]), s["description"], s["pathKey"]] for s in want]
    nothing = client.post(DOWNLOAD, headers=headers, json=EXAMPLE)
    assert nothing.status_code == 200 and nothing.text == "Taxonomy Value,CPM,Description,Path Key\r\n"


def test_openapi_documents_the_412(client):
    operation = client.get("/openapi.json").json()["paths"][SEARCH]["post"]
    assert operation["responses"]["412"]["content"]["application/json"]["schema"]["$ref"].endswith("/V2Error")
