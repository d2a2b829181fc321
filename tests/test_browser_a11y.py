"""Accessibility in a real browser, on the demo partnership seeded once for the module.

axe-core (bundled with axe-playwright-python) checks every page a member, a coordinator,
an admin and someone logged out can reach: no violation of impact serious or critical.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from sqlalchemy import select

from config import TestConfig
from coordinator import create_app
from coordinator.extensions import db
from coordinator.models import (
    Alert,
    Cluster,
    Invitation,
    JointActivity,
    Membership,
    Organisation,
    Partnership,
    Task,
    User,
    WorkingGroup,
)
from coordinator.services.demo import DEMO_PASSWORD
from coordinator.services.digests.message import UNSUBSCRIBE
from coordinator.services.knowledge.snapshots import latest_snapshot
from coordinator.tokens import make_token
from tests.browser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    Browsing,
    assert_no_serious_axe_violations,
    live_server,
    require_chromium,
)
from tests.databases import empty_tables

pytestmark = [
    pytest.mark.browser,
    # The test server's file wrapper is left to the garbage collector when Chromium drops
    # a stylesheet download on navigating away; that is the test server, not the app.
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

MEMBER = "lena.brandt@demo.polder.example"
COORDINATOR = "coordinator@demo.polder.example"
ADMIN = "admin@demo.polder.example"


def _ids(app) -> SimpleNamespace:
    """Rows of the demo that the pages are about, and signed links for the mail pages."""
    with app.app_context():
        demo = db.session.scalar(select(Partnership).where(Partnership.slug == "demo"))

        def member(email: str) -> Membership:
            return db.session.scalar(select(Membership).join(User).where(
                User.email == email, Membership.partnership_id == demo.id))

        lena, admin = member(MEMBER), member(ADMIN)
        snapshot = latest_snapshot(demo.id)
        invitation = Invitation(partnership_id=demo.id, email="new.person@example.org",
                                role="member")
        db.session.add(invitation)
        db.session.commit()
        first = db.session.scalar  # one row of each kind the pages show
        joinable = next(task for task in db.session.scalars(
            select(Task).where(Task.partnership_id == demo.id).order_by(Task.id))
            if task.is_joinable and task.has_room and task.join_policy == "open"
            and all(p.membership_id != lena.id for p in task.participations)
            and task.initiator_id != lena.id)
        ids = SimpleNamespace(
            lena=lena.id, admin=admin.id, joinable=joinable.title,
            own_task=first(select(Task.id).where(Task.initiator_id == lena.id).limit(1)),
            other_task=first(select(Task.id).where(Task.partnership_id == demo.id,
                                                   Task.initiator_id != lena.id,
                                                   Task.status == "open").limit(1)),
            done_task=first(select(Task.id).where(Task.partnership_id == demo.id,
                                                  Task.status == "done").limit(1)),
            group=first(select(WorkingGroup.id).where(WorkingGroup.partnership_id == demo.id)
                        .limit(1)),
            activity=first(select(JointActivity.id).where(
                JointActivity.partnership_id == demo.id).limit(1)),
            cluster=first(select(Cluster.id).where(Cluster.snapshot_id == snapshot.id)
                          .limit(1)),
            organisation=first(select(Organisation.id).where(
                Organisation.partnership_id == demo.id).limit(1)),
            alerts=_first_alert_of_each_kind(demo.id),
            invite=make_token("invite", {"i": invitation.id, "e": invitation.email}),
            reset=make_token("reset", {"u": admin.user_id,
                                       "h": (admin.user.password_hash or "")[-16:]}),
            unsubscribe=make_token(UNSUBSCRIBE, {"m": lena.id, "k": "member", "d": 0}),
        )
    return ids


def _broken():
    raise RuntimeError("a deliberate failure, to show the error page")


def _first_alert_of_each_kind(partnership_id: int) -> list[int]:
    first: dict[str, int] = {}
    for kind, alert_id in db.session.execute(select(Alert.kind, Alert.id).where(
            Alert.partnership_id == partnership_id).order_by(Alert.id)):
        first.setdefault(kind, alert_id)
    return list(first.values())


@pytest.fixture(scope="module")
def demo(_schema, tmp_path_factory):
    """The demo partnership served with CSRF on, and one Chromium for the module."""
    require_chromium()
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=_schema, WTF_CSRF_ENABLED=True,
                     MAIL_FOLDER=str(tmp_path_factory.mktemp("mail")))
    seeded = app.test_cli_runner().invoke(args=["seed-demo"])
    assert seeded.exit_code == 0, seeded.output
    ids = _ids(app)
    app.add_url_rule("/broken", "broken", _broken)  # the error page is a page too
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with sync_playwright() as playwright, live_server(app) as base_url:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield SimpleNamespace(app=app, browser=browser, base_url=base_url, ids=ids)
        browser.close()
    with app.app_context():
        db.session.remove()
        empty_tables(db)
        db.engine.dispose()


def log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/p/demo/tasks$"))


def sweep(page: Page, paths: list[str]) -> list[str]:
    """Visit each path; return axe's report for each page with serious problems."""
    reports = []
    for path in paths:
        page.goto(path)
        try:
            assert_no_serious_axe_violations(page)
        except AssertionError as failure:
            reports.append(str(failure))
    return reports


def test_every_page_passes_axe(demo):
    ids = demo.ids
    site = Browsing(demo.browser, demo.base_url)
    page = site.new_page(script=True)  # for axe; the pages themselves carry no script
    p = "/p/demo"
    reports = sweep(page, [
        "/login", "/password/forgot", f"/password/reset/{ids.reset}",
        f"/invitations/{ids.invite}", f"/u/{ids.unsubscribe}", "/u/not-a-token",
        "/no-such-page", "/broken", "/api/v1/docs"])

    log_in(page, MEMBER)
    reports += sweep(page, [
        f"{p}/tasks", f"{p}/tasks?status=all&sort=due&room=1", f"{p}/tasks/new",
        f"{p}/tasks/{ids.own_task}", f"{p}/tasks/{ids.own_task}/edit",
        f"{p}/tasks/{ids.other_task}", f"{p}/tasks/{ids.done_task}", f"{p}/my-work",
        f"{p}/members", f"{p}/members/{ids.lena}", f"{p}/members/{ids.admin}", f"{p}/profile",
        f"{p}/groups/", f"{p}/groups/{ids.group}", f"{p}/groups/new",
        f"{p}/activities/new", f"{p}/activities/{ids.activity}",
        f"{p}/knowledge/", f"{p}/knowledge/clusters/{ids.cluster}",
        f"{p}/knowledge/who?tag=hydrology", f"{p}/digest", f"{p}/digest/preview",
        "/account/", "/account/tokens/", f"{p}/desk/", f"{p}/no-such-page"])
    page.get_by_role("button", name="Log out").click()

    log_in(page, COORDINATOR)
    reports += sweep(page, [
        f"{p}/desk/", f"{p}/desk/?status=all", f"{p}/desk/health", f"{p}/desk/power",
        f"{p}/desk/contingency", f"{p}/desk/thresholds",
        *(f"{p}/desk/alerts/{alert}" for alert in ids.alerts)])
    # A phone lays pages out otherwise: tables scroll, the menu folds.
    phone = site.new_page(viewport=PHONE, is_mobile=True, has_touch=True, script=True)
    phone.context.add_cookies(page.context.cookies())
    reports += sweep(phone, [
        f"{p}/tasks", f"{p}/tasks/{ids.other_task}", f"{p}/desk/alerts/{ids.alerts[0]}",
        f"{p}/desk/health", f"{p}/desk/power", f"{p}/knowledge/"])
    page.get_by_role("button", name="Log out").click()

    log_in(page, ADMIN)
    reports += sweep(page, [
        f"{p}/admin/", f"{p}/admin/organisations", f"{p}/admin/organisations/new",
        f"{p}/admin/organisations/{ids.organisation}", f"{p}/admin/members",
        f"{p}/admin/invitations", f"{p}/admin/import", f"{p}/admin/webhooks",
        f"{p}/admin/outbox", f"{p}/admin/members/{ids.lena}/digest",
        f"{p}/admin/members/{ids.lena}/edit"])
    assert reports == [], "\n\n".join(reports)
    assert site.foreign == []


SHOTS = ("board", "tasks"), ("task", "tasks/{other_task}"), ("desk", "desk/"), \
    ("alert", "desk/alerts/{alert}"), ("health", "desk/health"), ("power", "desk/power"), \
    ("map", "knowledge/")

# The smallest text of the charts and the map as drawn: the SVG scales its text with it.
SMALLEST_CHART_TEXT = """() => Math.min(...[...document.querySelectorAll(
    'svg.line-chart text, svg.cluster-map text')]
  .filter(t => getComputedStyle(t).display !== 'none')
  .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))"""


def test_phone_and_desktop_layout(demo):
    """At 390×844 the header is short, the first task shows without scrolling and chart
    text is 11 px or more; both sizes are saved as screenshots to look at."""
    ids = demo.ids
    site = Browsing(demo.browser, demo.base_url)
    page = site.new_page()
    log_in(page, COORDINATOR)
    phone = site.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.context.add_cookies(page.context.cookies())
    for name, path in SHOTS:
        url = "/p/demo/" + path.format(other_task=ids.other_task, alert=ids.alerts[0])
        for view, suffix in ((page, ""), (phone, "-phone")):
            view.goto(url)
            view.screenshot(path=ARTIFACTS / f"a11y-{name}{suffix}.png", full_page=True)
            if name in ("alert", "health", "power", "map"):
                smallest = view.evaluate(SMALLEST_CHART_TEXT)
                print(f"{name}{suffix}: smallest chart text {smallest:.1f} px")
                assert smallest >= 11, f"{name}{suffix}: chart text of {smallest:.1f} px"
                chart = view.locator(".measure-chart svg, .map-figure").first
                expect(chart).to_be_visible()
                chart.screenshot(path=ARTIFACTS / f"a11y-{name}-chart{suffix}.png")

    phone.goto("/p/demo/tasks?tag=hydrology")
    phone.screenshot(path=ARTIFACTS / "a11y-board-phone-first-screen.png")
    header = phone.locator("header").bounding_box()
    first = phone.locator(".task-card").first.bounding_box()
    print(f"phone: header {header['height']:.0f} px, first task at {first['y']:.0f} px")
    assert header["height"] <= 100
    assert first["y"] + 60 < PHONE["height"]
    # The filters are folded and say that one is in use; they open without script.
    expect(phone.get_by_label("Tag", exact=True)).to_be_hidden()
    expect(phone.locator(".filters summary")).to_contain_text("1 in use")
    phone.locator(".filters summary").click()
    expect(phone.get_by_label("Tag", exact=True)).to_have_value("hydrology")
    # So does the menu.
    nav = phone.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    phone.get_by_text("Menu").click()
    phone.screenshot(path=ARTIFACTS / "a11y-menu-open-phone.png")
    nav.get_by_role("link", name="Desk").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Coordinators' desk")
    # On a desktop both are open, with no control to find first.
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_text("Menu")).to_be_hidden()
    assert page.locator("header").bounding_box()["height"] <= 100
    assert site.foreign == []


# What has the focus: its name as a person hears it, and whether its focus ring shows.
FOCUSED = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  const label = el.labels && el.labels.length ? el.labels[0].textContent : '';
  // The last stop in a date field is its calendar button, inside the field: the field
  // itself is then not :focus, and the button draws its own ring (polder.css).
  const picker = el.type === 'date' && !el.matches(':focus');
  return {name: (el.getAttribute('aria-label') || label || el.textContent).trim()
                .replace(/\\s+/g, ' '),
          ring: picker || (el.matches(':focus-visible') && style.outlineStyle !== 'none'
                           && parseFloat(style.outlineWidth) >= 2),
          body: el === document.body};
}"""


def tab_to(page: Page, name: str, back: bool = False, limit: int = 120) -> None:
    """Press Tab (Shift+Tab if `back`) until the element called `name` has the focus;
    every stop on the way must show a focus ring."""
    page.wait_for_load_state()  # the stylesheet too, after a navigation
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        focused = page.evaluate(FOCUSED)
        if focused["body"]:
            continue  # past the last stop, on the way round to the first
        assert focused["ring"], f"no visible focus on {focused['name']!r} at {page.url}"
        if focused["name"] == name:
            return
    raise AssertionError(f"{name!r} not reached in {limit} Tabs on {page.url}")


def keyboard_log_in(page: Page, email: str) -> None:
    page.goto("/login")
    tab_to(page, "Email")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/p/demo/tasks$"))


def test_keyboard_only(demo):
    """A member joins a task and logs work, a coordinator resolves an alert: Tab,
    Shift+Tab, Enter and Space only, with a visible focus ring at every stop."""
    site = Browsing(demo.browser, demo.base_url)
    page = site.new_page()
    title = demo.ids.joinable
    keyboard_log_in(page, MEMBER)
    tab_to(page, "Search")
    page.keyboard.type(title)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q="))
    tab_to(page, title)
    # The card's link is its first stop; its tags, links that filter the board, follow.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.closest('.task-card')") is None
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["name"] == title
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)

    tab_to(page, "Why you qualify")
    page.keyboard.type("I have mapped this part of the river before.")
    tab_to(page, "Join the task")
    page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_have_text("You joined the task. Welcome to the team!")
    tab_to(page, "Hours")
    page.keyboard.type("1.5")
    tab_to(page, "Log hours")
    page.keyboard.press("Space")
    expect(page.locator(".flash")).to_have_text("Logged 1.5 h.")
    expect(page.locator("#work")).to_contain_text("1.5 h")
    tab_to(page, "Log out", back=True)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/login$"))

    keyboard_log_in(page, COORDINATOR)
    tab_to(page, "Desk")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Coordinators' desk")
    alert = page.locator(".alert-item h2 a").first.inner_text()
    tab_to(page, alert)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(alert)
    tab_to(page, "What was done")
    page.keyboard.type("Talked it through at the plenary.")
    tab_to(page, "Resolve")
    page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_have_text("Alert resolved.")
    expect(page.locator(".history")).to_contain_text("Talked it through at the plenary.")
    assert site.foreign == []


def _luminance(rgb: str) -> float:
    channels = [int(v) / 255 for v in re.findall(r"\d+", rgb)[:3]]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# Each graphic's colour, as the browser computes it, and the colour it is drawn on.
GRAPHICS = """(selector) => [...document.querySelectorAll(selector)].map(el => {
  const style = getComputedStyle(el);
  const paint = style.fill !== 'none' && el.tagName !== 'line' ? style.fill : style.stroke;
  let under = el.closest('svg').parentElement;
  while (getComputedStyle(under).backgroundColor === 'rgba(0, 0, 0, 0)') {
    under = under.parentElement;
  }
  return [paint, getComputedStyle(under).backgroundColor];
})"""


def test_graphics_and_focus_rings_stand_out_at_three_to_one(demo):
    """WCAG 2.2 non-text contrast: bars, ties, bubbles, lines and focus rings."""
    site = Browsing(demo.browser, demo.base_url)
    page = site.new_page()
    log_in(page, COORDINATOR)
    checks = {"desk/power": ".share-bars rect, .line-chart .series, .line-chart .threshold",
              "knowledge/": ".cluster-map .tie, .cluster-map .bubble"}
    for path, selector in checks.items():
        page.goto(f"/p/demo/{path}")
        pairs = page.evaluate(GRAPHICS, selector)
        assert pairs
        low = [(paint, under) for paint, under in pairs if contrast(paint, under) < 3]
        assert low == [], f"{path}: {low}"
    # The focus ring on the page and in the header (a Tab gives :focus-visible).
    for name, within in (("Skip the filters to the tasks", "main"), ("Board", "header")):
        page.goto("/p/demo/tasks")
        tab_to(page, name)
        ring, under = page.evaluate("""(within) => [
          getComputedStyle(document.activeElement).outlineColor,
          getComputedStyle(document.querySelector(within === 'main' ? 'html' :
                           '.site-header')).backgroundColor]""", within)
        assert contrast(ring, under) >= 3, f"{name}: {ring} on {under}"
