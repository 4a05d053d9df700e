"""Property-based API fuzzing against the app's own /openapi.json (schemathesis), the CI gate of issue #12.

Every operation of the document gets ADPLANE_FUZZ_EXAMPLES generated requests in positive mode (valid per
the schema) and as many in negative mode (violating it), authenticated as a bootstrapped workspace admin
(bearer token + X-IAA-OW-ID). The default is small so the suite stays fast; `make fuzz` runs many more.
The run fails on any 5xx and on any response that violates the schema the document gives for its status
code (response_schema_conformance only judges responses the document describes).
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

EXAMPLES = int(os.environ.get("ADPLANE_FUZZ_EXAMPLES", "3"))
CHECKS = [not_a_server_error, response_schema_conformance]
# Operations that end the caller's session run last, so every other operation stays authenticated.
LAST = ("/api/v3/ua/logout",)


@dataclass
class Tally:
    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


def fuzz_operation(client: Any, auth: dict[str, str], operation: Any, mode: GenerationMode, tally: Tally) -> None:
    """Send EXAMPLES generated requests for one operation and mode; record every failure."""
    name = f"{operation.method.upper()} {operation.path} [{mode.value}]"

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(mode))
    def run(case: schemathesis.Case) -> None:
        tally.cases += 1
        kwargs = case.as_transport_kwargs(base_url="http://testserver")
        kwargs.pop("cookies", None)
        # negative mode also mangles the credentials; keep them valid so the request reaches the handler
        sent = {k: v for k, v in (kwargs.get("headers") or {}).items() if k.lower() not in {a.lower() for a in auth}}
        kwargs["headers"] = {**sent, **auth}
        try:
            response = client.request(**kwargs)
        except httpx.InvalidURL:
            return  # the client cannot even send it (a query string past httpx's own length limit)
        tally.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect every failure, report together
            tally.failures.append(f"{name}: {str(exc)[:1500]}")

    # Unsatisfiable: no request can violate this operation's schema (e.g. it takes no parameters at all)
    with contextlib.suppress(Unsatisfiable):
        run()


def test_fuzz_the_openapi_document(client, headers, backend) -> None:  # noqa: ANN001
    schema = schemathesis.openapi.from_dict(client.get("/openapi.json").json())
    operations = sorted((result.ok() for result in schema.get_all_operations()),
                        key=lambda op: (op.path in LAST, op.path, op.method))
    tally = Tally()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz_operation(client, headers, operation, mode, tally)
    print(f"\nfuzz[{backend}]: {len(operations)} operations, {tally.cases} cases, {len(tally.failures)} failures, "
          f"statuses {dict(sorted(tally.statuses.items()))}")
    assert len(operations) > 50
    assert not tally.failures, "\n\n".join(tally.failures[:30])
