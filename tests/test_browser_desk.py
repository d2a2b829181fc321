"""The coordinators' desk in a real browser, on the demo partnership: read an alert,
snooze it, resolve another, look at partnership health and thresholds; and a member's
view of the same alert on their task."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect, sync_playwright

from coordinator.models import utcnow
from coordinator.services.demo.data.groups import GROUPS
from coordinator.services.demo.data.planted_tasks import ALIGNOPHILIA_TASK
from tests.browser import CHROMIUM, CHROMIUM_ARGS, Browsing, live_server, require_chromium

pytestmark = [
    pytest.mark.browser,
    # The test server's file wrapper is left to the garbage collector when Chromium drops
    # a stylesheet download on navigating away; that is the test server, not the app.
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

PASSWORD = "polder-demo-2026"
FORUM = GROUPS["forum"][0]
DESK_NOTE = "Revisit after the plenary; coordinators only"


def _login(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_coordinator_reads_snoozes_and_resolves_alerts(app):
    require_chromium()
    seeded = app.test_cli_runner().invoke(args=["seed-demo"])
    assert seeded.exit_code == 0, seeded.output
    app.config["WTF_CSRF_ENABLED"] = True
    later = (utcnow().date() + timedelta(days=14)).isoformat()
    with sync_playwright() as playwright, live_server(app) as base_url:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        site = Browsing(browser, base_url, first=80)
        page = site.new_page()
        _login(page, "coordinator@demo.polder.example")
        page.get_by_role("link", name="Desk").click()
        expect(page.get_by_role("heading", name="Coordinators' desk")).to_be_visible()
        items = page.locator(".alert-item")
        expect(items.first.locator(".badge").first).to_have_text("High")
        # What happened in everyday words, the research term second.
        expect(items.filter(has_text="A team meeting without finishing work (joinholism)")
               .first).to_be_visible()
        expect(page.get_by_text("Alignophilia: team")).to_have_count(0)
        site.shoot(page, "desk-alerts", phone=True)

        # Read the forum's joinholism alert: evidence, chart with threshold, history.
        page.get_by_label("Kind").select_option("joinholism_team")
        page.get_by_role("button", name="Show").click()
        page.get_by_role("link", name=f'Working group "{FORUM}"').click()
        expect(page.get_by_text("no completion in 28 days")).to_be_visible()
        expect(page.locator("svg.line-chart line.threshold")).to_have_count(1)
        expect(page.locator("svg.line-chart circle.dot").first).to_be_visible()
        expect(page.locator(".history li")).to_have_count(1)
        site.shoot(page, "desk-alert-joinholism")

        # Snooze it: a past date is refused, a later one is taken.
        page.get_by_label("Snooze until").fill("2020-01-01")
        page.get_by_role("button", name="Snooze").click()
        expect(page.locator(".error-summary")).to_contain_text("Choose a date after today.")
        site.shoot(page, "desk-snooze-refused")
        page.get_by_label("Snooze until").fill(later)
        page.locator("#snooze-note").fill(DESK_NOTE)
        page.get_by_role("button", name="Snooze").click()
        expect(page.locator(".flash")).to_have_text("Alert snoozed.")
        expect(page.locator(".badge.alert-snoozed")).to_contain_text("Snoozed until")
        expect(page.locator(".history li").last).to_contain_text("Snoozed")
        expect(page.locator(".history li").last).to_contain_text("Sanne de Vries")

        # Resolve the homogeneous team's alert with a note.
        page.get_by_role("link", name="← All alerts").click()
        page.get_by_role("link", name=f'Task "{ALIGNOPHILIA_TASK.title}"').click()
        expect(page.get_by_text("People who could be invited")).to_be_visible()
        expect(page.locator(".suggestions li").first).to_contain_text("Amara Osei")
        site.shoot(page, "desk-alert-alignophilia")
        page.get_by_label("What was done").fill("Lena invited Amara to the next design review.")
        page.get_by_role("button", name="Resolve").click()
        expect(page.locator(".flash")).to_have_text("Alert resolved.")
        expect(page.locator(".history")).to_contain_text("Lena invited Amara")
        expect(page.get_by_role("button", name="Reopen")).to_be_visible()
        site.shoot(page, "desk-alert-resolved")

        page.get_by_role("link", name="← All alerts").click()
        expect(page.get_by_role("link", name=f'Task "{ALIGNOPHILIA_TASK.title}"')).to_have_count(0)
        page.get_by_role("link", name="Partnership health").click()
        expect(page.locator("svg.line-chart")).to_have_count(3)
        expect(page.get_by_text("silo", exact=True)).to_be_visible()
        site.shoot(page, "desk-health", phone=True)

        page.get_by_role("link", name="Thresholds").click()
        page.get_by_label("Team knowledge mix at or below").fill("2")
        page.get_by_role("button", name="Save thresholds").click()
        expect(page.locator(".error-summary")).to_contain_text("Enter a value from 0 to 1.")
        site.shoot(page, "desk-thresholds-refused")

        # Someone outside the forum opens its page: no note about how it spends its time.
        page.get_by_role("button", name="Log out").click()
        _login(page, "lena.brandt@demo.polder.example")
        page.get_by_role("link", name="Groups").click()
        page.get_by_role("link", name=FORUM).click()
        expect(page.get_by_role("heading", name=FORUM)).to_be_visible()
        expect(page.get_by_text("A note on how this group spends its time")).to_have_count(0)
        site.shoot(page, "outsider-group-no-note")

        # The forum's members see a gentle note, without the coordinators' history.
        page.get_by_role("button", name="Log out").click()
        _login(page, "sofia.rossi@demo.polder.example")
        page.get_by_role("link", name="Groups").click()
        page.get_by_role("link", name=FORUM).click()
        expect(page.get_by_text("A note on how this group spends its time")).to_be_visible()
        expect(page.get_by_text("Only the people on this team see this note.")).to_be_visible()
        expect(page.get_by_text(DESK_NOTE)).to_have_count(0)
        expect(page.get_by_role("link", name="Desk")).to_have_count(0)
        site.shoot(page, "member-group-note", phone=True)
        browser.close()
    assert site.foreign == []


def test_coordinator_reads_the_power_page_and_scores_the_contingency_profile(app):
    require_chromium()
    seeded = app.test_cli_runner().invoke(args=["seed-demo"])
    assert seeded.exit_code == 0, seeded.output
    app.config["WTF_CSRF_ENABLED"] = True
    with sync_playwright() as playwright, live_server(app) as base_url:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        site = Browsing(browser, base_url, first=90)
        page = site.new_page()
        _login(page, "coordinator@demo.polder.example")
        page.get_by_role("link", name="Desk").click()
        page.get_by_role("link", name="Power", exact=True).click()
        sections = page.locator("section.power-indicator")
        expect(sections).to_have_count(4)
        expect(sections.locator("svg.line-chart")).to_have_count(4)
        expect(page.locator("section.power-indicator", has_text="Cost burden")
               .locator(".badge")).to_have_text("alert")
        expect(page.get_by_text("Low-tier organisations (")).to_be_visible()
        site.shoot(page, "power", phone=True)

        page.get_by_role("link", name="Contingency profile").click()
        page.get_by_role("button", name="Save the profile").click()
        expect(page.locator(".error-summary")).to_contain_text("Choose a score from 1 to 5.")
        for key, score in (("environment", 4), ("urgency", 5), ("voluntariness", 5),
                           ("experience", 2), ("diffusion", 2), ("cost_benefit", 4)):
            page.locator(f"#c-{key}-{score}").check()
        page.get_by_role("button", name="Save the profile").click()
        expect(page.locator(".flash")).to_have_text("Contingency profile saved.")
        expect(page.get_by_text("The mission is exigent")).to_be_visible()
        site.shoot(page, "contingency")
        page.get_by_role("link", name="Thresholds", exact=True).click()
        expect(page.get_by_text("The mission is scored as exigent")).to_be_visible()
        site.shoot(page, "thresholds-exigent")
        browser.close()
    assert site.foreign == []
