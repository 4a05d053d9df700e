"""`adplane api ...`: the API from the command line, over the SDK (`adplane.client`).

Log in once (`adplane api login`); the session is kept in `$XDG_CONFIG_HOME/adplane/credentials.json`
(mode 600) and its tokens are refreshed and saved as they rotate. Exit codes: 0 success, 1 the API
refused (errors printed from `errorObjects`), 2 bad usage, 3 the server could not be reached,
4 not logged in.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import typer

from adplane.cli import api_writes, dates
from adplane.cli.apikit import build, reportfile, zones
from adplane.cli.apikit.body import merged_body
from adplane.cli.apikit.runtime import (
    EXIT_API_ERROR,
    EXIT_NOT_LOGGED_IN,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    UsageError,
    console,
    fail,
    open_client,
    print_api_error,
    session,
)
from adplane.cli.apikit.suggest import did_you_mean
from adplane.client import AdplaneClient, ApiError, ClientConfig, ConnectionFailed, store
from adplane.client.output import plain, show

__all__ = ["EXIT_API_ERROR", "EXIT_NOT_LOGGED_IN", "EXIT_UNREACHABLE", "EXIT_USAGE", "app", "open_client"]

app = typer.Typer(no_args_is_help=True, help="Call the adplane (or any IQM-compatible) API.")
ios_app = typer.Typer(no_args_is_help=True, help="Insertion orders.")
campaigns_app = typer.Typer(no_args_is_help=True, help="Campaigns: create, change, approve, pause, resume, reject.")
creatives_app = typer.Typer(no_args_is_help=True, help="Creatives: upload, list, show.")
reports_app = typer.Typer(no_args_is_help=True, help="Reports: saved definitions, runs, schedules.")
schedules_app = typer.Typer(no_args_is_help=True, help="E-mail schedules of saved reports.")
insights_app = typer.Typer(no_args_is_help=True, help="Insight reports (PLD, SLS, AQS).")
generate_app = typer.Typer(no_args_is_help=True, help="Generate an insight report: each kind with its own fields.")
cost_app = typer.Typer(no_args_is_help=True, help="What an SLS or AQS report would cost before generating it.")
app.add_typer(ios_app, name="ios")
app.add_typer(campaigns_app, name="campaigns")
app.add_typer(creatives_app, name="creatives")
app.add_typer(reports_app, name="reports")
app.add_typer(schedules_app, name="schedules")
app.add_typer(insights_app, name="insights")
insights_app.add_typer(generate_app, name="generate")
insights_app.add_typer(cost_app, name="cost")

GROUPS: dict[str, typer.Typer] = {"ios": ios_app, "campaigns": campaigns_app, "creatives": creatives_app,
                                  "reports": reports_app,
                                  "schedules": schedules_app, "insights-generate": generate_app,
                                  "insights-cost": cost_app}
for _spec in api_writes.WRITES:
    build.register(GROUPS[_spec.group], _spec)
    if (_spec.group, _spec.name) == ("schedules", "create"):  # the older spelling, kept working
        build.register(reports_app, dataclasses.replace(_spec, group="reports", name="schedule"))

JsonOption = typer.Option(False, "--json", help="Print JSON (for scripts).")
FileOption = typer.Option(None, "--file", "-f", help="JSON or YAML file with the request body.")
SetOption = typer.Option(None, "--set", help="Extra body field KEY=VALUE (VALUE parsed as JSON when it can be).")
TzOption = typer.Option(None, "--tz", help=build.TZ_HELP)


def shown(value: Any, as_json: bool, tz: str | None, columns: list[str] | None = None,
          title: str | None = None) -> None:
    """An answer as JSON (the API's numbers) or a table with times in the user's timezone."""
    if as_json:
        show(console(), value, as_json=True)
        return
    try:
        zone = zones.user_zone(tz)
    except UsageError as exc:
        raise fail(str(exc), EXIT_USAGE) from None
    show(console(), zones.localize(plain(value), zone), as_json=False, columns=columns, title=title)


# --- the session --------------------------------------------------------------------------------

@app.command()
def login(
    url: str = typer.Option(..., envvar="ADPLANE_API_URL", help="API base URL, e.g. http://127.0.0.1:8000"),
    client_id: str = typer.Option(..., "--client-id", envvar="ADPLANE_API_CLIENT_ID"),
    client_secret: str = typer.Option(..., "--client-secret", envvar="ADPLANE_API_CLIENT_SECRET", prompt=True,
                                      hide_input=True),
    host: str = typer.Option(..., envvar="ADPLANE_API_HOST", help="Workspace host (X-IAA-HOST)."),
    email: str = typer.Option(..., envvar="ADPLANE_API_EMAIL"),
    password: str = typer.Option(..., envvar="ADPLANE_API_PASSWORD", prompt=True, hide_input=True),
    ow_id: int | None = typer.Option(None, "--ow-id", help="Organization to act for (default: the login's)."),
    as_json: bool = JsonOption,
) -> None:
    """Log in and keep the session (tokens, not the password) in the config folder."""
    config = ClientConfig(url=url, client_id=client_id, client_secret=client_secret, host=host, email=email,
                          password=password, ow_id=ow_id)
    try:
        with AdplaneClient(config) as client:
            token = client.login()
            profile = client.auth.profile()
            path = store.save(store.stored_session(client.config, token, client.ow_id))
    except ConnectionFailed as exc:
        raise fail(f"cannot reach the API: {exc.message}", EXIT_UNREACHABLE) from None
    except ApiError as exc:
        print_api_error(exc)
        raise typer.Exit(code=EXIT_API_ERROR) from None
    result = {"email": profile.email, "owId": profile.ow_id, "organizationName": profile.organization_name,
              "credentials": str(path)}
    if as_json:
        typer.echo(json.dumps(result))
    else:
        typer.echo(f"Logged in as {profile.email} for {profile.organization_name} (owId {profile.ow_id}).")


@app.command()
def logout() -> None:
    """Revoke the token and forget the session."""
    if store.load():
        try:
            with session() as client:
                client.auth.logout()
        finally:
            store.delete()
    typer.echo("Logged out.")


@app.command()
def whoami(as_json: bool = JsonOption) -> None:
    """The logged-in user and organization."""
    with session() as client:
        show(console(), client.auth.profile(), as_json=as_json)


@app.command()
def orgs(as_json: bool = JsonOption) -> None:
    """Organizations the user may act for."""
    with session() as client:
        rows = list(client.auth.iter_allowed_organizations())
    show(console(), rows, as_json=as_json, columns=["owId", "organizationName", "status", "workspaceDomain"])


@app.command("use-org")
def use_org(ow_id: int = typer.Argument(..., help="owId to act for from now on.")) -> None:
    """Switch the organization (X-IAA-OW-ID) of the saved session."""
    with session() as client:
        client.use_organization(ow_id)
        profile = client.auth.profile()
        assert client.token is not None  # the profile call logged in
        store.save(store.stored_session(client.config, client.token, client.ow_id))
    typer.echo(f"Now acting for {profile.organization_name} (owId {profile.ow_id}).")


# --- request bodies from flags or a JSON file ------------------------------------------------------

def request_body(file: Path | None, sets: list[str] | None, flags: dict[str, Any]) -> dict[str, Any]:
    """The JSON/YAML file, then --set KEY=VALUE pairs, then named flags (those win)."""
    try:
        return merged_body(file, sets, flags)
    except UsageError as exc:
        raise fail(str(exc), EXIT_USAGE) from None


def instant(raw: str | None, unit: str, option: str) -> int | None:
    """A date/time flag (ISO 8601 date or datetime, UTC unless it says otherwise, or an epoch number)
    as epoch `ms` or `s`."""
    if raw is None:
        return None
    if raw.isdigit():
        return int(raw)
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(raw), datetime.min.time())
        except ValueError:
            raise fail(f"{option}: expected an ISO date/time or an epoch number, got {raw!r}", EXIT_USAGE) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = moment.timestamp()
    return int(seconds * 1000) if unit == "ms" else int(seconds)


def require(body: dict[str, Any], *fields: str) -> None:
    missing = [name for name in fields if body.get(name) in (None, "")]
    if missing:
        raise fail(f"missing {', '.join(missing)} (give flags, --set or --file)", EXIT_USAGE)


ColumnsOption = typer.Option(None, "--columns", help="Columns of the table, comma-separated (default: a few "
                                                   "useful ones; any field of the rows).")


def chosen_columns(rows: list[dict[str, Any]], wanted: str | None, default: list[str]) -> list[str]:
    """--columns checked against the rows' fields, with 'did you mean' for a mistyped one."""
    if not wanted:
        return default
    names = [part.strip() for part in wanted.split(",") if part.strip()]
    known = {key for row in rows for key in row} | set(default)
    unknown = [name for name in names if name not in known]
    if unknown and rows:
        raise fail("; ".join(f"--columns: unknown column {name!r}{did_you_mean(name, known)}" for name in unknown),
                   EXIT_USAGE)
    return names


def listing(rows: list[dict[str, Any]], as_json: bool, columns: list[str], tz: str | None = None,
            wanted: str | None = None) -> None:
    shown(rows, as_json, tz, chosen_columns(rows, wanted, columns))


# --- insertion orders ------------------------------------------------------------------------------

IO_COLUMNS = ["ioId", "ioName", "ioStatusId", "ioStartTime", "ioEndTime", "ioTotalBudget", "ioTimeZoneId"]


@ios_app.command("list")
def ios_list(search: str | None = typer.Option(None, "--search"), as_json: bool = JsonOption,
             tz: str | None = TzOption, columns: str | None = ColumnsOption) -> None:
    """Every insertion order (all pages)."""
    with session() as client:
        rows = list(client.io.iter(search_field=search))
    listing(rows, as_json, IO_COLUMNS, tz, columns)


@ios_app.command("show")
def ios_show(io_id: int, as_json: bool = JsonOption, tz: str | None = TzOption) -> None:
    """One insertion order."""
    with session() as client:
        shown(client.io.get(io_id), as_json, tz)


# --- campaigns -------------------------------------------------------------------------------------

CAMPAIGN_COLUMNS = ["id", "name", "status", "creative_type", "start_date", "end_date", "total_budget"]


@campaigns_app.command("list")
def campaigns_list(status: str | None = typer.Option(None, "--status"),
                   search: str | None = typer.Option(None, "--search"), as_json: bool = JsonOption,
                   tz: str | None = TzOption, columns: str | None = ColumnsOption) -> None:
    """Every campaign (all pages)."""
    with session() as client:
        rows = list(client.campaigns.iter(status=status, search_field=search))
    listing(rows, as_json, CAMPAIGN_COLUMNS, tz, columns)


@campaigns_app.command("show")
def campaigns_show(campaign_id: int, as_json: bool = JsonOption, tz: str | None = TzOption) -> None:
    """One campaign with every field."""
    with session() as client:
        shown(client.campaigns.get(campaign_id), as_json, tz)


@campaigns_app.command("status")
def campaigns_status(campaign_ids: list[int] = typer.Argument(..., metavar="ID..."), as_json: bool = JsonOption,
                     tz: str | None = TzOption) -> None:
    """Where campaigns stand: status, approval, flight and why one was rejected."""
    with session() as client:
        rows = []
        for campaign_id in campaign_ids:
            found = client.campaigns.get(campaign_id)
            rows.append({"id": campaign_id, "campaignName": found.get("campaignName"), "status": found.get("status"),
                         "startTime": found.get("startTime"),
                         "endTime": found.get("endTime"), "rejectionReason": found.get("rejectionReason")})
    shown(rows, as_json, tz, ["id", "campaignName", "status", "startTime", "endTime", "rejectionReason"])


# --- creatives -------------------------------------------------------------------------------------

CREATIVE_COLUMNS = ["creativeId", "creativeName", "platformCreativeTypeId", "creativeStatusId", "creativeSourceType",
                    "createdAt"]


@creatives_app.command("list")
def creatives_list(search: str | None = typer.Option(None, "--search"), as_json: bool = JsonOption,
                   tz: str | None = TzOption, columns: str | None = ColumnsOption) -> None:
    """Every creative (all pages)."""
    with session() as client:
        rows = list(client.creatives.iter(search_field=search))
    listing(rows, as_json, CREATIVE_COLUMNS, tz, columns)


@creatives_app.command("show")
def creatives_show(creative_id: int, as_json: bool = JsonOption, tz: str | None = TzOption) -> None:
    """One creative with its details."""
    with session() as client:
        shown(client.creatives.get(creative_id), as_json, tz)


# --- reports -----------------------------------------------------------------------------------------

REPORT_DATE_HELP = "ISO date (a day of the report's timezone), today, yesterday, ISO date/time or epoch ms"
REPORT_COLUMNS = ["id", "reportName", "startDate", "endDate", "timezoneId", "requestType"]
FILE_TYPES = {"csv": 1, "xlsx": 2, "xls": 2}
FREQUENCIES = {"once": 1, "daily": 2, "weekly": 3, "monthly": 4}


@reports_app.command("list")
def reports_list(search: str | None = typer.Option(None, "--search"), as_json: bool = JsonOption) -> None:
    """Every saved report (all pages)."""
    with session() as client:
        rows = list(client.reports.iter(search_field=search))
    listing(rows, as_json, REPORT_COLUMNS)


@reports_app.command("show")
def reports_show(report_id: int, as_json: bool = JsonOption) -> None:
    with session() as client:
        show(console(), client.reports.get(report_id), as_json=as_json)


def report_flags(name: str | None, start: str | None, end: str | None, dimensions: str | None,
                 columns: list[str] | None, timezone_id: int | None, request_type: int | None) -> dict[str, Any]:
    dims = None
    if dimensions:
        dims = json.dumps([{"filter": part.strip()} for part in dimensions.split(",") if part.strip()])
    return {"reportName": name, "startDate": dates.check_flag(start, "--start"),
            "endDate": dates.check_flag(end, "--end"),
            "dimensions": dims, "columns": columns or None, "timezoneId": timezone_id, "requestType": request_type}


def report_columns(rows: list[dict[str, Any]], requested: Any) -> list[str]:
    """The requested columns (the daily `date` first when rows have it), else every key of the rows."""
    if isinstance(requested, list) and requested:
        wanted = [str(c) for c in requested]
        return (["date"] if rows and rows[0].get("date") is not None and "date" not in wanted else []) + wanted
    names: list[str] = []
    for row in rows:
        names.extend(key for key in row if key not in names)
    return names


@reports_app.command("run")
def reports_run(
    report_id: int | None = typer.Argument(None, help="A saved report; or give the definition by flags/--file."),
    start: str | None = typer.Option(None, "--start", help=REPORT_DATE_HELP),
    end: str | None = typer.Option(None, "--end", help=REPORT_DATE_HELP + " (included)"),
    dimensions: str | None = typer.Option(None, "--dimensions"),
    columns: list[str] | None = typer.Option(None, "--column"),
    timezone_id: int | None = typer.Option(None, "--timezone-id"),
    request_type: int | None = typer.Option(None, "--request-type"),
    file: Path | None = FileOption,
    sets: list[str] | None = SetOption,
    csv_path: Path | None = typer.Option(None, "--csv", help="Write the rows to this CSV file."),
    xlsx_path: Path | None = typer.Option(None, "--xlsx", help="Write the rows to this XLSX file."),
    as_json: bool = JsonOption,
    tz: str | None = TzOption,
) -> None:
    """Execute a report: a table in the terminal, JSON, or a CSV/XLSX file (all rows, every page) laid out
    like the server's report files: column labels, currency and percentages, and a Total row."""
    body = request_body(file, sets, report_flags(None, start, end, dimensions, columns, timezone_id, request_type))
    if report_id is not None:
        body["id"] = report_id
    if "id" not in body:
        require(body, "startDate", "endDate", "dimensions")
    with session() as client, reportfile.column_hints(client):
        dates.resolve_dates(client, body, "report")
        if report_id is not None and not body.get("columns"):
            body["columns"] = client.reports.get(report_id).get("columns")
        rows = list(client.reports.iter_rows(body))
        first = client.reports.execute({**body, "pageNo": 1, "noOfEntries": 1})
        total = first.get("total") if isinstance(first, dict) else None
        known = reportfile.catalogue(client) if (csv_path or xlsx_path) else {}
    names = report_columns(rows, body.get("columns"))
    if csv_path or xlsx_path:
        try:
            zone = zones.user_zone(tz)
        except UsageError as exc:
            raise fail(str(exc), EXIT_USAGE) from None
        writer: Callable[..., int] = reportfile.write_csv if csv_path else reportfile.write_xlsx
        target = csv_path or xlsx_path
        assert target is not None
        count = writer(target, rows, names, total if isinstance(total, dict) else None, known, zone,
                       reportfile.answer_labels(first))
        typer.echo(f"Wrote {count} rows and a total to {target}.")
        return
    if as_json:
        typer.echo(json.dumps({"data": rows, "total": total}, default=str))
        return
    out = console()
    show(out, rows, as_json=False, columns=names, title=f"{len(rows)} rows")
    if isinstance(total, dict):
        show(out, [{k: v for k, v in total.items() if v is not None}], as_json=False, title="total")


@reports_app.command("unschedule")
def reports_unschedule(report_id: int, as_json: bool = JsonOption) -> None:
    """Stop a report's scheduled e-mails."""
    with session() as client:
        show(console(), client.schedules.delete(report_id), as_json=as_json)


@schedules_app.command("delete")
def schedules_delete(report_id: int, as_json: bool = JsonOption) -> None:
    """Stop a report's scheduled e-mails (DELETE /api/v3/ra/report/email/schedule/{reportId})."""
    with session() as client:
        show(console(), client.schedules.delete(report_id), as_json=as_json)


# --- insights ----------------------------------------------------------------------------------------

KINDS = ("pld", "sls", "aqs")
INSIGHT_FILE_TYPES = {"xlsx": 1, "xls": 1, "csv": 2, "pdf": 3}  # the insights API numbers files its own way
KindOption = typer.Option("pld", "--kind", help="pld, sls or aqs")


def insight_kind(client: AdplaneClient, kind: str) -> Any:
    if kind not in KINDS:
        raise fail("--kind must be pld, sls or aqs", EXIT_USAGE)
    return getattr(client.insights, kind)


@insights_app.command("list")
def insights_list(kind: str = KindOption, as_json: bool = JsonOption) -> None:
    """Every insight report of a kind (all pages)."""
    with session() as client:
        rows = list(insight_kind(client, kind).iter())
    listing(rows, as_json, [f"{kind}Id", f"{kind}Name", "id", "reportName", "campaignId", f"{kind}StatusId",
                            "statusId", "startDate", "endDate"])


@insights_app.command("show")
def insights_show(report_id: int, kind: str = KindOption, as_json: bool = JsonOption) -> None:
    """One insight report (status, dates, cost) from the list."""
    with session() as client:
        found = next((r for r in insight_kind(client, kind).iter() if report_id in report_ids(r, kind)), None)
    if found is None:
        raise fail(f"no {kind.upper()} report {report_id}", EXIT_API_ERROR)
    show(console(), found, as_json=as_json)


def report_ids(row: dict[str, Any], kind: str) -> set[Any]:
    return {row.get(f"{kind}Id"), row.get("id"), row.get("reportId")} - {None}


@insights_app.command("download")
def insights_download(
    report_id: int,
    kind: str = KindOption,
    file_type: str = typer.Option("xlsx", "--file-type", help="xlsx, csv (or pdf for SLS)"),
    out: Path | None = typer.Option(None, "--out", "-o", help="Where to save (default: the link's file name)."),
    as_json: bool = JsonOption,
) -> None:
    """Download a generated insight report to a file."""
    if file_type.lower() not in INSIGHT_FILE_TYPES:
        raise fail("--file-type must be xlsx, csv or pdf", EXIT_USAGE)
    with session() as client:
        answer = insight_kind(client, kind).download(report_id, INSIGHT_FILE_TYPES[file_type.lower()])
        url = link_in(plain(answer))
        if not url:
            raise fail(f"the API answered no download link: {answer!r}", EXIT_API_ERROR)
        target = out or Path(url.split("?")[0].rstrip("/").rsplit("/", 1)[-1] or f"{kind}-{report_id}")
        client.download(url, target)
    if as_json:
        typer.echo(json.dumps({"url": url, "path": str(target)}))
    else:
        typer.echo(f"Saved {target}.")


def link_in(answer: Any) -> str | None:
    """The download link of an answer: a string, or the first URL-valued field."""
    if isinstance(answer, str):
        return answer
    if isinstance(answer, dict):
        for value in answer.values():
            if isinstance(value, str) and (value.startswith("http") or value.startswith("/")):
                return value
    return None
