"""What /openapi.json says beyond the routes: the bearer and X-IAA-OW-ID schemes, the IQM error envelopes.

FastAPI documents every route's 422 as its own `HTTPValidationError`; adplane answers every 4xx in IQM's
envelope (v3 `{"success": false, "errorObjects": [...]}`, v2 `{"statusCode", "responseObject",
"errorObjects"}`), so the schema is rewritten once, after every router is in.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.models import APIKey, APIKeyIn, HTTPBearer
from fastapi.security.base import SecurityBase

from adplane.core.envelopes import V2Error, V3Error
from adplane.core.errors import is_v2

BEARER = "bearerAuth"
OW_ID = "owId"

ERROR_DESCRIPTIONS = {
    401: "The bearer token is missing, expired or revoked (or the client credentials are wrong).",
    403: "The caller may not act for this organization or do this.",
    404: "Nothing with this id in the caller's organization.",
    409: "The change conflicts with the current state (a duplicate, a locked or finished object).",
    413: "The request body is larger than allowed.",
    422: "A field is missing or wrong; each error object names its field.",
    429: "Too many attempts; retry after the Retry-After header.",
    503: "A service the request depends on (the mail server) did not accept it; try again.",
}


class BearerAuth(SecurityBase):
    """Documents the bearer scheme; hands over the raw Authorization header, which `deps` checks itself."""

    def __init__(self) -> None:
        self.model = HTTPBearer(description="An access token from POST /api/v3/ua/login or /api/v3/ua/oauth/token.")
        self.scheme_name = BEARER

    async def __call__(self, request: Request) -> str | None:
        return request.headers.get("Authorization")


class OwIdHeader(SecurityBase):
    """Documents X-IAA-OW-ID (the organization acted for) so Swagger's Authorize can send it with the token."""

    def __init__(self) -> None:
        self.model = APIKey.model_validate({
            "type": "apiKey",
            "in": APIKeyIn.header,
            "name": "X-IAA-OW-ID",
            "description": "The organization (owId) the call acts for; required except on logout, profile and "
            "allowed-organizations, which fall back to the organization chosen at login.",
        })
        self.scheme_name = OW_ID

    async def __call__(self, request: Request) -> str | None:
        return request.headers.get("X-IAA-OW-ID")


bearer_auth = BearerAuth()
ow_id_header = OwIdHeader()


def _error_schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for model in (V3Error, V2Error):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode="serialization")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return schemas


def _error_codes(method: str, operation: dict[str, Any]) -> list[int]:
    codes = [422]
    if operation.get("security"):
        codes += [401, 403, 404]
        if method in ("post", "put", "patch", "delete"):
            codes.append(409)
    if "requestBody" in operation:
        codes.append(413)
    if operation.get("operationId", "").startswith(("login", "oauth_token", "sign_up")):
        codes += [401, 403, 429]  # 403: wrong password, sign-up refused (not invited, closed)
    if operation.get("operationId", "").startswith("invite_users"):
        codes.append(503)  # the invitation mail was not accepted by the mail server
    return sorted(set(codes))


def rewrite(schema: dict[str, Any]) -> dict[str, Any]:
    """Security as one requirement (bearer AND X-IAA-OW-ID), the IQM error envelope for every 4xx."""
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {}).update(_error_schemas())
    for path, item in schema.get("paths", {}).items():
        envelope = "V2Error" if is_v2(path) else "V3Error"
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            names = {name for requirement in operation.get("security", []) for name in requirement}
            if names:
                operation["security"] = [{name: [] for name in sorted(names)}]
            responses = operation["responses"]
            for code in _error_codes(method, operation):
                responses[str(code)] = {
                    "description": ERROR_DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{envelope}"}}},
                }
            operation["responses"] = dict(sorted(responses.items()))
    for unused in ("HTTPValidationError", "ValidationError"):
        components["schemas"].pop(unused, None)
    return schema


def install_openapi(app: FastAPI) -> None:
    """Replace `app.openapi` with one that rewrites FastAPI's schema (built once, then cached)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = rewrite(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to customise the schema
