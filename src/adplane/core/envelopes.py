"""IQM's envelopes as generic models; this module needs only Pydantic (the SDK imports it).

Success: v3 `{"success": true, "data": ...}`, v2 `{"statusCode": N, "responseObject": ...}`.
Errors: v3 `{"success": false, "errorObjects": [...]}`, v2 `{"statusCode": N, "responseObject": {},
"errorObjects": [...]}`, each error object `{"error", "reason"?, "field"?}`.

Response models extend `ResponseModel`: field names are the wire names (no alias generator, so what a
route returns is what goes out), and keys a model does not declare are kept rather than dropped, so
declaring a model never removes data from an answer; the contract tests check that no such extra key
exists (`undeclared_keys`).
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer

T = TypeVar("T")

Number = int | float
"""A JSON number: ints stay ints and floats stay floats (a plain `float` would turn 5 into 5.0)."""


class ResponseModel(BaseModel):
    """Base of every answer model: wire names as field names, undeclared keys kept, unset defaults left out."""

    model_config = ConfigDict(extra="allow")

    # No return annotation on purpose: Pydantic then documents the model's own fields as the serialized shape.
    @model_serializer(mode="wrap")
    def _given_keys_only(self, handler: SerializerFunctionWrapHandler):
        """A defaulted field the route did not give stays out of the answer (no invented nulls)."""
        data = handler(self)
        if not isinstance(data, dict):
            return data
        unset = {name for name in type(self).model_fields if name not in self.model_fields_set}
        return {key: value for key, value in data.items() if key not in unset}


class V3(ResponseModel, Generic[T]):
    success: bool = True
    data: T


class V2(ResponseModel, Generic[T]):
    statusCode: int = 200
    responseObject: T


class Message(ResponseModel):
    """The answer of many writes: `{"message": "..."}`."""

    message: str


class Health(ResponseModel):
    """/healthz and /readyz: "ok" / "ready", or "unavailable" with the error's type (503)."""

    status: str
    error: str | None = None


class ErrorObject(ResponseModel):
    error: str
    reason: str | None = None
    field: str | None = None


class V3Error(ResponseModel):
    """A v3 failure: `data` only when the error carries details (e.g. an organization on hold)."""

    success: bool = False
    data: Any = None
    errorObjects: list[ErrorObject]


class V2Error(ResponseModel):
    statusCode: int
    responseObject: Any = None
    errorObjects: list[ErrorObject]


def v3(data: Any) -> dict[str, Any]:
    return {"success": True, "data": data}


def v2(data: Any, status_code: int = 200) -> dict[str, Any]:
    return {"statusCode": status_code, "responseObject": data}


def undeclared_keys(value: Any, path: str = "$") -> list[str]:
    """Where a validated answer holds keys its model does not declare (empty: the model is complete)."""
    found: list[str] = []
    if isinstance(value, BaseModel):
        found += [f"{path}.{key}" for key in (value.model_extra or {})]
        for name in type(value).model_fields:
            found += undeclared_keys(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found += undeclared_keys(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            found += undeclared_keys(item, f"{path}.{key}")
    return found
