"""Calls that must point up the layers. A lower package declares a `Hook` (what it announces or asks),
a higher one connects a handler at import; the lower one calls the hook without importing its handlers.

Example: reports declares `definition_deleted`; schedules (which may import reports) connects the
handler that removes the report's schedule. With nothing connected a call returns `[]`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class Hook(Generic[P, R]):
    """A named call point; calling it runs every connected handler in connection order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._handlers: list[Callable[P, R]] = []

    def connect(self, handler: Callable[P, R]) -> Callable[P, R]:
        """Add a handler (again is harmless); usable as a decorator."""
        if handler not in self._handlers:
            self._handlers.append(handler)
        return handler

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> list[R]:
        return [handler(*args, **kwargs) for handler in self._handlers]

    def __repr__(self) -> str:
        return f"Hook({self.name!r}, {len(self._handlers)} handler(s))"
