"""Endpoint groups, one per API domain; every client gets each as an attribute."""

from __future__ import annotations

from typing import Any

from adplane.client.resources.auth import AuthResource
from adplane.client.resources.campaigns import CampaignsResource
from adplane.client.resources.creatives import CreativesResource
from adplane.client.resources.events import EventsResource
from adplane.client.resources.insertion_orders import InsertionOrdersResource
from adplane.client.resources.insights import InsightsResource
from adplane.client.resources.master import MasterResource
from adplane.client.resources.operations import OperationsResource
from adplane.client.resources.reports import ReportsResource
from adplane.client.resources.schedules import SchedulesResource

RESOURCES: dict[str, type] = {
    "auth": AuthResource,
    "master": MasterResource,
    "creatives": CreativesResource,
    "io": InsertionOrdersResource,
    "campaigns": CampaignsResource,
    "reports": ReportsResource,
    "schedules": SchedulesResource,
    "insights": InsightsResource,
    "events": EventsResource,
    "operations": OperationsResource,
}


def attach_resources(client: Any) -> None:
    for name, resource in RESOURCES.items():
        setattr(client, name, resource(client))
