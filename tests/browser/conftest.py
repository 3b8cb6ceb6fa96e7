"""Browser journeys: Playwright with Debian's Chromium against Django's live server.

Every journey runs twice, once with the mouse and once by keyboard alone (``drive`` fixture),
checks every page it visits with axe-core (``journey.check``), fails on any Content Security
Policy violation, and on failure writes the HTML of each key page it passed through, and a
screenshot of the page it stopped on, to ``test-results/<test>/``.

The two runs of a journey visit the same pages with the same content; axe audits them in the
mouse run, and the keyboard run spends its time on what only it shows (every control reached
with Tab, with a visible focus indicator). A journey that is not driven both ways (the reflow
checks, the progress bar) is audited in its one run.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import ElementHandle, Locator, Page, expect
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

RESULTS = Path(__file__).resolve().parents[2] / "test-results"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# WCAG 2.0, 2.1 and 2.2, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Tab presses allowed to reach one control before it counts as unreachable by keyboard.
MAX_TABS = 400
# Pages that do heavy work before they answer (copying an edition writes some 1,500 rows
# with their history) get longer than expect's 5 s: CI's two cores may be busy.
DRAFT_COPY_TIMEOUT = 30_000

_axe = Axe()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium: Playwright cannot download its own browser on these machines."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "locale": "en-GB",
        "viewport": {"width": 1280, "height": 900},
        "accept_downloads": True,
    }


@pytest.fixture
def roadmap(transactional_db) -> None:
    """The real roadmap (four end goals, fifty actions), as `make run` loads it."""
    call_command("load_roadmap", verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Rate-limit counters (allauth keeps them in the cache) start at zero in every journey."""
    cache.clear()
    yield
    cache.clear()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


class Journey:
    """What a journey saw: key pages (their HTML), axe results, CSP violations.

    ``audit`` is False in the keyboard run of a journey driven both ways: its mouse run
    audits the same pages."""

    def __init__(self, page: Page, *, audit: bool = True) -> None:
        self.page = page
        self.audit = audit
        self.pages: list[tuple[str, str]] = []
        self.checked: set[str] = set()
        self.visited: set[str] = set()
        self.csp_violations: list[str] = []
        # axe itself turns stylesheets that @import others (the admin's forms.css) into
        # <style> elements, which the CSP refuses: reports made while axe runs are its own.
        self._auditing = False
        page.on("console", self._on_console)
        page.on("framenavigated", self._on_navigated)

    def _on_console(self, message) -> None:
        if "Content Security Policy" in message.text and not self._auditing:
            self.csp_violations.append(f"{self.page.url}: {message.text}")

    def _on_navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.visited.add(_path(frame.url))

    def check(self, label: str) -> None:
        """A key page: keep its HTML, and fail on any WCAG A/AA violation or CSP report."""
        page = self.page
        page.wait_for_load_state("load")
        self.pages.append((label, page.content()))
        if self.audit:
            self._audit(label)
        assert not self.csp_violations, "CSP violations:\n" + "\n".join(self.csp_violations)
        self.checked.add(_path(page.url))

    def _audit(self, label: str) -> None:
        page = self.page
        self._auditing = True
        try:
            results = _axe.run(
                page,
                options={
                    "runOnly": {"type": "tag", "values": AXE_TAGS},
                    "resultTypes": ["violations"],
                },
            )
        finally:
            # Events arrive in order: once this round trip answers, axe's reports are in.
            page.evaluate("0")
            self._auditing = False
        assert results.violations_count == 0, (
            f"axe: {results.violations_count} WCAG A/AA violation(s) on {label} "
            f"({page.url}):\n{results.generate_report()}"
        )

    def assert_every_page_checked(self) -> None:
        unchecked = sorted(self.visited - self.checked - {"about:blank"})
        assert not unchecked, f"pages visited but not checked with axe: {unchecked}"

    def save(self, name: str) -> Path:
        folder = RESULTS / re.sub(r"[^\w.-]+", "_", name)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for number, (label, html) in enumerate(self.pages, start=1):
            name = f"{number:02d}-{re.sub(r'[^\w.-]+', '_', label)}.html"
            (folder / name).write_text(html, encoding="utf-8")
        # The page may be gone; the key pages are saved anyway.
        with contextlib.suppress(Exception):
            (folder / "zz-last.png").write_bytes(self.page.screenshot(full_page=True))
        return folder


def _path(url: str) -> str:
    """A URL without scheme, host, query or fragment: one page, whatever its filters."""
    return re.sub(r"^[a-z]+://[^/]+", "", url).split("?")[0].split("#")[0] or "/"


@pytest.fixture
def journey(page: Page, request: pytest.FixtureRequest) -> Iterator[Journey]:
    callspec = getattr(request.node, "callspec", None)
    driven = callspec.params.get("drive") if callspec is not None else None
    seen = Journey(page, audit=driven != "keyboard")
    yield seen
    call = getattr(request.node, "rep_call", None)
    if call is not None and call.failed:
        folder = seen.save(request.node.nodeid)
        print(f"\nThe key pages' HTML and a screenshot of the last: {folder}")
    elif call is not None and call.passed:
        seen.assert_every_page_checked()


class Driver:
    """Clicks, typing and choosing, by mouse or by keyboard alone.

    In keyboard mode every control is reached with Tab from wherever focus is (failing if it
    takes more than ``MAX_TABS`` presses), must show a visible focus indicator, and is
    operated with Enter, Space or typing, as a keyboard user would.
    """

    def __init__(self, page: Page, *, keyboard: bool) -> None:
        self.page = page
        self.keyboard = keyboard

    def __repr__(self) -> str:
        return "keyboard" if self.keyboard else "mouse"

    def focus(self, target: Locator) -> None:
        self._reach(target).dispose()

    def _reach(self, target: Locator) -> ElementHandle:
        """Tab until the target has the focus, and check it shows; the element, found once (a
        locator would be looked up again in the page after every press)."""
        expect(target).to_be_visible()
        element = target.element_handle()
        for _ in range(MAX_TABS):
            if element.evaluate("el => el === document.activeElement"):
                break
            self.page.keyboard.press("Tab")
        else:
            element.dispose()
            raise AssertionError(f"not reachable with Tab in {MAX_TABS} presses: {target}")
        if not element.evaluate(_HAS_VISIBLE_FOCUS):
            element.dispose()
            raise AssertionError(f"no visible focus indicator on {target}")
        return element

    def click(self, target: Locator) -> None:
        if not self.keyboard:
            target.click()
            return
        element = self._reach(target)
        kind = element.evaluate("el => (el.type || '').toLowerCase()")
        # Pressed on the element, the key waits for a navigation it starts, as a click
        # does: what follows (a check of the page) then sees the next page, not this one.
        element.press("Space" if kind in {"checkbox", "radio"} else "Enter")
        with contextlib.suppress(PlaywrightError):  # its page may have gone
            element.dispose()

    def fill(self, target: Locator, text: str) -> None:
        if not self.keyboard:
            target.fill(text)
            return
        self.focus(target)
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.press("Delete")
        if text:
            self.page.keyboard.insert_text(text)

    def check(self, target: Locator) -> None:
        if not self.keyboard:
            target.check()
            return
        if not target.is_checked():
            self.focus(target)
            self.page.keyboard.press("Space")
        expect(target).to_be_checked()

    def uncheck(self, target: Locator) -> None:
        if not self.keyboard:
            target.uncheck()
            return
        if target.is_checked():
            self.focus(target)
            self.page.keyboard.press("Space")
        expect(target).not_to_be_checked()

    def select(self, target: Locator, label: str) -> None:
        """Choose an option of a <select> by its visible label."""
        if not self.keyboard:
            target.select_option(label=label)
            return
        self.focus(target)
        labels = target.evaluate("el => Array.from(el.options).map(o => o.label.trim())")
        wanted = labels.index(label)
        current = target.evaluate("el => el.selectedIndex")
        key = "ArrowDown" if wanted > current else "ArrowUp"
        for _ in range(abs(wanted - current)):
            self.page.keyboard.press(key)
        assert target.evaluate("el => el.selectedIndex") == wanted, f"could not choose {label}"

    def upload(self, target: Locator, *files: Path) -> None:
        if not self.keyboard:
            target.set_input_files(list(files))
            return
        self.focus(target)
        # Chromium now and then drops the key press that opens the chooser on a busy
        # machine; a person would press again, and so does the driver.
        for attempt in range(3):
            try:
                with self.page.expect_file_chooser(timeout=10_000) as chooser:
                    self.page.keyboard.press("Space")
                break
            except PlaywrightTimeoutError:
                if attempt == 2:
                    raise
                self.focus(target)
        chooser.value.set_files(list(files))


_HAS_VISIBLE_FOCUS = """el => {
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const ring = s.boxShadow && s.boxShadow !== 'none';
  return outline || ring;
}"""


@pytest.fixture(params=["mouse", "keyboard"])
def drive(page: Page, request: pytest.FixtureRequest) -> Driver:
    """Each journey runs once with the mouse and once by keyboard alone."""
    return Driver(page, keyboard=request.param == "keyboard")


def sign_in(drive: Driver, journey: Journey, base_url: str, email: str, password: str) -> None:
    page = drive.page
    page.goto(f"{base_url}/account/login/")
    journey.check("sign in")
    drive.fill(page.get_by_label("Email"), email)
    drive.fill(page.get_by_label("Password"), password)
    drive.click(page.get_by_role("button", name=re.compile("sign in", re.I)))
    # A key press does not wait for the navigation it starts: wait until the form is left,
    # so that a page.goto() next cannot cancel the sign-in.
    expect(page).not_to_have_url(re.compile(r"/account/login/(\?.*)?$"), timeout=30_000)
    page.wait_for_load_state("load")


def assert_skip_link_first(page: Page) -> None:
    """On a page just loaded, the first Tab reaches the skip link, which shows with a focus
    indicator; following it takes the keyboard into the main content."""
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_attribute("href", "#main")
    box = skip.bounding_box()
    assert box is not None, "skip link not shown"
    assert min(box["width"], box["height"]) > 10, "skip link not shown"
    assert skip.evaluate(_HAS_VISIBLE_FOCUS), "no visible focus indicator on the skip link"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    # The next control is in the main content, or after it when the content has none.
    assert page.evaluate(
        """() => {
          const main = document.querySelector('main'), active = document.activeElement;
          return main.contains(active)
            || !!(main.compareDocumentPosition(active) & Node.DOCUMENT_POSITION_FOLLOWING);
        }"""
    ), "the skip link does not lead past the header"


def status_count(page: Page, status: str) -> str:
    """The number the organisation dashboard's status table shows for ``status`` (or its
    "Total" row), as text."""
    row = page.locator("table.status-counts tr").filter(has=page.get_by_text(status, exact=True))
    return row.locator("td").inner_text().strip()


def sign_out(drive: Driver, journey: Journey) -> None:
    """Sign out with the header's button; the home page follows."""
    page = drive.page
    drive.click(page.get_by_role("button", name=re.compile("sign out", re.I)))
    signed_out = page.get_by_role("link", name=re.compile("sign in", re.I)).first
    expect(signed_out).to_be_visible(timeout=30_000)
    page.wait_for_load_state("load")
    journey.check("signed out")


def tiny_png(path: Path) -> Path:
    """A real PNG (one white pixel): evidence files are checked by their content."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
    return path
