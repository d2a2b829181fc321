"""Choosing a meeting's attendees by name in a real browser: without JavaScript (the Find
button re-shows the form with matches and keeps what was typed) and with it (matches
appear as you type, Enter searches, "Record it" sends). Admin → Members searched and
saved: the save lands back on the member's row."""

import re

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import JointActivity
from tests.browser import CHROMIUM, CHROMIUM_ARGS, Browsing, live_server, require_chromium
from tests.factories import Factory

pytestmark = [
    pytest.mark.browser,
    # As in test_browser_desk: the test server's file wrapper left to the collector when
    # Chromium drops a download on navigating away.
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


@pytest.fixture
def lake(app, make):
    p = make.partnership(slug="lake", name="Lake Partnership")
    org = make.organisation(p, name="Lake Board", sector="government")
    admin = make.member(p, role="admin", email="ada@example.org", name="Ada Admin")
    otto = make.member(p, email="otto@example.org", name="Otto Okafor", organisation=org)
    make.member(p, email="olga@example.org", name="Olga <i>Oak</i>")
    for i in range(60):
        make.member(p, email=f"f{i}@example.org", name=f"Filler {i:02d}")
    task = make.task(otto, title="Survey the shore")
    other = make.partnership(slug="elsewhere")
    make.member(other, email="oscar@example.org", name="Oscar Outsider")
    make.commit()
    return {"task": task.id, "otto": otto.id, "admin": admin.id}


@pytest.fixture
def browsing(app, lake):
    require_chromium()
    app.config["WTF_CSRF_ENABLED"] = True
    with sync_playwright() as playwright, live_server(app) as base_url:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        site = Browsing(browser, base_url, first=90)
        yield site
        browser.close()
    assert site.foreign == []


def _log_in(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill("ada@example.org")
    page.get_by_label("Password").fill(Factory.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/p/lake/tasks$"))


def _attendees():
    activity = db.session.scalar(select(JointActivity).order_by(JointActivity.id.desc()))
    db.session.refresh(activity)
    return sorted(m.user.name for m in activity.attendees)


def test_attendees_without_script(browsing, lake):
    page = browsing.new_page()  # JavaScript off
    _log_in(page)
    page.goto(f"/p/lake/activities/new?link=task:{lake['task']}")
    expect(page.get_by_label("Otto Okafor")).not_to_be_checked()  # the task's team, first
    page.get_by_label("Title").fill("Shore walk")
    page.get_by_label("Otto Okafor").check()
    page.get_by_label("Find people by name").fill("o")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_label("Title")).to_have_value("Shore walk")
    expect(page.get_by_label("Otto Okafor")).to_be_checked()
    expect(page.get_by_text("Oscar Outsider")).to_have_count(0)
    olga = page.get_by_label("Olga <i>Oak</i>")  # shown as text, not markup
    expect(olga).not_to_be_checked()
    olga.check()
    browsing.shoot(page, "activity-attendees-found", phone=True)
    page.get_by_role("button", name="Record it").click()
    expect(page.locator(".flash")).to_have_text("Meeting recorded.")
    assert _attendees() == ["Ada Admin", "Olga <i>Oak</i>", "Otto Okafor"]


def test_attendees_with_script(browsing, lake):
    context = browsing.browser.new_context(base_url=browsing.base_url)
    context.route("**/*", browsing._only_local)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _log_in(page)
    page.goto("/p/lake/activities/new")
    page.get_by_label("Title").fill("Lake call")
    page.get_by_label("About").select_option(label="Task: Survey the shore")
    expect(page.get_by_label("Otto Okafor")).to_be_visible()  # the team, fetched
    search = page.get_by_label("Find people by name")
    search.press_sequentially("fill")
    expect(page.locator("#attendees-matches input[name=attendee_ids]")).to_have_count(20)
    page.get_by_label("Filler 03").check()
    search.fill("")
    search.press_sequentially("olg")
    search.press("Enter")  # searches; does not send the form
    expect(page.get_by_label("Olga <i>Oak</i>")).to_be_visible()
    expect(page.get_by_label("Filler 03")).to_be_checked()  # kept when the matches changed
    page.get_by_label("Olga <i>Oak</i>").check()
    assert "/activities/new" in page.url
    page.get_by_role("button", name="Record it").click()
    expect(page.locator(".flash")).to_have_text("Meeting recorded.")
    assert _attendees() == ["Ada Admin", "Filler 03", "Olga <i>Oak</i>"]
    assert errors == []
    context.close()


def test_admin_members_search_and_save_in_place(browsing, lake):
    page = browsing.new_page()
    _log_in(page)
    page.goto("/p/lake/admin/members")
    expect(page.locator("tbody tr")).to_have_count(50)
    page.get_by_role("link", name="Next →").click()
    expect(page.locator("tbody tr")).to_have_count(13)
    page.get_by_label("Name or email").fill("OKAF")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    page.get_by_label("Role of Otto Okafor").select_option("coordinator")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_have_text("Saved Otto Okafor: coordinator, Lake Board.")
    assert page.url.endswith(f"/p/lake/admin/members?q=OKAF#member-{lake['otto']}")
    expect(page.get_by_label("Role of Otto Okafor")).to_have_value("coordinator")
    browsing.shoot(page, "admin-members-search", phone=True)
