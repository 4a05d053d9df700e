"""GET /api/v3/ua/users/list and IQM's user-status / user-sort-by lists: the organization's users, searched,
filtered, sorted and paged in SQL; other organizations see none of them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from adplane.auth.models import User
from conftest import PASSWORD
from types_contract import checked
from users_helpers import USERS, add_member, field_of, login_as

SPEC_STATUSES = [
    {"name": "pending", "id": 2, "label": "Pending", "order": 1},
    {"name": "active", "id": 1, "label": "Active", "order": 2},
    {"name": "invited", "id": 3, "label": "Invited", "order": 3},
    {"name": "on_hold", "id": 4, "label": "On Hold", "order": 4},
    {"name": "deleted", "id": 5, "label": "Deleted", "order": 5},
]
SPEC_SORT_BY = [
    {"label": "Status", "field": "status", "order": 1},
    {"label": "Number of Customers", "field": "customersCount", "order": 2},
    {"label": "Name", "field": "displayName", "order": 3},
]


def _people(db, settings, tenant) -> dict[str, dict[str, Any]]:  # noqa: ANN001
    """Six users besides the admin: names that sort differently by first name, display name and e-mail."""
    return {
        "carol": add_member(db, settings, tenant, "carol@a.test", first="Carol", last="Zimmer"),
        "bob": add_member(db, settings, tenant, "zed-bob@a.test", first="bob", last="Young"),
        "dave": add_member(db, settings, tenant, "dave@a.test", first="Dave", last="Xu", role="admin"),
        "erin": add_member(db, settings, tenant, "erin@a.test"),  # no names: shown as "erin"
        "frank": add_member(db, settings, tenant, "frank@a.test", password=None, first="Frank", last="Invited"),
        "gina": add_member(db, settings, tenant, "gina@a.test", first="Gina", last="100%_Wild"),
    }


def _list(client, headers, query: str = "") -> dict[str, Any]:  # noqa: ANN001
    return checked(client, "GET", f"{USERS}{query}", headers=headers)["data"]


def _names(data: dict[str, Any]) -> list[str]:
    return [row["displayName"] for row in data["data"]]


def test_spec_query_as_is_and_iqm_row_fields(client, db, settings, tenant, headers):
    people = _people(db, settings, tenant)
    # the specification's parameters with their defaults, as a client sends them
    data = _list(client, headers, "?status=&pageNo=1&limit=10&sortBy=%2BdisplayName&searchField=")
    assert data["totalRecords"] == 7 and data["filteredRecords"] == 7
    assert _names(data) == ["admin", "bob Young", "Carol Zimmer", "Dave Xu", "erin", "Frank Invited", "Gina 100%_Wild"]
    rows = {row["email"]: row for row in data["data"]}
    owner = rows[tenant["email"]]
    assert owner["isOrganizationOwnerUser"] is True and owner["isModificationAllowed"] is False  # the caller
    assert owner["statusId"] == 1 and owner["status"] == "active" and "invitedOn" not in owner
    carol = rows["carol@a.test"]
    assert set(carol) == {"userId", "firstName", "lastName", "email", "displayName", "status", "statusId", "createdAt",
                          "uowId", "customersCount", "organizationName", "isOrganizationOwnerUser",
                          "isModificationAllowed", "isAssignActionAllowed"}
    assert carol["uowId"] == people["carol"]["uowId"] and carol["organizationName"] == "Org A"
    assert carol["isModificationAllowed"] is True and carol["isAssignActionAllowed"] is True
    assert carol["customersCount"] == 0 and carol["createdAt"] > 1_700_000_000_000  # epoch milliseconds
    assert "lastName" not in rows["erin@a.test"] and "firstName" not in rows["erin@a.test"]  # as IQM: no nulls


def test_invited_rows_carry_the_invitation(client, db, settings, tenant, headers):
    sent = client.post("/api/v3/ua/user/invite", headers=headers, json=[{"email": "new@a.test", "name": "New Person"}])
    assert sent.status_code == 200
    row = _list(client, headers, "?searchField=new@")["data"][0]
    assert row["status"] == "invited" and row["statusId"] == 3
    assert row["firstName"] == "New" and row["lastName"] == "Person" and row["displayName"] == "New Person"
    assert row["invitedByUserEmail"] == tenant["email"] and row["invitedByUserName"] == "admin"
    assert row["invitedOn"] >= row["createdAt"]
    assert row["isAssignActionAllowed"] is False and row["isModificationAllowed"] is True


def test_search_sort_and_paging(client, db, settings, tenant, headers):
    people = _people(db, settings, tenant)
    assert _names(_list(client, headers, "?sortBy=-displayName&limit=3")) == ["Gina 100%_Wild", "Frank Invited", "erin"]
    assert _names(_list(client, headers, "?sortBy=displayName&order=desc&limit=1")) == ["Gina 100%_Wild"]
    by_email = _list(client, headers, "?sortBy=%2Bemail")
    assert [row["email"] for row in by_email["data"]][-1] == "zed-bob@a.test"
    by_status = _list(client, headers, "?sortBy=-status,%2BdisplayName")  # invited (3) before active (1)
    assert by_status["data"][0]["email"] == "frank@a.test"
    assert _names(_list(client, headers, "?sortBy=%2BcustomersCount,-displayName&limit=2")) == [
        "Gina 100%_Wild", "Frank Invited"]
    # pages in SQL: pageNo/limit, or IQM's other spelling noOfEntries
    page2 = _list(client, headers, "?pageNo=2&limit=3")
    assert _names(page2) == ["Dave Xu", "erin", "Frank Invited"]
    assert page2["totalRecords"] == 7 and page2["filteredRecords"] == 7
    assert _names(_list(client, headers, "?pageNo=3&noOfEntries=3")) == ["Gina 100%_Wild"]
    assert _list(client, headers, "?pageNo=9&limit=3")["data"] == []
    # search: case-insensitive over names, display name and e-mail; wildcards are literal; or the user id
    assert _names(_list(client, headers, "?searchField=ZIMM")) == ["Carol Zimmer"]
    assert _names(_list(client, headers, "?searchField=carol%20z")) == ["Carol Zimmer"]
    assert _names(_list(client, headers, "?searchField=zed-")) == ["bob Young"]
    assert _names(_list(client, headers, "?searchField=%25_")) == ["Gina 100%_Wild"]
    assert _names(_list(client, headers, "?searchField=ERIN")) == ["erin"]  # the display name of a nameless user
    with db.session() as session:
        dave_id = session.scalar(select(User.id).where(User.email == "dave@a.test"))
    searched = _list(client, headers, f"?searchField={dave_id}")
    assert [row["email"] for row in searched["data"]] == ["dave@a.test"]
    assert searched["totalRecords"] == 7 and searched["filteredRecords"] == 1
    # status filter: ids or names
    assert _names(_list(client, headers, "?status=3")) == ["Frank Invited"]
    assert len(_list(client, headers, "?status=1,3")["data"]) == 7
    assert _names(_list(client, headers, "?status=invited")) == ["Frank Invited"]
    assert _list(client, headers, "?status=4")["data"] == []
    assert people["frank"]["invited"] is True


def test_display_name_is_the_same_in_the_list_and_the_profile(client, db, settings, tenant, headers):
    add_member(db, settings, tenant, "first.only@a.test", first="First")
    add_member(db, settings, tenant, "last.only@a.test", last="Last")
    add_member(db, settings, tenant, "no.names@a.test")
    listed = {row["email"]: row["displayName"] for row in _list(client, headers)["data"]}
    for email in ("first.only@a.test", "last.only@a.test", "no.names@a.test", tenant["email"]):
        member = login_as(client, tenant, email)
        assert client.get("/api/v3/ua/profile", headers=member).json()["data"]["displayName"] == listed[email]
    assert listed["first.only@a.test"] == "First" and listed["no.names@a.test"] == "no.names"


def test_static_lists_are_iqms(client, headers):
    assert checked(client, "GET", "/api/v3/ua/static/user-status", headers=headers)["data"] == SPEC_STATUSES
    assert checked(client, "GET", "/api/v3/ua/static/user-sort-by", headers=headers)["data"] == SPEC_SORT_BY
    # the caller's own lists: the bearer token is enough
    bearer_only = {"Authorization": headers["Authorization"]}
    assert client.get("/api/v3/ua/static/user-status", headers=bearer_only).status_code == 200
    assert client.get("/api/v3/ua/static/user-sort-by").status_code == 401


def test_other_organizations_see_none_of_these_users(client, db, settings, tenant, headers, other_headers):
    _people(db, settings, tenant)
    theirs = _list(client, other_headers)
    assert [row["email"] for row in theirs["data"]] == ["admin@b.test"] and theirs["totalRecords"] == 1
    # acting for this organization by header is refused: they are no member of it
    foreign = client.get(USERS, headers={**other_headers, "X-IAA-OW-ID": headers["X-IAA-OW-ID"]})
    assert foreign.status_code == 403


def test_members_see_the_list_but_may_change_nobody(client, db, settings, tenant):
    add_member(db, settings, tenant, "plain@a.test")
    member = login_as(client, tenant, "plain@a.test", PASSWORD)
    rows = _list(client, member)["data"]
    assert len(rows) == 2
    assert not any(row["isModificationAllowed"] or row["isAssignActionAllowed"] for row in rows)


def test_bad_list_input_is_422_naming_the_field(client, headers):
    cases = {
        "?sortBy=%2Bpassword": "sortBy",
        "?sortBy=": None,  # blank: the default sort
        "?order=sideways&sortBy=email": "order",
        "?status=9": "status",
        "?status=active,nope": "status",
        "?limit=0": "limit",
        "?limit=abc": "limit",
        "?noOfEntries=100000": "noOfEntries",
        "?pageNo=0": "pageNo",
        "?pageNo=99999999999999999999": "pageNo",
        f"?searchField={'x' * 300}": "searchField",
        "?searchField=a%00b": "searchField",  # PostgreSQL cannot compare a NUL: refused, never a 500
        "?searchField=%27%22%5C": None,  # quotes and backslashes are just searched for
    }
    for query, field in cases.items():
        response = client.get(f"{USERS}{query}", headers=headers)
        if field is None:
            assert response.status_code == 200, (query, response.text)
        else:
            assert response.status_code == 422, (query, response.text)
            assert field_of(response) == field, (query, response.json())
    nul = client.get("/api/v3/ua/user/allowed-organizations?searchField=a%00b", headers=headers)  # was a 500
    assert nul.status_code == 422 and field_of(nul) == "searchField"
