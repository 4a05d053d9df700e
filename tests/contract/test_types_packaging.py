"""The SDK and its command line work with only the core install (no server packages)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Imports of any of these fail in the child process, as on a machine with only `pip install adplane`.
SERVER_MODULES = [
    "fastapi", "fastapi_offline", "starlette", "uvicorn", "sqlalchemy", "alembic", "duckdb", "psycopg",
    "aiosmtplib", "openpyxl", "xlsxwriter", "pyarrow", "PIL", "matplotlib", "reportlab", "numpy", "scipy",
    "argon2", "structlog", "itsdangerous", "multipart", "python_multipart", "prometheus_client",
]

CHILD = """
import importlib.abc, sys
blocked = set(sys.argv[1].split(","))

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in blocked:
            raise ModuleNotFoundError(f"No module named {name!r} (server extra not installed)", name=name)

sys.meta_path.insert(0, Block())
for name in list(sys.modules):
    if name.split(".")[0] in blocked:
        del sys.modules[name]

from adplane.client import AdplaneClient, AsyncAdplaneClient
from adplane.client.resources import RESOURCES
from adplane.core.envelopes import V2, V3
import adplane.client.models  # every response model: Pydantic only
from typer.testing import CliRunner
from adplane.cli.main import app

client = AdplaneClient(url="http://127.0.0.1:9", client_id="x", client_secret="y")
assert set(RESOURCES) <= set(vars(client))
runner = CliRunner()
assert runner.invoke(app, ["api", "--help"]).exit_code == 0
served = runner.invoke(app, ["serve"])
assert served.exit_code == 2 and "adplane[server]" in served.output, served.output
leaked = sorted({name.split(".")[0] for name in sys.modules} & blocked)
assert not leaked, leaked
print("light")
"""


def test_sdk_and_its_cli_import_without_the_server_packages():
    result = subprocess.run(
        [sys.executable, "-c", CHILD, ",".join(SERVER_MODULES)], capture_output=True, text=True, cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("light")


def _name(requirement: str) -> str:
    return re.split(r"[<>=\[ ]", requirement, maxsplit=1)[0].lower()


def test_core_dependencies_leave_the_server_packages_to_the_extra():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    core = {_name(dep) for dep in project["dependencies"]}
    server = {_name(dep) for dep in project["optional-dependencies"]["server"]}
    assert {"httpx", "pydantic", "typer", "rich"} <= core
    assert {"fastapi", "sqlalchemy", "duckdb", "psycopg", "uvicorn", "pyarrow", "scipy"} <= server
    assert not core & server
