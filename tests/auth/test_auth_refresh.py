"""Refresh-token rotation: atomic under parallel refreshes, reuse revokes the token family."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import func, select

from adplane.auth.models import AuthToken
from adplane.client.testing import LiveServer
from adplane.core.clock import clock
from adplane.core.security import digest_secret
from auth_helpers import client_headers, in_parallel, status_counts
from conftest import PASSWORD

TOKEN = "/api/v3/ua/oauth/token"


def _password_grant(http, creds):  # noqa: ANN001, ANN202
    response = http.post(TOKEN, headers=client_headers(creds),
                         data={"grant_type": "password", "username": creds["email"], "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()


def _refresh(http, creds, refresh_token):  # noqa: ANN001, ANN202
    return http.post(TOKEN, headers=client_headers(creds),
                     data={"grant_type": "refresh_token", "refresh_token": refresh_token})


def _works(http, creds, tokens) -> bool:  # noqa: ANN001
    headers = {"Authorization": f"Bearer {tokens['access_token']}", "X-IAA-OW-ID": str(creds["owId"])}
    return http.get("/api/v3/ua/profile", headers=headers).status_code == 200


def _family_sizes(db, refresh_token: str) -> tuple[int, int]:  # noqa: ANN001
    """(tokens in the family of this refresh token, of which not revoked)."""
    with db.session() as session:
        family = session.scalar(select(AuthToken.family_id)
                                .where(AuthToken.refresh_digest == digest_secret(refresh_token)))
        total = session.scalar(select(func.count()).where(AuthToken.family_id == family))
        live = session.scalar(select(func.count()).where(AuthToken.family_id == family,
                                                         AuthToken.revoked_at.is_(None)))
    return total, live


def _parallel_refreshes(app, db, creds, n: int = 20):  # noqa: ANN001, ANN202
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=60) as http:
        first = _password_grant(http, creds)
        responses = in_parallel(n, lambda _i: _refresh(http, creds, first["refresh_token"]))
        winners = [r.json() for r in responses if r.status_code == 200]
        survivor = bool(winners) and _works(http, creds, winners[0])
    counts = status_counts(responses)
    total, live = _family_sizes(db, first["refresh_token"])
    return counts, winners, survivor, total, live


def test_twenty_parallel_refreshes_issue_exactly_one_session(app, db, tenant, backend, capsys):
    counts, winners, survivor, total, live = _parallel_refreshes(app, db, tenant)
    with capsys.disabled():
        print(f"\n[{backend}] 20 parallel refreshes of one token: statuses {counts}, "
              f"sessions issued {total - 1}, live afterwards {live}")
    assert counts == {200: 1, 401: 19}
    assert len(winners) == 1
    assert total == 2  # the login's pair and exactly one refreshed pair
    # strict default: the 19 losers presented a rotated token, which is reuse, so the family is revoked
    assert live == 0 and survivor is False


def test_parallel_refreshes_within_grace_keep_the_winner(app, db, tenant, settings, backend, capsys):
    settings.refresh_reuse_grace_seconds = 30
    counts, winners, survivor, total, live = _parallel_refreshes(app, db, tenant)
    with capsys.disabled():
        print(f"\n[{backend}] 20 parallel refreshes, 30 s grace: statuses {counts}, "
              f"sessions issued {total - 1}, live afterwards {live}")
    assert counts == {200: 1, 401: 19}
    assert total == 2 and live == 1 and survivor is True


def test_reuse_of_a_rotated_refresh_token_revokes_the_whole_family(client, tenant, make_tenant):
    first = _password_grant(client, tenant)
    other_login = _password_grant(client, tenant)  # another login of the same user: another family
    second = _refresh(client, tenant, first["refresh_token"]).json()
    third = _refresh(client, tenant, second["refresh_token"]).json()
    assert _works(client, tenant, third)
    stolen = _refresh(client, tenant, first["refresh_token"])
    assert stolen.status_code == 401
    assert stolen.json()["errorObjects"][0]["field"] == "refresh_token"
    # every token descended from that login is dead, the latest included
    assert not _works(client, tenant, third)
    assert _refresh(client, tenant, third["refresh_token"]).status_code == 401
    assert _refresh(client, tenant, second["refresh_token"]).status_code == 401
    # the user's other login is untouched
    assert _works(client, tenant, other_login)
    assert _refresh(client, tenant, other_login["refresh_token"]).status_code == 200


def test_grace_only_spares_a_recent_rotation(client, tenant, settings):
    settings.refresh_reuse_grace_seconds = 30
    first = _password_grant(client, tenant)
    second = _refresh(client, tenant, first["refresh_token"]).json()
    assert _refresh(client, tenant, first["refresh_token"]).status_code == 401  # within grace: refused only
    assert _works(client, tenant, second)
    clock.advance(timedelta(seconds=31))
    assert _refresh(client, tenant, first["refresh_token"]).status_code == 401  # now it is reuse
    assert not _works(client, tenant, second)


def test_logout_then_refresh_is_refused_and_foreign_workspace_cannot_revoke(client, tenant, make_tenant):
    other_ws = make_tenant(host="ws2.test", organization="Other", email="other@ws2.test")
    tokens = _password_grant(client, tenant)
    # a client of another workspace presenting this refresh token gets 401 and changes nothing
    assert _refresh(client, other_ws, tokens["refresh_token"]).status_code == 401
    assert _works(client, tenant, tokens)
    headers = {"Authorization": f"Bearer {tokens['access_token']}", "X-IAA-OW-ID": str(tenant["owId"])}
    assert client.post("/api/v3/ua/logout", headers=headers).status_code == 200
    assert _refresh(client, tenant, tokens["refresh_token"]).status_code == 401
    expired = _password_grant(client, tenant)
    clock.advance(timedelta(days=31))
    assert _refresh(client, tenant, expired["refresh_token"]).status_code == 401
