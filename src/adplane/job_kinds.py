"""The built-in job kinds: each module listed here exposes `JOB_KINDS` (a list of
`adplane.jobs.registry.JobKind`), registered in `adplane.jobs.registry.registry` in this order.
Add a domain's module here to have `adplane serve` and `adplane worker` run its kinds."""

from __future__ import annotations

import importlib

from adplane.analytics.maintenance import periodic_maintenance
from adplane.jobs.registry import Registry, periodic, registry

JOB_MODULES = [
    "adplane.schedules.runner",
    "adplane.insights.worker",
    "adplane.campaigns.lifecycle",
    "adplane.conversions.attribution",
    "adplane.audiences.worker",
    "adplane.audiences.abm",
    "adplane.audiences.kind_worker",
    "adplane.audiences.segments",
    "adplane.audiences.derived_jobs",
    "adplane.finance.spend",
    "adplane.finance.invoices",
]

# Kinds of the service packages, which import only core and so cannot name `adplane.jobs` themselves.
# Analytics upkeep leases for an hour: a large purge or checkpoint refresh may take minutes, and must not
# run twice.
SERVICE_KINDS = [periodic("analytics-maintenance", periodic_maintenance, interval_seconds=3600.0, lease_seconds=3600.0,
                          description="merge rollups, build running-total checkpoints, purge expired raw events")]


def load_job_kinds(target: Registry = registry) -> Registry:
    """Register every built-in kind (again is harmless) and return the registry."""
    for name in JOB_MODULES:
        for kind in importlib.import_module(name).JOB_KINDS:
            target.register(kind)
    for kind in SERVICE_KINDS:
        target.register(kind)
    return target
