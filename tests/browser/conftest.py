"""Browser tests: Debian's Chromium, driven by Playwright, against the app on a live server."""

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from .axe import axe_violations, format_violations

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
# Without the networking switches Chromium stalls trying to reach Google on this closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def built_assets():
    """Build the CSS and JS once per run, so the pages look as they will in production."""
    if shutil.which("npm") is None:
        pytest.fail("npm is not installed: the browser tests need the built assets")
    subprocess.run(["bash", str(ROOT / ".ci" / "build-assets.sh")], cwd=ROOT, check=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `bash .ci/install-chromium.sh`")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}


@pytest.fixture
def live_app(make_app):
    """The app as a browser meets it: real CSRF tokens, any host name."""
    return make_app(SERVER_NAME=None, WTF_CSRF_ENABLED=True)


@pytest.fixture
def live_server(live_app, built_assets):
    """Serve live_app on 127.0.0.1 in a background thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)  # port 0: the OS picks a free one
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def page(page):
    page.set_default_timeout(10_000)
    return page


class Journey:
    """Checks each page a journey visits: axe, a screenshot, and no console errors (CSP, 404s)."""

    def __init__(self, page, folder):
        self.page = page
        self.folder = folder
        self.visited = []
        self.problems = []
        self.console_errors = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"{page.url}: {error}"))

    def _on_console(self, message):
        if message.type == "error":
            self.console_errors.append(f"{self.page.url}: {message.text}")

    def check(self, name):
        """Scan the page as it is now and save a screenshot as <name>.png."""
        self.page.wait_for_load_state("load")
        path = self.folder / f"{len(self.visited) + 1:02d}-{name}.png"
        self.page.screenshot(path=path, full_page=True)
        self.visited.append((name, self.page.url, path))
        violations = axe_violations(self.page)
        if violations:
            self.problems.append(format_violations(violations, where=f"{name} ({self.page.url}) "))

    def assert_all_accessible(self):
        """Fail listing every violation found on every page this journey checked."""
        assert self.visited, "the journey checked no pages"
        assert not self.problems, "axe found accessibility violations:\n" + "\n".join(self.problems)
        assert not self.console_errors, "the browser reported errors:\n" + "\n".join(
            self.console_errors
        )


@pytest.fixture
def journey(page, tmp_path):
    screenshots = tmp_path / "screenshots"
    screenshots.mkdir()
    return Journey(page, screenshots)
