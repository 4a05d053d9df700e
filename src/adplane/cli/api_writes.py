"""The write commands of `adplane api`, one table entry each: endpoint, arguments, flags (with the body
field each fills and its help) and, where a command needs one, a check across fields.

`apikit.build.register` makes the Typer commands; `adplane.cli.api` adds them to its groups.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import Any

from adplane.cli import dates
from adplane.cli.apikit import reportfile
from adplane.cli.apikit.runtime import UsageError
from adplane.cli.apikit.spec import Arg, Flag, WriteSpec
from adplane.cli.apikit.suggest import did_you_mean
from adplane.client import AdplaneClient

# --- insertion orders -------------------------------------------------------------------------------------

BUDGET_TYPES = {"budget": 1, "impressions": 2}
DISTRIBUTIONS = {"manual": 1, "auto": 2}

IO_FLAGS = (
    Flag("--name", "ioName", "Insertion order name."),
    Flag("--start", "ioStartTime", "Flight start.", kind="ms"),
    Flag("--end", "ioEndTime", "Flight end.", kind="ms", end=True),
    Flag("--budget", "ioTotalBudget", "Total budget in dollars.", kind="float"),
    Flag("--impressions", "ioTotalImpressions", "Total impressions (impression-budget IOs).", kind="int"),
    Flag("--timezone-id", "ioTimeZoneId", "Timezone id of the flight (GET /api/v3/master/timezones).", kind="int"),
    Flag("--budget-type", "ioBudgetTypeId", "What the budget counts.", kind="choice", choices=BUDGET_TYPES),
    Flag("--distribution", "ioBudgetDistributionMethodId", "How the budget is spread over campaigns.",
         kind="choice", choices=DISTRIBUTIONS),
    Flag("--auto-sum-budget", "isAutoSumIoTotalBudget", "The IO budget is the sum of its campaigns' budgets.",
         kind="bool"),
)
IO_ID = Arg("io_id", "Insertion order id.")

# --- campaigns --------------------------------------------------------------------------------------------

CREATIVE_TYPES = {"image": 11, "html": 13, "video": 14, "native": 15, "audio": 17}

CAMPAIGN_FLAGS = (
    Flag("--name", "campaignName", "Campaign name."),
    Flag("--io-id", "ioId", "Insertion order the campaign belongs to.", kind="int"),
    Flag("--start", "startTime", "Campaign start.", kind="s"),
    Flag("--end", "endTime", "Campaign end.", kind="s", end=True),
    Flag("--budget-total", "budgetTotal", "Total budget in dollars.", kind="float"),
    Flag("--budget-day", "budgetDay", "Daily budget in dollars.", kind="float"),
    Flag("--max-bid", "maxBid", "Maximum bid (CPM) in dollars.", kind="float"),
    Flag("--timezone-id", "timezone", "Timezone id of the campaign.", kind="int"),
    Flag("--creative-type", "creativeType", "Kind of creatives it serves.", kind="choice", choices=CREATIVE_TYPES),
    Flag("--creative-id", "creativeIds", "A creative to serve (repeatable).", kind="ints", join=True),
    Flag("--advertiser-domain", "advertiserDomain", "Advertiser's landing domain, e.g. https://example.com."),
    Flag("--country-id", "countryId", "Targeted country id (30100001: United States)."),
    Flag("--budget-type", "budgetTypeId", "What the budget counts.", kind="choice", choices=BUDGET_TYPES),
    Flag("--target-impressions", "targetImpression", "Impression goal.", kind="int"),
    Flag("--pacing", "totalBudgetPacing", "Pace the total budget evenly over the flight.", kind="bool"),
    Flag("--agree", "isAgreementChecked", "Accept the advertising agreement (required to create).", kind="bool"),
)
CAMPAIGN_IDS = Arg("campaign_ids", "Campaign ids.", kind="ints", field="campaignIds", join=True, metavar="ID...")


def status_verdicts(answer: Any) -> list[str]:
    """update-status answers 200 with a `reason` entry for every campaign it refused."""
    if not isinstance(answer, dict):
        return []
    return [f"campaign {item.get('id')} ({item.get('campaignName')}): {item.get('errorMessage')}"
            for item in answer.get("reason") or [] if isinstance(item, dict)]


def status_change(name: str, status: str, help_text: str, *, expects: str | None = None,
                  reason: bool = False) -> WriteSpec:
    """approve/pause/resume/reject/delete: one endpoint, the target status fixed per command."""
    flags = (Flag("--reason", "rejectionReason", "Why it is rejected (shown to the advertiser)."),) if reason else ()
    return WriteSpec(
        "campaigns", name, help_text, "PUT", "/api/v2/cmp/campaigns/update-status", args=(CAMPAIGN_IDS,),
        flags=flags, fixed={"status": status}, body_input=False,
        required=("rejectionReason",) if reason else (), judge=status_verdicts,
        send=_expecting(expects) if expects else None, columns=("id", "campaignName", "status"),
    )


def _expecting(current: str) -> Any:
    """Refuse campaigns that are not `current` before asking: the API uses one target status for approving
    a pending campaign and resuming a paused one, the commands each mean one of them."""

    def send(client: AdplaneClient, spec: WriteSpec, path: str, body: dict[str, Any], values: dict[str, Any]) -> Any:
        wrong = []
        for campaign_id in values["campaign_ids"]:
            status = client.campaigns.get(campaign_id).get("status")
            if status != current:
                wrong.append(f"campaign {campaign_id} is {status}, not {current}")
        if wrong:
            raise UsageError(f"{spec.name}: " + "; ".join(wrong))
        return client.request(spec.method, path, json=body)

    return send


# --- creatives --------------------------------------------------------------------------------------------

TYPE_OF_MEDIA = {"image": "image", "video": "video", "audio": "audio", "text/html": "html"}


def creative_type_of(source: str) -> str:
    guessed = mimetypes.guess_type(source.split("?")[0])[0] or ""
    kind = TYPE_OF_MEDIA.get(guessed) or TYPE_OF_MEDIA.get(guessed.split("/")[0])
    if kind is None:
        raise UsageError(f"cannot tell the creative type of {source!r}: give --type "
                         f"({', '.join(CREATIVE_TYPES)})")
    return kind


def upload_creatives(client: AdplaneClient, spec: WriteSpec, path: str, body: dict[str, Any],
                     values: dict[str, Any]) -> Any:
    """One creative per FILE/URL argument (keyed by its position); files go up as multipart parts."""
    request: dict[str, Any] = {}
    uploads: list[tuple[str, bytes]] = []
    for index, source in enumerate(values["sources"], start=1):
        is_url = source.startswith(("http://", "https://"))
        type_id = body.get("platformCreativeTypeId") or CREATIVE_TYPES[creative_type_of(source)]
        name = body.get("creativeName") or Path(source.split("?")[0]).name
        if len(values["sources"]) > 1 and body.get("creativeName"):
            name = f"{body['creativeName']} {index}"
        size = {key: body.pop(key) for key in ("creativeWidth", "creativeHeight") if key in body}
        kind = next(word for word, number in CREATIVE_TYPES.items() if number == type_id)
        if size:
            body[f"{kind}Details"] = {**body.get(f"{kind}Details", {}), **size}
        item = {**{k: v for k, v in body.items() if k != "creativeName"}, "creativeName": name,
                "platformCreativeTypeId": type_id, "creativeSourceType": "URL" if is_url else "FILE",
                "creativeSource": source if is_url else Path(source).name}
        if not is_url:
            file = Path(source)
            try:
                uploads.append((file.name, file.read_bytes()))
            except OSError as exc:
                raise UsageError(f"{source}: {exc.strerror or exc}") from None
        request[str(index)] = item
    answer = client.request("POST", path, form={"creativeRequest": json.dumps(request)},
                            files=[("creativeFiles", upload) for upload in uploads] or {})
    return {"created": [{"file": values["sources"][int(k) - 1], "creativeId": v}
                        for k, v in (answer.get("successData") or {}).items()],
            "failed": {values["sources"][int(k) - 1]: v for k, v in (answer.get("failedData") or {}).items()}}


def upload_failures(answer: Any) -> list[str]:
    return [f"{source}: {reason}" for source, reason in (answer.get("failed") or {}).items()]


# --- report schedules -------------------------------------------------------------------------------------

FREQUENCIES = {"once": 1, "daily": 2, "weekly": 3, "monthly": 4}
FREQUENCY_NAMES = {number: name for name, number in FREQUENCIES.items()}
WEEKDAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
DAILY_DAY = "MONDAY"
"""IQM's API wants a deliveryDay for every frequency but once; daily delivery ignores it."""


def month_day(raw: Any) -> str:
    text = str(raw).strip()
    if text.lower() in ("first", "last"):
        return text.capitalize()
    if text.isdigit() and 1 <= int(text) <= 29:
        return str(int(text))
    raise UsageError(f"--day-of-month: {raw!r} is not first, last or a day 1-29 (29 is the 28th in February)")


def weekday(raw: Any) -> str:
    text = str(raw).strip().upper()
    if text not in WEEKDAYS:
        raise UsageError(f"--weekday: {raw!r} is not a weekday{did_you_mean(text, WEEKDAYS)}")
    return text


def schedule_rules(partial: bool) -> Any:
    """Each frequency takes only the options that mean something for it."""

    def prepare(body: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        frequency = FREQUENCY_NAMES.get(body.get("deliveryFrequency") or (0 if partial else 1))
        given = [option for option, param in (("--weekday", "weekday"), ("--day-of-month", "day_of_month"))
                 if values.get(param) is not None]
        if frequency is None:
            if len(given) > 1:
                raise UsageError("give --weekday (weekly) or --day-of-month (monthly), not both")
            return body  # an update that keeps the frequency: the API checks the day against it
        wanted = {"weekly": "--weekday", "monthly": "--day-of-month"}.get(frequency)
        extra = [option for option in given if option != wanted]
        if extra:
            meaning = {"once": "sends once", "daily": "sends every day", "weekly": "takes --weekday",
                       "monthly": "takes --day-of-month"}[frequency]
            raise UsageError(f"{extra[0]} does not apply to {frequency} delivery ({frequency} {meaning})")
        if frequency == "once":
            body.pop("deliveryDay", None)
        elif frequency == "daily":
            body["deliveryDay"] = DAILY_DAY
        elif frequency == "weekly":
            if not body.get("deliveryDay"):
                raise UsageError("weekly delivery needs --weekday (MONDAY ... SUNDAY)")
            body["deliveryDay"] = weekday(body["deliveryDay"])
        elif frequency == "monthly":
            if not body.get("deliveryDay"):
                raise UsageError("monthly delivery needs --day-of-month (first, last or 1-29)")
            body["deliveryDay"] = month_day(body["deliveryDay"])
        if frequency != "once" and not partial and body.get("eventEndDate") is None:
            raise UsageError(f"{frequency} delivery needs --end-date (the last day of deliveries)")
        return body

    return prepare


SCHEDULE_FLAGS = (
    Flag("--email", "subscriberEmails", "Subscriber e-mail address (repeatable).", kind="strs"),
    Flag("--frequency", "deliveryFrequency", "How often to send.", kind="choice", choices=FREQUENCIES),
    Flag("--weekday", "deliveryDay", "Weekly delivery: the day it is sent.", convert=weekday,
         metavar="MONDAY..SUNDAY"),
    Flag("--day-of-month", "deliveryDay", "Monthly delivery: the day it is sent (29 is the 28th in February).",
         convert=month_day, metavar="first|last|1-29"),
    Flag("--file-type", "fileType", "Attachment format.", kind="choice", choices={"csv": 1, "xlsx": 2}),
    Flag("--end-date", "eventEndDate", "Last day of deliveries.", kind="ms", end=True),
    Flag("--running-total", "runningTotalEnabled",
         "Each delivery covers everything since the earliest campaign start, not just the last period.",
         kind="bool"),
    Flag("--earliest-campaign-date", "earliestCampaignStartDate", "Where a running total starts.", kind="ms"),
)
REPORT_ID = Arg("report_id", "Saved report id.")

# --- insight reports --------------------------------------------------------------------------------------


def audience_pair(raw: list[str]) -> list[dict[str, int]]:
    pairs = []
    for item in raw:
        audience, sep, concept = item.partition(":")
        if not sep or not audience.strip().isdigit() or not concept.strip().isdigit():
            raise UsageError(f"--audience expects AUDIENCE_ID:CONCEPT_GROUP_ID, got {item!r}")
        pairs.append({"audienceId": int(audience), "conceptGroupId": int(concept)})
    return pairs


def needs(kind: str, regenerate: str, fields: dict[str, str]) -> Any:
    """A new report needs these fields (flag per field); regenerating one by id needs nothing else."""

    def prepare(body: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        if body.get(regenerate) is not None:
            return body
        missing = [option for field, option in fields.items() if body.get(field) in (None, "", [])]
        if missing:
            raise UsageError(f"a new {kind} report needs {', '.join(missing)} (or --regenerate ID)")
        if kind == "SLS" and 2 in (body.get("reportTypes") or []) and not body.get("competitorConceptGroupIds"):
            raise UsageError("--report-type 2 (competitor lift) needs --competitor-concept-group-id")
        return body

    return prepare


PLD_FLAGS = (
    Flag("--campaign-id", "campaignId", "The campaign (running, paused or expired).", kind="int"),
    Flag("--start", "pldStartDate", "First day of the data.", kind="day"),
    Flag("--end", "pldEndDate", "Last day of the data (included).", kind="day"),
    Flag("--regenerate", "pldId", "Generate an existing PLD report again (no other flags needed).", kind="int"),
)
SLS_FLAGS = (
    Flag("--campaign-id", "campaignIds", "A campaign of the study (repeatable).", kind="ints"),
    Flag("--io-id", "ioId", "The campaigns' insertion order.", kind="int"),
    Flag("--start", "slsStartDate", "First day of the study.", kind="day"),
    Flag("--end", "slsEndDate", "Last day of the study (included).", kind="day"),
    Flag("--name", "slsName", "Report name."),
    Flag("--concept-group-id", "conceptGroupId", "The condition/concept group whose lift is measured.", kind="int"),
    Flag("--report-type", "reportTypes", "1 brand lift (default), 2 competitor lift, 3 weekly trend (repeatable).",
         kind="ints"),
    Flag("--competitor-concept-group-id", "competitorConceptGroupIds",
         "Competitor concept group (repeatable; needed for report type 2).", kind="ints"),
    Flag("--lookback-months", "slsLookbackDuration", "Months before the study used as the baseline (1-24, "
         "default 3).", kind="int"),
    Flag("--regenerate", "slsId", "Generate an existing SLS report again (no other flags needed).", kind="int"),
)
AQS_FLAGS = (
    Flag("--campaign-id", "campaignId", "The campaign.", kind="int"),
    Flag("--start", "aqsStartDate", "First day of the data.", kind="day"),
    Flag("--end", "aqsEndDate", "Last day of the data (included).", kind="day"),
    Flag("--name", "aqsName", "Report name."),
    Flag("--audience", "aqsAudienceConceptGroups", "An audience and the concept group it is scored on, "
         "AUDIENCE_ID:CONCEPT_GROUP_ID (repeatable).", kind="strs", convert=audience_pair,
         metavar="AUDIENCE:CONCEPT"),
    Flag("--report-type", "aqsReportTypeId", "Score by audience or by campaign.", kind="choice",
         choices={"audience": 1, "campaign": 2}),
    Flag("--regenerate", "aqsId", "Generate an existing AQS report again (no other flags needed).", kind="int"),
)
PLD_NEEDS = needs("PLD", "pldId", {"campaignId": "--campaign-id", "pldStartDate": "--start", "pldEndDate": "--end"})
SLS_NEEDS = needs("SLS", "slsId", {"campaignIds": "--campaign-id", "slsStartDate": "--start", "slsEndDate": "--end",
                                   "conceptGroupId": "--concept-group-id"})
AQS_NEEDS = needs("AQS", "aqsId", {"campaignId": "--campaign-id", "aqsStartDate": "--start", "aqsEndDate": "--end",
                                   "aqsAudienceConceptGroups": "--audience"})

def insight_days(kind: str) -> Any:
    """Calendar days of an insight report are days of its campaign's timezone (see cli.dates)."""

    def resolve(client: AdplaneClient, body: dict[str, Any], values: dict[str, Any]) -> None:
        dates.resolve_dates(client, body, kind)

    return resolve


# --- saved reports ----------------------------------------------------------------------------------------


def dimension_list(raw: Any) -> str:
    """`campaign,deviceType` → the API's JSON string of [{"filter": ...}]."""
    names = [part.strip() for part in str(raw).split(",") if part.strip()]
    if not names:
        raise UsageError("--dimensions: give names separated by commas, e.g. campaign,deviceType")
    return json.dumps([{"filter": name} for name in names])


def report_days(client: AdplaneClient, body: dict[str, Any], values: dict[str, Any]) -> None:
    """Report dates are days of the report's timezone (the body's, else the saved report's)."""
    dates.resolve_dates(client, body, "report", values.get("report_id"))


def with_column_hints(client: AdplaneClient, spec: WriteSpec, path: str, body: dict[str, Any],
                      values: dict[str, Any]) -> Any:
    with reportfile.column_hints(client):
        return client.request(spec.method, path, json=body)


REPORT_FLAGS = (
    Flag("--name", "reportName", "Report name."),
    Flag("--start", "startDate", "First day of the report.", kind="day"),
    Flag("--end", "endDate", "Last day of the report (included).", kind="day"),
    Flag("--dimensions", "dimensions", "Dimensions, comma-separated, e.g. campaign,deviceType.",
         convert=dimension_list),
    Flag("--column", "columns", "A metric or column, e.g. impressions (repeatable).", kind="strs"),
    Flag("--timezone-id", "timezoneId", "Timezone id of the report's days.", kind="int"),
    Flag("--request-type", "requestType", "1 daily rows, 2 aggregated over the period.", kind="int"),
)

# --- the table --------------------------------------------------------------------------------------------

WRITES: tuple[WriteSpec, ...] = (
    WriteSpec("ios", "create", "Create an insertion order.", "POST", "/api/v3/cmp/io/add", flags=IO_FLAGS,
              required=("ioName",)),
    WriteSpec("ios", "update", "Change an insertion order.", "PATCH", "/api/v3/cmp/io/{io_id}", args=(IO_ID,),
              flags=IO_FLAGS, needs_fields=True),
    WriteSpec("campaigns", "create", "Create a campaign (pending until a workspace admin approves it).", "POST",
              "/api/v2/cmp/campaigns/add", flags=CAMPAIGN_FLAGS, required=("campaignName", "ioId")),
    WriteSpec("campaigns", "update", "Change a campaign.", "PATCH", "/api/v2/cmp/campaign/{campaign_id}",
              args=(Arg("campaign_id", "Campaign id."),), flags=tuple(f for f in CAMPAIGN_FLAGS if f.field != "ioId"),
              needs_fields=True),
    status_change("approve", "running", "Approve pending campaigns (workspace admins); they run from their start.",
                  expects="pending"),
    status_change("pause", "paused", "Pause running campaigns."),
    status_change("resume", "running", "Resume paused campaigns.", expects="paused"),
    status_change("reject", "rejected", "Reject pending campaigns (workspace admins).", reason=True),
    status_change("delete", "deleted", "Delete campaigns."),
    WriteSpec("creatives", "upload", "Upload creatives: one per FILE or URL (type from the file name unless --type).",
              "POST", "/api/v3/crt/creatives",
              args=(Arg("sources", "Files to upload, or http(s) URLs of hosted media.", kind="strs",
                        metavar="FILE_OR_URL..."),),
              flags=(Flag("--click-url", "clickUrl", "Landing page opened on a click."),
                     Flag("--name", "creativeName", "Creative name (default: the file name; numbered for several)."),
                     Flag("--type", "platformCreativeTypeId", "Creative type.", kind="choice",
                          choices=CREATIVE_TYPES),
                     Flag("--external-id", "externalCreativeId", "Your own id for the creative."),
                     Flag("--width", "creativeWidth", "Width in pixels (needed for URL images; files are measured).",
                          kind="int"),
                     Flag("--height", "creativeHeight", "Height in pixels (as --width).", kind="int")),
              send=upload_creatives, judge=upload_failures),
    WriteSpec("reports", "create", "Save a report definition.", "POST", "/api/v3/ra/report/add", flags=REPORT_FLAGS,
              required=("reportName",), resolve=report_days, send=with_column_hints),
    WriteSpec("reports", "update", "Change a saved report.", "PATCH", "/api/v3/ra/report/{report_id}",
              args=(REPORT_ID,), flags=REPORT_FLAGS, needs_fields=True, resolve=report_days, send=with_column_hints),
    WriteSpec("schedules", "create", "E-mail a saved report once or on a schedule.", "POST",
              "/api/v3/ra/report/email/schedule", args=(Arg("report_id", "Saved report id.", field="reportId"),),
              flags=SCHEDULE_FLAGS, required=("subscriberEmails",), prepare=schedule_rules(partial=False)),
    WriteSpec("schedules", "update", "Change a report's e-mail schedule.", "PATCH",
              "/api/v3/ra/report/email/schedule/{report_id}", args=(REPORT_ID,), flags=SCHEDULE_FLAGS,
              needs_fields=True, prepare=schedule_rules(partial=True)),
    WriteSpec("insights-generate", "pld", "Generate a Provider Level Data report for a campaign.", "POST",
              "/api/v3/ins/pld-report", flags=PLD_FLAGS, prepare=PLD_NEEDS,
              resolve=insight_days("pld")),
    WriteSpec("insights-generate", "sls", "Generate a Script Lift Study for campaigns.", "POST",
              "/api/v3/ins/sls-reports", flags=SLS_FLAGS, prepare=SLS_NEEDS,
              resolve=insight_days("sls")),
    WriteSpec("insights-generate", "aqs", "Generate an Audience Quality Score report for a campaign.", "POST",
              "/api/v3/ins/aqs-reports", flags=AQS_FLAGS, prepare=AQS_NEEDS,
              resolve=insight_days("aqs")),
    WriteSpec("insights-cost", "sls", "What a Script Lift Study would cost (nothing is generated).", "POST",
              "/api/v3/ins/sls-reports/computation", flags=SLS_FLAGS[:-1], prepare=SLS_NEEDS,
              resolve=insight_days("sls")),
    WriteSpec("insights-cost", "aqs", "What an AQS report would cost (nothing is generated).", "POST",
              "/api/v3/ins/aqs-reports/computation", flags=AQS_FLAGS[:-1], prepare=AQS_NEEDS,
              resolve=insight_days("aqs")),
)
