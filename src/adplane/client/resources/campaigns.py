"""Campaigns (v2 /cmp/campaigns, v3 name update)."""

from __future__ import annotations

import builtins
from typing import Any

from adplane.client.calls import Call, Pages, clean, payload, query
from adplane.client.resources._resource import Resource


class CampaignsResource(Resource):
    def add(self, body: Any = None, **fields: Any) -> Any:
        """POST /api/v2/cmp/campaigns/add (startTime/endTime in epoch seconds)."""
        return self._call(Call("POST", "/api/v2/cmp/campaigns/add", json=payload(body, **fields)))

    def add_draft(self, body: Any = None, **fields: Any) -> Any:
        """POST /api/v2/cmp/campaigns/draft/add."""
        return self._call(Call("POST", "/api/v2/cmp/campaigns/draft/add", json=payload(body, **fields)))

    def get(self, campaign_id: int, *, is_spent_required: bool | None = None) -> Any:
        """GET /api/v2/cmp/campaign/{campaignId}."""
        params = clean({"isSpentRequired": is_spent_required})
        return self._call(Call("GET", f"/api/v2/cmp/campaign/{int(campaign_id)}", params=params))

    def update(self, campaign_id: int, body: Any = None, **fields: Any) -> Any:
        """PATCH /api/v2/cmp/campaign/{campaignId}."""
        return self._call(Call("PATCH", f"/api/v2/cmp/campaign/{int(campaign_id)}", json=payload(body, **fields)))

    def update_draft(self, campaign_id: int, body: Any = None, **fields: Any) -> Any:
        """PUT /api/v2/cmp/campaign/draft/{campaignId}."""
        return self._call(Call("PUT", f"/api/v2/cmp/campaign/draft/{int(campaign_id)}",
                               json=payload(body, **fields)))

    def update_name(self, campaign_id: int, campaign_name: str) -> Any:
        """PATCH /api/v3/cmp/campaign/update-name/{campaign_id}."""
        return self._call(Call("PATCH", f"/api/v3/cmp/campaign/update-name/{int(campaign_id)}",
                               json={"campaignName": campaign_name}))

    def list(self, **params: Any) -> Any:
        """GET /api/v2/cmp/campaigns/list (one page); its parameters are snake_case on the wire
        (pgno, no_of_entries, sort_by, order, status, search_field, creative_type_ids, ow_ids)."""
        return self._call(Call("GET", "/api/v2/cmp/campaigns/list", params=clean(params)))

    def iter(self, page_size: int = 100, **params: Any) -> Any:
        """Every campaign matching the filters, page after page."""
        return self._paginate(Pages(
            lambda page, size: Call("GET", "/api/v2/cmp/campaigns/list",
                                    params=clean({**params, "pgno": page, "no_of_entries": size})),
            page_size=page_size,
        ))

    def data(self, **params: Any) -> Any:
        """GET /api/v2/cmp/campaigns/data."""
        return self._call(Call("GET", "/api/v2/cmp/campaigns/data", params=query(params)))

    def count(self, **params: Any) -> Any:
        """GET /api/v2/cmp/campaigns/count (campaigns per status)."""
        return self._call(Call("GET", "/api/v2/cmp/campaigns/count", params=query(params)))

    def count_post(self, body: Any = None, **fields: Any) -> Any:
        """POST /api/v3/cmp/campaigns/count (seed 004's spelling)."""
        return self._call(Call("POST", "/api/v3/cmp/campaigns/count", json=payload(body, **fields), retry_safe=True))

    def group_list(self, **params: Any) -> Any:
        """GET /api/v2/cmp/campaigngroup/campaign/list."""
        return self._call(Call("GET", "/api/v2/cmp/campaigngroup/campaign/list", params=clean(params)))

    def duplicate(self, body: Any = None, **fields: Any) -> Any:
        """POST /api/v2/cmp/campaigns/duplicate."""
        return self._call(Call("POST", "/api/v2/cmp/campaigns/duplicate", json=payload(body, **fields)))

    def update_budget(self, body: Any = None, **fields: Any) -> Any:
        """PUT /api/v2/cmp/campaigns/update-budget."""
        return self._call(Call("PUT", "/api/v2/cmp/campaigns/update-budget", json=payload(body, **fields)))

    def update_end_date(self, body: Any = None, **fields: Any) -> Any:
        """PUT /api/v2/cmp/campaigns/update-end-date."""
        return self._call(Call("PUT", "/api/v2/cmp/campaigns/update-end-date", json=payload(body, **fields)))

    def update_status(self, campaign_ids: builtins.list[int] | str, status: str, **fields: Any) -> Any:
        """PUT /api/v2/cmp/campaigns/update-status (approve/run, pause, reject with a reason, delete)."""
        ids = campaign_ids if isinstance(campaign_ids, str) else ",".join(str(int(i)) for i in campaign_ids)
        return self._call(Call("PUT", "/api/v2/cmp/campaigns/update-status",
                               json=payload(None, campaign_ids=ids, status=status, **fields)))

    def budget_info(self, **params: Any) -> Any:
        """GET /api/v2/cmp/campaign/budgetInfo."""
        return self._call(Call("GET", "/api/v2/cmp/campaign/budgetInfo", params=query(params)))

    def start(self, **params: Any) -> Any:
        """GET /api/v2/cmp/campaign/start."""
        return self._call(Call("GET", "/api/v2/cmp/campaign/start", params=clean(params)))
