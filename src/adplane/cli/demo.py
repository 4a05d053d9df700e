"""The demo workspace `adplane serve --demo` creates on first start: organization, user and client
(bootstrap), then its content (`adplane.sandbox.demo`): an approved creative, an insertion order,
two campaigns approved to run from a minute after start, so the real-time simulator has delivery to
make, and a healthcare campaign with four weeks of delivery, so insight reports work at once.
"""

from __future__ import annotations

import json
import os
from typing import Any

from adplane.cli.context import open_database
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
        save_credentials(settings, stored)
        stored["demo"] = seed_campaigns(settings, stored)
        save_credentials(settings, stored)
    assert stored is not None
    return stored


def save_credentials(settings: Settings, stored: dict[str, Any]) -> None:
    """demo-credentials.json (mode 600): the login, and the ids of the demo content."""
    creds_file = settings.data_dir / "demo-credentials.json"
    fd = os.open(creds_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(json.dumps(stored, indent=2))
    os.chmod(creds_file, 0o600)


def seed_campaigns(settings: Settings, creds: dict[str, Any]) -> dict[str, Any]:
    """The demo content (`adplane.sandbox.demo`) through an app of its own, before `serve` opens the
    data dir; answers what was made (ids), {} when a call was refused (the server still starts)."""
    from adplane.analytics import handle as analytics_handle
    from adplane.app import create_app
    from adplane.sandbox.demo import DemoSeedError, seed_demo

    _settings, db = open_database(settings, migrate=False)
    app = create_app(settings, db, background=False)
    try:
        return seed_demo(app, creds).as_dict()
    except DemoSeedError as exc:
        import structlog

        structlog.get_logger("adplane.demo").error(str(exc))  # serve's stderr carries JSON logs only
        return {}
    finally:
        analytics_handle.release(settings)  # the shared store: another holder may still use it
        db.dispose()


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
        + _content_hint(creds.get("demo") or {})
    )


def _content_hint(content: dict[str, Any]) -> str:
    if not content.get("healthcareCampaignId"):
        return ""
    return (f"Healthcare campaign {content['healthcareCampaignId']} (NPI audience) has delivered since "
            f"{content['healthcareSince']}: PLD, SLS and AQS insight reports work on it "
            "(README: insights on the demo).\n")
