"""Links never come from the Host header (issue #12 point 6, issue #14 point 3): downloads, creative files
and thumbnails, mails' links use ADPLANE_PUBLIC_BASE_URL, whose default follows the address `serve` binds."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from adplane.core.settings import Settings, get_settings, serve_origin
from test_creatives import create_one, details, image_item, png_bytes

EVIL = {"Host": "evil.example:666", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
ROOT = Path(__file__).resolve().parents[2]


def test_default_follows_the_bound_address_unless_set(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.public_base_url == "http://127.0.0.1:8000"
    settings.follow_bind_address("0.0.0.0", 9123)
    assert settings.public_base_url == "http://127.0.0.1:9123"
    settings.follow_bind_address("::1", 9124)
    assert settings.public_base_url == "http://[::1]:9124"
    explicit = Settings(data_dir=tmp_path, public_base_url="https://ads.example.com/")
    explicit.follow_bind_address("10.0.0.5", 9000)
    assert explicit.public_base_url == "https://ads.example.com"
    assert serve_origin("api.local", 80) == "http://api.local:80"


def test_report_download_links_ignore_the_host_header(client, headers, settings) -> None:
    body = {"reportName": "links", "startDate": 1_700_000_000_000, "endDate": 1_700_086_400_000,
            "dimensions": json.dumps([{"filter": "campaign"}]), "columns": ["campaignId", "impressions"],
            "requestType": 1, "timezoneId": 29}
    response = client.post("/api/v3/ra/report/download", headers={**headers, **EVIL}, json=body)
    assert response.status_code == 200, response.text
    url = response.json()["data"]["url"]
    assert url.startswith(settings.public_base_url + "/files/") and "evil" not in url


def test_creative_file_and_thumbnail_links_ignore_the_host_header(client, headers, settings) -> None:
    creative_id = create_one(client, {**headers, **EVIL}, image_item(),
                             [("banner.png", png_bytes(300, 250), "image/png")])
    data = details(client, {**headers, **EVIL}, creative_id)
    for field in ("creativeSource", "creativeThumbnailSource", "creativeCardSource"):
        assert data[field].startswith(settings.public_base_url + "/files/"), (field, data[field])


def test_serve_points_links_at_the_address_it_binds(tmp_path, monkeypatch) -> None:
    import uvicorn

    from adplane.cli.main import app as cli

    seen: dict[str, object] = {}

    def fake_run(app, host, port, **_kw) -> None:  # noqa: ANN001
        seen.update(host=host, port=port, base=app.state.settings.public_base_url)

    monkeypatch.setenv("ADPLANE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ADPLANE_RUN_BACKGROUND_JOBS", "false")
    monkeypatch.delenv("ADPLANE_PUBLIC_BASE_URL", raising=False)
    monkeypatch.delenv("ADPLANE_DATABASE_URL", raising=False)
    monkeypatch.setattr(uvicorn, "run", fake_run)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--port", "9137", "--no-simulate"])
        assert result.exit_code == 0, result.output
        assert seen == {"host": "0.0.0.0", "port": 9137, "base": "http://127.0.0.1:9137"}
        monkeypatch.setenv("ADPLANE_PUBLIC_BASE_URL", "https://ads.example.com")
        get_settings.cache_clear()
        result = CliRunner().invoke(cli, ["serve", "--port", "9138", "--no-simulate"])
        assert result.exit_code == 0, result.output
        assert seen["base"] == "https://ads.example.com"
    finally:
        get_settings.cache_clear()


def test_make_serve_passes_port_and_host() -> None:
    dry = subprocess.run(["make", "-n", "-W", "pyproject.toml", "serve", "PORT=9200", "HOST=0.0.0.0"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert "adplane serve --demo --host 0.0.0.0 --port 9200" in dry
