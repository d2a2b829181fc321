"""Quiet places: a reminder by email after the partnership's days, then, a week later and
only for someone waiting, the place goes to the head of the waitlist (services.places)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import Event, Participation, Partnership, Task, utcnow
from coordinator.queue import Breaker, make_queue
from coordinator.services import activity, joining, places
from coordinator.services import tasks as task_service
from tests.smtp import Recorder, free_port, serve
from workers.schedule import SCHEDULE

T0 = datetime(2026, 10, 5, 9, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
def smtp(app):
    recorder = Recorder()
    controller = serve(app, recorder)
    yield recorder
    controller.stop()


@pytest.fixture
def river(make):
    partnership = make.partnership(slug="river")
    people = {name: make.member(partnership, email=f"{name.lower()}@example.org", name=name)
              for name in ("Ina", "Ann", "Bob")}
    task = task_service.create_task(people["Ina"], task_service.TaskInput(
        title="Map the floodplain", description="", tags=[], capacity=1, due_on=None,
        effort_hours=None, join_policy="open", working_group_id=None), now=T0)
    joining.join_task(task, people["Ann"], "GIS", now=T0)
    make.commit()
    return {"partnership": partnership, "task": task, **people}


def _place(river, name="Ann"):
    db.session.expire_all()
    return db.session.scalar(select(Participation).where(
        Participation.task_id == river["task"].id,
        Participation.membership_id == river[name].id))


def _kinds(river):
    return list(db.session.scalars(select(Event.kind).where(Event.task_id == river["task"].id)
                                   .order_by(Event.id)))


def test_a_quiet_place_is_reminded_once_by_email_then_released_to_someone_waiting(
        river, smtp):
    pid = river["partnership"].id
    assert places.sweep(pid, T0 + 20 * DAY).reminded == []
    swept = places.sweep(pid, T0 + 21 * DAY)
    assert swept.reminded == [(river["task"].id, river["Ann"].id)]
    [message] = smtp.messages
    assert message["To"].addresses[0].addr_spec == "ann@example.org"
    assert message["Subject"] == "Still on “Map the floodplain”?"
    body = message.get_body(("plain",)).get_content()
    assert f"/p/river/tasks/{river['task'].id}" in body
    assert "from Mon 2 Nov 2026 your place goes to the first person" in body
    assert places.sweep(pid, T0 + 22 * DAY).reminded == []  # once, however often it runs
    assert len(smtp.messages) == 1

    # A week after the reminder, with nobody waiting, nobody gains from releasing it.
    assert places.sweep(pid, T0 + 35 * DAY).released == []
    joining.join_waitlist(river["task"], river["Bob"], "Surveys", now=T0 + 35 * DAY)
    db.session.commit()
    swept = places.sweep(pid, T0 + 35 * DAY)
    assert swept.released == [(river["task"].id, river["Ann"].id)]
    assert swept.promoted == [(river["task"].id, river["Bob"].id)]
    assert _place(river) is None and _place(river, "Bob") is not None
    assert db.session.get(Task, river["task"].id).filled == 1
    assert _kinds(river)[-4:] == ["place_reminded", "waitlisted", "left", "joined"]
    assert places.sweep(pid, T0 + 36 * DAY).released == []


def test_a_reminder_the_queue_cannot_take_is_sent_by_the_next_sweep(app, river, smtp):
    # Nothing listens on this port: Redis refuses, as when it is down.
    dead = make_queue(f"redis://127.0.0.1:{free_port()}/0", 0.5)
    pid = river["partnership"].id
    working, app.extensions["rq"] = app.extensions["rq"], dead
    try:
        assert places.sweep(pid, T0 + 21 * DAY).reminded == []
    finally:
        app.extensions["rq"] = working
        app.extensions["redis_breaker"] = Breaker(0)
    assert _place(river).reminded_at is None  # not claimed as sent
    assert "place_reminded" not in _kinds(river)
    assert smtp.messages == []

    swept = places.sweep(pid, T0 + 21 * DAY + timedelta(hours=1))
    assert swept.reminded == [(river["task"].id, river["Ann"].id)]
    assert len(smtp.messages) == 1
    assert _kinds(river).count("place_reminded") == 1
    # The week before release counts from the reminder that went out.
    joining.join_waitlist(river["task"], river["Bob"], "Surveys", now=T0 + 28 * DAY)
    db.session.commit()
    assert places.sweep(pid, T0 + 28 * DAY + timedelta(minutes=30)).released == []


def test_any_activity_answers_the_reminder(river, smtp):
    pid, task, ann = river["partnership"].id, river["task"], river["Ann"]
    places.sweep(pid, T0 + 21 * DAY)
    assert _place(river).reminded_at is not None
    activity.log_work(task, ann, 2, (T0 + 22 * DAY).date(), "Field day", now=T0 + 22 * DAY)
    db.session.commit()
    place = _place(river)
    assert (place.last_active_at, place.reminded_at) == (T0 + 22 * DAY, None)
    joining.join_waitlist(task, river["Bob"], "Surveys", now=T0 + 23 * DAY)
    db.session.commit()
    assert places.sweep(pid, T0 + 30 * DAY).released == []


def test_attending_a_meeting_of_the_task_counts_and_so_does_being_kept(river):
    task, ina, ann = river["task"], river["Ina"], river["Ann"]
    activity.record_activity(ina, activity.ActivityInput(
        kind="meeting", title="Check-in", occurred_at=T0 + 10 * DAY, duration_minutes=30,
        attendee_ids=[ann.id], task_id=task.id))
    db.session.commit()
    assert _place(river).last_active_at == T0 + 10 * DAY
    places.keep(task, ina, ann.id, now=T0 + 40 * DAY)
    db.session.commit()
    assert _place(river).last_active_at == T0 + 40 * DAY


def test_the_initiator_sees_quiet_places_and_keeps_one(client, auth, river, smtp):
    task, ann = river["task"], river["Ann"]
    # Shown against today's date, so the quiet stretch is set weeks back from now.
    db.session.execute(Participation.__table__.update()
                       .where(Participation.task_id == task.id)
                       .values(last_active_at=utcnow() - 25 * DAY, reminded_at=None))
    db.session.commit()
    places.sweep(river["partnership"].id)
    auth.login("ann@example.org")
    assert "Your place has been quiet since" in client.get(f"/p/river/tasks/{task.id}").text
    my_work = client.get("/p/river/my-work").text
    assert "Places going quiet" in my_work
    assert "you were reminded that your place was quiet" in my_work
    auth.logout()
    auth.login("ina@example.org")
    page = client.get(f"/p/river/tasks/{task.id}").text
    assert "Quiet places" in page and "Keep Ann" in page
    assert "Ann was reminded" in page
    client.post(f"/p/river/tasks/{task.id}/keep/{ann.id}")
    page = client.get(f"/p/river/tasks/{task.id}").text
    assert "Ina kept Ann on the team." in page and "Keep Ann" not in page


def test_only_the_initiator_keeps_a_place(client, auth, river):
    auth.login("bob@example.org")
    response = client.post(f"/p/river/tasks/{river['task'].id}/keep/{river['Ann'].id}")
    assert response.status_code == 403
    assert not db.session.scalar(select(Event.id).where(Event.kind == "place_kept"))


def test_admins_set_the_days_within_a_range(client, auth, make, river):
    make.member(river["partnership"], email="adam@example.org", name="Adam", role="admin")
    make.commit()
    auth.login("adam@example.org")
    response = client.post("/p/river/admin/", data={"name": "River", "stale_place_days": "3"})
    assert response.status_code == 200 and "Choose between 7 and 180 days." in response.text
    response = client.post("/p/river/admin/", data={"name": "River",
                                                    "stale_place_days": "many"})
    assert response.status_code == 200 and 'value="many"' in response.text
    client.post("/p/river/admin/", data={"name": "River", "stale_place_days": "14"})
    db.session.expire_all()
    assert db.session.get(Partnership, river["partnership"].id).stale_place_days == 14
    assert places.sweep(river["partnership"].id, T0 + 14 * DAY).reminded


def test_the_command_and_the_scheduler_sweep(runner, river, smtp):
    result = runner.invoke(args=["sweep-places", "--now", (T0 + 21 * DAY).isoformat()])
    assert result.exit_code == 0, result.output
    assert "reminded 1, released 0" in result.output
    assert len(smtp.messages) == 1
    assert "workers.sweep.sweep_quiet_places" in {entry.job for entry in SCHEDULE}
