"""Base for wire models: snake_case in Python, camelCase on the wire, unknown fields ignored."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

MAX_DB_INT = 2_147_483_647

DbId = Annotated[int, Field(ge=1, le=MAX_DB_INT)]
"""An id that fits the database's integer column; larger numbers are a 422, never a 500."""

IdPath = Annotated[int, Path(ge=1, le=MAX_DB_INT)]


class WireModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        serialize_by_alias=True,
        extra="ignore",
    )
