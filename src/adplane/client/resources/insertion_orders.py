"""Insertion orders (v3 /cmp/io)."""

from __future__ import annotations

import builtins
from typing import Any

from adplane.client.calls import Call, Pages, payload
from adplane.client.resources._resource import Resource


class InsertionOrdersResource(Resource):
    def add(self, body: Any = None, **fields: Any) -> Any:
        """POST /api/v3/cmp/io/add (ioName, ioStartTime/ioEndTime in epoch ms, ioTotalBudget, ...)."""
        return self._call(Call("POST", "/api/v3/cmp/io/add", json=payload(body, **fields)))

    def get(self, io_id: int) -> Any:
        """GET /api/v3/cmp/io/{ioId}."""
        return self._call(Call("GET", f"/api/v3/cmp/io/{int(io_id)}"))

    def update(self, io_id: int, body: Any = None, **fields: Any) -> Any:
        """PATCH /api/v3/cmp/io/{ioId}."""
        return self._call(Call("PATCH", f"/api/v3/cmp/io/{int(io_id)}", json=payload(body, **fields)))

    def list(self, body: Any = None, **fields: Any) -> Any:
        """POST /api/v3/cmp/io/basic/list (one page: pageNo, noOfEntries, sortBy, searchField, ...)."""
        return self._call(Call("POST", "/api/v3/cmp/io/basic/list", json=payload(body, **fields), retry_safe=True))

    def iter(self, body: Any = None, page_size: int = 100, **fields: Any) -> Any:
        """Every IO matching the filters, page after page."""
        return self._paginate(Pages(
            lambda page, size: Call("POST", "/api/v3/cmp/io/basic/list", retry_safe=True,
                                    json=payload(body, **fields, page_no=page, no_of_entries=size)),
            items_key="ioBasicDetailsList", page_size=page_size,
        ))

    def campaigns_basic_list(self, body: Any = None, **fields: Any) -> Any:
        """POST /api/v3/cmp/io/campaign/basic/list."""
        return self._call(Call("POST", "/api/v3/cmp/io/campaign/basic/list", json=payload(body, **fields),
                               retry_safe=True))

    def campaigns_list(self, body: Any = None, **fields: Any) -> Any:
        """POST /api/v3/cmp/io/campaigns/list (IOs with their campaigns)."""
        return self._call(Call("POST", "/api/v3/cmp/io/campaigns/list", json=payload(body, **fields),
                               retry_safe=True))

    def delete(self, io_ids: builtins.list[int], **fields: Any) -> Any:
        """POST /api/v3/cmp/io/delete."""
        return self._call(Call("POST", "/api/v3/cmp/io/delete", json=payload(None, io_ids_list=io_ids, **fields)))

    def duplicate(self, body: Any = None, **fields: Any) -> Any:
        """POST /api/v3/cmp/io/duplicate."""
        return self._call(Call("POST", "/api/v3/cmp/io/duplicate", json=payload(body, **fields)))

    def update_budget(self, body: Any = None, **fields: Any) -> Any:
        """PATCH /api/v3/cmp/io/update-budget."""
        return self._call(Call("PATCH", "/api/v3/cmp/io/update-budget", json=payload(body, **fields)))

    def update_end_date(self, body: Any = None, **fields: Any) -> Any:
        """PATCH /api/v3/cmp/io/update-end-date."""
        return self._call(Call("PATCH", "/api/v3/cmp/io/update-end-date", json=payload(body, **fields)))
