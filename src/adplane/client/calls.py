"""What one API call is (method, path, body, how to read the answer) and how answers are unwrapped.

Resources describe calls; the sync and async clients execute them, so each endpoint is written once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import httpx
from pydantic import BaseModel, TypeAdapter
from pydantic.alias_generators import to_camel

from adplane.client.errors import ApiError, error_class_for

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


@dataclass
class Call:
    method: str
    path: str
    json: Any = None
    params: dict[str, Any] | None = None
    form: dict[str, Any] | None = None
    files: Any = None
    content: bytes | None = None
    """A raw body (e.g. an NDJSON/CSV/Parquet event batch); give its Content-Type in `headers`."""
    parse: Callable[[Any], Any] | None = None
    """Turns the unwrapped data into the return value (e.g. a Pydantic model)."""
    authenticated: bool = True
    """False for login-type calls: they send Basic client credentials and X-IAA-HOST instead."""
    anonymous: bool = False
    """No credentials at all (e.g. an e-mail's unsubscribe link); implies not `authenticated`."""
    retry_safe: bool | None = None
    """Override the method's idempotency: listing or computing through POST is safe to repeat."""
    headers: dict[str, str] = field(default_factory=dict)
    model: Any = None
    """The response model of the unwrapped data (default: the route's, from `client.models`); clients
    built with `typed=True` return it validated instead of plain dicts."""
    typed: bool = True
    """False: plain data even from a typed client (pages of a paged list are read as dicts)."""

    @property
    def idempotent(self) -> bool:
        return self.retry_safe if self.retry_safe is not None else self.method.upper() in IDEMPOTENT_METHODS


@dataclass
class Pages:
    """A paged list: how to ask for page n and where the items and the total are in the data."""

    call_for_page: Callable[[int, int], Call]
    items_key: str | Callable[[Any], list[Any]] | None = None
    """Where the items are; None: the data itself when a list, else its first list-valued field."""
    page_size: int = 100
    total_key: str | None = "totalRecords"
    first_page: int = 1

    def items(self, data: Any) -> list[Any]:
        if callable(self.items_key):
            return list(self.items_key(data))
        if isinstance(data, list):
            return data
        if not isinstance(data, dict):
            return []
        if self.items_key is None:
            return next((value for value in data.values() if isinstance(value, list)), [])
        return list(data.get(self.items_key) or [])

    def total(self, data: Any) -> int | None:
        if self.total_key and isinstance(data, dict) and isinstance(data.get(self.total_key), int):
            return data[self.total_key]
        return None

    def is_last(self, data: Any, items: list[Any], seen: int) -> bool:
        total = self.total(data)
        return len(items) < self.page_size or not items or (total is not None and seen >= total)


def body(value: Any) -> Any:
    """A request body from a Pydantic model (wire aliases, unset fields left out) or plain data."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return value


def payload(base: Any = None, **fields: Any) -> dict[str, Any]:
    """A JSON body: `base` (a dict or a Pydantic model) plus snake_case keyword fields in camelCase."""
    merged = dict(body(base) or {})
    merged.update({wire_name(key): value for key, value in fields.items() if value is not None})
    return merged


def query(params: dict[str, Any]) -> dict[str, Any]:
    """Query parameters from snake_case keywords (camelCase on the wire; camelCase kept), None dropped."""
    return {wire_name(key): value for key, value in params.items() if value is not None}


def wire_name(key: str) -> str:
    """snake_case → camelCase; names without an underscore (already wire names) are kept."""
    return to_camel(key) if "_" in key else key


def clean(params: dict[str, Any]) -> dict[str, Any]:
    """Drop None values (optional query parameters or body fields the caller did not give)."""
    return {key: value for key, value in params.items() if value is not None}


def error_objects_of(payload: Any, response: httpx.Response) -> list[dict[str, Any]]:
    if isinstance(payload, dict) and isinstance(payload.get("errorObjects"), list) and payload["errorObjects"]:
        return [obj if isinstance(obj, dict) else {"error": str(obj)} for obj in payload["errorObjects"]]
    if isinstance(payload, dict) and isinstance(payload.get("data"), str) and payload["data"]:
        return [{"error": payload["data"]}]  # e.g. SLS name validation answers its refusal in `data`
    if isinstance(payload, dict) and payload.get("detail"):
        return [{"error": str(payload["detail"])}]
    text = response.text.strip()[:500] if not isinstance(payload, dict) else ""
    return [{"error": text or response.reason_phrase or f"HTTP {response.status_code}"}]


@lru_cache(maxsize=256)
def _adapter(model: Any) -> TypeAdapter[Any]:
    return TypeAdapter(model)


def typed_data(call: Call, data: Any) -> Any:
    """The data as the call's response model (unchanged when there is none, e.g. another API's route)."""
    from adplane.client.models import model_for

    model = call.model if call.model is not None else model_for(call.method, call.path)
    return _adapter(model).validate_python(data) if model is not None and call.typed else data


def unwrap(call: Call, response: httpx.Response, *, typed: bool = False) -> Any:
    """The data of a success envelope (v3 `data`, v2 `responseObject`, or a bare body), else ApiError."""
    try:
        payload: Any = response.json() if response.content else None
    except ValueError:
        payload = None
    status = response.status_code
    failed = status >= 400
    if isinstance(payload, dict) and payload.get("success") is False:
        failed = True
    if failed:
        data = payload.get("data") if isinstance(payload, dict) else None
        if data is None and isinstance(payload, dict) and payload.get("responseObject"):
            data = payload["responseObject"]
        raise error_class_for(status if status >= 400 else 400)(
            status if status >= 400 else 400,
            error_objects_of(payload, response),
            method=call.method,
            path=call.path,
            data=data,
            headers=dict(response.headers),
        )
    if payload is None and response.content:
        raise ApiError(status, [{"error": "Response is not JSON"}], method=call.method, path=call.path)
    data = payload
    if isinstance(payload, dict) and "success" in payload and "data" in payload:
        data = payload["data"]
    elif isinstance(payload, dict) and "statusCode" in payload and "responseObject" in payload:
        data = payload["responseObject"]
    if call.parse:
        return call.parse(data)
    return typed_data(call, data) if typed else data


def model(cls: type[BaseModel]) -> Callable[[Any], Any]:
    return cls.model_validate


def list_of(cls: type[BaseModel]) -> Callable[[Any], Any]:
    return lambda data: [cls.model_validate(item) for item in data or []]
