"""The `adplane` command: server, migrations, operators' admin commands; domains add their groups.

`adplane api` (the SDK's command line) needs only the light core install; every other group needs the
`server` extra and is left out, with a hint, when its packages are missing.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False, help="adplane: a self-hosted IQM-compatible ad platform.")


def _print_version(value: bool) -> None:
    if value:
        from adplane import __version__

        typer.echo(f"adplane {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """adplane: a self-hosted IQM-compatible ad platform."""

# Packages only the `server` extra installs: a group that fails to import for lack of one is skipped.
SERVER_PACKAGES = frozenset({
    "fastapi", "fastapi_offline", "starlette", "uvicorn", "sqlalchemy", "alembic", "duckdb", "psycopg",
    "aiosmtplib", "openpyxl", "xlsxwriter", "pyarrow", "PIL", "matplotlib", "reportlab", "numpy", "scipy",
    "argon2", "structlog", "prometheus_client", "itsdangerous", "multipart", "python_multipart", "tzdata",
})

# Command groups: (module, attribute, name, is a command rather than a group).
GROUPS: list[tuple[str, str, str, bool]] = [
    ("adplane.cli.serve", "serve", "serve", True),
    ("adplane.cli.db_commands", "app", "db", False),
    ("adplane.cli.admin", "app", "admin", False),
    ("adplane.healthcare.cli", "app", "healthcare", False),
    ("adplane.insights.cli", "app", "insights", False),
    ("adplane.cli.api", "app", "api", False),
    ("adplane.cli.worker", "worker_app", "worker", False),
    ("adplane.cli.worker", "scheduler_app", "scheduler", False),
    ("adplane.events.cli", "events_app", "events", False),
    ("adplane.simulator.cli", "simulate_app", "simulate", False),
    ("adplane.sandbox.cli", "app", "sandbox", False),
]


def _server_missing(name: str) -> None:
    @app.command(name, help=f"Needs the server extra: pip install 'adplane[server]' (`{name}` is unavailable).")
    def _unavailable() -> None:
        typer.echo(f"`adplane {name}` needs the server packages: pip install 'adplane[server]'", err=True)
        raise typer.Exit(2)


for module_name, attr, name, is_command in GROUPS:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in SERVER_PACKAGES:
            raise
        _server_missing(name)
        continue
    if is_command:
        app.command(name)(getattr(module, attr))
    else:
        app.add_typer(getattr(module, attr), name=name)


if __name__ == "__main__":  # pragma: no cover
    app()
