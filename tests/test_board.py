"""The board, task forms, profile, groups and activities through the client."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from coordinator.extensions import db
from coordinator.models import (
    Event,
    JointActivity,
    Membership,
    Tag,
    Task,
    WaitlistEntry,
    WorkingGroup,
    WorkLog,
)
from coordinator.services import joining
from coordinator.services import tasks as task_service


@pytest.fixture
def world(make):
    partnership = make.partnership(slug="river")
    me = make.member(partnership, email="me@example.org", name="Mira", tags=("gis", "hydrology"))
    other = make.member(partnership, email="o@example.org", name="Otto", tags=("law",))
    group = WorkingGroup(partnership_id=partnership.id, name="Floods")
    db.session.add(group)
    db.session.flush()
    tasks = {
        "both": make.task(other, title="Flood map", tags=["gis", "hydrology"],
                          due_on=date(2027, 3, 1), working_group_id=group.id),
        "one": make.task(other, title="Gauge survey", tags=["hydrology", "law"],
                         due_on=date(2027, 1, 1)),
        "none": make.task(other, title="Draft by-law", tags=["law"]),
        "mine": make.task(me, title="Sensor wiki", description="Document **sensors**"),
    }
    full = make.task(other, title="Full workshop", capacity=1, tags=["gis"])
    joining.join_task(full, make.member(partnership), "x")
    done = make.task(other, title="Old report")
    done.status = "done"
    tasks.update(full=full, done=done)
    make.commit()
    return {"partnership": partnership, "me": me, "other": other, "group": group, **tasks}


def _titles(response) -> list[str]:
    import re

    return re.findall(r'<h3><a href="/p/river/tasks/\d+">([^<]+)</a>', response.text)


def test_board_sorts_by_fit_to_my_knowledge(client, auth, world):
    auth.login("me@example.org")
    titles = _titles(client.get("/p/river/tasks"))
    # Tasks I could join, by fit; then the full one and my own, by fit too.
    assert titles == ["Flood map", "Gauge survey", "Draft by-law", "Full workshop",
                      "Sensor wiki"]
    assert "Old report" not in titles  # done tasks are not joinable


def test_fit_sort_puts_tasks_i_am_on_or_waiting_for_after_those_i_could_join(
        client, auth, make, world):
    me, other = world["me"], world["other"]
    joined = make.task(other, title="Joined gauges", tags=["gis", "hydrology"], capacity=5)
    joining.join_task(joined, me, "x")
    waiting = make.task(other, title="Waiting gauges", tags=["gis", "hydrology"], capacity=5)
    # A place freed but not yet handed on: room, yet I am still in the queue.
    db.session.add(WaitlistEntry(task_id=waiting.id, membership_id=me.id))
    make.commit()
    auth.login("me@example.org")
    titles = _titles(client.get("/p/river/tasks"))
    assert titles == ["Flood map", "Gauge survey", "Draft by-law",
                      "Waiting gauges", "Joined gauges", "Full workshop", "Sensor wiki"]


@pytest.mark.parametrize("query, expected", [
    ("?sort=due", ["Gauge survey", "Flood map"]),
    ("?tag=law", ["Gauge survey", "Draft by-law"]),
    ("?tag=LAW", ["Gauge survey", "Draft by-law"]),
    ("?room=1&tag=gis", ["Flood map"]),
    ("?mine=1", ["Sensor wiki"]),
    ("?q=sensors", ["Sensor wiki"]),
    ("?q=%25", []),
    ("?status=done", ["Old report"]),
    ("?sort=newest&status=all", ["Old report", "Full workshop", "Sensor wiki", "Draft by-law",
                                 "Gauge survey", "Flood map"]),
    ("?status=nonsense&sort=nonsense", None),
])
def test_board_filters(client, auth, world, query, expected):
    auth.login("me@example.org")
    response = client.get("/p/river/tasks" + query)
    assert response.status_code == 200
    titles = _titles(response)
    if expected is None:
        assert len(titles) == 5
    elif query == "?sort=due":
        assert titles[:2] == expected
    else:
        assert titles == expected


def test_board_filters_by_working_group(client, auth, world):
    auth.login("me@example.org")
    titles = _titles(client.get(f"/p/river/tasks?group={world['group'].id}"))
    assert titles == ["Flood map"]


def test_board_paginates(client, auth, make, world, app):
    app.config["BOARD_PAGE_SIZE"] = 2
    auth.login("me@example.org")
    first = client.get("/p/river/tasks?sort=newest")
    assert len(_titles(first)) == 2
    assert "Page 1 of 3" in first.text
    third = client.get("/p/river/tasks?sort=newest&page=3")
    assert len(_titles(third)) == 1
    assert client.get("/p/river/tasks?page=99").status_code == 200


def test_post_a_task_with_errors_keeps_input(client, auth, world):
    auth.login("me@example.org")
    response = client.post("/p/river/tasks/new", data={
        "title": "Rain gardens", "description": "Plant *them*", "tags": "Rain, <b>",
        "capacity": "99", "join_policy": "open", "working_group_id": "0"})
    assert response.status_code == 200
    assert "Places for contributors: Number must be between 1 and 50." in response.text
    assert "may use letters, digits" in response.text
    assert 'value="Rain gardens"' in response.text
    assert "Plant *them*" in response.text
    assert db.session.scalar(select(func.count()).where(Task.title == "Rain gardens")) == 0

    response = client.post("/p/river/tasks/new", data={
        "title": "Rain gardens", "description": "Plant *them*", "tags": " Rain Gardens, GIS,gis",
        "capacity": "4", "due_on": "2027-05-01", "effort_hours": "12", "join_policy": "approval",
        "working_group_id": str(world["group"].id)})
    assert response.status_code == 302
    task = db.session.scalar(select(Task).where(Task.title == "Rain gardens"))
    assert task.tag_names == ["gis", "rain gardens"]
    assert (task.capacity, task.join_policy, task.due_on) == (4, "approval", date(2027, 5, 1))
    assert task.description_html == "<p>Plant <em>them</em></p>"
    assert db.session.scalar(select(func.count()).select_from(Tag).where(
        Tag.name == "gis")) == 1
    page = client.get(response.headers["Location"])
    assert "<em>them</em>" in page.text


def test_foreign_working_group_is_a_404(client, auth, make, world):
    other = make.partnership(slug="elsewhere")
    foreign = WorkingGroup(partnership_id=other.id, name="Theirs")
    db.session.add(foreign)
    make.commit()
    auth.login("me@example.org")
    response = client.post("/p/river/tasks/new", data={
        "title": "Sneaky", "capacity": "2", "join_policy": "open",
        "working_group_id": str(foreign.id)})
    assert response.status_code in (200, 404)
    assert db.session.scalar(select(func.count()).where(Task.title == "Sneaky")) == 0


def test_only_the_initiator_edits(client, auth, world):
    auth.login("me@example.org")
    response = client.post(f"/p/river/tasks/{world['none'].id}/edit", data={
        "title": "Hijacked", "capacity": "3", "join_policy": "open", "working_group_id": "0"})
    assert response.status_code == 403  # probe 12: a 302 with a flash hid the refusal
    assert "initiator can edit it" in response.text
    assert client.get(f"/p/river/tasks/{world['none'].id}/edit").status_code == 403
    db.session.expire_all()
    assert db.session.get(Task, world["none"].id).title == "Draft by-law"


def test_profile_tags_are_normalised(client, auth, world):
    auth.login("me@example.org")
    response = client.post("/p/river/profile", data={
        "name": "Mira M.", "tags": "  Flood   Modelling, GIS ,flood modelling", "bio": "Hydro"})
    assert response.status_code == 302
    member = db.session.get(Membership, world["me"].id)
    assert member.tag_names == ["flood modelling", "gis"]
    assert member.user.name == "Mira M."
    assert "flood modelling" in client.get("/p/river/profile").text
    kinds = db.session.scalars(select(Event.kind).where(Event.subject_id == member.id)).all()
    assert "profile_updated" in kinds


def test_my_work_lists_started_joined_requested_waitlisted(client, auth, make, world):
    me = world["me"]
    joining.join_task(world["both"], me, "GIS is my thing")
    joining.join_or_wait(world["full"], me, "waiting")
    approval = make.task(world["other"], title="Approval only", join_policy="approval")
    joining.request_to_join(approval, me, "please")
    make.commit()
    auth.login("me@example.org")
    page = client.get("/p/river/my-work").text
    for title in ("Sensor wiki", "Flood map", "Approval only", "Full workshop"):
        assert title in page


def test_log_work_and_record_a_meeting(client, auth, world):
    task = world["mine"]
    auth.login("me@example.org")
    bad = client.post(f"/p/river/tasks/{task.id}/work", data={"hours": "30",
                                                             "worked_on": "2026-11-20"})
    assert bad.status_code == 422
    assert "Hours: Number must be between 0.25 and 24." in bad.text
    ok = client.post(f"/p/river/tasks/{task.id}/work", data={"hours": "2.5",
                                                            "worked_on": "2026-11-20",
                                                            "note": "Wrote the intro"})
    assert ok.status_code == 302
    assert db.session.scalar(select(func.sum(WorkLog.hours))) == 2.5
    not_on_team = client.post(f"/p/river/tasks/{world['none'].id}/work",
                              data={"hours": "1", "worked_on": "2026-11-20"},
                              follow_redirects=True)
    assert "Join the task before logging work on it." in not_on_team.text

    response = client.post("/p/river/activities/new", data={
        "kind": "workshop", "title": "Kick-off", "occurred_at": "2026-11-21T10:00",
        "duration_minutes": "90", "link": f"group:{world['group'].id}",
        "attendee_ids": [str(world["other"].id)]})
    assert response.status_code == 302
    activity = db.session.scalar(select(JointActivity))
    assert activity.working_group_id == world["group"].id
    assert sorted(m.id for m in activity.attendees) == sorted([world["me"].id,
                                                               world["other"].id])
    assert activity.person_hours == 3.0
    assert "Kick-off" in client.get(response.headers["Location"]).text
    assert "Kick-off" in client.get(f"/p/river/groups/{world['group'].id}").text


def test_comment_is_rendered_and_sanitised(client, auth, world):
    auth.login("me@example.org")
    task = world["both"]
    client.post(f"/p/river/tasks/{task.id}/comments",
                data={"body": "Use **this** <script>alert(1)</script>"})
    page = client.get(f"/p/river/tasks/{task.id}").text
    assert "<strong>this</strong>" in page
    assert "<script>alert(1)" not in page
    empty = client.post(f"/p/river/tasks/{task.id}/comments", data={"body": "  "})
    assert empty.status_code == 422


def test_working_groups_create_join_leave(client, auth, world):
    auth.login("o@example.org")
    response = client.post("/p/river/groups/new", data={"name": "Drought", "description": "d"})
    assert response.status_code == 302
    duplicate = client.post("/p/river/groups/new", data={"name": "Drought"})
    assert "A working group with this name exists." in duplicate.text
    group = db.session.scalar(select(WorkingGroup).where(WorkingGroup.name == "Drought"))
    auth.logout()
    auth.login("me@example.org")
    client.post(f"/p/river/groups/{group.id}/join")
    page = client.get(f"/p/river/groups/{group.id}").text
    assert "Mira" in page and "Leave the group" in page
    client.post(f"/p/river/groups/{group.id}/leave")
    kinds = db.session.scalars(select(Event.kind).where(Event.working_group_id == group.id)
                               .order_by(Event.id)).all()
    assert kinds == ["group_joined", "group_joined", "group_left"]
    assert "Drought" in client.get("/p/river/groups/").text


def test_member_directory_and_profile(client, auth, world):
    auth.login("me@example.org")
    assert "Otto" in client.get("/p/river/members?tag=law").text
    assert "Otto" not in client.get("/p/river/members?tag=gis").text
    assert "Mira" in client.get(f"/p/river/members/{world['me'].id}").text


def test_pages_need_login(client, world):
    response = client.get("/p/river/tasks")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_an_outcome_note_is_markdown_like_the_description(client, auth, make):
    partnership = make.partnership(slug="notes")
    author = make.member(partnership, email="a@example.org")
    task = make.task(author)
    make.commit()
    task_service.complete_task(task, author, "**Done**: see [the report](https://example.org/r)")
    make.commit()
    auth.login("a@example.org")
    page = client.get(f"/p/notes/tasks/{task.id}").get_data(as_text=True)
    assert "<strong>Done</strong>" in page and 'href="https://example.org/r"' in page
    assert "**Done**" not in page


def test_overdue_tasks_are_marked_on_the_board(client, auth, make):
    partnership = make.partnership(slug="late")
    author = make.member(partnership, email="late@example.org")
    make.task(author, title="Late one", due_on=date.today() - timedelta(days=2))
    make.task(author, title="On time", due_on=date.today() + timedelta(days=2))
    make.commit()
    auth.login("late@example.org")
    page = client.get("/p/late/tasks?sort=due").get_data(as_text=True)
    late, on_time = page.index("Late one"), page.index("On time")
    assert page.count("(overdue)") == 1
    assert late < page.index("(overdue)") < on_time


def test_the_board_lets_a_keyboard_skip_the_filters(client, auth, world):
    auth.login("me@example.org")
    page = client.get("/p/river/tasks").get_data(as_text=True)
    skip = page.index('href="#results-heading"')
    assert skip < page.index('id="q"')  # before the first filter field
    assert 'id="results-heading"' in page and 'tabindex="-1"' in page
