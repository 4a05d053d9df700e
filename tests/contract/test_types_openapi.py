"""/openapi.json as the contract: bearer + X-IAA-OW-ID schemes, the IQM error envelope for 4xx, local docs."""

from __future__ import annotations

import re

from adplane.core.envelopes import V2Error, V3Error


def _operations(schema):  # noqa: ANN001, ANN202
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_authenticated_routes_declare_bearer_and_ow_id_as_one_requirement(client):
    schema = client.get("/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearerAuth"]["type"] == "http" and schemes["bearerAuth"]["scheme"] == "bearer"
    assert schemes["owId"]["type"] == "apiKey" and schemes["owId"]["in"] == "header"
    assert schemes["owId"]["name"] == "X-IAA-OW-ID"
    campaign = schema["paths"]["/api/v2/cmp/campaign/{campaign_id}"]["get"]
    assert campaign["security"] == [{"bearerAuth": [], "owId": []}]
    # the login itself is not behind the bearer scheme
    assert "security" not in schema["paths"]["/api/v3/ua/login"]["post"]
    secured = [op for _, _, op in _operations(schema) if op.get("security")]
    assert len(secured) > 60


def test_every_4xx_is_documented_as_the_iqm_envelope_of_its_version(client):
    schema = client.get("/openapi.json").json()
    components = schema["components"]["schemas"]
    assert "HTTPValidationError" not in components and "ValidationError" not in components
    assert set(components["V3Error"]["required"]) == {"errorObjects"}
    assert set(components["V2Error"]["required"]) == {"statusCode", "errorObjects"}
    assert set(components["ErrorObject"]["properties"]) == {"error", "reason", "field"}
    for path, _, operation in _operations(schema):
        envelope = "V2Error" if path.startswith("/api/v2/") else "V3Error"
        assert "422" in operation["responses"], path
        for code, response in operation["responses"].items():
            if code.startswith("4"):
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref == f"#/components/schemas/{envelope}", (path, code)
        if operation.get("security"):
            assert {"401", "403", "404"} <= set(operation["responses"]), path
    login = schema["paths"]["/api/v3/ua/login"]["post"]["responses"]
    assert {"401", "413", "422", "429"} <= set(login)
    refs = re.findall(r'"\$ref": ?"#/components/schemas/([^"]+)"', client.get("/openapi.json").text)
    assert set(refs) <= set(components)


def test_documented_error_envelopes_match_real_error_answers(client, headers):
    missing = client.get("/api/v2/cmp/campaign/999999", headers=headers)
    assert missing.status_code == 404
    V2Error.model_validate(missing.json())
    unauthenticated = client.get("/api/v3/ua/profile")
    assert unauthenticated.status_code == 401
    body = V3Error.model_validate(unauthenticated.json())
    assert body.success is False and body.errorObjects[0].error
    invalid = client.get("/api/v2/cmp/campaign/0", headers=headers)
    assert invalid.status_code == 422
    error = V2Error.model_validate(invalid.json()).errorObjects[0]
    assert error.field == "campaign_id"


def test_swagger_ui_and_redoc_are_served_without_a_cdn(client):
    for page in ("/docs", "/redoc"):
        response = client.get(page)
        assert response.status_code == 200
        assets = re.findall(r'(?:src|href)="([^"]+)"', response.text)
        assert assets and all(asset.startswith("/") for asset in assets), assets
        assert "https://" not in response.text
        for asset in assets:
            assert client.get(asset).status_code == 200, asset


def test_every_documented_json_route_declares_its_answer(client):
    schema = client.get("/openapi.json").json()
    for path, method, operation in _operations(schema):
        content = operation["responses"].get("200", operation["responses"].get("201", {})).get("content", {})
        json_schema = content.get("application/json", {}).get("schema")
        if json_schema is None:
            continue  # files and streams (e.g. the signed download link)
        assert json_schema != {"type": "object", "additionalProperties": True, "title": json_schema.get("title")}, (
            method, path)
        assert "$ref" in json_schema or json_schema.get("type") in ("array", "object") and (
            "items" in json_schema or "properties" in json_schema), (method, path, json_schema)


def test_every_operation_has_its_own_operation_id(client):
    """A generated client names its methods by operationId: two operations under one id would collide."""
    ids = [op["operationId"] for _, _, op in _operations(client.get("/openapi.json").json())]
    assert len(ids) > 400
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []


def test_every_operation_lists_each_of_its_tags_once(client):
    """Tags group a generated client's operations (and the docs' sections), each once. The master inventory
    search lives in the bid models' router and is tagged as IQM's specification tags it."""
    ours = {(path, method): op.get("tags", []) for path, method, op in _operations(client.get("/openapi.json").json())}
    assert [key for key, tags in ours.items() if len(tags) != len(set(tags))] == []
    assert ours[("/api/v3/master/inventory", "post")] == ["Master API"]
    assert ours[("/api/v2/master/segment/inventoryTypes", "get")] == ["Master API"]
