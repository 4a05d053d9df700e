"""Turn a `WriteSpec` into a Typer command: one argument or option per entry of the table (with its help),
plus --file/--set for the rest of the body, --tz and --json; one function runs them all."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import typer

from adplane.cli import dates
from adplane.cli.apikit import zones
from adplane.cli.apikit.body import check_fields, merged_body, parse_value, request_schema
from adplane.cli.apikit.runtime import EXIT_API_ERROR, EXIT_USAGE, UsageError, console, fail, session
from adplane.cli.apikit.spec import PYTHON_TYPES, Arg, Flag, WriteSpec
from adplane.cli.apikit.suggest import did_you_mean
from adplane.client import AdplaneClient, ApiError
from adplane.client.output import plain, show

FILE_HELP = "JSON or YAML file with request body fields (`-`: standard input); flags override it."
SET_HELP = "Another body field, KEY=VALUE (VALUE read as JSON when it can be); repeatable."
TZ_HELP = f"Timezone for dates you type and times shown (IANA name; default: ${zones.TZ_SETTING} or this machine's)."
JSON_HELP = "Print the API's answer as JSON (for scripts)."


def _parameter(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default, annotation=annotation)


def flag_help(flag: Flag) -> str:
    text = flag.help
    if flag.kind == "choice" and flag.choices:
        text += f" One of: {', '.join(flag.choices)}."
    if flag.kind == "day":
        text += (" ISO date (a whole day of the report's/campaign's timezone), today, yesterday, today-N, ISO "
                 "date-time or epoch.")
    if flag.kind in ("ms", "s"):
        text += " ISO date or date-time in --tz" + (" (a date: through its end)" if flag.end else "") + \
                f", or epoch {'milliseconds' if flag.kind == 'ms' else 'seconds'}."
    return text + f" (body field {flag.field})"


def metavar(flag: Flag) -> str | None:
    if flag.metavar or flag.kind == "bool":
        return flag.metavar
    if flag.kind == "choice" and flag.choices:
        return "|".join(flag.choices)
    names = {"ms": "DATE", "s": "DATE", "day": "DATE", "ints": "N", "int": "N", "float": "AMOUNT", "json": "JSON"}
    return names.get(flag.kind, "TEXT")


def parameters(spec: WriteSpec) -> list[inspect.Parameter]:
    params = []
    for arg in spec.args:
        params.append(_parameter(arg.name, PYTHON_TYPES[arg.kind],
                                 typer.Argument(..., help=arg.help, metavar=arg.metavar or arg.name.upper(),
                                                show_default=False)))
    for flag in spec.flags:
        decls = [f"{flag.option}/--no-{flag.option[2:]}"] if flag.kind == "bool" else [flag.option]
        params.append(_parameter(flag.param, PYTHON_TYPES[flag.kind] | None,
                                 typer.Option(None, *decls, help=flag_help(flag), metavar=metavar(flag),
                                              show_default=False)))
    if spec.body_input:
        params.append(_parameter("file", Path | None, typer.Option(None, "--file", "-f", help=FILE_HELP)))
        params.append(_parameter("sets", list[str] | None, typer.Option(None, "--set", help=SET_HELP,
                                                                       metavar="KEY=VALUE")))
    params.append(_parameter("tz", str | None, typer.Option(None, "--tz", help=TZ_HELP)))
    params.append(_parameter("as_json", bool, typer.Option(False, "--json", help=JSON_HELP)))
    return params


def register(app: typer.Typer, spec: WriteSpec) -> None:
    def command(**values: Any) -> None:
        run(spec, values)

    params = parameters(spec)
    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    command.__name__ = f"{spec.group}_{spec.name}".replace("-", "_")
    command.__doc__ = spec.help
    app.command(spec.name, help=f"{spec.help} ({spec.method} {spec.path.split('?')[0]})")(command)


# --- running one ----------------------------------------------------------------------------------

def convert(flag: Flag, value: Any, zone: ZoneInfo) -> Any:
    if flag.kind in ("ms", "s"):
        value = zones.instant(value, flag.kind, flag.option, zone, end=flag.end)
    elif flag.kind == "day":
        dates.check_flag(value, flag.option)
    elif flag.kind == "choice" and flag.choices is not None:
        word = str(value).strip().lower()
        choices = {str(key).lower(): wire for key, wire in flag.choices.items()}
        if word not in choices:
            raise UsageError(f"{flag.option}: {value!r} is not one of {', '.join(flag.choices)}"
                             f"{did_you_mean(str(value), flag.choices)}")
        value = choices[word]
    elif flag.kind == "json":
        value = parse_value(value)
    elif flag.kind in ("ints", "strs") and flag.join:
        value = ",".join(str(item) for item in value)
    return flag.convert(value) if flag.convert else value


def fill_path(spec: WriteSpec, values: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The path with its placeholders filled, and the arguments that go into the body."""
    path, fields = spec.path, {}
    for arg in spec.args:
        value = values[arg.name]
        if arg.field:
            fields[arg.field] = ",".join(str(v) for v in value) if arg.join and isinstance(value, list) else value
        else:
            path = path.replace("{" + arg.name + "}", quote(str(value), safe=""))
    return path, fields


def build_body(spec: WriteSpec, values: dict[str, Any], zone: ZoneInfo) -> tuple[str, dict[str, Any]]:
    flags = {}
    for flag in spec.flags:
        value = values.get(flag.param)
        if value is None or value == []:
            continue
        flags[flag.field] = convert(flag, value, zone)
    path, from_args = fill_path(spec, values)
    body = merged_body(values.get("file"), values.get("sets"), flags)
    if spec.needs_fields and not body:
        raise UsageError("nothing to change: give a flag, --set KEY=VALUE or --file")
    body.update(from_args)
    body.update(spec.fixed)
    if spec.prepare is not None:
        body = spec.prepare(body, values)
    missing = [name for name in spec.required if body.get(name) in (None, "", [])]
    if missing:
        hints = [f"{spec.option_for(name) or '--set ' + name + '=...'}" for name in missing]
        raise UsageError(f"missing {', '.join(missing)}: give {', '.join(hints)} (or put it in --file)")
    return path, body


def openapi_of(client: AdplaneClient) -> dict[str, Any] | None:
    """The server's OpenAPI document, when it serves one (adplane does; other IQM-compatible APIs may not)."""
    try:
        raw = client.download("/openapi.json")
        return json.loads(raw) if isinstance(raw, bytes) else None
    except (ApiError, ValueError):
        return None


def own_fields(spec: WriteSpec) -> set[str]:
    return {flag.field for flag in spec.flags} | {arg.field for arg in spec.args if arg.field} | set(spec.fixed)


def run(spec: WriteSpec, values: dict[str, Any]) -> None:
    try:
        zone = zones.user_zone(values.get("tz"))
        path, body = build_body(spec, values, zone)
    except UsageError as exc:
        raise fail(str(exc), EXIT_USAGE) from None
    with session() as client:
        if values.get("file") is not None or values.get("sets"):
            schema = request_schema(openapi_of(client), spec.method, spec.path)
            check_fields(body, own_fields(spec), schema, f"{spec.method} {spec.path}")
        if spec.resolve is not None:
            spec.resolve(client, body, values)
        if spec.send is not None:
            answer = spec.send(client, spec, path, body, values)
        else:
            answer = client.request(spec.method, path, json=body)
    refusals = spec.judge(answer) if spec.judge else []
    display(answer, bool(values.get("as_json")), zone, spec.columns)
    if refusals:
        for line in refusals:
            typer.echo(f"error: {line}", err=True)
        raise typer.Exit(code=EXIT_API_ERROR)


def display(answer: Any, as_json: bool, zone: ZoneInfo, columns: tuple[str, ...] | None = None) -> None:
    data = plain(answer)
    if as_json:
        typer.echo(json.dumps(data, indent=2, default=str))
        return
    show(console(), zones.localize(data, zone), as_json=False, columns=list(columns) if columns else None)


__all__ = ["Arg", "Flag", "WriteSpec", "display", "register", "run"]
