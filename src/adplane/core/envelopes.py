"""Success envelopes: v3 `{"success": true, "data": ...}`, v2 `{"statusCode": N, "responseObject": ...}`."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel

T = TypeVar("T")


class V3(BaseModel, Generic[T]):
    success: bool = True
    data: T


class V2(BaseModel, Generic[T]):
    statusCode: int = 200  # noqa: N815 - wire name
    responseObject: T  # noqa: N815 - wire name


def v3(data: Any) -> dict[str, Any]:
    return {"success": True, "data": data}


def v2(data: Any, status_code: int = 200) -> dict[str, Any]:
    return {"statusCode": status_code, "responseObject": data}
