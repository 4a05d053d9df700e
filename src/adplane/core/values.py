"""Loose wire values: the numbers and object lists IQM clients send either as themselves or as text/JSON text."""

from __future__ import annotations

import json
import math
from typing import Any


def finite_number(value: Any) -> float | None:
    """`value` as a finite float (numbers and numeric text), else None (booleans, NaN, infinities, anything else)."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def object_list(value: Any) -> list[Any] | None:
    """A list given as a list, as one object, or as the JSON text of either; None when it is none of them."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if isinstance(value, dict):
        return [value]
    return value if isinstance(value, list) else None
