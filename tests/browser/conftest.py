"""Real-browser tests: Debian's chromium driven by Playwright against a live server.

The server is the real single-process app (API + web) under uvicorn on a free loopback
port, over its own freshly migrated SQLite file, seeded with the demo commune. Nothing is
downloaded: Playwright drives /usr/bin/chromium. On failure a screenshot is saved under
test-artifacts/. Without chromium the suite skips on a developer machine and fails in CI.
"""

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import sync_playwright

from api.db import make_engine
from api.demo.commune import load_demo_commune
from api.main import create_app
from api.migrate import upgrade
from tests.conftest import make_settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 360, "height": 740}
DEMO_PASSWORD = "giamngheo-demo"

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The whole app on a real port, with the demo commune and its two accounts."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'live.db'}"
    upgrade(url)
    settings = make_settings(url, env="development")
    engine = make_engine(url)
    load_demo_commune(engine, settings=settings, seed=2018)
    app = create_app(settings, engine=engine)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("live server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture
def browser():
    # Per test, not per session: Playwright's sync API runs an event loop in this thread
    # while it is open, which would break the async (anyio) tests xdist runs after it here.
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(browser, request, viewport):
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def page(browser, request):
    """A desktop-sized page; a screenshot is kept if the test fails."""
    yield from _new_page(browser, request, {"width": 1280, "height": 900})


@pytest.fixture
def phone(browser, request):
    """A 360-px-wide phone page."""
    yield from _new_page(browser, request, PHONE)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def sign_in(page, base_url: str, username: str = "canbo.hoaan") -> None:
    page.goto(f"{base_url}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")
