"""Insights work on the demo workspace (issue #14, point 1): on a fresh demo (what `make serve`
creates), the README's walkthrough runs as written — `adplane sandbox login`, a report, PLD, SLS and
AQS generation, the list and a download — and every kind yields a ready report with rows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from adplane.cli.demo import ensure_demo
from adplane.cli.main import app as cli_app
from adplane.client.testing import LiveServer
from adplane.core.control import advertise
from adplane.core.settings import get_settings
from adplane.insights.export import read_xlsx
from adplane.insights.worker import generate_pending
from test_client import live_server, server_settings  # noqa: F401 - fixtures

README = Path(__file__).resolve().parents[2] / "README.md"
runner = CliRunner()


def walkthrough() -> list[list[str]]:
    """The `adplane ...` commands of the README's "Insights on the demo" block, as argument lists."""
    section = README.read_text().split("### Insights on the demo", 1)[1]
    block = section.split("```sh", 1)[1].split("```", 1)[0].replace("\\\n", " ")
    commands = [shlex.split(line, comments=True) for line in block.splitlines()]
    return [words[1:] for words in commands if words and words[0] == "adplane"]


def test_the_readme_walkthrough_works_on_a_fresh_demo(live_server: LiveServer, server_settings, db,  # noqa: ANN001, F811
                                                       tmp_path: Path) -> None:
    state = live_server.app.state
    state.analytics.reset()
    creds = ensure_demo(server_settings)  # what `make serve` does on a fresh data dir
    demo = creds["demo"]
    campaign = str(demo["healthcareCampaignId"])
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "ADPLANE_DATA_DIR": str(server_settings.data_dir),
           "COLUMNS": "250"}
    outputs: dict[str, str] = {}
    get_settings.cache_clear()
    try:
        with advertise(server_settings, live_server.app, live_server.url):  # as `adplane serve` does
            for args in walkthrough():
                args = [campaign if previous == "--campaign-id" else word
                        for previous, word in zip(["", *args[:-1]], args, strict=True)]
                if args[:2] == ["api", "insights"] and args[2] in ("list", "download"):
                    generate_pending(state.db, state.settings, state.analytics)
                if "SLS_ID" in args:
                    args[args.index("SLS_ID")] = _ready_id(outputs["insights list"])
                if "--out" in args:
                    args[args.index("--out") + 1] = str(tmp_path / args[args.index("--out") + 1])
                result = runner.invoke(cli_app, args, env=env)
                assert result.exit_code == 0, (args, result.output)
                outputs[" ".join(args[:2] if args[0] == "sandbox" else args[1:3])] = result.stdout
    finally:
        get_settings.cache_clear()
    assert "Demo healthcare campaign" in outputs["campaigns list"]
    assert "Demo healthcare campaign" in outputs["reports run"]
    assert set(outputs) >= {"insights generate", "insights list", "insights download"}
    lift = read_xlsx(tmp_path / "sls.xlsx")["Brand Lift"][0]
    assert lift["Exposed Prescribers"] > 30 and 0.05 < lift["Lift"] < 0.4  # the built-in 20%
    _every_kind_has_rows(state, demo, tmp_path)


def _ready_id(listing: str) -> str:
    """The id of the (only) report in `adplane api insights list` output."""
    found = re.findall(r"│\s*(\d+)\s*│", listing)
    assert found, listing
    return found[0]


def _every_kind_has_rows(state: Any, demo: dict[str, Any], tmp_path: Path) -> None:
    from adplane.insights.models import InsightReport

    with state.db.session() as session:
        reports = {r.kind: r for r in session.query(InsightReport)}
    assert {kind: r.status_id for kind, r in reports.items()} == {"pld": 2, "sls": 2, "aqs": 2}
    assert all(r.campaign_ids == [demo["healthcareCampaignId"]] for r in reports.values())
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "COLUMNS": "250"}
    for kind, sheet in (("pld", "Provider Level Data"), ("aqs", "Audience Quality")):
        target = tmp_path / f"{kind}.xlsx"
        result = runner.invoke(cli_app, ["api", "insights", "download", str(reports[kind].id), "--kind", kind,
                                         "--out", str(target)], env=env)
        assert result.exit_code == 0, result.output
        rows = read_xlsx(target)[sheet]
        assert rows, kind
        if kind == "pld":
            assert len(rows) > 30 and all(row["Impressions"] > 0 for row in rows)
        else:
            assert rows[0]["Audience ID"] == 101 and 40 < rows[0]["Audience Quality Score (%)"] < 80
