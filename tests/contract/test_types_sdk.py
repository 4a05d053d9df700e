"""The SDK's typed answers: the route→model table matches the server, and typed clients return models."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute

from adplane.app import create_app
from adplane.campaigns.responses import CampaignDetail, CampaignSaved
from adplane.client import AdplaneClient
from adplane.client.models import ROUTE_MODELS, model_for
from adplane.client.testing import LiveServer
from adplane.core.envelopes import V2, V3
from adplane.insertion_orders.responses import CreatedIo, InsertionOrder
from adplane.master.responses import Timezone
from campaign_helpers import campaign_body, freeze, io_body, make_creative
from test_client import client_clock, live_server, sdk_kwargs, server_settings  # noqa: F401
from types_contract import api_routes


def _data_model(route: APIRoute) -> Any:
    model = route.response_model
    if isinstance(model, type) and issubclass(model, V3 | V2) and model not in (V3, V2):
        return model.model_fields["data" if issubclass(model, V3) else "responseObject"].annotation
    return model


def _light(model: Any) -> bool:
    """A model the SDK can import without the server: from a responses/schemas module or the envelopes."""
    args = typing.get_args(model)
    if args:
        return all(_light(arg) for arg in args)
    module = getattr(model, "__module__", "builtins")
    return module in ("builtins", "typing", "adplane.core.envelopes") or module.endswith((".responses", ".schemas"))


def test_route_table_names_the_models_the_server_declares(settings, db):
    app = create_app(settings, db, background=False)
    served = {}
    for route in api_routes(app.router):
        if route.include_in_schema and route.response_model is not None and _light(_data_model(route)):
            for method in route.methods:
                served[(method, route.path)] = _data_model(route)
    assert served == ROUTE_MODELS
    assert model_for("get", "/api/v3/cmp/io/12") is InsertionOrder
    assert model_for("GET", "/api/v2/adv/static/timezones") == list[Timezone]
    assert model_for("GET", "/somewhere/else") is None


@pytest.fixture
def typed_api(live_server: LiveServer, tenant: dict[str, Any]) -> Iterator[AdplaneClient]:  # noqa: F811
    with AdplaneClient(now=client_clock, typed=True, **sdk_kwargs(live_server, tenant)) as client:
        yield client


def test_typed_client_returns_the_response_models(typed_api: AdplaneClient, live_server: LiveServer,  # noqa: F811
                                                  tenant: dict[str, Any], db) -> None:  # noqa: ANN001
    freeze()
    created = typed_api.io.add(io_body())
    assert isinstance(created, CreatedIo) and created.ioName == "IO Name 1"
    io = typed_api.io.get(created.ioId)
    assert isinstance(io, InsertionOrder) and io.ioId == created.ioId and io.owId == tenant["owId"]
    saved = typed_api.campaigns.add(campaign_body(created.ioId, make_creative(db, tenant["owId"])))
    assert isinstance(saved, CampaignSaved)
    detail = typed_api.campaigns.get(saved.data)
    assert isinstance(detail, CampaignDetail) and detail.ioId == created.ioId
    zones = typed_api.master.timezones_v2()
    assert all(isinstance(zone, Timezone) for zone in zones) and zones
    # paged iteration stays item dicts; a model dumps back to exactly the wire answer
    assert [row["ioId"] for row in typed_api.io.iter()] == [created.ioId]
    with AdplaneClient(now=client_clock, **sdk_kwargs(live_server, tenant)) as plain:
        assert plain.io.get(created.ioId) == typed_api.io.get(created.ioId).model_dump(mode="json")
