"""The demo workspace's content, made through the public API itself where the API has a way:
an approved creative, an insertion order, two campaigns approved to run from a minute after the
seeding (the real-time simulator delivers them as you watch) and a healthcare campaign with an NPI
audience that has run for four weeks, so insight reports (PLD, SLS, AQS) generate at once.

The healthcare campaign needs what the API has no endpoint for: its NPI audience and the reference
data (prescribers, weekly prescription volumes, a patient audience) come from the synthetic
generator (`adplane.healthcare.synthetic`, seed 1, a built-in lift of 0.2), its four weeks of
delivery from the simulator, then the volumes are rebuilt with the effect starting at each
prescriber's real first impression and the patient audience made of the users it reached (the
documented demo loop of docs/insights.md), and the organization gets funds to pay for reports.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import structlog

from adplane.core.clock import utcnow

log = structlog.get_logger("adplane.demo")

HISTORY_DAYS = 28  # how long the healthcare campaign has been delivering when the demo starts
LOOKBACK_WEEKS = 16  # weekly volumes before its start: an SLS lookback of 3 months fits
FUTURE_WEEKS = 8  # and after today, so studies still find volumes when the sandbox clock moves on
PRESCRIBERS = 300
HEALTHCARE_SEED = 1
FUNDS = Decimal("5000")
DEMO_TIMEZONE_ID = 29  # US/Eastern
BRAND_CONCEPT_GROUP = 202335  # the synthetic brand (adplane.healthcare.synthetic.BRAND_ID)
AUDIENCE_ID = 101  # the synthetic patient audience


class DemoSeedError(RuntimeError):
    """An API call of the seeding was refused (the message holds its answer)."""


@dataclass
class DemoContent:
    creative_id: int
    io_id: int
    campaign_ids: list[int] = field(default_factory=list)
    healthcare_campaign_id: int | None = None
    history_start: datetime | None = None
    seeded_at: datetime | None = None  # the healthcare delivery reaches this instant

    def as_dict(self) -> dict[str, Any]:
        return {"creativeId": self.creative_id, "ioId": self.io_id, "campaignIds": self.campaign_ids,
                "healthcareCampaignId": self.healthcare_campaign_id,
                "healthcareSince": self.history_start.date().isoformat() if self.history_start else None}


def _check(response: Any, what: str) -> dict[str, Any]:
    if response.status_code not in (200, 201):
        raise DemoSeedError(f"demo: {what} was not created: {response.text}")
    return response.json()


def seed_demo(app: Any, creds: dict[str, Any]) -> DemoContent:
    """Create the demo content for the organization of `creds` in `app` (its database and analytics
    store). Calls go through the app's own endpoints (an in-process client, no lifespan)."""
    from adplane.cli.context import in_process_client

    now = utcnow().replace(microsecond=0)
    history_start = (now - timedelta(days=HISTORY_DAYS)).replace(minute=0, second=0)
    api = in_process_client(app)
    basic = base64.b64encode(f"{creds['clientId']}:{creds['clientSecret']}".encode()).decode()
    login = api.post("/api/v3/ua/login", headers={"Authorization": f"Basic {basic}", "X-IAA-HOST": creds["host"]},
                     json={"grantType": "password", "email": creds["email"], "password": creds["password"]})
    token = _check(login, "the login")["data"]["access_token"]
    headers = {"Authorization": f"Bearer {token}", "X-IAA-OW-ID": str(creds["owId"])}
    banner = {"creativeName": "Demo banner 300x250", "platformCreativeTypeId": 11, "creativeSourceType": "URL",
              "creativeSource": "https://cdn.example.com/demo/banner-300x250.png",
              "clickUrl": "https://www.example.com/landing",
              "imageDetails": {"creativeWidth": 300, "creativeHeight": 250}}
    created = _check(api.post("/api/v3/crt/creatives", headers=headers,
                              data={"creativeRequest": json.dumps({"banner": banner})}), "the creative")
    success = created.get("data", {}).get("successData", {})
    if "banner" not in success:
        raise DemoSeedError(f"demo: the creative was not created: {created}")
    creative_id = int(success["banner"])
    _check(api.patch("/api/v3/crt/creatives/update-status", headers=headers,
                     json={"creativeIds": [creative_id], "creativeStatusId": 2}), "the creative approval")
    io = _check(api.post("/api/v3/cmp/io/add", headers=headers, json={
        "ioName": "Demo insertion order", "ioStartTime": int((history_start - timedelta(hours=1)).timestamp() * 1000),
        "ioEndTime": int((now + timedelta(days=90)).timestamp() * 1000), "ioTotalBudget": 0,
        "ioTimeZoneId": DEMO_TIMEZONE_ID, "isAutoSumIoTotalBudget": True, "ioBudgetTypeId": 1,
        "ioBudgetDistributionMethodId": 1,
    }), "the insertion order")
    content = DemoContent(creative_id=creative_id, io_id=int(io["data"]["ioId"]), history_start=history_start,
                          seeded_at=now)
    start = int((now + timedelta(minutes=1)).timestamp())
    end = int((now + timedelta(days=60)).timestamp())
    common = {"isAgreementChecked": True, "ioId": content.io_id, "countryId": "30100001", "creativeType": 11,
              "creativeIds": str(creative_id), "advertiserDomain": "https://www.example.com",
              "timezone": DEMO_TIMEZONE_ID, "budgetTypeId": 1, "campaignType": 1, "startTime": start, "endTime": end,
              "exchanges": "", "publisherAdCategory": ""}
    bodies = [
        {**common, "campaignName": "Demo daily-budget campaign", "maxBid": 8, "budgetDay": 150,
         "budgetTotal": 6000, "totalBudgetPacing": False},
        {**common, "campaignName": "Demo paced campaign", "maxBid": 6, "budgetTotal": 4000,
         "totalBudgetPacing": True},
        {**common, "campaignName": "Demo healthcare campaign (NPI audience)", "maxBid": 9, "budgetDay": 25,
         "budgetTotal": 2000, "totalBudgetPacing": False, "startTime": int(history_start.timestamp())},
    ]
    for body in bodies:
        answer = _check(api.post("/api/v2/cmp/campaigns/add", headers=headers, json=body), "a campaign")
        content.campaign_ids.append(int(answer["responseObject"]["data"]))
    content.healthcare_campaign_id = content.campaign_ids[-1]
    _check(api.put("/api/v2/cmp/campaigns/update-status", headers=headers,
                   json={"campaignIds": ",".join(map(str, content.campaign_ids)), "status": "running"}),
           "the campaign approval")
    seed_healthcare(app, int(creds["owId"]), content.healthcare_campaign_id, history_start, now)
    return content


def _spec(history_start: datetime, now: datetime) -> Any:
    from adplane.healthcare.synthetic import SyntheticSpec, monday_of

    first_week = monday_of(history_start.date() - timedelta(weeks=LOOKBACK_WEEKS))
    last_week = monday_of(now.date() + timedelta(weeks=FUTURE_WEEKS))
    return SyntheticSpec(seed=HEALTHCARE_SEED, prescribers=PRESCRIBERS, first_week=first_week,
                         weeks=(last_week - first_week).days // 7 + 1, lift=0.2)


def seed_healthcare(app: Any, ow_id: int, campaign_id: int, history_start: datetime, now: datetime) -> None:
    """Reference data, the campaign's NPI audience, its delivery since `history_start`, funds.

    The simulator's seed is the seeding instant: its batch ids (idempotency keys) then differ from a
    previous demo's, whose events a sandbox reset deleted while the campaign id may come back."""
    from adplane.auth.organizations import change_funds
    from adplane.campaigns import lifecycle
    from adplane.healthcare import dataset
    from adplane.healthcare.audiences import set_campaign_npis
    from adplane.healthcare.synthetic import generate
    from adplane.insights.delivery import exposed_users, first_exposures
    from adplane.master.catalog import zoneinfo_for
    from adplane.simulator.simulation import local_day_bounds, simulate_period, simulate_window

    db, store = app.state.db, app.state.analytics
    spec = _spec(history_start, now)
    drawn = generate(spec)  # the prescribers and which of them the campaign targets
    with db.session() as session:
        lifecycle.advance(session, now)  # the campaign started four weeks ago: it runs now
        set_campaign_npis(session, ow_id, campaign_id, sorted(drawn.exposures))
        change_funds(session, ow_id, FUNDS, "top_up", "demo")
        session.commit()
    zone = zoneinfo_for(DEMO_TIMEZONE_ID)
    seed = int(now.timestamp())
    today = now.astimezone(zone).date()
    with db.session() as session:
        first_day = history_start.astimezone(zone).date()
        if first_day < today:
            simulate_period(session, store, first_day, today - timedelta(days=1), seed=seed,
                            campaign_ids=[campaign_id])
        simulate_window(session, store, local_day_bounds(zone, today)[0], now, seed=seed, campaign_ids=[campaign_id])
    exposures = first_exposures(store, ow_id, [campaign_id], history_start, now)
    users = exposed_users(store, ow_id, [campaign_id], history_start, now)
    spec.exposures = {npi: instant.date() for npi, instant in exposures.items()}
    spec.audience_users = sorted(users, key=lambda user: (-users[user], user))
    rebuilt = generate(spec)
    with db.session() as session:
        dataset.store(session, rebuilt.dataset)
        session.commit()
    log.info("demo_healthcare_seeded", campaign_id=campaign_id, prescribers_reached=len(exposures),
             users_reached=len(users))


def walkthrough_dates(content: dict[str, Any]) -> tuple[date, date]:
    """The insight walkthrough's range: the healthcare campaign's start day to today."""
    since = content.get("healthcareSince")
    return (date.fromisoformat(since) if since else utcnow().date()), utcnow().date()
