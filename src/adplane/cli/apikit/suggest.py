"""'Did you mean' for mistyped names (fields, columns, timezones, choices), by difflib's similarity."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

CUTOFF = 0.75
CLOSE_TO_BEST = 0.05
"""Only names about as close as the best one are offered: one good guess beats a list of weak ones."""


def close_matches(name: str, known: Iterable[str], limit: int = 3, cutoff: float = CUTOFF) -> list[str]:
    """Known names close to `name` (case-insensitive), best first, in their own spelling."""
    by_lower: dict[str, str] = {}
    for item in known:
        by_lower.setdefault(item.lower(), item)
    target = name.lower()
    scored = []
    for lower, item in by_lower.items():
        matcher = difflib.SequenceMatcher(None, target, lower)
        if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff:
            score = matcher.ratio()
            if score >= cutoff:
                scored.append((score, item))
    if not scored:
        return []
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    best = scored[0][0]
    return [item for score, item in scored[:limit] if score >= best - CLOSE_TO_BEST]


def did_you_mean(name: str, known: Iterable[str], cutoff: float = CUTOFF) -> str:
    """' (did you mean 'x' or 'y'?)', or '' when nothing is close."""
    matches = close_matches(name, known, cutoff=cutoff)
    if not matches:
        return ""
    return " (did you mean " + " or ".join(repr(m) for m in matches) + "?)"
