"""The `adplane` command: server, migrations, operators' admin commands; domains add their groups."""

from __future__ import annotations

import importlib

import typer

from adplane.cli import admin, db_commands, serve

app = typer.Typer(no_args_is_help=True, add_completion=False, help="adplane: a self-hosted IQM-compatible ad platform.")
app.command("serve")(serve.serve)
app.add_typer(db_commands.app, name="db")
app.add_typer(admin.app, name="admin")

# Command groups of later domains: (module, attribute, name).
EXTRA_GROUPS: list[tuple[str, str, str]] = [
    ("adplane.healthcare.cli", "app", "healthcare"),
    ("adplane.insights.cli", "app", "insights"),
    ("adplane.cli.api", "app", "api"),
    ("adplane.cli.worker", "worker_app", "worker"),
    ("adplane.cli.worker", "scheduler_app", "scheduler"),
    ("adplane.events.cli", "events_app", "events"),
    ("adplane.events.cli", "simulate_app", "simulate"),
]
for module_name, attr, name in EXTRA_GROUPS:
    app.add_typer(getattr(importlib.import_module(module_name), attr), name=name)


if __name__ == "__main__":  # pragma: no cover
    app()
