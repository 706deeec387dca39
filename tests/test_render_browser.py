"""The rendered HTML pages in a real browser: headless Chromium, driven over the DevTools
protocol on a pipe (``--remote-debugging-pipe``), so no test dependency is needed.

For each example: load the page from a file:// URL, collect console messages, page
errors and every network request, read the headings and the visible text from the DOM,
and take a full-page screenshot. The page must show its h1 and all its h2 headings, log
no errors and request nothing but its own file; at 390 and 1280 pixels nothing in the
main content may be wider than the window, and the reader's page (with the validator's
findings) must show no internal identifier. Printed, the page must stay short.
Chromium must be installed (Debian: ``apt-get install -y chromium``); if it is missing
or cannot start, these tests fail.

The screenshots (and the printed PDF) are kept as test artefacts in pytest's temporary
directory of the test (pytest keeps the last three runs: ``pytest --basetemp=DIR`` puts
them where you like); ``PYPOLICY_SCREENSHOTS=<dir>`` copies the screenshots there too.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pypolicy.format.loader import load_path
from pypolicy.format.model import Policy
from pypolicy.rendering import render
from pypolicy.rendering.sections import build_page
from pypolicy.validation.engine import validate_path

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.policy.json"))
TIMEOUT = 60.0

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--mute-audio",
    "--no-default-browser-check", "--remote-debugging-pipe",
]


def chromium_binary() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("Chromium is not installed (Debian: apt-get install -y chromium); the "
                "browser test cannot run and must not pass without it")


class Browser:
    """A headless Chromium and a DevTools-protocol session over fds 3 and 4."""

    def __init__(self, profile: Path) -> None:
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        def wire_pipes() -> None:  # in the child: Chromium reads fd 3, writes fd 4
            os.dup2(to_browser_read, 3)
            os.dup2(from_browser_write, 4)

        self.process = subprocess.Popen(
            [chromium_binary(), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            pass_fds=(3, 4), preexec_fn=wire_pipes)
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method,
                                   "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise AssertionError(f"{method} failed: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)

    def wait_for(self, method: str, session: str) -> dict[str, Any]:
        for event in self.events:
            if event.get("method") == method and event.get("sessionId") == session:
                return event
        while True:
            event = self._receive()
            self.events.append(event)
            if event.get("method") == method and event.get("sessionId") == session:
                return event

    def _receive(self) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.process.poll() is not None:
                stderr = self.process.stderr.read().decode(errors="replace") \
                    if self.process.poll() is not None and self.process.stderr else ""
                pytest.fail(f"Chromium did not answer (exit code {self.process.poll()}):\n"
                            f"{stderr[-2000:]}")
            ready, _, _ = select.select([self._from_browser], [], [], min(remaining, 1.0))
            if ready:
                chunk = os.read(self._from_browser, 1 << 20)
                if not chunk:
                    pytest.fail("Chromium closed the DevTools pipe")
                self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def close(self) -> None:
        try:
            if self.process.poll() is None:
                with contextlib.suppress(Exception, pytest.fail.Exception):
                    self.send("Browser.close")  # shutting down either way
                self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        finally:
            os.close(self._to_browser)
            os.close(self._from_browser)
            if self.process.stderr:
                self.process.stderr.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with tempfile.TemporaryDirectory(prefix="pypolicy-chromium-") as profile:
        instance = Browser(Path(profile))
        try:
            instance.send("Browser.getVersion")
            yield instance
        finally:
            instance.close()


# Elements of the main content whose right edge is past the window, or that scroll
# sideways inside (a table in a scrolling box): what a phone user would have to pan to.
# Visually hidden elements (1 pixel, for screen readers) do not count.
OVERFLOW = """JSON.stringify(Array.from(document.querySelectorAll('main *, header *'))
  .filter(e => e.getBoundingClientRect().width > 1)
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5
               || e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
  .slice(0, 5).map(e => e.tagName + ': ' + e.textContent.trim().slice(0, 60)))"""


def open_page(browser: Browser, url: str, width: int = 1100) -> dict[str, Any]:
    """Load ``url`` in a new tab ``width`` pixels wide; return what the page showed and
    logged."""
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target,
                                                     "flatten": True})["sessionId"]
    try:
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.send(f"{domain}.enable", session=session)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": width, "height": 900, "deviceScaleFactor": 1,
                      "mobile": False}, session=session)
        first = len(browser.events)
        browser.send("Page.navigate", {"url": url}, session=session)
        browser.wait_for("Page.loadEventFired", session)
        headings = browser.send("Runtime.evaluate", {
            "expression": "JSON.stringify(Array.from(document.querySelectorAll('h1, h2'))"
                          ".map(h => ({level: h.tagName, text: h.textContent.trim(), "
                          "visible: h.getBoundingClientRect().height > 0 && "
                          "getComputedStyle(h).visibility !== 'hidden'})))",
            "returnByValue": True}, session=session)["result"]["value"]
        facts = browser.send("Runtime.evaluate", {
            "expression": "JSON.stringify({lang: document.documentElement.lang, "
                          "scripts: document.scripts.length, "
                          "width: document.documentElement.scrollWidth, "
                          "height: document.documentElement.scrollHeight, "
                          "text: document.body.innerText})",
            "returnByValue": True}, session=session)["result"]["value"]
        layout = json.loads(facts)
        overflowing = json.loads(browser.send("Runtime.evaluate", {
            "expression": OVERFLOW, "returnByValue": True}, session=session)["result"]["value"])
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": width, "height": min(int(layout["height"]), 16000),
                      "deviceScaleFactor": 1, "mobile": False}, session=session)
        shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
        events = [e for e in browser.events[first:] if e.get("sessionId") == session]
    finally:
        browser.send("Target.closeTarget", {"targetId": target})
    errors = []
    requests = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(json.dumps(params.get("args"))[:500])
        elif method == "Runtime.exceptionThrown":
            errors.append(json.dumps(params.get("exceptionDetails"))[:500])
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            errors.append(params["entry"].get("text", "")[:500])
        elif method == "Network.requestWillBeSent":
            requests.append(params["request"]["url"])
    return {"headings": json.loads(headings), "layout": layout, "errors": errors,
            "requests": requests, "png": base64.b64decode(shot["data"]),
            "overflowing": overflowing}


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name.split(".")[0])
def test_page_in_chromium(browser: Browser, example: Path, tmp_path: Path) -> None:
    policy = Policy.from_dict(load_path(example).data)
    page_file = tmp_path / f"{example.name.split('.')[0]}.html"
    page_file.write_text(render(policy, "html"), encoding="utf-8")
    shown = open_page(browser, page_file.as_uri())

    assert shown["errors"] == [], f"console errors: {shown['errors']}"
    assert set(shown["requests"]) <= {page_file.as_uri()}, \
        f"the page requested something besides itself: {shown['requests']}"
    assert shown["layout"]["lang"] == "en"
    assert shown["layout"]["scripts"] == 0
    assert shown["layout"]["width"] <= 1100, "the page is wider than the window"

    expected = build_page(policy)
    headings = shown["headings"]
    assert all(h["visible"] for h in headings), [h for h in headings if not h["visible"]]
    texts = [h["text"] for h in headings]
    assert [h["level"] for h in headings].count("H1") == 1
    assert texts[0] == expected.title
    for section in expected.sections:
        assert section.title in texts
    assert any(t.startswith("Evidence") for t in texts)

    png = shown["png"]
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 20_000
    keep = os.environ.get("PYPOLICY_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / f"{page_file.stem}.png").write_bytes(png)


@pytest.mark.slow
def test_hostile_page_in_chromium(browser: Browser, tmp_path: Path) -> None:
    """A policy full of markup runs nothing and loads nothing."""
    from test_render import hostile_document

    policy = Policy.from_dict(hostile_document())
    page_file = tmp_path / "hostile.html"
    page_file.write_text(render(policy, "html"), encoding="utf-8")
    shown = open_page(browser, page_file.as_uri())
    assert shown["errors"] == []
    assert set(shown["requests"]) <= {page_file.as_uri()}
    assert shown["layout"]["scripts"] == 0
    assert shown["layout"]["width"] <= 1100, "a very long word widened the page"


def keep_screenshot(png: bytes, name: str, tmp_path: Path) -> None:
    """Keep a screenshot as an artefact of the test (and in PYPOLICY_SCREENSHOTS)."""
    (tmp_path / f"{name}.png").write_bytes(png)
    keep = os.environ.get("PYPOLICY_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / f"{name}.png").write_bytes(png)


def entry_ids(node: Any, found: set[str] | None = None) -> set[str]:
    """The ids of every entry in a document (statements, data, parties, rules, ...)."""
    found = set() if found is None else found
    if isinstance(node, dict):
        if isinstance(node.get("id"), str):
            found.add(node["id"])
        for value in node.values():
            entry_ids(value, found)
    elif isinstance(node, list):
        for value in node:
            entry_ids(value, found)
    return found


@pytest.mark.slow
@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name.split(".")[0])
def test_page_fits_phone_and_desktop(browser: Browser, example: Path, width: int,
                                     tmp_path: Path) -> None:
    """The reader's page with the validator's findings, at 390 pixels (tables as
    stacked cards, the label in one column) and at 1280: nothing in the main content is
    wider than the window or scrolls sideways, every heading is there and visible, no
    console errors, and no internal identifier or rule code in the visible text."""
    data = load_path(example).data
    policy = Policy.from_dict(data)
    page_file = tmp_path / f"{example.name.split('.')[0]}-{width}.html"
    page_file.write_text(render(policy, "html", findings=validate_path(str(example))),
                         encoding="utf-8")
    shown = open_page(browser, page_file.as_uri(), width)
    keep_screenshot(shown["png"], page_file.stem, tmp_path)
    assert shown["errors"] == []
    assert shown["layout"]["width"] <= width, "the page scrolls sideways"
    assert shown["overflowing"] == [], shown["overflowing"]
    headings = shown["headings"]
    assert all(h["visible"] for h in headings), [h for h in headings if not h["visible"]]
    texts = [h["text"] for h in headings]
    expected = build_page(policy, findings=validate_path(str(example)))
    assert texts[0] == expected.title
    assert [t for t in texts if t in {s.title for s in expected.sections}] == \
        [s.title for s in expected.sections]
    assert "Things to know" in texts
    visible_text = shown["layout"]["text"]
    assert "At a glance" in visible_text and "Data collected" in visible_text
    ids = entry_ids(data) - {data["id"]}
    named = [i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", visible_text)]
    assert named == [], f"internal identifiers on the reader's page: {named[:5]}"
    assert not re.search(r"\bVP\d{3}\b", visible_text)


@pytest.mark.slow
@pytest.mark.parametrize("width", [390, 1280])
def test_compare_page_fits_phone_and_desktop(browser: Browser, width: int,
                                             tmp_path: Path) -> None:
    """The five providers side by side: on a phone each aspect is a card naming each
    provider, nothing cut off or scrolling sideways."""
    from pypolicy.rendering.compare import compare_html

    policies = [Policy.from_dict(load_path(e).data) for e in EXAMPLES]
    page_file = tmp_path / f"compare-{width}.html"
    page_file.write_text(compare_html(policies), encoding="utf-8")
    shown = open_page(browser, page_file.as_uri(), width)
    assert shown["errors"] == []
    assert shown["layout"]["width"] <= width, "the page scrolls sideways"
    assert shown["overflowing"] == [], shown["overflowing"]
    keep_screenshot(shown["png"], page_file.stem, tmp_path)


def printed_pages(browser: Browser, url: str) -> bytes:
    """The page printed to PDF by Chromium (its default paper, no header or footer)."""
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target,
                                                     "flatten": True})["sessionId"]
    try:
        browser.send("Page.enable", session=session)
        browser.send("Page.navigate", {"url": url}, session=session)
        browser.wait_for("Page.loadEventFired", session)
        pdf = browser.send("Page.printToPDF", {"displayHeaderFooter": False},
                           session=session)
    finally:
        browser.send("Target.closeTarget", {"targetId": target})
    return base64.b64decode(pdf["data"])


@pytest.mark.slow
def test_printed_page_is_short(browser: Browser, tmp_path: Path) -> None:
    """The print stylesheet keeps inum short: 35 pages for the reader and 38 for the
    reviewer before it (issue 17), with the evidence as compact endnotes now."""
    example = next(e for e in EXAMPLES if e.name.startswith("inum."))
    policy = Policy.from_dict(load_path(example).data)
    counts = {}
    for audience in ("reader", "reviewer"):
        page_file = tmp_path / f"inum-{audience}.html"
        page_file.write_text(render(policy, "html", audience), encoding="utf-8")
        pdf = printed_pages(browser, page_file.as_uri())
        (tmp_path / f"inum-{audience}.pdf").write_bytes(pdf)
        counts[audience] = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert 0 < counts["reader"] <= 16, counts
    assert 0 < counts["reviewer"] <= 18, counts
