"""PATCH /api/v3/ua/user/update-profile: display name, names and avatar (a link or an uploaded image up to
3 MB, served through a signed link), as IQM's form fields or JSON; bad input is a 422 naming the field.
Plus: the auth migration and the models agree on both databases."""

from __future__ import annotations

import io
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from PIL import Image

from adplane.auth import models as auth_models
from adplane.auth.account import MAX_AVATAR_BYTES
from adplane.core.db import Base
from types_contract import checked
from users_helpers import UPDATE_PROFILE, USERS, add_member, field_of, login_as

UPDATED = "Profile updated successfully."


def _png(size: tuple[int, int] = (8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _me(client, headers) -> dict[str, Any]:  # noqa: ANN001
    email = client.get("/api/v3/ua/profile", headers=headers).json()["data"]["email"]
    rows = client.get(f"{USERS}?searchField={email}", headers=headers).json()["data"]["data"]
    return next(row for row in rows if row["email"] == email)


def _display_names(client, headers) -> dict[str, str]:  # noqa: ANN001
    return {row["email"]: row["displayName"] for row in client.get(USERS, headers=headers).json()["data"]["data"]}


def test_form_fields_as_iqm_sends_them(client, headers):
    """The specification's form: displayName "JP orguser1", removeUserProfile false."""
    body = checked(client, "PATCH", UPDATE_PROFILE, headers=headers,
                   data={"displayName": "JP orguser1", "removeUserProfile": "false"})
    assert body == {"success": True, "data": {"message": UPDATED}}
    assert client.get("/api/v3/ua/profile", headers=headers).json()["data"]["displayName"] == "JP orguser1"
    assert _me(client, headers)["displayName"] == "JP orguser1"


def test_json_names_and_avatar_link(client, headers):
    link = "https://cdn.example.com/avatars/me.png"
    body = checked(client, "PATCH", UPDATE_PROFILE, headers=headers,
                   json={"displayName": "  Ada L.  ", "firstName": "Ada", "lastName": "Lovelace", "userAvatar": link})
    assert body == {"success": True, "data": {"userAvatar": link, "message": UPDATED}}
    row = _me(client, headers)
    assert (row["displayName"], row["firstName"], row["lastName"], row["userAvatar"]) == (
        "Ada L.", "Ada", "Lovelace", link)
    # an empty last name clears it; the avatar is removed on request
    client.patch(UPDATE_PROFILE, headers=headers, json={"lastName": "", "removeUserProfile": True})
    row = _me(client, headers)
    assert "lastName" not in row and "userAvatar" not in row and row["firstName"] == "Ada"


def test_uploaded_avatar_is_served_through_a_signed_link(client, headers):
    body = checked(client, "PATCH", UPDATE_PROFILE, headers=headers,
                   files={"userAvatar": ("me.png", _png(), "image/png")}, data={"displayName": "Pic Ture"})
    url = body["data"]["userAvatar"]
    assert "/files/" in url and _me(client, headers)["userAvatar"] == url
    served = client.get(url[url.index("/files/"):])
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    assert served.content == _png()
    # removing it with the IQM form fields (userAvatar left empty)
    removed = client.patch(UPDATE_PROFILE, headers=headers, data={"userAvatar": "", "removeUserProfile": "true"})
    assert removed.json() == {"success": True, "data": {"message": UPDATED}}
    assert "userAvatar" not in _me(client, headers)


def test_avatar_limits(client, headers):
    too_big = client.patch(UPDATE_PROFILE, headers=headers,
                           files={"userAvatar": ("big.png", b"\x89PNG" + b"0" * MAX_AVATAR_BYTES, "image/png")})
    assert too_big.status_code == 422
    assert too_big.json()["errorObjects"] == [{"error": "Profile image should not be more than 3 MB",
                                               "field": "userAvatar"}]
    for name, content in (("x.png", b"not an image"), ("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")):
        response = client.patch(UPDATE_PROFILE, headers=headers, files={"userAvatar": (name, content, "image/png")})
        assert response.status_code == 422 and field_of(response) == "userAvatar", name
    both = client.patch(UPDATE_PROFILE, headers=headers,
                        files={"userAvatar": ("me.png", _png(), "image/png")}, data={"removeUserProfile": "true"})
    assert both.status_code == 422 and field_of(both) == "removeUserProfile"
    assert "userAvatar" not in _me(client, headers)


def test_each_user_edits_only_their_own_profile(client, db, settings, tenant, headers, other_headers):
    add_member(db, settings, tenant, "m@a.test", first="Mem", last="Ber")
    member = login_as(client, tenant, "m@a.test")
    assert client.patch(UPDATE_PROFILE, headers=member, json={"displayName": "Member Shown"}).status_code == 200
    names = _display_names(client, headers)
    assert names == {tenant["email"]: "admin", "m@a.test": "Member Shown"}
    assert client.patch(UPDATE_PROFILE, headers=other_headers, json={"displayName": "Other"}).status_code == 200
    assert _display_names(client, headers) == names
    assert client.patch(UPDATE_PROFILE, json={"displayName": "Nobody"}).status_code == 401


def test_bad_profile_input_is_422_naming_the_field(client, headers):
    cases: list[tuple[dict[str, Any], str]] = [
        ({"json": {}}, "displayName"),
        ({"json": {"displayName": "   "}}, "displayName"),
        ({"json": {"displayName": None}}, "displayName"),
        ({"json": {"displayName": "x" * 256}}, "displayName"),
        ({"json": {"displayName": "line\nbreak"}}, "displayName"),
        ({"json": {"displayName": "bidi\u202eoverride"}}, "displayName"),
        ({"json": {"firstName": "a\u0000b"}}, "firstName"),
        ({"json": {"lastName": ["x"]}}, "lastName"),
        ({"json": {"userAvatar": "javascript:alert(1)"}}, "userAvatar"),
        ({"json": {"userAvatar": "https://x.test/" + "a" * 2048}}, "userAvatar"),
        ({"json": {"removeUserProfile": "maybe"}}, "removeUserProfile"),
        ({"json": ["displayName"]}, "body"),
        ({"content": b"{broken", "headers": {"Content-Type": "application/json"}}, "body"),
        ({"data": {"displayName": "ok", "removeUserProfile": "perhaps"}}, "removeUserProfile"),
        ({"files": {"displayName": ("n.txt", b"Name", "text/plain")}}, "displayName"),
        ({"files": [("userAvatar", ("a.png", _png(), "image/png")), ("userAvatar", ("b.png", _png(), "image/png"))]},
         "body"),
        ({"content": b"xx", "headers": {"Content-Type": "multipart/form-data"}}, "body"),  # no boundary
        ({"content": b"displayName=x", "headers": {"Content-Type": "text/plain"}}, "body"),
    ]
    for kwargs, field in cases:
        extra = kwargs.pop("headers", {})
        response = client.patch(UPDATE_PROFILE, headers={**headers, **extra}, **kwargs)
        assert response.status_code == 422, (kwargs, response.text)
        assert field_of(response) == field, (kwargs, response.json())
    assert client.get("/api/v3/ua/profile", headers=headers).json()["data"]["displayName"] == "admin"


def test_auth_migration_matches_the_models(database_url):
    """`alembic upgrade heads` (the session database) and the auth models agree, column by column."""
    auth_tables = {table.name for table in Base.metadata.sorted_tables
                   if table.name in {cls.__tablename__ for cls in vars(auth_models).values()
                                     if isinstance(cls, type) and hasattr(cls, "__tablename__")}}
    assert {"users", "memberships", "password_resets"} <= auth_tables
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
            diffs = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()

    def table_of(diff: Any) -> str | None:
        item = diff[0] if isinstance(diff, list) else diff
        for part in item[1:]:
            name = getattr(part, "name", None) if not isinstance(part, str) else None
            table = getattr(part, "table", None)
            if table is not None and getattr(table, "name", None):
                return str(table.name)
            if name and name in auth_tables:
                return str(name)
        return str(item[2]) if len(item) > 2 and isinstance(item[2], str) else None

    # SQLite reports identity columns (ow_id, uow_id) as a changed default; that is not a drift
    drift = [d for d in diffs if table_of(d) in auth_tables
             and not (isinstance(d, list) and d[0][0] == "modify_default" and isinstance(d[0][-1], sa.Identity))]
    assert drift == []
