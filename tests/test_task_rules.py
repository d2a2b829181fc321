"""Who may do what on a task: completion proposed and confirmed, hand-over that moves the
place, and coordinators cancelling only what is abandoned (docs/members.md, Task rules)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from coordinator.errors import CoordinatorError, NotAllowedError
from coordinator.extensions import db
from coordinator.models import Event, Participation, Task, WaitlistEntry, utcnow
from coordinator.services import joining
from coordinator.services import tasks as task_service
from tests.api_client import ApiClient, token_for


@pytest.fixture
def river(make):
    partnership = make.partnership(slug="river")
    people = {name: make.member(partnership, email=f"{name.lower()}@example.org", name=name)
              for name in ("Ina", "Ann", "Bob")}
    people["Cora"] = make.member(partnership, email="cora@example.org", name="Cora",
                                 role="coordinator")
    task = make.task(people["Ina"], title="Map the floodplain", capacity=1)
    joining.join_task(task, people["Ann"], "GIS")
    make.commit()
    return {"task": task, **people}


def _url(task, suffix=""):
    return f"/p/river/tasks/{task.id}{suffix}"


def _kinds(task):
    return list(db.session.scalars(select(Event.kind).where(Event.task_id == task.id)
                                   .order_by(Event.id)))


def test_a_contributor_proposes_and_the_initiator_confirms(client, auth, river):
    task = river["task"]
    auth.login("ann@example.org")
    response = client.post(_url(task, "/complete"), data={"outcome": "Map **published**"})
    assert response.status_code == 302
    db.session.expire_all()
    task = db.session.get(Task, task.id)
    assert (task.status, task.proposed_by_id) == ("active", river["Ann"].id)
    page = client.get(_url(task)).text
    assert "Waiting for Ina to confirm." in page and "Withdraw my proposal" in page
    auth.logout()

    auth.login("ina@example.org")
    page = client.get(_url(task)).text
    assert "Ann</strong> proposed marking it done" in page
    assert "Map **published**</textarea>" in page  # the form carries the proposal
    asked = client.post(_url(task, "/complete"), data={"outcome": "Map **published**"})
    assert "Yes, mark it done" in asked.text
    client.post(_url(task, "/complete"), data={"outcome": "Map **published**",
                                               "confirmed": "yes"})
    db.session.expire_all()
    task = db.session.get(Task, task.id)
    assert (task.status, task.proposed_by_id, task.proposed_outcome) == ("done", None, "")
    assert "<strong>published</strong>" in task.outcome_html
    assert _kinds(task)[-2:] == ["completion_proposed", "task_completed"]


def test_one_proposal_at_a_time_and_the_initiator_may_say_not_yet(client, auth, make, river):
    task = river["task"]
    task.capacity = 2
    joining.join_task(task, river["Bob"], "Surveys")
    task_service.propose_completion(task, river["Ann"], "Done, I think")
    make.commit()
    with pytest.raises(CoordinatorError, match="already proposed"):
        task_service.propose_completion(task, river["Bob"], "Done too")
    db.session.rollback()
    with pytest.raises(NotAllowedError):
        task_service.decline_proposal(task, river["Bob"], "")
    db.session.rollback()
    auth.login("ina@example.org")
    client.post(_url(task, "/proposal/decline"), data={"reason": "The legend is missing"})
    db.session.expire_all()
    task = db.session.get(Task, task.id)
    assert (task.status, task.proposed_by_id) == ("active", None)
    page = client.get(_url(task)).text
    assert "Ina kept the task open after Ann's proposal: “The legend is missing”" in page


def test_only_the_initiator_marks_done_and_outsiders_cannot_propose(client, auth, river):
    task = river["task"]
    with pytest.raises(NotAllowedError):
        task_service.complete_task(task, river["Ann"], "Done")
    with pytest.raises(NotAllowedError):
        task_service.propose_completion(task, river["Bob"], "Done")  # not on the team
    db.session.rollback()
    auth.login("bob@example.org")
    response = client.post(_url(task, "/complete"), data={"outcome": "Done"})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Task, task.id).proposed_by_id is None


def test_hand_over_and_leave_gives_the_place_to_the_head_of_the_waitlist(client, auth,
                                                                         river):
    task, ina, ann, bob = river["task"], river["Ina"], river["Ann"], river["Bob"]
    joining.join_waitlist(task, bob, "Surveys")
    db.session.commit()
    auth.login("ina@example.org")
    asked = client.post(_url(task, "/hand-over"), data={"successor": ann.id, "after": "leave"})
    assert "the first person on the waitlist takes the place" in asked.text
    client.post(_url(task, "/hand-over"),
                data={"successor": ann.id, "after": "leave", "confirmed": "yes"})
    db.session.expire_all()
    task = db.session.get(Task, task.id)
    team = dict(db.session.execute(select(Participation.membership_id, Participation.role)
                                   .where(Participation.task_id == task.id)).all())
    assert team == {ann.id: "initiator", bob.id: "contributor"}
    assert (task.initiator_id, task.started_by_id, task.filled) == (ann.id, ina.id, 1)
    assert db.session.scalar(select(WaitlistEntry.id)) is None
    assert _kinds(task)[-3:] == ["handed_over", "left", "joined"]
    page = client.get(_url(task)).text
    assert "Ina handed over and left the team." in page


def test_hand_over_and_leave_with_nobody_waiting_frees_the_place(river):
    task = river["task"]
    joining.hand_over(task, river["Ina"], river["Ann"].id, stay=False)
    db.session.commit()
    db.session.expire_all()
    task = db.session.get(Task, task.id)
    assert (task.filled, task.status, task.initiator_id) == (0, "open", river["Ann"].id)


def test_a_coordinator_cancels_only_an_abandoned_task_and_says_why(client, auth, make, river):
    fresh = river["task"]
    auth.login("cora@example.org")
    refused = client.post(_url(fresh, "/cancel"), data={"reason": "Stale", "confirmed": "yes"})
    assert refused.status_code == 403
    assert "This task looks abandoned" not in client.get(_url(fresh)).text

    weeks_ago = utcnow() - timedelta(days=40)
    old = task_service.create_task(river["Ina"], task_service.TaskInput(
        title="Old survey", description="", tags=[], capacity=2, due_on=None,
        effort_hours=None, join_policy="open", working_group_id=None), now=weeks_ago)
    joining.join_task(old, river["Ann"], "Surveys", now=weeks_ago)
    make.commit()
    assert "This task looks abandoned" in client.get(_url(old)).text
    missing = client.post(_url(old, "/cancel"), data={"reason": "", "confirmed": "yes"})
    assert missing.status_code == 422 and "Say why the task is cancelled." in missing.text
    asked = client.post(_url(old, "/cancel"), data={"reason": "Nobody has worked on it"})
    assert "Yes, cancel the task" in asked.text
    client.post(_url(old, "/cancel"), data={"reason": "Nobody has worked on it",
                                            "confirmed": "yes"})
    db.session.expire_all()
    assert db.session.get(Task, old.id).status == "cancelled"
    event = db.session.scalar(select(Event).where(Event.task_id == old.id,
                                                  Event.kind == "task_cancelled"))
    assert event.actor_id == river["Cora"].id and event.data["by_coordinator"]
    assert "Cora cancelled the task as a coordinator: “Nobody has worked on it”" in \
        client.get(_url(old)).text


def test_a_coordinator_does_not_do_the_work_of_a_task(river):
    with pytest.raises(NotAllowedError):
        task_service.complete_task(river["task"], river["Cora"], "Done")
    with pytest.raises(NotAllowedError):
        task_service.propose_completion(river["task"], river["Cora"], "Done")



def test_the_api_proposes_declines_and_hands_over(client, make, river):
    task = river["task"]
    ann = ApiClient(client, token_for(make, river["Ann"]))
    ina = ApiClient(client, token_for(make, river["Ina"]))
    path = f"/api/v1/tasks/{task.id}"
    assert ann.post(path + "/complete", json={"outcome": "Done"}).status_code == 403
    proposed = ann.post(path + "/completion-proposal", json={"outcome": "Map published"})
    assert proposed.status_code == 200, proposed.json
    assert proposed.json["proposal"]["outcome"] == "Map published"
    assert proposed.json["proposal"]["by"] == river["Ann"].id
    again = ann.post(path + "/completion-proposal", json={"outcome": "Twice"})
    assert again.status_code == 409
    declined = ina.post(path + "/completion-proposal/decline", json={"reason": "Legend"})
    assert declined.status_code == 200 and declined.json["proposal"] is None
    handed = ina.post(path + "/hand-over", json={"successor_id": river["Ann"].id})
    assert handed.status_code == 200, handed.json
    assert handed.json["initiator"]["id"] == river["Ann"].id
    assert handed.json["started_by_id"] == river["Ina"].id
    assert handed.json["filled"] == 0  # Ina left; nobody was waiting
    outsider = ina.post(path + "/hand-over", json={"successor_id": river["Bob"].id})
    assert outsider.status_code == 403
