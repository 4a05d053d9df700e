"""Shared by the tests/auth/test_auth_*.py files: parallel requests against a live server."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from conftest import basic_auth


def client_headers(creds: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": basic_auth(creds), "X-IAA-HOST": creds["host"]}


def in_parallel(n: int, call: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    """Run `call(i)` for i < n on n threads released at the same instant by a barrier."""
    barrier = threading.Barrier(n)

    def run(i: int) -> httpx.Response:
        barrier.wait()
        return call(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def status_counts(responses: list[httpx.Response]) -> dict[int, int]:
    return dict(sorted(Counter(r.status_code for r in responses).items()))
