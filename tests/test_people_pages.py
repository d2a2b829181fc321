"""The member lists at scale: Admin → Members and People search, filter and page; the
activity form finds attendees by name, with and without script."""

import json
import re

import pytest
from sqlalchemy import func, select

from coordinator.extensions import db
from coordinator.models import JointActivity
from coordinator.services import directory
from tests.queries import counted_queries


@pytest.fixture
def world(make):
    p = make.partnership(slug="big")
    delta = make.organisation(p, name="Delta Water Board", sector="government")
    friends = make.organisation(p, name="River Friends", sector="civil_society")
    admin = make.member(p, role="admin", email="ada@example.org", name="Ada Admin",
                        organisation=delta)
    anna = make.member(p, email="anna.berg@example.org", name="Anna Berg", organisation=delta,
                       tags=("gis",))
    otto = make.member(p, email="otto@example.org", name="Otto Brand", organisation=friends)
    cora = make.member(p, role="coordinator", email="cora@delta.example", name="Cora Zee",
                       organisation=friends)
    bold = make.member(p, email="bold@example.org", name="Bea <b>Bold</b> 100%")
    other = make.partnership(slug="other")
    outsider = make.member(other, email="anna.other@example.org", name="Anna Outsider")
    make.member(other, email="otto.outsider@example.org", name="Otto Outsider")
    task = make.task(otto, title="Gauge survey", capacity=5)
    make.commit()
    return {"p": p, "delta": delta, "friends": friends, "admin": admin, "anna": anna,
            "otto": otto, "cora": cora, "bold": bold, "outsider": outsider, "task": task}


def _admin_names(response) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/p/big/members/\d+">([^<]*)</a></th>',
                      response.text)


def _people_names(response) -> list[str]:
    return re.findall(r'<h2 class="h3"><a href="/p/big/members/\d+">([^<]*)</a></h2>',
                      response.text)


def _fillers(make, world, n: int, **fields):
    for i in range(n):
        make.member(world["p"], name=f"Filler {i:03d}", **fields)
    make.commit()


@pytest.mark.parametrize("query, expected", [
    ("", ["Ada Admin", "Anna Berg", "Bea &lt;b&gt;Bold&lt;/b&gt; 100%", "Cora Zee",
          "Otto Brand"]),
    ("?q=ANNA", ["Anna Berg"]),
    ("?q=delta.example", ["Cora Zee"]),  # the email, for admins
    ("?q=%25", ["Bea &lt;b&gt;Bold&lt;/b&gt; 100%"]),  # % is a character, not a wildcard
    ("?q=_", []),
    ("?role=coordinator", ["Cora Zee"]),
    ("?org={delta}", ["Ada Admin", "Anna Berg"]),
    ("?org=0", ["Bea &lt;b&gt;Bold&lt;/b&gt; 100%"]),
    ("?org={friends}&role=member", ["Otto Brand"]),
    ("?q=outsider", []),  # another partnership's members never appear
])
def test_admin_members_search_and_filters(client, auth, world, query, expected):
    auth.login("ada@example.org")
    url = "/p/big/admin/members" + query.format(delta=world["delta"].id,
                                               friends=world["friends"].id)
    response = client.get(url)
    assert response.status_code == 200
    assert _admin_names(response) == expected


def test_admin_members_pages_keep_the_search_and_filters(client, auth, make, world):
    _fillers(make, world, 55, organisation=world["delta"])
    auth.login("ada@example.org")
    first = client.get(f"/p/big/admin/members?org={world['delta'].id}&q=fill")
    assert len(_admin_names(first)) == 50
    assert "Page 1 of 2 (55 in all)" in first.text
    next_link = re.search(r'<a rel="next" href="([^"]+)"', first.text).group(1)
    assert next_link == f"/p/big/admin/members?org={world['delta'].id}&amp;q=fill&amp;page=2"
    second = client.get(next_link.replace("&amp;", "&"))
    assert _admin_names(second) == [f"Filler {i:03d}" for i in range(50, 55)]


def test_saving_a_member_returns_to_the_same_list_at_their_row(client, auth, make, world):
    _fillers(make, world, 55)
    auth.login("ada@example.org")
    otto = world["otto"]
    # q matches emails too, so all 58 members are found; Otto is on the second page.
    page = client.get("/p/big/admin/members?q=o&role=member&page=2").text
    action = re.search(rf'action="(/p/big/admin/members/{otto.id}\?[^"]*)"', page).group(1)
    assert action == f"/p/big/admin/members/{otto.id}?q=o&amp;role=member&amp;page=2"
    saved = client.post(action.replace("&amp;", "&"), data={
        "role": "coordinator", "organisation_id": str(world["delta"].id)})
    assert saved.status_code == 302
    assert saved.headers["Location"] == (
        f"/p/big/admin/members?q=o&role=member&page=2#member-{otto.id}")
    assert (otto.role, otto.organisation_id) == ("member", world["friends"].id)
    db.session.refresh(otto)
    assert (otto.role, otto.organisation_id) == ("coordinator", world["delta"].id)
    # A refused save goes back to the same place too, with the reason.
    refused = client.post(f"/p/big/admin/members/{world['admin'].id}?q=ada&page=1",
                          data={"role": "member", "organisation_id": "0"},
                          follow_redirects=False)
    assert refused.headers["Location"] == (
        f"/p/big/admin/members?q=ada&page=1#member-{world['admin'].id}")
    assert "needs at least one admin" in client.get(refused.headers["Location"]).text
    assert f'id="member-{otto.id}"' in client.get("/p/big/admin/members?q=otto").text


@pytest.mark.parametrize("query, status, message", [
    ("?page=abc", 400, "must be a whole number"),
    ("?page=-1", 400, "must be between 1 and"),
    ("?page=0", 400, "must be between 1 and"),
    ("?page=99999999999999999999", 400, "must be between 1 and"),
    ("?org=abc", 400, "must be a whole number"),
    ("?role=owner", 400, "Choose a role"),
    ("?sector=pirates", 400, "Choose one of the listed sectors"),
    ("?page=2147483647", 200, "There is no page 2147483647: the list has 1 page."),
    ("?page=7&q=nobody-at-all", 200, "Nobody matches."),
])
@pytest.mark.parametrize("base", ["/p/big/admin/members", "/p/big/members"])
def test_bad_list_parameters_get_a_clear_answer(client, auth, world, base, query, status,
                                                message):
    auth.login("ada@example.org")
    if "role=" in query and base == "/p/big/members":
        status, message = 400, "Choose a role"  # the same filters mean the same on both
    response = client.get(base + query)
    assert response.status_code == status
    assert message in response.text


@pytest.mark.parametrize("query, expected", [
    ("", ["Ada Admin", "Anna Berg", "Bea &lt;b&gt;Bold&lt;/b&gt; 100%", "Cora Zee",
          "Otto Brand"]),
    ("?q=anna", ["Anna Berg"]),
    ("?q=delta.example", []),  # People searches names only: emails stay private
    ("?org={friends}", ["Cora Zee", "Otto Brand"]),
    ("?sector=government", ["Ada Admin", "Anna Berg"]),
    ("?sector=academia", []),
    ("?tag=GIS", ["Anna Berg"]),
    ("?q=o&sector=civil_society", ["Cora Zee", "Otto Brand"]),
    ("?q=outsider", []),
])
def test_people_page_search_and_filters(client, auth, world, query, expected):
    auth.login("otto@example.org")
    response = client.get("/p/big/members" + query.format(friends=world["friends"].id))
    assert response.status_code == 200
    assert _people_names(response) == expected


def test_people_page_pages_keep_the_filters(client, auth, make, world):
    _fillers(make, world, 35, organisation=world["friends"])
    auth.login("otto@example.org")
    first = client.get("/p/big/members?sector=civil_society")
    assert "Page 1 of 2 (37 in all)" in first.text
    assert 'href="/p/big/members?sector=civil_society&amp;page=2"' in first.text
    second = client.get("/p/big/members?sector=civil_society&page=2")
    assert _people_names(second) == [f"Filler {i:03d}" for i in range(29, 35)] + [
        "Otto Brand"]


def test_search_text_is_shown_back_escaped(client, auth, world):
    auth.login("ada@example.org")
    for base in ("/p/big/admin/members", "/p/big/members"):
        page = client.get(base + '?q="><script>alert(1)</script>').text
        assert "<script>alert(1)" not in page
        assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page


# --- The activity form's attendees ----------------------------------------------------


def _form(world, **extra) -> dict:
    return {"kind": "meeting", "title": "Kick-off <river>", "occurred_at": "2026-11-21T10:00",
            "duration_minutes": "75", "link": f"task:{world['task'].id}", **extra}


def _checkboxes(html: str) -> dict[int, bool]:
    """Attendee checkboxes on the page: id -> checked."""
    found = {}
    for tag in re.findall(r'<input type="checkbox" name="attendee_ids"[^>]*>', html):
        found[int(re.search(r'value="(\d+)"', tag).group(1))] = " checked" in tag
    return found


def test_the_task_team_is_offered_first(client, auth, world):
    auth.login("anna.berg@example.org")
    page = client.get(f"/p/big/activities/new?link=task:{world['task'].id}").text
    assert _checkboxes(page) == {world["otto"].id: False}  # the team; not me, nobody else
    assert "On the task" in page


def test_finding_attendees_without_script_keeps_what_was_typed(client, auth, world):
    auth.login("anna.berg@example.org")
    found = client.post("/p/big/activities/new", data=_form(
        world, attendee_ids=[str(world["cora"].id)], attendee_q="a", find="1"))
    assert found.status_code == 200
    page = found.text
    # Everything typed is back: the fields, the search, the one already ticked.
    assert 'value="Kick-off &lt;river&gt;"' in page and 'value="75"' in page
    assert 'value="2026-11-21T10:00"' in page
    assert 'name="attendee_q" type="search" value="a"' in page
    assert f'<option selected value="task:{world["task"].id}">' in page
    boxes = _checkboxes(page)
    # Chosen (ticked), the team, then the matches; never me, never another partnership.
    assert boxes == {world["cora"].id: True, world["otto"].id: False,
                     world["admin"].id: False, world["bold"].id: False}
    assert world["outsider"].id not in boxes and world["anna"].id not in boxes
    assert "Matching “a”" in page
    assert db.session.scalar(select(func.count()).select_from(JointActivity)) == 0

    recorded = client.post("/p/big/activities/new", data=_form(
        world, attendee_ids=[str(world["cora"].id), str(world["admin"].id)],
        attendee_q="a"))
    assert recorded.status_code == 302
    activity = db.session.scalar(select(JointActivity))
    assert sorted(m.id for m in activity.attendees) == sorted(
        [world["anna"].id, world["cora"].id, world["admin"].id])


def test_finding_nobody_says_so_and_keeps_the_ticked(client, auth, world):
    auth.login("anna.berg@example.org")
    page = client.post("/p/big/activities/new", data=_form(
        world, attendee_ids=[str(world["cora"].id)], attendee_q="<zz>", find="1")).text
    assert "Nobody else's name holds “&lt;zz&gt;”." in page
    assert _checkboxes(page) == {world["cora"].id: True, world["otto"].id: False}


def test_another_partnerships_attendee_is_refused_and_not_shown(client, auth, world):
    auth.login("anna.berg@example.org")
    response = client.post("/p/big/activities/new", data=_form(
        world, attendee_ids=[str(world["outsider"].id)]))
    assert response.status_code == 200
    assert "Anna Outsider" not in response.text
    assert world["outsider"].id not in _checkboxes(response.text)
    assert db.session.scalar(select(func.count()).select_from(JointActivity)) == 0


def test_the_attendee_search_endpoint(client, auth, world):
    auth.login("anna.berg@example.org")
    url = "/p/big/activities/attendees"
    found = client.get(f"{url}?q=o")
    assert found.status_code == 200 and found.mimetype == "application/json"
    names = [m["name"] for m in found.json["matches"]]
    assert names == ["Bea <b>Bold</b> 100%", "Cora Zee", "Otto Brand"]  # not Anna (me)
    # Data, never a page: a browser does not sniff it as HTML; the script sets textContent.
    assert found.headers["X-Content-Type-Options"] == "nosniff"
    assert found.json["matches"][1] == {"id": world["cora"].id, "name": "Cora Zee",
                                        "organisation": "River Friends"}
    assert client.get(f"{url}?q=outsider").json == {"team": [], "matches": []}
    team = client.get(f"{url}?link=task:{world['task'].id}").json
    assert [m["name"] for m in team["team"]] == ["Otto Brand"] and team["matches"] == []
    for nonsense in ("?link=task:abc", "?link=task:99999999999", "?link=x", "?q=%25%25"):
        assert client.get(url + nonsense).json == {"team": [], "matches": []}


def test_the_attendee_search_endpoint_ignores_other_partnerships_tasks(client, auth, make,
                                                                       world):
    foreign = make.task(world["outsider"], title="Theirs")
    make.commit()
    auth.login("anna.berg@example.org")
    assert client.get(f"/p/big/activities/attendees?link=task:{foreign.id}").json["team"] == []
    assert client.get("/p/other/activities/attendees?q=o").status_code == 404


def test_the_attendee_search_needs_a_login(client, world):
    response = client.get("/p/big/activities/attendees?q=o")
    assert response.status_code == 302 and response.location.startswith("/login")


def test_the_attendee_search_is_limited(client, auth, make, world):
    _fillers(make, world, directory.MATCHES + 5)
    auth.login("anna.berg@example.org")
    found = client.get("/p/big/activities/attendees?q=filler").json["matches"]
    assert [m["name"] for m in found] == [f"Filler {i:03d}" for i in range(directory.MATCHES)]


# --- Queries per page do not grow with the partnership ---------------------------------


def _queries(app, client, url: str, data: dict | None = None) -> int:
    with counted_queries(db.engine) as statements:
        response = client.post(url, data=data) if data else client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def test_queries_per_page_stay_the_same_as_the_partnership_grows(app, client, auth, make,
                                                                  world):
    auth.login("ada@example.org")
    delta = world["delta"].id
    pages = [
        ("/p/big/admin/members", None), ("/p/big/admin/members?q=fill", None),
        (f"/p/big/admin/members?org={delta}&role=member", None),
        ("/p/big/admin/members?page=2", None),
        ("/p/big/members", None), ("/p/big/members?q=fill&sector=government", None),
        ("/p/big/members?page=2", None),
        ("/p/big/activities/attendees?q=fill", None),
        ("/p/big/activities/new", _form(world, attendee_ids=[str(world["otto"].id)],
                                        attendee_q="fill", find="1")),
    ]
    # Enough for a second page of each list, then three times as many.
    _fillers(make, world, 55, organisation=world["delta"], tags=("gis",))
    small = [_queries(app, client, url, data) for url, data in pages]
    _fillers(make, world, 120, organisation=world["delta"], tags=("gis", "law"))
    large = [_queries(app, client, url, data) for url, data in pages]
    assert large == small
    assert max(small) <= 12, json.dumps(dict(zip([u for u, _ in pages], small, strict=True)))


def test_lists_sort_by_a_name_key_kept_with_every_membership(app, client, auth, make, world):
    """The sort key follows the user's name on every membership, and folds case and
    accents the same on every database (SQLite's lower() would leave "É" after "z")."""
    from coordinator.models import Membership, User

    emile = make.member(world["p"], name="Émile Zola")
    make.member(world["p"], name="emma Aalto")
    make.commit()
    assert emile.sort_name == "emile zola"
    user = db.session.get(User, emile.user_id)
    user.name = "Ëlla Zola"
    db.session.commit()
    assert db.session.get(Membership, emile.id).sort_name == "ella zola"
    stale = db.session.scalar(select(func.count()).select_from(Membership).join(
        User, User.id == Membership.user_id).where(Membership.sort_name != func.lower(
            User.name), ~User.name.contains("Ë"), ~User.name.contains("É")))
    assert stale == 0
    auth.login("ada@example.org")
    names = re.findall(r'<h2 class="h3"><a href="[^"]+">([^<]+)</a>',
                       client.get("/p/big/members").text)
    assert names.index("Ëlla Zola") < names.index("emma Aalto") < names.index("Otto Brand")


def test_with_many_organisations_a_row_links_to_the_members_own_form(client, auth, make,
                                                                     world):
    """Fifty rows of a thousand organisations each would make the page grow with the
    partnership: past INLINE_ORGANISATIONS a row shows the organisation and a link."""
    from coordinator.web.admin import INLINE_ORGANISATIONS

    for i in range(INLINE_ORGANISATIONS):
        make.organisation(world["p"], name=f"Org {i:03d}", sector="business")
    make.commit()
    auth.login("ada@example.org")
    otto = world["otto"]
    page = client.get("/p/big/admin/members?q=otto").text
    assert f'id="org-{otto.id}"' not in page and page.count("<option") < 60
    assert "River Friends" in page
    link = re.search(rf'href="(/p/big/admin/members/{otto.id}/edit\?q=otto)"', page).group(1)
    form = client.get(link).text
    assert form.count("<option") == 3 + INLINE_ORGANISATIONS + 3  # roles, orgs, none
    action = re.search(r'<form method="post" action="(/p/big/admin/members/[^"]+)"',
                       form).group(1)
    assert action == f"/p/big/admin/members/{otto.id}?q=otto"
    saved = client.post(action, data={"role": "member",
                                      "organisation_id": str(world["delta"].id)})
    assert saved.headers["Location"] == f"/p/big/admin/members?q=otto#member-{otto.id}"
    db.session.refresh(otto)
    assert otto.organisation_id == world["delta"].id
    # The row's own Save keeps the organisation it shows.
    client.post(f"/p/big/admin/members/{otto.id}", data={
        "role": "coordinator", "organisation_id": str(world["delta"].id)})
    db.session.refresh(otto)
    assert (otto.role, otto.organisation_id) == ("coordinator", world["delta"].id)
    assert client.get(f"/p/big/admin/members/{world['outsider'].id}/edit").status_code == 404
