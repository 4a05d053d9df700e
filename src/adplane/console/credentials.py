"""The console's client credentials: one public client application per workspace.

A browser app cannot keep a secret (OAuth 2 calls it a *public client*), so the console's client
id and secret are not confidential: they only say "the console of workspace X", and every login
still needs the user's e-mail and password (with the usual lockouts). They are derived from the
server's secret key and the workspace id with HMAC, so the database keeps only the digest, as for
every other client, and the server can hand them out again without storing them in clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from adplane.auth.models import CONSOLE_CLIENT_NAME, ClientApp, Workspace
from adplane.core.errors import Forbidden
from adplane.core.security import digest_secret
from adplane.core.settings import Settings


@dataclass(frozen=True)
class ConsoleCredentials:
    client_id: str
    client_secret: str


def _derive(settings: Settings, purpose: str, workspace_id: int) -> bytes:
    key = settings.resolved_secret_key.encode()
    return hmac.new(key, f"console-client:{purpose}:{workspace_id}".encode(), hashlib.sha256).digest()


def derived_credentials(settings: Settings, workspace_id: int) -> ConsoleCredentials:
    client_id = "console-" + _derive(settings, "id", workspace_id).hex()[:24]
    secret = base64.urlsafe_b64encode(_derive(settings, "secret", workspace_id)).decode().rstrip("=")
    return ConsoleCredentials(client_id=client_id, client_secret=secret)


def console_client(session: Session, workspace_id: int) -> ClientApp | None:
    return session.scalar(
        select(ClientApp).where(ClientApp.workspace_id == workspace_id, ClientApp.name == CONSOLE_CLIENT_NAME)
    )


def ensure_console_client(session: Session, settings: Settings, workspace: Workspace) -> ConsoleCredentials:
    """Create the workspace's console client (or bring it in line with the current secret key)."""
    creds = derived_credentials(settings, workspace.id)
    digest = digest_secret(creds.client_secret)
    app = console_client(session, workspace.id)
    if app is not None and app.revoked_at is not None:
        raise Forbidden("The web console is disabled for this workspace.", field="X-IAA-HOST")
    if app is not None and app.client_id == creds.client_id and app.secret_digest == digest:
        return creds
    if app is None:
        session.add(ClientApp(workspace_id=workspace.id, name=CONSOLE_CLIENT_NAME, client_id=creds.client_id,
                              secret_digest=digest))
    else:  # the secret key changed since the client was made
        app.client_id, app.secret_digest = creds.client_id, digest
    try:
        session.commit()
    except IntegrityError:  # a concurrent request created it first: same derived values
        session.rollback()
    return creds
