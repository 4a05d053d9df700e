"""A write command as data: the endpoint (method, path), its arguments and flags with the body field each
fills and its help, and hooks for what differs (checks across fields, how the answer is judged).

`build.register` turns a `WriteSpec` into a Typer command; `adplane.cli.api_writes` holds the table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Kind = str
"""How a flag's text becomes a body value: str, int, float, bool (--x/--no-x), ms or s (a date/time in the
user's timezone as epoch milliseconds or seconds), day (a calendar day, today, yesterday or a date-time,
kept as text for the spec's `resolve` hook to place in a timezone only the API knows), choice (a word of
`choices`), json (parsed when it can be), ints or strs (repeatable), path."""

PYTHON_TYPES: dict[Kind, Any] = {
    "str": str, "int": int, "float": float, "bool": bool, "ms": str, "s": str, "day": str, "choice": str,
    "json": str,
    "ints": list[int], "strs": list[str], "path": str,
}


@dataclass(frozen=True)
class Flag:
    option: str
    """The flag, e.g. `--budget-total`."""
    field: str
    """The body field it fills, e.g. `budgetTotal`."""
    help: str
    kind: Kind = "str"
    choices: Mapping[str, Any] | None = None
    """For kind choice: the word the user types → the value sent."""
    end: bool = False
    """For ms/s: a bare date means the end of that day (an inclusive end date)."""
    join: bool = False
    """For ints/strs: send a comma-separated string (the API's id-list spelling) instead of a list."""
    convert: Callable[[Any], Any] | None = None
    """Custom conversion of the parsed value (raise runtime.UsageError for a bad one)."""
    metavar: str | None = None

    @property
    def param(self) -> str:
        return self.option.lstrip("-").replace("-", "_")


@dataclass(frozen=True)
class Arg:
    name: str
    """The Python/argument name, e.g. `campaign_id`; also the `{placeholder}` it fills in the path."""
    help: str
    kind: Kind = "int"
    field: str | None = None
    """A body field to fill instead of a path placeholder."""
    join: bool = False
    metavar: str | None = None


Prepare = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]
"""(body, the flags' raw values by parameter name) → the body to send; raises UsageError for bad input."""


@dataclass(frozen=True)
class WriteSpec:
    group: str
    """The command group, e.g. `campaigns` (`adplane api campaigns ...`)."""
    name: str
    help: str
    method: str
    path: str
    args: tuple[Arg, ...] = ()
    flags: tuple[Flag, ...] = ()
    required: tuple[str, ...] = ()
    """Body fields that must end up set (from a flag, --set or the file)."""
    fixed: Mapping[str, Any] = field(default_factory=dict)
    """Fields every call sends (e.g. the target status)."""
    body_input: bool = True
    """Accept --file (JSON/YAML) and --set KEY=VALUE."""
    needs_fields: bool = False
    """Refuse to call with an empty body (updates)."""
    prepare: Prepare | None = None
    judge: Callable[[Any], list[str]] | None = None
    """Refusals inside a successful answer (e.g. per-campaign status verdicts): printed, exit code 1."""
    resolve: Callable[[Any, dict[str, Any], dict[str, Any]], None] | None = None
    """(client, body, raw values): with the logged-in client, finish the body in place before it is sent
    (e.g. `day` flags in the campaign's or the saved report's timezone)."""
    send: Callable[[Any, WriteSpec, str, dict[str, Any], dict[str, Any]], Any] | None = None
    """Another way to call than a JSON body: (client, spec, path, body, raw values) → answer."""
    columns: tuple[str, ...] | None = None
    """Columns of the table when the answer is a list."""

    def option_for(self, body_field: str) -> str | None:
        return next((flag.option for flag in self.flags if flag.field == body_field), None)
