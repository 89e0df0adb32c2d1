"""Browser fixtures: one headless Chromium per session, a fresh context per test.

The tests drive the system's Chromium (Debian: ``apt-get install chromium``), never
a browser downloaded by ``playwright install``. Point ``CCHC_CHROMIUM`` at another
Chromium binary if yours lives elsewhere.

Without that binary the browser tests are skipped, unless ``CCHC_REQUIRE_BROWSER=1``
(set by ``.ci/run``), in which case they fail: CI must never pass by skipping them.

On a failing test the page is saved to ``var/screenshots/FAILED-<test>.png``.
"""

import contextlib
import os
import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from django.conf import settings

CHROMIUM = Path(os.environ.get("CCHC_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start.
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REQUIRE_BROWSER = os.environ.get("CCHC_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}
HEADED = os.environ.get("CCHC_HEADED", "").strip().lower() in {"1", "true", "yes", "on"}


def screenshot_dir() -> Path:
    path = Path(settings.VAR_DIR) / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _unavailable(reason: str) -> NoReturn:
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (CCHC_REQUIRE_BROWSER=1, so this is an error, not a skip)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium) or set CCHC_CHROMIUM")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (make setup)")

    # Playwright's sync API runs an asyncio event loop in this thread, which makes
    # Django refuse ORM calls from the test ("cannot call this from an async
    # context"). Allow them only while the browser is up, not for the whole run.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                args=CHROMIUM_ARGS,
                # CCHC_HEADED=1 shows the browser, slowed down, to watch a test (needs a display).
                headless=not HEADED,
                slow_mo=300 if HEADED else 0,
            )
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page in a fresh browser context (no cookies), as a Vietnamese officer's browser.

    The context sends ``Accept-Language: vi-VN``, as such a browser does; the pages are
    Vietnamese whatever it sends (``core.middleware.LanguageMiddleware``).
    """
    context = browser.new_context(
        locale="vi-VN",
        timezone_id=settings.TIME_ZONE,
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    safe_name = re.sub(r"[^\w.-]+", "_", request.node.name)
    failure_shot = screenshot_dir() / f"FAILED-{safe_name}.png"
    failure_shot.unlink(missing_ok=True)  # from an earlier run
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        # A screenshot that cannot be taken must not hide the test's own failure.
        with contextlib.suppress(Exception):
            page.screenshot(path=str(failure_shot), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    # Keeps the call-phase report on the test item, so `page` can tell it failed.
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report
