"""The prefix index sends every request where the full router would: same route, same 404, 405 and redirect."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute, Match

from adplane.app import create_app
from adplane.core.routing import PrefixDispatch


def _leaves(routes: list[BaseRoute]) -> Iterator[BaseRoute]:
    for route in routes:
        nested = getattr(route, "original_router", None)
        yield from _leaves(nested.routes) if nested is not None else (route,)


def _first_full(entries: list[BaseRoute], path: str, method: str) -> BaseRoute | None:
    for entry in entries:
        scope = {"type": "http", "path": path, "root_path": "", "method": method, "headers": [], "query_string": b""}
        if entry.matches(scope)[0] == Match.FULL:
            return entry
    return None


@pytest.fixture
def indexed_app(settings, db):  # noqa: ANN001, ANN201
    app = create_app(settings, db, background=False)
    assert isinstance(app.router.middleware_stack, PrefixDispatch)
    return app


def test_every_route_is_reached_through_the_index_as_through_the_full_list(indexed_app) -> None:
    dispatch: PrefixDispatch = indexed_app.router.middleware_stack
    checked = 0
    for leaf in _leaves(indexed_app.router.routes):
        path_format = getattr(leaf, "path_format", None)
        if path_format is None:
            continue
        path = re.sub(r"\{[^}]+\}", "1", path_format)  # any convertor takes "1"
        for method in sorted(getattr(leaf, "methods", None) or {"GET"}):
            expected = _first_full(indexed_app.router.routes, path, method)
            assert expected is not None, (method, path)
            assert _first_full(dispatch.candidates(path), path, method) is expected, (method, path)
            checked += 1
    assert checked > 400  # every API operation of the app, not a sample
    # a campaign list is tried against a handful of entries (the routes along its path, the routers that could
    # hold it), not against every route and router of the app
    assert len(dispatch.candidates("/api/v2/cmp/campaigns/list")) * 10 < len(indexed_app.router.routes)


def test_routers_added_as_plain_routes_describe_and_serve_the_same_api(indexed_app, settings, db, monkeypatch) -> None:
    """`add_router` adds a plain router's routes to the app itself: the same operations, in the same order,
    with the same OpenAPI document, as when every router is included."""
    from fastapi import FastAPI

    import adplane.app

    monkeypatch.setattr(adplane.app, "add_router", lambda app, router: FastAPI.include_router(app, router))
    included = create_app(settings, db, background=False)
    assert len(included.router.routes) * 5 < len(indexed_app.router.routes)  # most routers were flattened

    def operations(app: Any) -> list[tuple[str, tuple[str, ...], str]]:
        def named(endpoint: Any) -> str:  # the app's own routes are closures, one per app
            return f"{endpoint.__module__}.{endpoint.__qualname__}" if endpoint is not None else ""

        return [(leaf.path_format, tuple(sorted(getattr(leaf, "methods", None) or ())),
                 named(getattr(leaf, "endpoint", None))) for leaf in _leaves(app.router.routes)
                if hasattr(leaf, "path_format")]

    assert operations(indexed_app) == operations(included)
    assert indexed_app.openapi() == included.openapi()


def _answers(app: Any, requests: list[tuple[str, str]], headers: dict[str, str]) -> list[tuple[int, Any, Any]]:
    with TestClient(app, follow_redirects=False) as client:
        answers = []
        for method, path in requests:
            response = client.request(method, path, headers=headers)
            body = response.json() if response.headers.get("content-type", "").startswith("application/json") \
                else response.text
            answers.append((response.status_code, response.headers.get("location"), body))
        return answers


def test_misses_wrong_methods_and_slashes_answer_as_without_the_index(indexed_app, tenant, headers) -> None:
    requests = [
        ("GET", "/api/v2/cmp/campaigns/list"),
        ("GET", "/api/v2/cmp/campaigns/list/"),  # a trailing slash
        ("DELETE", "/api/v2/cmp/campaigns/list"),  # a method the route does not take
        ("GET", "/api/v2/cmp/campaigns/nothing-here"),  # a known prefix, no route
        ("GET", "/api/v9/unknown"),
        ("GET", "/api/v3/ua/login"),  # POST only
        ("GET", "/healthz"),
        ("GET", "/docs"),
        ("GET", "/static-offline-docs"),
        ("GET", "/no/such/page"),
    ]
    through_index = _answers(indexed_app, requests, headers)
    dispatch: PrefixDispatch = indexed_app.router.middleware_stack
    indexed_app.router.middleware_stack = dispatch.full_dispatch
    try:
        through_full_list = _answers(indexed_app, requests, headers)
    finally:
        indexed_app.router.middleware_stack = dispatch
    assert [a[:2] for a in through_index] == [a[:2] for a in through_full_list]
    assert through_index == through_full_list
    statuses = {path + " " + method: answer[0] for (method, path), answer in zip(requests, through_index, strict=True)}
    assert statuses["/api/v2/cmp/campaigns/list GET"] == 200
    assert statuses["/api/v2/cmp/campaigns/list DELETE"] == 405
    assert statuses["/api/v2/cmp/campaigns/nothing-here GET"] == 404


def test_a_route_added_after_startup_is_served(indexed_app) -> None:
    with TestClient(indexed_app) as client:
        assert client.get("/api/v9/late").status_code == 404

        @indexed_app.get("/api/v9/late")
        def late() -> dict[str, str]:
            return {"late": "yes"}

        assert client.get("/api/v9/late").json() == {"late": "yes"}


def test_a_root_path_is_stripped_before_the_lookup(indexed_app, tenant, headers) -> None:
    with TestClient(indexed_app, root_path="/behind-proxy") as client:
        response = client.get("/behind-proxy/api/v2/cmp/campaigns/list", headers=headers)
        assert response.status_code == 200
        assert response.json()["recordsTotal"] == 0
