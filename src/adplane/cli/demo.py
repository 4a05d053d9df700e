"""The demo workspace `adplane serve --demo` creates on first start, through the public API itself:
organization, user and client (bootstrap), then an approved creative, an insertion order and two
campaigns approved to run from a minute after start, so the real-time simulator has delivery to make.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from typing import Any

import typer

from adplane.cli.context import open_database
from adplane.core.clock import utcnow
from adplane.core.settings import Settings

DEMO_HOST = "localhost"
DEMO_EMAIL = "demo@adplane.local"
DEMO_PASSWORD = "Demo-Passw0rd!"
DEMO_ORGANIZATION = "Demo Agency"


def ensure_demo(settings: Settings) -> dict[str, Any]:
    """Create the demo workspace once; its credentials are kept (mode 600) in the data dir so
    every start can print how to log in."""
    from adplane.auth.admin import bootstrap

    creds_file = settings.data_dir / "demo-credentials.json"
    stored = json.loads(creds_file.read_text()) if creds_file.exists() else None
    _settings, db = open_database(settings)
    with db.session() as session:
        result = bootstrap(
            session, host=DEMO_HOST, email=DEMO_EMAIL, password=DEMO_PASSWORD, organization=DEMO_ORGANIZATION,
            rotate_secret=stored is None,
        )
    db.dispose()
    if result.client_secret:
        stored = {**result.as_dict(), "email": DEMO_EMAIL, "password": DEMO_PASSWORD}
        creds_file.write_text(json.dumps(stored, indent=2))
        os.chmod(creds_file, 0o600)
        seed_campaigns(settings, stored)
    assert stored is not None
    return stored


def seed_campaigns(settings: Settings, creds: dict[str, Any]) -> list[int]:
    """An approved creative, an IO and two approved campaigns, made with the API's own endpoints."""
    import base64

    from fastapi.testclient import TestClient

    from adplane.app import create_app

    now = utcnow()
    basic = base64.b64encode(f"{creds['clientId']}:{creds['clientSecret']}".encode()).decode()
    with TestClient(create_app(settings, background=False)) as api:
        login = api.post("/api/v3/ua/login", headers={"Authorization": f"Basic {basic}", "X-IAA-HOST": creds["host"]},
                         json={"grantType": "password", "email": creds["email"], "password": creds["password"]})
        token = login.json()["data"]["access_token"]
        headers = {"Authorization": f"Bearer {token}", "X-IAA-OW-ID": str(creds["owId"])}
        banner = {"creativeName": "Demo banner 300x250", "platformCreativeTypeId": 11, "creativeSourceType": "URL",
                  "creativeSource": "https://cdn.example.com/demo/banner-300x250.png",
                  "clickUrl": "https://www.example.com/landing",
                  "imageDetails": {"creativeWidth": 300, "creativeHeight": 250}}
        created = api.post("/api/v3/crt/creatives", headers=headers,
                           data={"creativeRequest": json.dumps({"banner": banner})})
        success = created.json().get("data", {}).get("successData", {})
        if "banner" not in success:
            typer.echo(f"demo: the creative was not created: {created.text}", err=True)
            return []
        creative_id = int(success["banner"])
        api.patch("/api/v3/crt/creatives/update-status", headers=headers,
                  json={"creativeIds": [creative_id], "creativeStatusId": 2})
        io = api.post("/api/v3/cmp/io/add", headers=headers, json={
            "ioName": "Demo insertion order", "ioStartTime": int(now.timestamp() * 1000),
            "ioEndTime": int((now + timedelta(days=90)).timestamp() * 1000), "ioTotalBudget": 0, "ioTimeZoneId": 29,
            "isAutoSumIoTotalBudget": True, "ioBudgetTypeId": 1, "ioBudgetDistributionMethodId": 1,
        })
        if io.status_code != 200:
            typer.echo(f"demo: the insertion order was not created: {io.text}", err=True)
            return []
        io_id = io.json()["data"]["ioId"]
        start = int((now + timedelta(minutes=1)).timestamp())
        end = int((now + timedelta(days=60)).timestamp())
        common = {"isAgreementChecked": True, "ioId": io_id, "countryId": "30100001", "creativeType": 11,
                  "creativeIds": str(creative_id), "advertiserDomain": "https://www.example.com", "timezone": 29,
                  "budgetTypeId": 1, "campaignType": 1, "startTime": start, "endTime": end, "exchanges": "",
                  "publisherAdCategory": ""}
        bodies = [
            {**common, "campaignName": "Demo daily-budget campaign", "maxBid": 8, "budgetDay": 150,
             "budgetTotal": 6000, "totalBudgetPacing": False},
            {**common, "campaignName": "Demo paced campaign", "maxBid": 6, "budgetTotal": 4000,
             "totalBudgetPacing": True},
        ]
        campaign_ids = []
        for body in bodies:
            response = api.post("/api/v2/cmp/campaigns/add", headers=headers, json=body)
            if response.status_code not in (200, 201):
                typer.echo(f"demo: a campaign was not created: {response.text}", err=True)
                continue
            campaign_ids.append(response.json()["responseObject"]["data"])
        if campaign_ids:
            api.put("/api/v2/cmp/campaigns/update-status", headers=headers,
                    json={"campaignIds": ",".join(map(str, campaign_ids)), "status": "running"})
    return campaign_ids


def login_hint(creds: dict[str, Any], host: str, port: int) -> str:
    return (
        "adplane demo workspace is ready. Log in with:\n\n"
        f"  curl -s -X POST http://{host}:{port}/api/v3/ua/login \\\n"
        f"    -u '{creds['clientId']}:{creds['clientSecret']}' \\\n"
        f"    -H 'X-IAA-HOST: {creds['host']}' -H 'Content-Type: application/json' \\\n"
        "    -d '{\"grantType\": \"password\", "
        f"\"email\": \"{creds['email']}\", \"password\": \"{creds['password']}\"}}'\n\n"
        f"then send 'Authorization: Bearer <access_token>' and 'X-IAA-OW-ID: {creds['owId']}'.\n"
        f"API docs: http://{host}:{port}/docs\n"
    )
