"""API errors and the IQM error envelopes; domains raise, the handlers here shape the answer.

v3 paths answer `{"success": false, "errorObjects": [...]}`; v2 paths answer
`{"statusCode": N, "responseObject": {...}, "errorObjects": [...]}`.
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError as PydanticValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = structlog.get_logger("adplane.errors")


class ApiError(Exception):
    status_code = 400

    def __init__(
        self,
        error: str,
        *,
        reason: str | None = None,
        field: str | None = None,
        status_code: int | None = None,
        data: Any = None,
        headers: dict[str, str] | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(error)
        if status_code is not None:
            self.status_code = status_code
        self.data = data
        self.headers = headers
        if errors is not None:
            self.error_objects = errors
        else:
            obj: dict[str, Any] = {"error": error}
            if reason is not None:
                obj["reason"] = reason
            if field is not None:
                obj["field"] = field
            self.error_objects = [obj]


class BadRequest(ApiError):
    status_code = 400


class Unauthorized(ApiError):
    status_code = 401

    def __init__(self, error: str = "Unauthorized", **kw: Any) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(error, **kw)


class Forbidden(ApiError):
    status_code = 403


class NotFound(ApiError):
    status_code = 404


class Conflict(ApiError):
    status_code = 409


class ValidationFailed(ApiError):
    """422: one or more fields are wrong; each error names its field."""

    status_code = 422


class TooManyRequests(ApiError):
    status_code = 429


def is_v2(path: str) -> bool:
    return path.startswith("/api/v2/")


def error_body(path: str, status: int, error_objects: list[dict[str, Any]], data: Any = None) -> dict[str, Any]:
    if is_v2(path):
        body: dict[str, Any] = {"statusCode": status, "responseObject": data if data is not None else {}}
        body["errorObjects"] = error_objects
        return body
    body = {"success": False}
    if data is not None:
        body["data"] = data
    body["errorObjects"] = error_objects
    return body


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form", "cookie")]
    return ".".join(parts)


def validation_error_objects(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for err in errors:
        field = _field_name(err.get("loc", ()))
        message = err.get("msg", "Invalid value")
        if message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        if err.get("type") == "json_invalid":
            message = "Request body is not valid JSON"
        out.append({"error": f"{field}: {message}" if field else message, "field": field or None})
    return out


_NOT_A_NUMBER = {"int_parsing", "int_type", "int_from_float", "float_parsing", "float_type"}


def _not_a_path_id(err: dict[str, Any]) -> bool:
    loc = err.get("loc", ())
    return bool(loc) and loc[0] == "path" and err.get("type") in _NOT_A_NUMBER


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(
            error_body(request.url.path, exc.status_code, exc.error_objects, exc.data),
            status_code=exc.status_code,
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        if any(_not_a_path_id(err) for err in errors):
            # /api/v3/cmp/io/list is not "io list with a bad id": no such resource, as for any unknown path
            return JSONResponse(error_body(request.url.path, 404, [{"error": "Resource not found"}]), status_code=404)
        objects = validation_error_objects(errors)
        return JSONResponse(error_body(request.url.path, 422, objects), status_code=422)

    @app.exception_handler(PydanticValidationError)
    async def _model_validation(request: Request, exc: PydanticValidationError) -> JSONResponse:
        """A wire model built from client input inside a handler: the same 422 as request validation."""
        objects = validation_error_objects([dict(error) for error in exc.errors()])
        return JSONResponse(error_body(request.url.path, 422, objects), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = {404: "Resource not found", 405: "Method not allowed"}.get(exc.status_code, str(exc.detail))
        return JSONResponse(
            error_body(request.url.path, exc.status_code, [{"error": message}]),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled_error", path=request.url.path)
        return JSONResponse(
            error_body(request.url.path, 500, [{"error": "server encountered an error !"}]), status_code=500
        )
