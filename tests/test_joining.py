"""Self-selection through the browser: join, full task, waitlist, requests, leave, hand over."""

import pytest
from sqlalchemy import func, select

from coordinator.errors import InitiatorMustHandOverError
from coordinator.extensions import db
from coordinator.models import Event, JoinRequest, Participation, Task, WaitlistEntry
from coordinator.services import joining
from tests.factories import Factory


@pytest.fixture
def team(make):
    partnership = make.partnership(slug="river")
    initiator = make.member(partnership, email="ini@example.org", name="Ini Tiator",
                            tags=("hydrology",))
    ann = make.member(partnership, email="ann@example.org", name="Ann", tags=("gis",))
    bob = make.member(partnership, email="bob@example.org", name="Bob")
    task = make.task(initiator, title="Map the floodplain", capacity=1, tags=["gis"])
    make.commit()
    return {"partnership": partnership, "initiator": initiator, "ann": ann, "bob": bob,
            "task": task}


def _url(team, suffix=""):
    return f"/p/river/tasks/{team['task'].id}{suffix}"


def test_join_needs_a_note_and_keeps_it_on_error(client, auth, team):
    auth.login("ann@example.org")
    response = client.post(_url(team, "/join"), data={"note": ""})
    assert response.status_code == 422
    assert b"Why you qualify: Say in a line why you qualify." in response.data
    too_long = "x" * 281
    response = client.post(_url(team, "/join"), data={"note": too_long})
    assert response.status_code == 422
    assert too_long.encode() in response.data
    assert db.session.scalar(select(func.count()).select_from(Participation)) == 1


def test_join_then_full_task_offers_the_waitlist(client, auth, team):
    auth.login("ann@example.org")
    response = client.post(_url(team, "/join"), data={"note": "GIS analyst for 8 years"})
    assert response.status_code == 302
    auth.logout()
    auth.login("bob@example.org")
    response = client.post(_url(team, "/join"), data={"note": "I can digitise maps"})
    assert response.status_code == 409
    assert b"This task is full" in response.data
    assert b"Join the waitlist" in response.data
    assert b"I can digitise maps" in response.data  # the note survives for the waitlist form
    response = client.post(_url(team, "/waitlist"), data={"note": "I can digitise maps"})
    assert response.status_code == 302
    page = client.get(_url(team)).data
    assert b"You are number 1 on the waitlist" in page


def test_leaving_promotes_the_first_waiting(client, auth, team):
    task, ann, bob = team["task"], team["ann"], team["bob"]
    joining.join_task(task, ann, "GIS")
    joining.join_or_wait(task, bob, "maps")
    db.session.commit()
    auth.login("ann@example.org")
    assert client.post(_url(team, "/leave"), data={"confirmed": "yes"}).status_code == 302
    db.session.expire_all()
    members = db.session.scalars(select(Participation.membership_id).where(
        Participation.task_id == task.id, Participation.role == "contributor")).all()
    assert members == [bob.id]
    assert db.session.get(Task, task.id).filled == 1
    assert db.session.scalar(select(func.count()).select_from(WaitlistEntry)) == 0
    kinds = db.session.scalars(select(Event.kind).where(Event.task_id == task.id)
                               .order_by(Event.id)).all()
    assert kinds == ["task_created", "joined", "waitlisted", "left", "joined"]


def test_initiator_must_hand_over_before_leaving(client, auth, team):
    task, initiator, ann = team["task"], team["initiator"], team["ann"]
    with pytest.raises(InitiatorMustHandOverError):
        joining.leave_task(task, initiator)
    joining.join_task(task, ann, "GIS")
    db.session.commit()
    auth.login("ini@example.org")
    asked = client.post(_url(team, "/hand-over"), data={"successor": ann.id, "after": "stay"})
    assert asked.status_code == 200 and "Hand “Map the floodplain” over to Ann?" in asked.text
    assert "You stay on the team as a contributor." in asked.text
    db.session.expire_all()
    assert db.session.get(Task, task.id).initiator_id == initiator.id  # nothing until "yes"
    response = client.post(_url(team, "/hand-over"),
                           data={"successor": ann.id, "after": "stay", "confirmed": "yes"})
    assert response.status_code == 302
    db.session.expire_all()
    task = db.session.get(Task, task.id)
    assert task.initiator_id == ann.id
    roles = dict(db.session.execute(select(Participation.membership_id, Participation.role)
                                    .where(Participation.task_id == task.id)).all())
    assert roles == {ann.id: "initiator", initiator.id: "contributor"}
    assert task.filled == 1
    page = client.get(_url(team)).text
    assert "Started by" in page and "led by" in page  # Ini started it; Ann leads it now
    assert client.post(_url(team, "/leave"), data={"confirmed": "yes"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Task, task.id).filled == 0


def test_hand_over_to_an_outsider_is_refused(client, auth, team):
    auth.login("ini@example.org")
    response = client.post(_url(team, "/hand-over"), data={"successor": team["bob"].id})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Task, team["task"].id).initiator_id == team["initiator"].id


def test_approval_request_accept_and_decline(client, auth, make, team):
    task = make.task(team["initiator"], title="Draft the by-law", capacity=2,
                     join_policy="approval")
    make.commit()
    for email, note in (("ann@example.org", "water lawyer"), ("bob@example.org", "curious")):
        auth.login(email)
        response = client.post(f"/p/river/tasks/{task.id}/join", data={"note": note})
        assert response.status_code == 302
        auth.logout()
    requests = {r.membership_id: r for r in db.session.scalars(select(JoinRequest))}
    assert {r.status for r in requests.values()} == {"pending"}
    auth.login("ini@example.org")
    page = client.get(f"/p/river/tasks/{task.id}").data
    assert b"water lawyer" in page and b"Requests to join" in page
    ann_request = requests[team["ann"].id]
    bob_request = requests[team["bob"].id]
    client.post(f"/p/river/tasks/{task.id}/requests/{ann_request.id}/accept")
    client.post(f"/p/river/tasks/{task.id}/requests/{bob_request.id}/decline",
                data={"reason": "We need legal drafting experience"})
    db.session.expire_all()
    assert db.session.get(JoinRequest, ann_request.id).status == "accepted"
    declined = db.session.get(JoinRequest, bob_request.id)
    assert (declined.status, declined.reason) == ("declined", "We need legal drafting experience")
    assert db.session.get(Task, task.id).filled == 1
    again = client.post(f"/p/river/tasks/{task.id}/requests/{ann_request.id}/accept")
    assert again.status_code == 302
    assert db.session.get(Task, task.id).filled == 1


def test_only_the_initiator_decides_requests(client, auth, make, team):
    task = make.task(team["initiator"], capacity=2, join_policy="approval")
    request = joining.request_to_join(task, team["ann"], "me")
    make.commit()
    auth.login("bob@example.org")
    client.post(f"/p/river/tasks/{task.id}/requests/{request.id}/accept")
    db.session.expire_all()
    assert db.session.get(JoinRequest, request.id).status == "pending"


def test_raising_capacity_promotes_from_the_waitlist(client, auth, team):
    task, ann, bob = team["task"], team["ann"], team["bob"]
    joining.join_task(task, ann, "GIS")
    joining.join_or_wait(task, bob, "maps")
    db.session.commit()
    auth.login("ini@example.org")
    response = client.post(_url(team, "/edit"), data={
        "title": task.title, "description": "", "tags": "gis", "capacity": "2",
        "join_policy": "open", "working_group_id": "0"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Task, task.id).filled == 2
    assert db.session.scalar(select(func.count()).select_from(WaitlistEntry)) == 0


def test_capacity_below_the_team_is_a_field_error(client, auth, make, team):
    task = make.task(team["initiator"], capacity=2)
    joining.join_task(task, team["ann"], "a")
    joining.join_task(task, team["bob"], "b")
    make.commit()
    auth.login("ini@example.org")
    response = client.post(f"/p/river/tasks/{task.id}/edit", data={
        "title": "Renamed", "description": "", "tags": "", "capacity": "1",
        "join_policy": "open", "working_group_id": "0"})
    assert response.status_code == 200
    assert b"2 people have joined; capacity cannot be lower." in response.data
    assert b'value="Renamed"' in response.data
    db.session.expire_all()
    assert db.session.get(Task, task.id).title != "Renamed"


def test_complete_and_cancel(client, auth, make, team):
    task = team["task"]
    joining.join_task(task, team["ann"], "GIS")
    make.commit()
    auth.login("ini@example.org")
    response = client.post(_url(team, "/complete"), data={"outcome": ""})
    assert response.status_code == 422
    asked = client.post(_url(team, "/complete"), data={"outcome": "Map published"})
    assert asked.status_code == 200 and "Yes, mark it done" in asked.text
    assert db.session.get(Task, task.id).status == "active"  # nothing until "yes"
    response = client.post(_url(team, "/complete"), data={"outcome": "Map published",
                                                          "confirmed": "yes"})
    assert response.status_code == 302
    db.session.expire_all()
    done = db.session.get(Task, task.id)
    assert (done.status, done.outcome) == ("done", "Map published")
    assert done.completed_at is not None
    other = make.task(team["initiator"])
    make.commit()
    auth.logout()
    auth.login("ann@example.org")
    response = client.post(f"/p/river/tasks/{other.id}/cancel",
                           data={"reason": "no", "confirmed": "yes"})
    db.session.expire_all()
    assert db.session.get(Task, other.id).status == "open"  # only the initiator cancels
    auth.logout()
    auth.login("ini@example.org")
    client.post(f"/p/river/tasks/{other.id}/cancel",
                data={"reason": "duplicate", "confirmed": "yes"})
    db.session.expire_all()
    assert db.session.get(Task, other.id).status == "cancelled"


def test_get_never_changes_state(client, auth, team):
    auth.login("ann@example.org")
    assert client.get(_url(team, "/join")).status_code == 405
    assert client.get(_url(team, "/leave")).status_code == 405


def test_factory_password_logs_in(client, auth, team):
    response = auth.login("ann@example.org", Factory.PASSWORD)
    assert response.headers["Location"] == "/"
