"""Endpoint groups, one per API domain; every client gets each as an attribute."""

from __future__ import annotations

from typing import Any

from adplane.client.resources.auth import AuthResource

RESOURCES: dict[str, type] = {
    "auth": AuthResource,
}


def attach_resources(client: Any) -> None:
    for name, resource in RESOURCES.items():
        setattr(client, name, resource(client))
