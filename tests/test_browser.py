"""Debian's Chromium against a live server, with CSRF on and JavaScript off.

test_from_empty_profile_to_done_task walks a new member from an empty profile to a done
task with a colleague; test_other_pages visits the remaining pages, their errors included.
Every screenshot (test-artifacts/browser/NN-name.png, and NN-name-phone.png at 390×844)
first checks landmarks, labels, unique ids and WCAG AA text contrast (tests/browser.py),
and nothing may load from another origin.
"""

import re
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from coordinator.extensions import db
from coordinator.services import activity, groups, joining
from tests.browser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    PHONE,
    Browsing,
    assert_fits_width,
    assert_skip_link_first,
    live_server,
    require_chromium,
)
from tests.factories import Factory

pytestmark = pytest.mark.browser

PASSWORD = Factory.PASSWORD
TITLE = "Map flood risk along the lower river"


@pytest.fixture(scope="module")
def chromium():
    require_chromium()
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def river(app, make):
    """A partnership with an admin, a new member (Anna) and an experienced one (Ben)."""
    partnership = make.partnership(slug="river", name="River Delta Partnership")
    board = make.organisation(partnership, name="Delta Water Board", sector="government",
                              formal_authority=2, resource_control=2)
    uni = make.organisation(partnership, name="Delta University", sector="academia",
                            formal_authority=0, resource_control=1)
    admin = make.member(partnership, role="admin", email="ada@example.org",
                        name="Ada Admin", organisation=board, tags=("governance",))
    anna = make.member(partnership, email="anna@example.org", name="anna")
    ben = make.member(partnership, email="ben@example.org", name="Ben Okafor",
                      organisation=uni, tags=("flood modelling", "hydrology"),
                      bio="Hydrologist; I run river models.")
    make.task(admin, title="Draft the data-sharing agreement", tags=["governance", "law"])
    make.commit()
    return SimpleNamespace(partnership=partnership, admin=admin, anna=anna, ben=ben,
                           board=board, uni=uni)


@pytest.fixture
def site(app, river, chromium):
    """The app served on a free port with CSRF on; yields a Browsing on it."""
    app.config["WTF_CSRF_ENABLED"] = True
    with live_server(app) as base_url:
        browsing = Browsing(chromium, base_url)
        yield browsing
        for context in chromium.contexts:
            context.close()
    assert browsing.foreign == [], "pages must not load anything from elsewhere"


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/p/river/tasks$"))


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator(".flash")).to_have_text("You are logged out.")


def flash(page: Page):
    return page.locator(".flash")


def place_before_work(phone: Page) -> None:
    """On a phone the task reads: what it is, my place and the team, then the work."""
    tops = [phone.locator(selector).bounding_box()["y"]
            for selector in ("#about-heading + .prose", "#place", "#work", "#comments")]
    assert tops == sorted(tops)


def first_task_on_first_screen(phone: Page) -> None:
    box = phone.locator(".task-card").first.bounding_box()
    assert box["y"] + 60 < phone.viewport_size["height"]


def test_from_empty_profile_to_done_task(site):
    page = site.new_page()

    # Anna, new here, logs in through the form.
    page.goto("/login")
    assert_skip_link_first(page)
    site.shoot(page, "login", phone=True)
    log_in(page, "anna@example.org")
    expect(page.locator(".notice")).to_contain_text("Add your knowledge tags")
    site.shoot(page, "board-empty-profile")

    # She fills in her knowledge profile.
    page.locator(".notice").get_by_role("link", name="profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My knowledge profile")
    page.get_by_label("Name", exact=True).fill("Anna de Vries")
    page.get_by_label("What you know (tags)").fill("gis, flood modelling")
    page.get_by_label("Short bio").fill("GIS analyst at the delta authority.\nMaps, mostly.")
    site.shoot(page, "profile-edit")
    page.get_by_role("button", name="Save profile").click()
    expect(flash(page)).to_have_text("Profile saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anna de Vries")
    expect(page.locator("main .tags li")).to_have_text(["flood modelling", "gis"])
    expect(page.locator(".bio")).to_contain_text("GIS analyst at the delta authority.")
    site.shoot(page, "profile")

    # She posts a task.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Board").click()
    page.get_by_role("link", name="Post a task").click()
    due = date.today() + timedelta(days=30)
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Description").fill(
        "We need a **flood risk map** for the lower river.\n\n- gather gauge data\n"
        "- run the model\n- publish the map")
    page.get_by_label("Required knowledge (tags)").fill("flood modelling, GIS")
    page.get_by_label("Places for contributors").fill("2")
    page.get_by_label("Due date").fill(due.isoformat())
    page.get_by_label("Effort estimate (hours)").fill("12")
    site.shoot(page, "task-form")
    page.get_by_role("button", name="Post the task").click()
    expect(flash(page)).to_have_text("Your task is on the board.")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".task-page .badge").first).to_have_text("Open")
    expect(page.locator(".prose strong")).to_have_text("flood risk map")
    expect(page.locator(".prose li")).to_have_count(3)
    expect(page.locator(".meta").first).to_contain_text(f"due {due:%a %-d %b %Y}")
    expect(page.locator("#place-heading + p")).to_have_text("You are the initiator.")
    task_url = page.url
    site.shoot(page, "task-posted", phone=True, on_phone=place_before_work)
    assert_skip_link_first(page)
    log_out(page)

    # Ben logs in and finds the task by filtering the board on a tag.
    log_in(page, "ben@example.org")
    cards = page.locator(".task-card h3")
    expect(cards).to_have_count(2)
    page.get_by_label("Tag", exact=True).fill("flood modelling")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"tag=flood\+modelling"))
    expect(cards).to_have_text([TITLE])
    expect(page.locator(".task-card .meta")).to_contain_text("2 of 2 places free")
    expect(page.locator(".task-card .fit")).to_be_visible()
    site.shoot(page, "board-filtered", phone=True, on_phone=first_task_on_first_screen)
    assert_skip_link_first(page)

    # He joins with a note.
    page.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(task_url)
    page.get_by_label("Why you qualify").fill("I built the delta's flood model.")
    site.shoot(page, "task-before-join", phone=True)
    page.get_by_role("button", name="Join the task").click()
    expect(flash(page)).to_have_text("You joined the task. Welcome to the team!")
    team = page.locator("section[aria-labelledby=team-heading]")
    expect(team.locator(".meta")).to_have_text("1 of 2 contributor places taken")
    expect(team.locator("li")).to_have_count(2)
    expect(team).to_contain_text("Ben Okafor")
    expect(team).to_contain_text("“I built the delta's flood model.”")
    expect(page.locator(".task-page .badge").first).to_have_text("In progress")

    # He logs two and a half hours.
    page.get_by_label("Hours").fill("2.5")
    page.get_by_label("Day").fill(date.today().isoformat())
    page.get_by_label("What you did (optional)").fill("Collected gauge data")
    page.get_by_role("button", name="Log hours").click()
    expect(flash(page)).to_have_text("Logged 2.5 h.")
    expect(page.locator("#work")).to_contain_text("2.5 h of work logged")
    expect(page.locator("#work table")).to_contain_text("Collected gauge data")
    site.shoot(page, "task-hours-logged", phone=True)

    # He records a meeting for the task, with Anna attending.
    page.get_by_role("link", name=re.compile("Record a meeting")).click()
    expect(page.get_by_label("About")).to_have_value(f"task:{task_url.rsplit('/', 1)[1]}")
    when = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=2)
    page.get_by_label("Kind").select_option(label="Meeting")
    page.get_by_label("Duration (minutes)").fill("45")
    page.get_by_label("Title").fill("Kick-off with the GIS team")
    page.get_by_label("When (UTC)").fill(f"{when:%Y-%m-%dT%H:%M}")
    page.get_by_role("group", name="Attendees").get_by_label("Anna de Vries").check()
    site.shoot(page, "meeting-form")
    page.get_by_role("button", name="Record it").click()
    expect(flash(page)).to_have_text("Meeting recorded.")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Meeting: Kick-off with the GIS team")
    expect(page.locator(".people li")).to_have_text(["Anna de Vries", "Ben Okafor"])
    expect(page.locator("main")).to_contain_text("1.5 person-hours")
    site.shoot(page, "meeting")
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("#work")).to_contain_text("Meeting: Kick-off with the GIS team")
    log_out(page)

    # Anna logs in again, sees Ben on her team and completes the task.
    log_in(page, "anna@example.org")
    page.get_by_role("link", name="My work").click()
    expect(page.locator("#started-heading")).to_have_text("Tasks I lead (1)")
    site.shoot(page, "my-work", phone=True)
    page.get_by_role("link", name=TITLE).click()
    team = page.locator("section[aria-labelledby=team-heading]")
    expect(team).to_contain_text("Ben Okafor")
    expect(team).to_contain_text("Delta University")
    page.get_by_label("Outcome").fill("The map is published on the partnership drive.")
    page.get_by_role("button", name="Mark as done").click()
    # One more step, as for every action that cannot be undone; what was typed comes along.
    expect(page.get_by_role("heading", name=f"Mark “{TITLE}” as done?")).to_be_visible()
    expect(page.get_by_text("The map is published on the partnership drive.")).to_be_visible()
    site.shoot(page, "confirm-done")
    page.set_viewport_size(PHONE)  # the answer to a POST: seen on a phone in place
    assert_fits_width(page)
    page.screenshot(path=ARTIFACTS / f"{site.number:02d}-confirm-done-phone.png",
                    full_page=True)
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Yes, mark it done").click()
    expect(flash(page)).to_have_text("Task completed. Thank you!")
    expect(page.locator(".task-page .badge").first).to_have_text("Done")
    expect(page.locator(".outcome")).to_have_text(
        "The map is published on the partnership drive.")
    expect(page.locator("#place-heading + p")).to_have_text("You are the initiator.")
    expect(page.get_by_role("button", name="Mark as done")).to_have_count(0)
    site.shoot(page, "task-done", phone=True)


@pytest.fixture
def busy_river(app, make, river):
    """River with a working group, a full task with a waitlist, a meeting and an invite."""
    group = groups.create_group(river.ben, "Flood resilience",
                                "Maps, models and plans for the next high water.")
    groups.join_group(group, river.anna)
    river.anna.tags = river.ben.tags
    full = make.task(river.ben, title="Calibrate the river model", capacity=1,
                          tags=["hydrology"], working_group_id=group.id,
                          due_on=date.today() - timedelta(days=3),
                          description="Compare the model with *last winter's* gauges.")
    joining.join_task(full, river.admin, "I can give access to the gauge archive.")
    activity.record_activity(river.ben, activity.ActivityInput(
        kind="workshop", title="Scenario workshop",
        occurred_at=datetime.now(UTC) - timedelta(days=2), duration_minutes=120,
        attendee_ids=[river.anna.id, river.admin.id], working_group_id=group.id))
    ids = SimpleNamespace(group_id=group.id, full_id=full.id, ben_id=river.ben.id,
                          board_id=river.board.id)
    db.session.commit()
    return ids


def test_other_pages(site, busy_river):
    site.number = 40
    page = site.new_page()

    # Errors: a wrong password, then a task form with bad input.
    page.goto("/login")
    page.get_by_label("Email").fill("anna@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".error")).to_have_text("Password: Email or password is not right.")
    site.shoot(page, "login-error")
    log_in(page, "anna@example.org")
    site.shoot(page, "board", phone=True)
    page.goto("/p/river/tasks/new")
    page.get_by_label("Places for contributors").fill("0")
    page.get_by_role("button", name="Post the task").click()
    expect(page.locator(".has-error")).to_have_count(2)
    summary = page.locator(".error-summary")
    expect(summary.get_by_role("link")).to_have_text([
        "Title: This field is required.",
        "Places for contributors: Number must be between 1 and 50."])
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Title")).to_be_focused()
    expect(page.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Title")).to_have_accessible_description(
        "Title: This field is required.")
    site.shoot(page, "task-form-errors")

    # A full task offers its waitlist; joining it with no note is an error.
    page.goto(f"/p/river/tasks/{busy_river.full_id}")
    expect(page.locator("#place-heading + p")).to_contain_text("This task is full")
    expect(page.locator(".overdue")).to_have_text("(overdue)")
    site.shoot(page, "task-full-waitlist", phone=True)
    page.get_by_role("button", name="Join the waitlist").click()
    expect(page.locator(".error")).to_contain_text("Say in a line why you qualify.")
    page.get_by_label("Why you qualify").fill("GIS for the model's inputs")
    page.get_by_role("button", name="Join the waitlist").click()
    expect(flash(page)).to_have_text(
        "You are on the waitlist. You will get the next free place.")
    site.shoot(page, "task-waitlisted")

    page.get_by_role("link", name="Groups").click()
    expect(page.locator(".group-list li")).to_have_count(1)
    site.shoot(page, "groups", phone=True)
    page.get_by_role("link", name="Flood resilience").click()
    expect(page.locator("section[aria-labelledby=gmembers-heading] li")).to_have_count(2)
    site.shoot(page, "group", phone=True)
    page.goto("/p/river/groups/new")
    page.get_by_role("button", name="Create the group").click()
    expect(page.locator(".error")).to_have_text("Name: This field is required.")
    site.shoot(page, "group-form-errors")

    page.get_by_role("link", name="People").click()
    expect(page.locator(".member-list > li")).to_have_count(3)
    site.shoot(page, "people", phone=True)
    page.goto(f"/p/river/members/{busy_river.ben_id}")
    expect(page.locator(".bio")).to_have_text("Hydrologist; I run river models.")
    site.shoot(page, "profile-other", phone=True)

    page.goto("/p/river/no-such-page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Not Found")
    site.shoot(page, "not-found", phone=True)
    page.goto("/p/river/admin/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Forbidden")
    site.shoot(page, "forbidden")
    log_out(page)

    # The admin pages.
    log_in(page, "ada@example.org")
    page.get_by_role("link", name="Admin", exact=True).click()
    site.shoot(page, "admin-settings", phone=True)
    page.get_by_role("link", name="Organisations").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    site.shoot(page, "admin-organisations", phone=True)
    page.get_by_role("link", name="Delta University").click()
    site.shoot(page, "admin-organisation")
    page.get_by_role("link", name="Members and roles").click()
    expect(page.locator("tbody tr")).to_have_count(3)
    page.get_by_label("Organisation of Anna").select_option(label="Delta Water Board")
    page.locator("tbody tr", has_text="Anna").get_by_role("button", name="Save").click()
    expect(flash(page)).to_have_text("Saved anna: member, Delta Water Board.")
    expect(page.get_by_label("Organisation of Anna")).to_have_value(str(busy_river.board_id))
    site.shoot(page, "admin-members", phone=True)
    page.get_by_role("link", name="Invitations").click()
    page.get_by_label("Email").fill("newcomer@example.org")
    page.get_by_role("button", name="Send invitation").click()
    expect(flash(page)).to_have_text("Invitation sent to newcomer@example.org.")
    site.shoot(page, "admin-invitations", phone=True)
    page.get_by_role("link", name="Import CSV").click()
    page.get_by_label("Members CSV").set_input_files(files=[{
        "name": "people.csv", "mimeType": "text/csv",
        "buffer": b"email,name,organization,sector,tags,bio\n"
                  b"cy@example.org,Cy,Delta University,academia,gis;ecology,\n"
                  b"not-an-email,Dee,,business,,\n"}])
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#report-heading")).to_have_text("Nothing was imported")
    site.shoot(page, "admin-import-report", phone=True)


def test_account_page_changes_the_password_and_lists_sessions(site, busy_river):
    site.number = 80
    page = site.new_page()
    log_in(page, "anna@example.org")
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", name="Where I am logged in")).to_be_visible()
    expect(page.get_by_text("This browser")).to_be_visible()
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password").fill("aaaaaaaaaaaa")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".error-summary")).to_contain_text("easy to guess")
    site.shoot(page, "account-errors", phone=True)
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password").fill("heron kettle dune")
    page.get_by_role("button", name="Change password").click()
    expect(flash(page)).to_have_text(
        "Your password is changed. Every other browser is logged out.")


def test_api_tokens_are_made_shown_once_and_revoked(site, river):
    site.number = 110
    page = site.new_page()
    log_in(page, "ben@example.org")
    page.goto("/account/")
    page.get_by_role("link", name="My API tokens").click()
    page.get_by_label("Name").fill("Flood dashboard")
    page.get_by_label("Read tasks, comments, work logs, members, groups and the knowledge "
                      "map").check()
    page.get_by_label("A year").check()
    page.get_by_role("button", name="Make token").click()
    secret = page.locator("#token-secret").inner_text()
    assert secret.startswith("pold_")
    expect(page.get_by_text("Copy it now: it is shown only this once.")).to_be_visible()
    site.shoot(page, "api-token-made", phone=True)
    page.goto("/account/tokens/")
    expect(page.locator("#token-secret")).to_have_count(0)
    expect(page.get_by_text("never used")).to_be_visible()
    page.get_by_role("button", name="Revoke “Flood dashboard”").click()
    page.get_by_role("button", name="Yes, revoke it").click()
    expect(flash(page)).to_have_text(
        "Token revoked: programs using it are refused from now on.")
    expect(page.get_by_text("No tokens yet.")).to_be_visible()


def test_the_api_reference_page(site, river):
    site.number = 112
    page = site.new_page()
    page.goto("/api/v1/docs")
    expect(page.get_by_role("heading", name="Polder API v1")).to_be_visible()
    expect(page.get_by_role("link", name="openapi.json")).to_be_visible()
    site.shoot(page, "api-reference", phone=True)


def test_admins_add_a_webhook_and_see_its_deliveries(site, river, app):
    from coordinator.services import webhooks

    site.number = 114
    page = site.new_page()
    log_in(page, "ada@example.org")
    page.goto("/p/river/admin/webhooks")
    page.locator("#url").fill("http://127.0.0.1:9/hooks")
    page.get_by_label("Alerts opened (and reopened)").check()
    page.get_by_role("button", name="Add webhook").click()
    expect(page.locator("#webhook-secret")).to_contain_text("whsec_")
    with app.app_context():
        hook = webhooks.of_partnership(river.partnership.id)[0]
        webhooks.emit(river.partnership.id, "task.created", {"task": {"id": 1}})
        db.session.commit()
        webhooks.deliver_due(river.partnership.id)  # nobody listens on port 9
        assert hook.events == ["alert.opened", "task.completed", "task.created"]
    page.goto("/p/river/admin/webhooks")
    expect(page.get_by_text("could not reach the receiver")).to_be_visible()
    site.shoot(page, "webhooks", phone=True)
