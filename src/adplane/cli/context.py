"""What CLI commands share: settings, a migrated database, JSON output (`adplane.core.commands`), and an
in-process client."""

from __future__ import annotations

from typing import Any

from adplane.core.commands import emit, open_database

__all__ = ["emit", "in_process_client", "open_database"]


def in_process_client(app: Any) -> Any:
    """A synchronous client that calls `app` in this process (no socket), with its lifespan.

    Starlette's TestClient warns at import that it wants another httpx package; the warning says
    nothing to an operator starting a server, so it is not shown."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*deprecated.*")
        from fastapi.testclient import TestClient
    return TestClient(app)
