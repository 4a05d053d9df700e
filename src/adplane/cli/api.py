"""`adplane api ...`: the API from the command line, over the SDK (`adplane.client`).

Log in once (`adplane api login`); the session is kept in `$XDG_CONFIG_HOME/adplane/credentials.json`
(mode 600) and its tokens are refreshed and saved as they rotate. Exit codes: 0 success, 1 the API
refused (errors printed from `errorObjects`), 2 bad usage, 3 the server could not be reached,
4 not logged in.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from adplane.client import AdplaneClient, ApiError, ClientConfig, ConnectionFailed, Token, store
from adplane.client.errors import RateLimited, format_error_object
from adplane.client.output import plain, show, write_csv, write_xlsx

EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3
EXIT_NOT_LOGGED_IN = 4

app = typer.Typer(no_args_is_help=True, help="Call the adplane (or any IQM-compatible) API.")
ios_app = typer.Typer(no_args_is_help=True, help="Insertion orders.")
campaigns_app = typer.Typer(no_args_is_help=True, help="Campaigns.")
reports_app = typer.Typer(no_args_is_help=True, help="Reports: saved definitions, runs, schedules.")
insights_app = typer.Typer(no_args_is_help=True, help="Insight reports (PLD, SLS, AQS).")
app.add_typer(ios_app, name="ios")
app.add_typer(campaigns_app, name="campaigns")
app.add_typer(reports_app, name="reports")
app.add_typer(insights_app, name="insights")

JsonOption = typer.Option(False, "--json", help="Print JSON (for scripts).")
FileOption = typer.Option(None, "--file", "-f", help="JSON file with the request body.")
SetOption = typer.Option(None, "--set", help="Extra body field KEY=VALUE (VALUE parsed as JSON when it can be).")


def console() -> Console:
    return Console(width=200, soft_wrap=False)


def fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=code)


# --- the session --------------------------------------------------------------------------------

def open_client() -> AdplaneClient:
    saved = store.load()
    if not saved or not saved.get("token"):
        raise fail("not logged in; run `adplane api login` first", EXIT_NOT_LOGGED_IN)
    config = ClientConfig(url=saved["url"], client_id=saved.get("clientId"), client_secret=saved.get("clientSecret"),
                          host=saved.get("host"), email=saved.get("email"), ow_id=saved.get("owId"))
    client = AdplaneClient(config, token=Token.from_dict(saved["token"]))
    client.on_token = lambda token: store.save(store.stored_session(client.config, token, client.ow_id))
    return client


@contextmanager
def session() -> Iterator[AdplaneClient]:
    """A logged-in client; API and connection errors become messages and exit codes."""
    try:
        with open_client() as client:
            yield client
    except ConnectionFailed as exc:
        raise fail(f"cannot reach the API: {exc.message}", EXIT_UNREACHABLE) from None
    except ApiError as exc:
        print_api_error(exc)
        if exc.status_code == 401:
            typer.echo("hint: the session has ended; run `adplane api login` again", err=True)
        raise typer.Exit(code=EXIT_API_ERROR) from None


def print_api_error(exc: ApiError) -> None:
    """Each of the answer's errorObjects on its own line (and when to try again after a 429)."""
    for obj in exc.error_objects:
        typer.echo(f"error: {format_error_object(obj)}", err=True)
    if isinstance(exc, RateLimited) and exc.retry_after is not None:
        typer.echo(f"hint: try again in {exc.retry_after} seconds", err=True)


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
        store.save(store.stored_session(client.config, client.token, client.ow_id))
    typer.echo(f"Now acting for {profile.organization_name} (owId {profile.ow_id}).")


# --- request bodies from flags or a JSON file ------------------------------------------------------

def parse_value(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def request_body(file: Path | None, sets: list[str] | None, flags: dict[str, Any]) -> dict[str, Any]:
    """The JSON file, then --set KEY=VALUE pairs, then named flags (those win)."""
    body: dict[str, Any] = {}
    if file is not None:
        try:
            loaded = json.loads(file.read_text())
        except (OSError, ValueError) as exc:
            raise fail(f"--file: {exc}", EXIT_USAGE) from None
        if not isinstance(loaded, dict):
            raise fail("--file must hold a JSON object", EXIT_USAGE)
        body.update(loaded)
    for item in sets or []:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise fail(f"--set expects KEY=VALUE, got {item!r}", EXIT_USAGE)
        body[key] = parse_value(raw)
    body.update({key: value for key, value in flags.items() if value is not None})
    return body


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


def listing(rows: list[dict[str, Any]], as_json: bool, columns: list[str]) -> None:
    show(console(), rows, as_json=as_json, columns=columns)


# --- insertion orders ------------------------------------------------------------------------------

IO_COLUMNS = ["ioId", "ioName", "ioStatusId", "ioStartTime", "ioEndTime", "ioTotalBudget", "ioTimeZoneId"]


@ios_app.command("list")
def ios_list(search: str | None = typer.Option(None, "--search"), as_json: bool = JsonOption) -> None:
    """Every insertion order (all pages)."""
    with session() as client:
        rows = list(client.io.iter(search_field=search))
    listing(rows, as_json, IO_COLUMNS)


@ios_app.command("show")
def ios_show(io_id: int, as_json: bool = JsonOption) -> None:
    with session() as client:
        show(console(), client.io.get(io_id), as_json=as_json)


def io_flags(name: str | None, start: str | None, end: str | None, budget: float | None,
             timezone_id: int | None) -> dict[str, Any]:
    return {"ioName": name, "ioStartTime": instant(start, "ms", "--start"), "ioEndTime": instant(end, "ms", "--end"),
            "ioTotalBudget": budget, "ioTimeZoneId": timezone_id}


@ios_app.command("create")
def ios_create(
    name: str | None = typer.Option(None, "--name"),
    start: str | None = typer.Option(None, "--start", help="ISO date/time (UTC) or epoch ms"),
    end: str | None = typer.Option(None, "--end", help="ISO date/time (UTC) or epoch ms"),
    budget: float | None = typer.Option(None, "--budget"),
    timezone_id: int | None = typer.Option(None, "--timezone-id"),
    file: Path | None = FileOption,
    sets: list[str] | None = SetOption,
    as_json: bool = JsonOption,
) -> None:
    """Create an insertion order (POST /api/v3/cmp/io/add)."""
    body = request_body(file, sets, io_flags(name, start, end, budget, timezone_id))
    require(body, "ioName")
    with session() as client:
        show(console(), client.io.add(body), as_json=as_json)


@ios_app.command("update")
def ios_update(
    io_id: int,
    name: str | None = typer.Option(None, "--name"),
    start: str | None = typer.Option(None, "--start"),
    end: str | None = typer.Option(None, "--end"),
    budget: float | None = typer.Option(None, "--budget"),
    timezone_id: int | None = typer.Option(None, "--timezone-id"),
    file: Path | None = FileOption,
    sets: list[str] | None = SetOption,
    as_json: bool = JsonOption,
) -> None:
    """Update an insertion order (PATCH /api/v3/cmp/io/{ioId})."""
    body = request_body(file, sets, io_flags(name, start, end, budget, timezone_id))
    if not body:
        raise fail("nothing to update", EXIT_USAGE)
    with session() as client:
        show(console(), client.io.update(io_id, body), as_json=as_json)


# --- campaigns -------------------------------------------------------------------------------------

CAMPAIGN_COLUMNS = ["id", "name", "status", "creative_type", "start_date", "end_date", "total_budget"]


@campaigns_app.command("list")
def campaigns_list(status: str | None = typer.Option(None, "--status"),
                   search: str | None = typer.Option(None, "--search"), as_json: bool = JsonOption) -> None:
    """Every campaign (all pages)."""
    with session() as client:
        rows = list(client.campaigns.iter(status=status, search_field=search))
    listing(rows, as_json, CAMPAIGN_COLUMNS)


@campaigns_app.command("show")
def campaigns_show(campaign_id: int, as_json: bool = JsonOption) -> None:
    with session() as client:
        show(console(), client.campaigns.get(campaign_id), as_json=as_json)


def campaign_flags(name: str | None, io_id: int | None, start: str | None, end: str | None,
                   budget_total: float | None, budget_day: float | None, max_bid: float | None,
                   timezone_id: int | None) -> dict[str, Any]:
    return {"campaignName": name, "ioId": io_id, "startTime": instant(start, "s", "--start"),
            "endTime": instant(end, "s", "--end"), "budgetTotal": budget_total, "budgetDay": budget_day,
            "maxBid": max_bid, "timezone": timezone_id}


@campaigns_app.command("create")
def campaigns_create(
    name: str | None = typer.Option(None, "--name"),
    io_id: int | None = typer.Option(None, "--io-id"),
    start: str | None = typer.Option(None, "--start", help="ISO date/time (UTC) or epoch seconds"),
    end: str | None = typer.Option(None, "--end", help="ISO date/time (UTC) or epoch seconds"),
    budget_total: float | None = typer.Option(None, "--budget-total"),
    budget_day: float | None = typer.Option(None, "--budget-day"),
    max_bid: float | None = typer.Option(None, "--max-bid"),
    timezone_id: int | None = typer.Option(None, "--timezone-id"),
    file: Path | None = FileOption,
    sets: list[str] | None = SetOption,
    as_json: bool = JsonOption,
) -> None:
    """Create a campaign (POST /api/v2/cmp/campaigns/add)."""
    body = request_body(file, sets, campaign_flags(name, io_id, start, end, budget_total, budget_day, max_bid,
                                                   timezone_id))
    require(body, "campaignName", "ioId")
    with session() as client:
        show(console(), client.campaigns.add(body), as_json=as_json)


@campaigns_app.command("update")
def campaigns_update(
    campaign_id: int,
    name: str | None = typer.Option(None, "--name"),
    end: str | None = typer.Option(None, "--end"),
    budget_total: float | None = typer.Option(None, "--budget-total"),
    budget_day: float | None = typer.Option(None, "--budget-day"),
    max_bid: float | None = typer.Option(None, "--max-bid"),
    file: Path | None = FileOption,
    sets: list[str] | None = SetOption,
    as_json: bool = JsonOption,
) -> None:
    """Update a campaign (PATCH /api/v2/cmp/campaign/{campaignId})."""
    body = request_body(file, sets, campaign_flags(name, None, None, end, budget_total, budget_day, max_bid, None))
    if not body:
        raise fail("nothing to update", EXIT_USAGE)
    with session() as client:
        show(console(), client.campaigns.update(campaign_id, body), as_json=as_json)


# --- reports -----------------------------------------------------------------------------------------

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
    return {"reportName": name, "startDate": instant(start, "ms", "--start"), "endDate": instant(end, "ms", "--end"),
            "dimensions": dims, "columns": columns or None, "timezoneId": timezone_id, "requestType": request_type}


@reports_app.command("create")
def reports_create(
    name: str | None = typer.Option(None, "--name"),
    start: str | None = typer.Option(None, "--start", help="ISO date or epoch ms"),
    end: str | None = typer.Option(None, "--end", help="ISO date or epoch ms"),
    dimensions: str | None = typer.Option(None, "--dimensions", help="comma-separated, e.g. campaign,deviceType"),
    columns: list[str] | None = typer.Option(None, "--column", help="a metric/column (repeatable)"),
    timezone_id: int | None = typer.Option(None, "--timezone-id"),
    request_type: int | None = typer.Option(None, "--request-type", help="1 daily, 2 aggregated"),
    file: Path | None = FileOption,
    sets: list[str] | None = SetOption,
    as_json: bool = JsonOption,
) -> None:
    """Save a report definition (POST /api/v3/ra/report/add)."""
    body = request_body(file, sets, report_flags(name, start, end, dimensions, columns, timezone_id, request_type))
    require(body, "reportName")
    with session() as client:
        show(console(), client.reports.add(body), as_json=as_json)


@reports_app.command("update")
def reports_update(
    report_id: int,
    name: str | None = typer.Option(None, "--name"),
    start: str | None = typer.Option(None, "--start"),
    end: str | None = typer.Option(None, "--end"),
    file: Path | None = FileOption,
    sets: list[str] | None = SetOption,
    as_json: bool = JsonOption,
) -> None:
    """Update a saved report (PATCH /api/v3/ra/report/{reportId})."""
    body = request_body(file, sets, report_flags(name, start, end, None, None, None, None))
    if not body:
        raise fail("nothing to update", EXIT_USAGE)
    with session() as client:
        show(console(), client.reports.update(report_id, body), as_json=as_json)


def report_columns(rows: list[dict[str, Any]], requested: Any) -> list[str]:
    """The requested columns (the daily `date` first when rows have it), else every key of the rows."""
    if isinstance(requested, list) and requested:
        names = [str(c) for c in requested]
        return (["date"] if rows and rows[0].get("date") is not None and "date" not in names else []) + names
    names: list[str] = []
    for row in rows:
        names.extend(key for key in row if key not in names)
    return names


@reports_app.command("run")
def reports_run(
    report_id: int | None = typer.Argument(None, help="A saved report; or give the definition by flags/--file."),
    start: str | None = typer.Option(None, "--start"),
    end: str | None = typer.Option(None, "--end"),
    dimensions: str | None = typer.Option(None, "--dimensions"),
    columns: list[str] | None = typer.Option(None, "--column"),
    timezone_id: int | None = typer.Option(None, "--timezone-id"),
    request_type: int | None = typer.Option(None, "--request-type"),
    file: Path | None = FileOption,
    sets: list[str] | None = SetOption,
    csv_path: Path | None = typer.Option(None, "--csv", help="Write the rows to this CSV file."),
    xlsx_path: Path | None = typer.Option(None, "--xlsx", help="Write the rows to this XLSX file."),
    as_json: bool = JsonOption,
) -> None:
    """Execute a report: a table in the terminal, JSON, or a CSV/XLSX file (all rows, every page)."""
    body = request_body(file, sets, report_flags(None, start, end, dimensions, columns, timezone_id, request_type))
    if report_id is not None:
        body["id"] = report_id
    if "id" not in body:
        require(body, "startDate", "endDate", "dimensions")
    with session() as client:
        if report_id is not None and not body.get("columns"):
            body["columns"] = client.reports.get(report_id).get("columns")
        rows = list(client.reports.iter_rows(body))
        total = None if (csv_path or xlsx_path) else client.reports.execute({**body, "pageNo": 1,
                                                                              "noOfEntries": 1}).get("total")
    names = report_columns(rows, body.get("columns"))
    if csv_path or xlsx_path:
        writer: Callable[..., int] = write_csv if csv_path else write_xlsx
        target = csv_path or xlsx_path
        assert target is not None
        count = writer(target, rows, names)
        typer.echo(f"Wrote {count} rows to {target}.")
        return
    if as_json:
        typer.echo(json.dumps({"data": rows, "total": total}, default=str))
        return
    out = console()
    show(out, rows, as_json=False, columns=names, title=f"{len(rows)} rows")
    if isinstance(total, dict):
        show(out, [{k: v for k, v in total.items() if v is not None}], as_json=False, title="total")


@reports_app.command("schedule")
def reports_schedule(
    report_id: int,
    emails: list[str] = typer.Option(..., "--email", help="Subscriber e-mail (repeatable)."),
    file_type: str = typer.Option("csv", "--file-type", help="csv or xlsx"),
    frequency: str = typer.Option("once", "--frequency", help="once, daily, weekly or monthly"),
    day: str | None = typer.Option(None, "--day", help="Weekly: MONDAY...; monthly: First, Last, 1..29"),
    end_date: str | None = typer.Option(None, "--end-date", help="Last delivery date (ISO or epoch ms)"),
    running_total: bool = typer.Option(False, "--running-total"),
    earliest_campaign_date: str | None = typer.Option(None, "--earliest-campaign-date"),
    as_json: bool = JsonOption,
) -> None:
    """E-mail a saved report once or on a schedule (POST /api/v3/ra/report/email/schedule)."""
    if file_type.lower() not in FILE_TYPES:
        raise fail("--file-type must be csv or xlsx", EXIT_USAGE)
    if frequency.lower() not in FREQUENCIES:
        raise fail("--frequency must be once, daily, weekly or monthly", EXIT_USAGE)
    body = {
        "reportId": report_id, "subscriberEmails": emails, "fileType": FILE_TYPES[file_type.lower()],
        "deliveryFrequency": FREQUENCIES[frequency.lower()], "deliveryDay": day,
        "eventEndDate": instant(end_date, "ms", "--end-date"), "runningTotalEnabled": running_total or None,
        "earliestCampaignStartDate": instant(earliest_campaign_date, "ms", "--earliest-campaign-date"),
    }
    with session() as client:
        show(console(), client.schedules.create({k: v for k, v in body.items() if v is not None}), as_json=as_json)


@reports_app.command("unschedule")
def reports_unschedule(report_id: int, as_json: bool = JsonOption) -> None:
    """Stop a report's scheduled e-mails."""
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


@insights_app.command("generate")
def insights_generate(
    kind: str = KindOption,
    campaign_id: int | None = typer.Option(None, "--campaign-id"),
    start: str | None = typer.Option(None, "--start", help="ISO date or epoch (ms for PLD/SLS, s for AQS)"),
    end: str | None = typer.Option(None, "--end"),
    file: Path | None = FileOption,
    sets: list[str] | None = SetOption,
    as_json: bool = JsonOption,
) -> None:
    """Generate an insight report (PLD: campaignId + pldStartDate/pldEndDate)."""
    unit = "s" if kind == "aqs" else "ms"
    flags: dict[str, Any] = {"campaignId": campaign_id}
    if kind == "pld":
        flags.update(pldStartDate=instant(start, unit, "--start"), pldEndDate=instant(end, unit, "--end"))
    else:
        flags[f"{kind}StartDate"] = instant(start, unit, "--start")
        flags[f"{kind}EndDate"] = instant(end, unit, "--end")
        if campaign_id is not None:
            flags.update(campaignId=None, campaignIds=[campaign_id])
    body = request_body(file, sets, flags)
    with session() as client:
        show(console(), insight_kind(client, kind).generate(body), as_json=as_json)


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
