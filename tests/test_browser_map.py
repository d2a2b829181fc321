"""The knowledge map in a real browser: a coordinator reads it, recomputes, follows links."""

import re

import pytest
from playwright.sync_api import expect, sync_playwright

from coordinator.extensions import db
from coordinator.models import Partnership
from coordinator.services.knowledge import compute as knowledge
from tests.browser import CHROMIUM, CHROMIUM_ARGS, Browsing, live_server, require_chromium
from tests.factories import Factory

pytestmark = pytest.mark.browser

CLUSTERS = {
    "hydro": ("hydrology", "flood modelling", "gis"),
    "law": ("water law", "regulation", "policy"),
    "people": ("community engagement", "public health", "outreach"),
}


@pytest.fixture
def mapped(app, make):
    partnership = make.partnership(slug="river", name="River Delta Partnership")
    coordinator = make.member(partnership, role="coordinator", email="cora@example.org",
                              name="Cora Coordinator", tags=CLUSTERS["hydro"][:2])
    members = [make.member(partnership, email=f"{name}{n}@example.org",
                           name=f"{name.title()} {n}", tags=(tags[n % 3], tags[(n + 1) % 3]))
               for name, tags in CLUSTERS.items() for n in range(4)]
    task = make.task(coordinator, title="Map the floodplain", capacity=4)
    from coordinator.services.joining import join_task

    join_task(task, members[4], "I know the law on floodplains")
    join_task(task, members[8], "I can talk to residents")
    make.commit()
    knowledge.recompute(db.session.get(Partnership, partnership.id), force=True)
    make.commit()
    return partnership


def test_coordinator_reads_the_knowledge_map(app, mapped):
    require_chromium()
    app.config["WTF_CSRF_ENABLED"] = True
    with sync_playwright() as playwright, live_server(app) as base_url:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        site = Browsing(browser, base_url, first=70)
        page = site.new_page()
        page.goto("/login")
        page.get_by_label("Email").fill("cora@example.org")
        page.get_by_label("Password").fill(Factory.PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("link", name="Knowledge map").click()
        expect(page.get_by_role("heading", name="Knowledge map")).to_be_visible()
        expect(page.get_by_text("3 clusters")).to_be_visible()
        expect(page.locator("svg.cluster-map circle")).to_have_count(3)
        # One team holds a member of each cluster: every pair of clusters is tied.
        expect(page.locator("svg.cluster-map line")).to_have_count(3)
        site.shoot(page, "knowledge-map", phone=True)

        page.get_by_role("button", name="Recompute now").click()
        expect(page.locator(".flash")).to_have_text("Knowledge map recomputed.")
        expect(page.locator(".badge.run-succeeded")).to_be_visible()

        page.locator("table").get_by_role("link", name=re.compile(r"#\d+ .*water law")).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("water law")
        expect(page.locator(".member-list > li")).to_have_count(4)
        site.shoot(page, "cluster")

        page.get_by_role("link", name="Law 0").click()
        expect(page.get_by_text("Nearest colleagues by knowledge")).to_be_visible()
        site.shoot(page, "profile-with-cluster")

        page.goto("/p/river/knowledge/")
        page.get_by_label("Who knows…").fill("Regulation")
        page.get_by_role("button", name="Find people").click()
        expect(page.locator("ol.ranked > li")).to_have_count(3)  # law members 0, 1 and 3
        site.shoot(page, "who-knows", phone=True)
        browser.close()
    assert site.foreign == []
