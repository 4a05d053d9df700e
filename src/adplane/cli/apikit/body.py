"""Request bodies: a JSON or YAML file, then `--set KEY=VALUE`, then named flags (those win); and the
check that every field is one the endpoint knows, with 'did you mean' for the rest."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from adplane.cli.apikit.runtime import UsageError
from adplane.cli.apikit.suggest import close_matches, did_you_mean

TYPO_CUTOFF = 0.85
"""Where the endpoint takes extra fields, an unknown name this close to a known one is taken as a typo."""


def parse_value(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def load_file(path: Path) -> dict[str, Any]:
    """A JSON or YAML object from a file (`-`: standard input); YAML unless the name ends in .json."""
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text()
    except OSError as exc:
        raise UsageError(f"--file: {exc.strerror or exc}: {path}") from None
    try:
        loaded = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"--file {path}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise UsageError(f"--file {path}: not valid YAML or JSON: {problem}{where}") from None
    if not isinstance(loaded, dict):
        raise UsageError(f"--file {path} must hold a JSON/YAML object (field: value), not {type(loaded).__name__}")
    return {str(key): value for key, value in loaded.items()}


def merged_body(file: Path | None, sets: Iterable[str] | None, flags: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if file is not None:
        body.update(load_file(file))
    for item in sets or []:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set expects KEY=VALUE, got {item!r}")
        body[key.strip()] = parse_value(raw)
    body.update({key: value for key, value in flags.items() if value is not None})
    return body


# --- what the endpoint accepts, from the server's OpenAPI document ------------------------------------------

def _path_pattern(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(path)) + "$")


def request_schema(openapi: dict[str, Any] | None, method: str, path: str) -> dict[str, Any] | None:
    """The JSON body schema of `method path` (placeholders match any spelling), refs resolved."""
    if not openapi:
        return None
    wanted = _path_pattern(path)
    for candidate, operations in (openapi.get("paths") or {}).items():
        if not wanted.match(candidate) and not _path_pattern(candidate).match(path):
            continue
        operation = (operations or {}).get(method.lower()) or {}
        content = ((operation.get("requestBody") or {}).get("content") or {}).get("application/json") or {}
        return _resolve(openapi, content.get("schema"))
    return None


def _resolve(openapi: dict[str, Any], schema: Any) -> dict[str, Any] | None:
    for _ in range(10):
        if not isinstance(schema, dict):
            return None
        ref = schema.get("$ref")
        if not ref:
            return schema
        node: Any = openapi
        for part in str(ref).lstrip("#/").split("/"):
            node = node.get(part) if isinstance(node, dict) else None
        schema = node
    return None


def check_fields(body: dict[str, Any], own: Iterable[str], schema: dict[str, Any] | None, what: str) -> None:
    """Refuse fields the endpoint does not take. With the server's schema: any field it does not list
    (unless it declares extra fields welcome); without it, or where extras are welcome, only a name
    that is a near miss of a known one (a typo the server would silently drop)."""
    known = set(own)
    strict = False
    if schema and isinstance(schema.get("properties"), dict):
        known |= set(schema["properties"])
        strict = schema.get("additionalProperties") is not True
    problems = []
    for key in body:
        if key in known:
            continue
        if strict:
            problems.append(f"unknown field {key!r}{did_you_mean(key, known)}")
        elif close_matches(key, known, cutoff=TYPO_CUTOFF):
            problems.append(f"unknown field {key!r}{did_you_mean(key, known, cutoff=TYPO_CUTOFF)}")
    if problems:
        raise UsageError(f"{what}: " + "; ".join(problems))
