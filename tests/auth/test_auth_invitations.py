"""Invitations: only the mailed, single-use, expiring invite token sets an invitee's password;
open sign-up is a per-workspace setting (closed by default) with a per-address limit."""

from __future__ import annotations

import email
import json
import re
from datetime import timedelta
from email import policy
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy import select
from typer.testing import CliRunner

from adplane.auth.admin import add_user, set_sign_up_policy
from adplane.auth.models import Invitation
from adplane.client.testing import LiveServer
from adplane.core.clock import clock
from adplane.core.settings import Settings
from auth_helpers import client_headers, in_parallel, status_counts
from conftest import PASSWORD, login

SIGN_UP = "/api/v3/ua/sign-up"
VALIDATE = "/api/v3/ua/invite/validate"
NEW_PASSWORD = "Invited-Passw0rd!"
REFUSED = {"success": False, "errorObjects": [{
    "error": "User is not allowed to create a password.",
    "reason": "User is not invited or invitation is processed or invitation is expired.",
}]}


def invitation_mails(settings: Settings, to: str) -> list[email.message.EmailMessage]:
    outbox = settings.data_dir / "outbox"
    files = sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns) if outbox.exists() else []
    mails = [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in files]
    return [m for m in mails if m["To"] == to and m["Subject"].startswith("You are invited")]


def invite_link(settings: Settings, to: str) -> str:
    body = invitation_mails(settings, to)[-1].get_body(("plain",)).get_content()
    match = re.search(r"https?://\S+inviteHash=\S+", body)
    assert match, body
    return match.group(0)


def invite_token(settings: Settings, to: str) -> str:
    """The invite token of the latest invitation mail to `to` (from the outbox, as the invitee gets it)."""
    return parse_qs(urlsplit(invite_link(settings, to)).query)["inviteHash"][0]


def _invite(db, settings, creds, to: str) -> dict[str, Any]:  # noqa: ANN001
    with db.session() as session:
        return add_user(session, ow_id=creds["owId"], email=to, password=None, role="member", settings=settings)


def _sign_up(http, creds, email_address: str, invite_hash: str | None = None, password: str = NEW_PASSWORD):  # noqa: ANN001, ANN202
    body: dict[str, Any] = {"email": email_address, "password": password}
    if invite_hash is not None:
        body["inviteHash"] = invite_hash
    return http.post(SIGN_UP, headers=client_headers(creds), json=body)


def test_invitation_mail_carries_a_token_built_on_the_public_base_url(client, db, settings, tenant):
    settings.public_base_url = "https://ads.example.com/"
    result = _invite(db, settings, tenant, "new@a.test")
    assert result["invited"] is True and result["invitationSentVia"].endswith(".eml")
    link = invite_link(settings, "new@a.test")
    assert link.startswith("https://ads.example.com/sign-up?inviteHash=")
    token = invite_token(settings, "new@a.test")
    assert len(token) >= 40
    with db.session() as session:
        stored = session.scalars(select(Invitation)).all()
    assert len(stored) == 1 and token not in stored[0].token_digest  # only the digest is kept
    # a spoofed Host header changes nothing: links never come from the request
    response = client.post("/api/v3/ua/user/invite", headers={**login(client, tenant), "Host": "evil.test"},
                           json=[{"email": "other@a.test", "name": "Other Person"}])
    assert response.json() == {"success": True, "data": "1 invitations sent successfully."}
    assert invite_link(settings, "other@a.test").startswith("https://ads.example.com/sign-up?inviteHash=")


def test_invited_user_cannot_be_claimed_without_the_mailed_token(client, db, settings, tenant, make_tenant):
    """The old hole: anyone with the workspace's client credentials set an invitee's password."""
    other = make_tenant(organization="Org B", email="admin@b.test")  # another org, same workspace
    _invite(db, settings, tenant, "victim@a.test")
    token = invite_token(settings, "victim@a.test")
    _invite(db, settings, other, "mine@b.test")
    own_token = invite_token(settings, "mine@b.test")
    attempts = [
        _sign_up(client, other, "victim@a.test"),  # no token at all
        _sign_up(client, other, "victim@a.test", "x" * 43),  # a made-up token
        _sign_up(client, other, "victim@a.test", own_token),  # org B's own invitation, for another e-mail
        _sign_up(client, other, "mine@b.test", token),  # A's token for B's invitee
    ]
    for response in attempts:
        assert response.status_code == 403
        assert response.json() == REFUSED
    # nobody got a password: the victim's invitation still works for the victim only
    ok = _sign_up(client, tenant, "VICTIM@a.test", token)
    assert ok.status_code == 200, ok.text
    assert ok.json()["data"]["owId"] == tenant["owId"]
    assert login(client, {**tenant, "email": "victim@a.test", "password": NEW_PASSWORD})
    # single use
    again = _sign_up(client, tenant, "victim@a.test", token, password="Other-Passw0rd!")
    assert again.status_code == 403 and again.json() == REFUSED


def test_token_of_one_workspace_is_refused_in_another(client, db, settings, tenant, make_tenant):
    other_ws = make_tenant(host="ws2.test", organization="Other", email="other@ws2.test")
    _invite(db, settings, tenant, "new@a.test")
    token = invite_token(settings, "new@a.test")
    assert _sign_up(client, other_ws, "new@a.test", token).status_code == 403
    assert _sign_up(client, tenant, "new@a.test", token).status_code == 200


def test_invitation_expires_and_a_new_one_cancels_the_old(client, db, settings, tenant):
    _invite(db, settings, tenant, "late@a.test")
    first = invite_token(settings, "late@a.test")
    valid = client.post(VALIDATE, json={"inviteHash": first}).json()["data"]
    assert valid["isExpired"] is False and valid["isNewUser"] is True and valid["isInviteProcessed"] is False
    assert valid["email"] == "late@a.test" and valid["organizationName"] == "Org A"
    clock.advance(timedelta(seconds=settings.invite_ttl_seconds + 1))
    assert client.post(VALIDATE, json={"inviteHash": first}).json()["data"]["isExpired"] is True
    assert _sign_up(client, tenant, "late@a.test", first).status_code == 403
    # the operator invites again: a new token works, the old one is cancelled for good
    _invite(db, settings, tenant, "late@a.test")
    second = invite_token(settings, "late@a.test")
    assert second != first
    assert client.post(VALIDATE, json={"inviteHash": first}).json()["data"]["isInviteCancelled"] is True
    assert _sign_up(client, tenant, "late@a.test", second).status_code == 200
    assert client.post(VALIDATE, json={"inviteHash": second}).json()["data"]["isInviteProcessed"] is True


def test_validate_answers_422_naming_the_field(client):
    for body in ({"inviteHash": "nope"}, {}, {"inviteHash": ""}, {"inviteHash": "x" * 501}):
        response = client.post(VALIDATE, json=body)
        assert response.status_code == 422, body
        assert response.json()["errorObjects"][0]["field"] == "inviteHash"
    assert client.post(VALIDATE, json={"inviteHash": "nope"}).json()["errorObjects"][0]["error"] == \
        "Provided invitation hash is incorrect."


def test_parallel_acceptance_of_one_token_succeeds_once(app, db, settings, tenant, backend, capsys):
    _invite(db, settings, tenant, "race@a.test")
    token = invite_token(settings, "race@a.test")
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=120) as http:
        responses = in_parallel(10, lambda i: _sign_up(http, tenant, "race@a.test", token,
                                                       password=f"Race-Passw0rd-{i}!"))
    counts = status_counts(responses)
    with capsys.disabled():
        print(f"\n[{backend}] 10 parallel acceptances of one invitation: statuses {counts}")
    assert counts == {200: 1, 403: 9}


def test_invite_endpoint_is_for_organization_admins_of_their_own_organization(client, db, settings, tenant,
                                                                             make_tenant):
    headers = login(client, tenant)
    other = make_tenant(organization="Org B", email="admin@b.test")
    # acting for another organization by header is refused before anything is sent
    foreign = client.post("/api/v3/ua/user/invite", headers={**headers, "X-IAA-OW-ID": str(other["owId"])},
                          json=[{"email": "x@b.test", "name": "X"}])
    assert foreign.status_code == 403
    assert invitation_mails(settings, "x@b.test") == []
    # a member (not admin) cannot invite
    sent = client.post("/api/v3/ua/user/invite", headers=headers,
                       json=[{"email": "member@a.test", "name": "Mem Ber"}, {"email": "MEMBER@a.test", "name": "M"}])
    assert sent.json()["data"] == "1 invitations sent successfully."
    assert _sign_up(client, tenant, "member@a.test", invite_token(settings, "member@a.test")).status_code == 200
    member_headers = login(client, {**tenant, "email": "member@a.test", "password": NEW_PASSWORD})
    denied = client.post("/api/v3/ua/user/invite", headers=member_headers, json=[{"email": "y@a.test", "name": "Y"}])
    assert denied.status_code == 403
    bad = client.post("/api/v3/ua/user/invite", headers=headers, json=[{"email": "not-an-email", "name": "Z"}])
    assert bad.status_code == 422 and bad.json()["errorObjects"][0]["field"] == "0.email"
    assert client.post("/api/v3/ua/user/invite", headers=headers, json=[]).status_code == 422


def test_open_sign_up_is_off_by_default_and_limited_per_address(client, db, settings, tenant):
    new = {"email": "fresh@c.test", "password": "Fresh-Passw0rd!"}
    closed = client.post(SIGN_UP, headers=client_headers(tenant), json=new)
    assert closed.status_code == 403 and closed.json() == REFUSED
    with db.session() as session:
        assert set_sign_up_policy(session, tenant["host"], None) == {"host": tenant["host"], "openSignUp": False}
        set_sign_up_policy(session, tenant["host"], True)
    opened = client.post(SIGN_UP, headers=client_headers(tenant), json=new)
    assert opened.status_code == 200 and opened.json()["data"]["owId"] != tenant["owId"]
    # an existing e-mail, invited or not, is refused like everything else
    assert client.post(SIGN_UP, headers=client_headers(tenant), json=new).json() == REFUSED
    for i in range(settings.sign_up_max_per_address - 2):
        assert client.post(SIGN_UP, headers=client_headers(tenant),
                           json={"email": f"n{i}@c.test", "password": "Fresh-Passw0rd!"}).status_code == 200
    limited = client.post(SIGN_UP, headers=client_headers(tenant),
                          json={"email": "one-more@c.test", "password": "Fresh-Passw0rd!"})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0


def test_cli_add_user_mails_the_invitation_and_sign_up_policy(tmp_path, database_url, db, monkeypatch):
    from adplane.cli.main import app as cli
    from adplane.core.settings import get_settings

    data_dir = tmp_path / "cli"
    monkeypatch.setenv("ADPLANE_DATA_DIR", str(data_dir))
    monkeypatch.setenv("ADPLANE_DATABASE_URL", database_url)
    monkeypatch.setenv("ADPLANE_PUBLIC_BASE_URL", "https://ads.example.com")
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        created = json.loads(runner.invoke(cli, [
            "admin", "bootstrap", "--host", "inv.test", "--email", "ops@inv.test", "--password", "Strong-Passw0rd!",
            "--organization", "Ops", "--json"]).stdout)
        assert created["openSignUp"] is False
        added = runner.invoke(cli, ["admin", "add-user", "--ow-id", str(created["owId"]), "--email", "new@inv.test",
                                    "--json"])
        assert added.exit_code == 0, added.output
        result = json.loads(added.stdout)
        assert result["invited"] is True and result["invitationSentVia"].startswith(str(data_dir))
        outbox_settings = Settings(data_dir=data_dir)
        token = invite_token(outbox_settings, "new@inv.test")
        assert token not in added.output  # the token goes to the mailbox only
        assert invite_link(outbox_settings, "new@inv.test").startswith("https://ads.example.com/sign-up?")
        policy_args = ["admin", "sign-up-policy", "--host", "inv.test", "--json"]
        assert json.loads(runner.invoke(cli, policy_args).stdout)["openSignUp"] is False
        assert json.loads(runner.invoke(cli, [*policy_args, "--open"]).stdout)["openSignUp"] is True
        assert json.loads(runner.invoke(cli, [*policy_args, "--closed"]).stdout)["openSignUp"] is False
        assert runner.invoke(cli, ["admin", "sign-up-policy", "--host", "nope.test"]).exit_code == 2
        opened = json.loads(runner.invoke(cli, [
            "admin", "bootstrap", "--host", "open.test", "--email", "ops@open.test", "--password", "Strong-Passw0rd!",
            "--organization", "Ops", "--open-sign-up", "--json"]).stdout)
        assert opened["openSignUp"] is True
    finally:
        get_settings.cache_clear()


def test_existing_password_user_added_without_password_gets_no_invitation(db, settings, tenant, make_tenant):
    other = make_tenant(organization="Org B", email="admin@b.test")
    with db.session() as session:
        result = add_user(session, ow_id=other["owId"], email=tenant["email"], password=None, role="member",
                          settings=settings)
    assert result["invited"] is False
    assert invitation_mails(settings, tenant["email"]) == []
    assert PASSWORD  # the user keeps logging in with their own password


def test_unsent_invitation_mail_is_a_503_and_inviting_again_replaces_it(client, db, settings, tenant):
    headers = login(client, tenant)
    settings.smtp_url = "smtp://127.0.0.1:1?timeout=2"  # nothing listens there
    failed = client.post("/api/v3/ua/user/invite", headers=headers, json=[{"email": "m@a.test", "name": "M"}])
    assert failed.status_code == 503
    assert failed.json()["success"] is False and failed.json()["errorObjects"][0]["field"] == "email"
    settings.smtp_url = None
    sent = client.post("/api/v3/ua/user/invite", headers=headers, json=[{"email": "m@a.test", "name": "M"}])
    assert sent.status_code == 200
    with db.session() as session:
        states = [(i.cancelled_at is not None) for i in session.scalars(select(Invitation).order_by(Invitation.id))]
    assert states == [True, False]  # the unsent one is cancelled, only the mailed token is live
    assert _sign_up(client, tenant, "m@a.test", invite_token(settings, "m@a.test")).status_code == 200
