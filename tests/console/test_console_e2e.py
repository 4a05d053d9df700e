"""End to end: the web console in headless Chromium against a real `adplane serve --demo`.

Chromium is Debian's (/usr/bin/chromium, installed by .ci/run), driven by Playwright for Python.
Set ADPLANE_CONSOLE_SCREENSHOTS=1 to refresh docs/console/*.png while the tests run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from adplane.cli.demo import DEMO_EMAIL, DEMO_PASSWORD

CHROMIUM = os.environ.get("ADPLANE_TEST_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "console"
PG_ADMIN_URL = os.environ.get("ADPLANE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """`adplane serve --demo` (API, background jobs, real-time simulator) on a free port."""
    data_dir = tmp_path_factory.mktemp("console-e2e")
    env = {**os.environ, "ADPLANE_DATA_DIR": str(data_dir), "ADPLANE_LOG_LEVEL": "WARNING"}
    database = None
    if backend == "postgresql":
        database = f"console_e2e_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        env["ADPLANE_DATABASE_URL"] = PG_ADMIN_URL.rpartition("/")[0] + f"/{database}"
    port = _free_port()
    log = (data_dir / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "adplane", "serve", "--demo", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=data_dir,
    )
    base = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("adplane serve did not start:\n" + (data_dir / "serve.log").read_text()[-4000:])
            time.sleep(0.5)
        yield {"base": base, "port": port, "data_dir": data_dir}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        if database:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)"
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server) -> Iterator[Any]:  # noqa: ANN001
    context = browser.new_context(base_url=server["base"], viewport={"width": 1366, "height": 900},
                                  accept_downloads=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


def shot(page: Any, name: str) -> None:
    if os.environ.get("ADPLANE_CONSOLE_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Any) -> None:
    page.goto("/")
    page.wait_for_url("**/login")
    assert page.get_by_label("Workspace host").input_value() == "localhost"
    page.get_by_label("E-mail").fill(DEMO_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Dashboard").wait_for()


def test_login_dashboard_reload_and_logout(page):
    from playwright.sync_api import expect

    page.goto("/")
    page.wait_for_url("**/login")
    shot(page, "login")
    page.get_by_label("E-mail").fill(DEMO_EMAIL)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    sign_in(page)
    expect(page.get_by_label("Organization")).to_contain_text("Demo Agency")
    expect(page.get_by_role("link", name="Demo paced campaign").first).to_be_visible()
    totals = page.get_by_label("Totals")
    expect(totals).to_contain_text("Spend")
    # the session survives a reload (tokens kept in the browser, refreshed when they expire)
    page.reload()
    page.get_by_role("heading", name="Dashboard").wait_for()
    expect(page.get_by_label("Organization")).to_contain_text("Demo Agency")
    # a revoked/expired access token: the console refreshes once (rotating the refresh token) and goes on
    before = page.evaluate("() => JSON.parse(localStorage['adplane.console.session'])")
    page.evaluate("""() => {
        const s = JSON.parse(localStorage['adplane.console.session']);
        s.accessToken = '00000000-0000-4000-8000-000000000000';
        localStorage['adplane.console.session'] = JSON.stringify(s);
    }""")
    page.reload()
    page.get_by_role("heading", name="Dashboard").wait_for()
    expect(page.get_by_text("demo · workspace admin")).to_be_visible()
    after = page.evaluate("() => JSON.parse(localStorage['adplane.console.session'])")
    assert after["refreshToken"] != before["refreshToken"] and after["accessToken"] != before["accessToken"]
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    page.goto("/campaigns")
    page.wait_for_url("**/login")


def _png(width: int = 300, height: int = 250) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (29, 78, 216)).save(buffer, format="PNG")
    return buffer.getvalue()


def _drop_file(page: Any, selector: str, name: str, data: bytes, mime: str) -> None:
    """Drag and drop a file onto an element (a real `drop` event carrying a DataTransfer).

    Waits for the element first: after a navigation click the page may still be rendering it.
    """
    page.wait_for_selector(selector, state="visible")
    page.evaluate(
        """([selector, name, bytes, mime]) => {
            const file = new File([new Uint8Array(bytes)], name, { type: mime });
            const dt = new DataTransfer();
            dt.items.add(file);
            const target = document.querySelector(selector);
            for (const type of ["dragenter", "dragover", "drop"]) {
                target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
            }
        }""",
        [selector, name, list(data), mime],
    )


def test_io_campaign_creative_approval_delivery_report_and_schedule(page, server):
    from playwright.sync_api import expect

    sign_in(page)
    # an insertion order
    page.get_by_role("link", name="Insertion orders").click()
    page.get_by_role("button", name="New insertion order").click()
    page.get_by_role("button", name="Create insertion order").click()
    expect(page.locator(".field-error").first).to_be_visible()  # the API's 422 names ioName
    page.get_by_label("Name", exact=True).fill("E2E insertion order")
    page.get_by_role("button", name="Create insertion order").click()
    page.get_by_role("link", name="E2E insertion order").click()
    page.get_by_role("heading", name="E2E insertion order").wait_for()
    io_url = page.url
    shot(page, "insertion-order")

    # a creative, dropped on the upload zone, previewed, uploaded
    page.get_by_role("link", name="Creatives").click()
    _drop_file(page, "[data-testid=dropzone]", "e2e-banner.png", _png(), "image/png")
    expect(page.get_by_role("img", name="Preview of e2e-banner.png")).to_be_visible()
    shot(page, "creatives-upload")
    page.get_by_role("button", name="Upload 1 file").click()
    expect(page.get_by_text("Uploaded: e2e-banner.png")).to_be_visible()
    expect(page.get_by_role("cell", name="e2e-banner", exact=True)).to_be_visible()

    # the workspace admin approves it
    page.get_by_role("link", name="Approvals").click()
    page.get_by_role("button", name="Approve e2e-banner").click()
    expect(page.get_by_role("status")).to_contain_text("approved")

    # a campaign in that IO; the API's validation messages appear by their fields
    page.goto(io_url)
    page.get_by_role("link", name="New campaign").click()
    page.get_by_label("Campaign name").fill("E2E campaign")
    page.get_by_label("Advertiser domain").fill("https://www.example.com")
    page.get_by_label("e2e-banner", exact=False).check()
    page.get_by_label("Daily budget ($)").fill("400")
    page.get_by_label("Total budget ($)").fill("4000")
    page.get_by_label("Max bid (CPM, $)").fill("0.5")
    page.get_by_role("button", name="Create campaign").click()
    expect(page.get_by_role("alert")).to_contain_text("not saved")
    expect(page.locator(".field-error").first).to_be_visible()
    shot(page, "campaign-form")
    page.get_by_label("Max bid (CPM, $)").fill("12")
    page.get_by_label("I accept the advertising policies").check()
    page.get_by_role("button", name="Create campaign").click()
    page.get_by_role("heading", name="E2E campaign").wait_for()
    expect(page.locator(".page-head .badge")).to_have_text("pending")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("Approved")
    # approved, not started: shown apart from running (the API keeps it pending, with isApproved, until its start)
    expect(page.locator(".page-head .badge")).to_have_text("scheduled")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    campaign_url = page.url

    # while it waits for its start time: funds through the sandbox provider, and an insight report's quote
    _add_funds_in_the_sandbox(page)
    _quote_and_create_an_insight_report(page)

    # it starts within minutes and the simulator delivers it; the page updates by itself
    page.goto(campaign_url)
    delivery = page.get_by_label("Delivery")
    deadline = time.monotonic() + 300
    while True:
        text = delivery.inner_text()
        impressions = text.split("Impressions")[1].split("\n")[1].strip().replace(",", "")
        if impressions.isdigit() and int(impressions) > 0:
            expect(page.locator(".page-head .badge")).to_have_text("running")
            break
        assert time.monotonic() < deadline, f"no delivery after 5 minutes: {text}"
        page.wait_for_timeout(5000)
    shot(page, "campaign")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("link", name="E2E campaign").first).to_be_visible()
    page.wait_for_timeout(1500)
    shot(page, "dashboard")

    # a report: run it, see the table and chart, save, download, schedule
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="New report").click()
    page.get_by_label("Report name").fill("E2E delivery")
    page.get_by_role("button", name="Run report").click()
    table = page.get_by_role("table", name="Report rows")
    expect(table).to_contain_text("E2E campaign")
    page.get_by_role("button", name="Save report").click()
    page.wait_for_url("**/reports/*")
    expect(page.get_by_role("status")).to_contain_text("saved")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    content = Path(download.value.path()).read_text()
    assert "E2E campaign" in content and "Impressions" in content
    with page.expect_download() as xlsx:
        page.get_by_role("button", name="Download XLSX").click()
    assert Path(xlsx.value.path()).read_bytes()[:2] == b"PK"
    page.get_by_role("button", name="Run report").click()
    expect(table).to_contain_text("E2E campaign")
    shot(page, "report")
    schedule = page.get_by_role("form", name="E-mail schedule")
    schedule.get_by_label("Recipients").fill("not-an-address")
    schedule.get_by_role("button", name="Save schedule").click()
    expect(schedule.locator(".field-error")).to_be_visible()  # the API's 422 on subscriberEmails
    schedule.get_by_label("Recipients").fill("media@example.com, planner@example.com")
    schedule.get_by_label("Frequency").select_option("3")
    page.get_by_role("button", name="Save schedule").click()
    expect(page.get_by_role("status")).to_contain_text("Schedule saved")
    page.get_by_role("link", name="Reports").click()
    row = page.get_by_role("row", name="E2E delivery")
    expect(row).to_contain_text("yes")
    shot(page, "reports")
    page.get_by_role("link", name="Campaigns").click()
    expect(page.get_by_role("link", name="E2E campaign")).to_be_visible()
    shot(page, "campaigns")


def _dollars(text: str) -> float:
    return float(text.replace("$", "").replace(",", ""))


def _add_funds_in_the_sandbox(page: Any) -> None:
    """Funds: the balance, a PayPal payment through the sandbox provider (the API's field error first), the
    payments list, the payment's ledger entry, and an invoice's PDF when the demo's delivery already has a past
    month."""
    from playwright.sync_api import expect

    page.get_by_role("link", name="Funds").click()
    page.get_by_role("heading", name="Funds", exact=True).wait_for()
    balance = page.get_by_test_id("balance")
    expect(balance).to_contain_text("$")
    expect(page.get_by_role("note")).to_contain_text("Sandbox payment provider: no money moves")
    page.get_by_label("Amount ($)").fill("12.345")
    page.get_by_role("button", name="Pay with PayPal (sandbox)").click()
    expect(page.locator(".field-error")).to_contain_text("at most 2 decimals")  # the API's 422 on paymentAmount
    expect(page.get_by_label("Amount ($)")).to_have_attribute("aria-invalid", "true")
    before = _dollars(balance.inner_text())
    page.get_by_label("Amount ($)").fill("250")
    page.get_by_role("button", name="Pay with PayPal (sandbox)").click()
    expect(page.get_by_role("status").filter(has_text="Payment Successful")).to_be_visible()
    expect(balance).not_to_have_text(f"${before:,.2f}")
    # +250, less whatever delivery the spend posting charged meanwhile (cents a minute)
    assert 200 < _dollars(balance.inner_text()) - before <= 250.01
    payments = page.get_by_role("table", name="Payments")
    expect(payments.get_by_role("row").filter(has_text="$250.00")).to_contain_text("Paid")
    # the ledger shows the payment as it is written (filtered by kind: the spend posting adds delivery entries
    # every minute, which may push it off the first page), then every kind again, newest first
    ledger = page.get_by_role("table", name="Ledger")
    kind = page.get_by_role("search", name="Ledger").get_by_label("Kind")
    kind.select_option("payment")
    expect(ledger.get_by_role("row").filter(has_text="+$250.00")).to_contain_text("Payment")
    expect(page.get_by_test_id("ledger-summary")).to_contain_text("+$")
    kind.select_option("")
    expect(ledger.get_by_role("columnheader", name="Date")).to_have_attribute("aria-sort", "descending")
    expect(ledger.get_by_role("row")).not_to_have_count(1)  # the header, then entries (the demo's top-up at least)
    invoices = page.get_by_role("table", name="Invoices")
    expect(invoices.get_by_role("row")).not_to_have_count(1)  # the header, then invoices or "No invoices yet"
    shot(page, "funds")
    pdf = invoices.get_by_role("button", name="as PDF").first
    if pdf.count():
        with page.expect_download() as download:
            pdf.click()
        assert Path(download.value.path()).read_bytes()[:4] == b"%PDF"


def _quote_and_create_an_insight_report(page: Any) -> None:
    """An SLS report over the demo's healthcare campaign: the API's field error, then its quoted cost, then created
    for that cost and generated."""
    from playwright.sync_api import expect

    page.get_by_role("link", name="Insights").click()
    page.get_by_role("tab", name="Sales lift study (SLS)").click()
    page.get_by_role("button", name="New SLS report").click()
    page.get_by_label("Demo healthcare campaign", exact=False).check()
    page.get_by_role("button", name="Get quote").click()
    expect(page.locator(".field-error").first).to_contain_text("at least 3 characters")  # the name rule, by its field
    page.get_by_label("Report name").fill("E2E brand lift")
    page.get_by_role("button", name="Get quote").click()
    expect(page.locator(".field-error").first).to_contain_text("conceptGroupId is required")
    page.get_by_label("Concept group id").fill("202335")
    page.get_by_role("button", name="Get quote").click()
    quote = page.get_by_role("status", name="Quote")
    expect(quote).to_contain_text("Chargeable impressions")
    cost = page.get_by_test_id("quoted-cost").inner_text()
    assert _dollars(cost) > 0
    shot(page, "insight-create")
    page.get_by_role("button", name=f"Create SLS report for {cost}").click()
    expect(page.get_by_role("status").filter(has_text=f"{cost} charged")).to_be_visible()
    row = page.get_by_role("table", name="SLS reports").get_by_role("row").filter(has_text="E2E brand lift")
    expect(row).to_contain_text("Ready", timeout=90_000)  # generated in the background (lift, XLSX, CSV, PDF)
    with page.expect_download() as download:
        row.get_by_role("button", name="as PDF").click()
    assert Path(download.value.path()).read_bytes()[:4] == b"%PDF"


def test_phone_sized_screen_and_keyboard_only_sign_in(browser, server):
    from playwright.sync_api import expect

    context = browser.new_context(base_url=server["base"], viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto("/login")
        page.get_by_label("Workspace host").focus()
        page.keyboard.press("Tab")
        page.keyboard.type(DEMO_EMAIL)
        page.keyboard.press("Tab")
        page.keyboard.type(DEMO_PASSWORD)
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Dashboard").wait_for()
        nav = page.get_by_role("navigation", name="Main")
        expect(nav).to_be_hidden()  # folded behind the Menu button on a narrow screen
        menu = page.get_by_role("button", name="Menu")
        expect(menu).to_have_attribute("aria-expanded", "false")
        menu.click()
        expect(nav).to_be_visible()
        nav.get_by_role("link", name="Campaigns").click()
        page.get_by_role("heading", name="Campaigns").wait_for()
        expect(nav).to_be_hidden()
        expect(page.get_by_role("navigation", name="Pages")).to_be_visible()  # only the menu folds, not the pager
        shot(page, "campaigns-phone")
    finally:
        context.close()
