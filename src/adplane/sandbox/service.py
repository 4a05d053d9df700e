"""The sandbox for testing IQM integrations: a reset that restores the demo workspace, and a clock
that moves forward on demand and runs the time-driven work that falls due on the way.

Only on a server with `ADPLANE_SANDBOX` on (`adplane serve --demo` turns it on), and only for the
workspace admins of the demo workspace (host `localhost`): the clock is the whole process's.

- **Reset**: every organization of the demo workspace loses its tenant data (campaigns, IOs,
  creatives and their files, reports, schedules, insight reports, funds, delivery events) and the
  demo organization gets the demo content again (`adplane.sandbox.demo`); users, memberships, API
  clients and tokens stay, so an integration's credentials keep working. The clock returns to real
  time.
- **Clock**: `advance(delta)` (or `move_to(instant)`, forward only) moves time in steps, at most a
  day long and cut at every campaign or IO start and end on the way; after each step the real-time
  simulator (when it runs) delivers the elapsed window, the campaign lifecycle starts, expires and
  budget-stops campaigns, and due scheduled reports are sent. The offset is kept in
  `<data dir>/sandbox-clock.json`, so a restarted server keeps the sandbox's time.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import delete, or_, select, update

from adplane.core.clock import clock, to_epoch_ms, utcnow
from adplane.core.db import Base, Database, rowcount
from adplane.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from adplane.core.settings import Settings

log = structlog.get_logger("adplane.sandbox")

CLOCK_FILE = "sandbox-clock.json"
CREDENTIALS_FILE = "demo-credentials.json"
MAX_ADVANCE = timedelta(days=366)
MAX_STEP = timedelta(days=1)
# Tenant tables a reset keeps: who may log in and act for which organization.
KEPT_TABLES = frozenset({"organizations", "memberships", "auth_tokens"})

_lock = threading.RLock()  # one reset or clock move at a time in this process


@dataclass
class Runtime:
    """What the sandbox works with: the server's app (its `state`), or an app the CLI made."""

    db: Database
    settings: Settings
    store: Any
    app: Any
    simulator: Any = None  # adplane.simulator.realtime.RealtimeSimulator, when it runs

    @classmethod
    def of(cls, app: Any) -> Runtime:
        state = app.state
        return cls(db=state.db, settings=state.settings, store=state.analytics,
                   simulator=getattr(state, "simulator", None), app=app)


# --------------------------------------------------------------------------------------------- access


def require_sandbox(settings: Settings) -> None:
    """Outside a sandbox the endpoints do not exist (404, as any unknown path)."""
    if not settings.sandbox:
        raise NotFound("The sandbox is off: start the server with `adplane serve --demo` or ADPLANE_SANDBOX=true.")


def demo_workspace_id(db: Database) -> int | None:
    from adplane.auth.repository import workspace_by_host
    from adplane.cli.demo import DEMO_HOST

    with db.session() as session:
        workspace = workspace_by_host(session, DEMO_HOST)
        return workspace.id if workspace is not None else None


def check_caller(db: Database, workspace_id: int, is_workspace_admin: bool) -> None:
    """Workspace admins of the demo workspace only: the clock and the reset act on it for everyone."""
    if not is_workspace_admin:
        raise Forbidden("Only workspace admins may use the sandbox.")
    if demo_workspace_id(db) != workspace_id:
        raise Forbidden("The sandbox belongs to the demo workspace (host localhost); this workspace may not use it.")


# ---------------------------------------------------------------------------------------------- clock


def clock_file(settings: Settings) -> Path:
    return settings.data_dir / CLOCK_FILE


def load_clock(settings: Settings) -> None:
    """Put the process clock where the sandbox left it (server start, CLI without a server)."""
    try:
        offset = float(json.loads(clock_file(settings).read_text())["offsetSeconds"])
    except (OSError, ValueError, KeyError, TypeError):
        return
    if offset > 0 and not clock.frozen:
        clock.advance(timedelta(seconds=offset) - clock.offset)


def save_clock(settings: Settings) -> None:
    settings.ensure_dirs()
    path = clock_file(settings)
    offset = clock.offset.total_seconds()
    if offset <= 0:
        path.unlink(missing_ok=True)
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"offsetSeconds": offset}, handle)


def clock_state() -> dict[str, Any]:
    now = utcnow()
    offset = clock.offset.total_seconds()
    return {"now": to_epoch_ms(now), "nowIso": now.isoformat().replace("+00:00", "Z"),
            "offsetSeconds": round(offset, 3), "realTime": offset == 0 and not clock.frozen}


def _stops(db: Database, start: datetime, target: datetime, *, daily: bool) -> list[datetime]:
    """Where a move from `start` to `target` pauses: campaign/IO starts and ends on the way (so the
    lifecycle changes happen in order) and, when delivery is simulated, at least once a day."""
    from adplane.campaigns.models import STATUS_PAUSED, STATUS_PENDING, STATUS_RUNNING, Campaign
    from adplane.insertion_orders.models import InsertionOrder

    stops: set[datetime] = {target}
    with db.session() as session:
        live = (STATUS_PENDING, STATUS_RUNNING, STATUS_PAUSED)
        for column in (Campaign.start_time, Campaign.end_time):
            stops.update(session.scalars(select(column).where(
                Campaign.status.in_(live), column > start, column < target)))
        stops.update(session.scalars(select(InsertionOrder.end_time).where(
            InsertionOrder.end_time > start, InsertionOrder.end_time < target)))
    ordered = sorted(_aware(s) for s in stops)
    if not daily:
        return ordered
    out: list[datetime] = []
    cursor = start
    for stop in ordered:
        while stop - cursor > MAX_STEP:
            cursor += MAX_STEP
            out.append(cursor)
        out.append(stop)
        cursor = stop
    return out


def _aware(instant: datetime) -> datetime:
    from adplane.core.clock import as_utc

    return as_utc(instant)


def run_due(rt: Runtime) -> dict[str, Any]:
    """The time-driven work at the clock's instant: delivery of the elapsed window (simulator),
    campaign lifecycle, scheduled reports."""
    from adplane.campaigns import lifecycle
    from adplane.jobs import leases
    from adplane.schedules.runner import run_due as run_schedules

    now = utcnow()
    if rt.simulator is not None:
        rt.simulator.tick()
    with rt.db.session() as session:
        changes = lifecycle.advance(session, now)
    stats = run_schedules(rt.db, rt.settings, now=now, store=rt.store)
    return {**changes, "reportsDelivered": stats.outcomes.get(leases.DONE, 0)}


def advance(rt: Runtime, delta: timedelta) -> dict[str, Any]:
    """Move the clock `delta` forward, running the due work step by step; answers the clock and
    what happened on the way."""
    if delta <= timedelta(0):
        raise ValidationFailed("The sandbox clock only moves forward (a reset returns to real time).",
                               field="seconds")
    if delta > MAX_ADVANCE:
        raise ValidationFailed("The sandbox clock moves at most 366 days at a time.", field="seconds")
    with _lock:
        start = utcnow()
        target = start + delta
        totals = {"started": 0, "expired": 0, "iosExpired": 0, "reportsDelivered": 0, "steps": 0}
        previous = start
        for stop in _stops(rt.db, start, target, daily=rt.simulator is not None):
            clock.advance(stop - previous)
            previous = stop
            done = run_due(rt)
            totals["steps"] += 1
            totals["started"] += done.get("started", 0)
            totals["expired"] += done.get("expired", 0)
            totals["iosExpired"] += done.get("ios_expired", 0)
            totals["reportsDelivered"] += done.get("reportsDelivered", 0)
            save_clock(rt.settings)
        log.info("sandbox_clock_advanced", seconds=delta.total_seconds(), **totals)
        return {**clock_state(), **totals, "simulated": rt.simulator is not None}


def move_to(rt: Runtime, instant: datetime) -> dict[str, Any]:
    """Move the clock forward to `instant` (never back: a reset returns to real time)."""
    if instant <= utcnow():
        raise ValidationFailed("The sandbox clock only moves forward: give an instant after its now "
                               "(a reset returns to real time).", field="now")
    return advance(rt, instant - utcnow())


# ---------------------------------------------------------------------------------------------- reset


def _organizations(db: Database, workspace_id: int) -> list[int]:
    from adplane.auth.models import Organization

    with db.session() as session:
        return list(session.scalars(select(Organization.ow_id).where(Organization.workspace_id == workspace_id)))


def wipe_tenant_data(rt: Runtime, ow_ids: list[int]) -> dict[str, int]:
    """Delete every tenant row of these organizations (tables with `ow_id`, and rows of other tables
    that point at them), their stored files and their delivery events. Organizations, users,
    memberships, API clients and tokens stay; balances go to 0 and holds are lifted."""
    from adplane.analytics.dialect import BATCHES_TABLE
    from adplane.analytics.rollups import ROLLUPS
    from adplane.analytics.running import RUNNING_BY_TABLE
    from adplane.auth.models import Organization
    from adplane.files.models import StoredFile
    from adplane.models_registry import load_all_models

    load_all_models()
    counts: dict[str, int] = {}
    if not ow_ids:
        return counts
    tables = list(reversed(Base.metadata.sorted_tables))  # children first
    wiped = {t.name for t in tables if "ow_id" in t.c and t.name not in KEPT_TABLES}
    with rt.db.session() as session:
        for stored in session.scalars(select(StoredFile).where(StoredFile.ow_id.in_(ow_ids))):
            path = (rt.settings.data_dir / stored.relative_path).resolve()
            if path.is_relative_to(rt.settings.data_dir.resolve()):
                path.unlink(missing_ok=True)
        for table in tables:
            if table.name in wiped:
                result = session.execute(delete(table).where(table.c.ow_id.in_(ow_ids)))
            else:
                conditions = [fk.parent.in_(select(fk.column).where(fk.column.table.c.ow_id.in_(ow_ids)))
                              for fk in table.foreign_keys if fk.column.table.name in wiped]
                if not conditions:
                    continue
                result = session.execute(delete(table).where(or_(*conditions)))
            changed = rowcount(result)
            if changed:
                counts[table.name] = counts.get(table.name, 0) + changed
        session.execute(update(Organization).where(Organization.ow_id.in_(ow_ids)).values(
            funds_balance=0, status="active", hold_reason=None))
        session.commit()
    marks = ", ".join("?" for _ in ow_ids)
    for table in ("events", BATCHES_TABLE, *(r.table for r in ROLLUPS), *RUNNING_BY_TABLE):
        rt.store.execute(f"DELETE FROM {table} WHERE ow_id IN ({marks})", list(ow_ids))
    return counts


def reset(rt: Runtime, workspace_id: int) -> dict[str, Any]:
    """Restore the demo state (see the module's docstring); answers the new demo content's ids."""
    from adplane.sandbox.demo import DemoSeedError, seed_demo

    creds_file = rt.settings.data_dir / CREDENTIALS_FILE
    try:
        creds = json.loads(creds_file.read_text())
    except (OSError, ValueError):
        raise Conflict("The demo credentials (demo-credentials.json in the data dir) are missing: "
                       "start the server once with `adplane serve --demo`.") from None
    simulator_lock = rt.simulator.lock if rt.simulator is not None else threading.RLock()
    with _lock, simulator_lock:
        wiped = wipe_tenant_data(rt, _organizations(rt.db, workspace_id))
        clock.reset()
        save_clock(rt.settings)
        try:
            content = seed_demo(rt.app, creds)
        except DemoSeedError as exc:
            raise Conflict(str(exc)) from None
        if rt.simulator is not None:
            rt.simulator.restart_from(content.seeded_at)
    creds["demo"] = content.as_dict()
    from adplane.cli.demo import save_credentials

    save_credentials(rt.settings, creds)
    log.info("sandbox_reset", workspace_id=workspace_id, **{f"wiped_{k}": v for k, v in wiped.items()})
    return {**content.as_dict(), "clock": clock_state()}
