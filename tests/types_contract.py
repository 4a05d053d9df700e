"""Helpers of the contract tests: call a route and check its answer against the model the route declares."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from adplane.core.envelopes import undeclared_keys


def api_routes(router: Any) -> list[APIRoute]:
    """Every APIRoute of an app or router, through included routers."""
    found: list[APIRoute] = []
    for route in getattr(router, "routes", []):
        if isinstance(route, APIRoute):
            found.append(route)
        for attr in ("original_router", "router"):
            inner = getattr(route, attr, None)
            if inner is not None and inner is not router:
                found += api_routes(inner)
    return found


def route_for(app: Any, method: str, path: str) -> APIRoute:
    candidates = []
    for route in api_routes(app.router):
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(route.path)) + "$"
        if method.upper() in route.methods and re.match(pattern, path):
            candidates.append(route)
    assert candidates, f"no route for {method} {path}"
    return min(candidates, key=lambda route: route.path.count("{"))


def checked(client: TestClient, method: str, url: str, **kwargs: Any) -> Any:
    """Send the request; the answer must be a 2xx that the route's declared model describes completely
    (no undeclared key) and reproduces exactly (no value changes type or disappears)."""
    response = client.request(method, url, **kwargs)
    assert response.status_code < 300, (url, response.status_code, response.text[:500])
    route = route_for(client.app, method, url.split("?")[0])
    assert route.response_model is not None, f"{method} {route.path} declares no response model"
    body = response.json()
    value = TypeAdapter(route.response_model).validate_python(body)
    assert undeclared_keys(value) == [], f"{method} {route.path}: keys its model does not declare"
    dumped = TypeAdapter(route.response_model).dump_python(value, mode="json")
    assert json.dumps(dumped, sort_keys=True) == json.dumps(body, sort_keys=True), (
        f"{method} {route.path}: the model does not reproduce the answer"
    )
    return body
