"""Helpers for the browser tests: a live server, Debian's Chromium, screenshots and checks.

Playwright drives the Chromium that Debian installs; the tests never download a browser.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, Page
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "browser"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def require_chromium() -> None:
    """Skip without Chromium, except in CI, where a missing browser is a failure."""
    if os.path.exists(CHROMIUM):
        return
    message = f"{CHROMIUM} is missing: apt-get install chromium"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def live_server(app: Flask) -> Iterator[str]:
    """Serve `app` on a free local port in a daemon thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class Browsing:
    """Browser profiles on the live server, and full-page screenshots of what they see.

    Screenshots go to test-artifacts/browser/NN-name.png (desktop, 1280×900) and
    NN-name-phone.png (390×844). Every request must stay on the live server: anything
    else (a CDN, a web font) is blocked and recorded in `foreign`.
    """

    def __init__(self, browser: Browser, base_url: str, first: int = 1):
        self.browser = browser
        self.base_url = base_url
        self.number = first - 1
        self.foreign: list[str] = []
        self._phone: Page | None = None
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def new_page(self, viewport=None, script: bool = False, **options) -> Page:
        """A page in a fresh profile (no cookies), desktop size, with JavaScript off.

        Pages must work without JavaScript; Playwright's own evaluate() still runs, but
        timers do not, so axe (which waits on them) needs `script=True`.
        """
        context = self.browser.new_context(viewport=viewport or DESKTOP,
                                           base_url=self.base_url,
                                           java_script_enabled=script, **options)
        context.route("**/*", self._only_local)
        return context.new_page()

    def _only_local(self, route) -> None:
        if route.request.url.startswith(self.base_url + "/"):
            route.continue_()
        else:
            self.foreign.append(route.request.url)
            route.abort()

    def shoot(self, page: Page, name: str, phone: bool = False,
              on_phone: Callable[[Page], None] | None = None) -> Path:
        """Check the page's basics, then save it at the desktop size (and a phone's)."""
        self.number += 1
        check_page(page)
        path = ARTIFACTS / f"{self.number:02d}-{name}.png"
        page.screenshot(path=path, full_page=True)
        if phone or on_phone:
            self.phone(page, name, on_phone)
        return path

    def phone(self, page: Page, name: str,
              check: Callable[[Page], None] | None = None) -> Path:
        """The same URL with the same login on a phone; it must fit the screen's width."""
        if self._phone is None:
            self._phone = self.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
        small = self._phone
        small.context.clear_cookies()
        small.context.add_cookies(page.context.cookies())
        small.goto(page.url)
        check_page(small)
        assert_fits_width(small)
        if check:
            check(small)
        path = ARTIFACTS / f"{self.number:02d}-{name}-phone.png"
        small.screenshot(path=path, full_page=True)
        return path


def assert_skip_link_first(page: Page) -> None:
    """The first Tab from the top of the page lands on "Skip to content", which works."""
    page.reload()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    assert page.evaluate("getComputedStyle(document.activeElement).left") != "-999px"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


_AXE = Axe()
SERIOUS = ("serious", "critical")


def assert_no_serious_axe_violations(page: Page) -> None:
    """axe-core finds nothing of impact serious or critical on the page as it is now.

    The page needs JavaScript on (Browsing.new_page(script=True)): axe waits on timers,
    which never fire with it off, and the call would never return.
    """
    found = _AXE.run(page).response["violations"]
    serious = [v for v in found if v["impact"] in SERIOUS]
    assert serious == [], f"{page.url}:\n" + "\n".join(map(axe_report, serious))


def axe_report(violation: dict) -> str:
    """One axe violation as a few readable lines: rule, impact, help and each element."""
    lines = [f"- {violation['id']} ({violation['impact']}): {violation['help']}"]
    for node in violation["nodes"][:8]:
        why = "; ".join(check["message"] for kind in ("any", "all", "none")
                        for check in node[kind])
        lines.append(f"    {' '.join(node['target'])}: {node['html'][:160]}")
        lines.append(f"      {why}")
    if len(violation["nodes"]) > 8:
        lines.append(f"    ... and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


def assert_fits_width(page: Page) -> None:
    """Nothing but a table wrapper scrolls sideways: the page fits the screen."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def check_page(page: Page) -> None:
    """Landmarks, one h1, labelled controls, unique ids and WCAG AA text contrast."""
    problems = page.evaluate(_STRUCTURE_JS) + page.evaluate(_CONTRAST_JS)
    assert problems == [], f"{page.url}: {problems}"


_STRUCTURE_JS = """() => {
  const problems = [];
  const h1s = document.querySelectorAll('h1').length;
  if (h1s !== 1) problems.push(`${h1s} h1 elements`);
  for (const tag of ['main', 'header', 'footer']) {
    if (document.querySelectorAll(tag).length !== 1) problems.push(`not one <${tag}>`);
  }
  if (!document.documentElement.lang) problems.push('no lang on <html>');
  if (!document.title.trim()) problems.push('no <title>');
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (['hidden', 'submit', 'button'].includes(el.type)) continue;
    if (el.labels.length || el.getAttribute('aria-label') ||
        el.getAttribute('aria-labelledby')) continue;
    problems.push(`unlabelled ${el.tagName.toLowerCase()} name=${el.name}`);
  }
  for (const el of document.querySelectorAll('a[href], button')) {
    if (!el.textContent.trim() && !el.getAttribute('aria-label')) {
      problems.push(`empty ${el.tagName.toLowerCase()}`);
    }
  }
  const seen = new Set();
  for (const el of document.querySelectorAll('[id]')) {
    if (el.type === 'hidden') continue;
    if (seen.has(el.id)) problems.push(`duplicate id ${el.id}`);
    seen.add(el.id);
  }
  return problems;
}"""

_CONTRAST_JS = """() => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const over = (top, under) => ({r: top.r * top.a + under.r * (1 - top.a),
    g: top.g * top.a + under.g * (1 - top.a), b: top.b * top.a + under.b * (1 - top.a), a: 1});
  const lum = ({r, g, b}) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    const white = {r: 255, g: 255, b: 255, a: 1};
    return layers.reverse().reduce((under, top) => over(top, under), white);
  };
  const ratio = (fg, bg) => {
    const a = lum(over(fg, bg)), b = lum(bg);
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  };
  const problems = [];
  const check = (el, color, text) => {
    const style = getComputedStyle(el);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const bg = background(el), got = ratio(parse(color), bg);
    if (got < needed) {
      problems.push(`contrast ${got.toFixed(2)} < ${needed}: ${el.tagName.toLowerCase()}` +
                    `.${el.className} "${text.slice(0, 40)}"`);
    }
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim(), el = walker.currentNode.parentElement;
    if (!text || seen.has(el)) continue;
    seen.add(el);
    const style = getComputedStyle(el), box = el.getBoundingClientRect();
    if (style.visibility === 'hidden' || box.width <= 1 || box.height <= 1 || box.right <= 0) {
      continue;  // not on screen: visually hidden, an unfocused skip link, an <option>
    }
    check(el, style.color, text);
  }
  for (const el of document.querySelectorAll('[placeholder]')) {
    check(el, getComputedStyle(el, '::placeholder').color, el.placeholder);
  }
  return problems;
}"""
