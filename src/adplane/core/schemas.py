"""Base for wire models: snake_case in Python, camelCase on the wire, unknown fields ignored.

Only Pydantic here: the SDK imports the domains' schema modules without the server's packages installed.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

MAX_DB_INT = 2_147_483_647

DbId = Annotated[int, Field(ge=1, le=MAX_DB_INT)]
"""An id that fits the database's integer column; larger numbers are a 422, never a 500."""

MAX_EPOCH_MS = 253_402_300_799_999
"""9999-12-31T23:59:59.999Z: the last instant a datetime can hold; later epochs are a 422."""
MAX_EPOCH_S = MAX_EPOCH_MS // 1000

EpochMs = Annotated[int, Field(ge=0, le=MAX_EPOCH_MS)]
EpochS = Annotated[int, Field(ge=0, le=MAX_EPOCH_S)]

MAX_ID_LIST = 5000
"""The longest id list one request may carry: well under what SQLite and PostgreSQL can bind at once."""

IdList = Annotated[list[DbId], Field(max_length=MAX_ID_LIST)]


def db_id_or_none(text: str) -> int | None:
    """`text` as a database id when it is one (ASCII digits, in range), else None.

    str.isdigit() accepts '²' and other Unicode digits that int() rejects, and a number past the
    column's range cannot be compared without an overflow error: both are simply 'not an id'."""
    text = text.strip()
    if not text or len(text) > 10 or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if 1 <= value <= MAX_DB_INT else None


class WireModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        serialize_by_alias=True,
        extra="ignore",
    )


def __getattr__(name: str) -> Any:
    """`IdPath` moved to `adplane.core.deps` (it needs FastAPI); older imports of it from here still work."""
    if name == "IdPath":
        from adplane.core.deps import IdPath

        return IdPath
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def json_field(raw: str | bytes, field: str, message: str | None = None) -> Any:
    """Parse JSON a client sent inside a field; invalid, non-UTF-8 or absurdly deep text is a 422 on `field`.

    json.loads raises RecursionError (not ValueError) on nesting deeper than the interpreter's stack."""
    from adplane.core.errors import ValidationFailed

    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise ValidationFailed(message or f"{field} is not valid JSON.", field=field) from None
