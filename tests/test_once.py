"""A form sent twice counts once; a form that failed may be sent again."""

import re

from sqlalchemy import func, select

from coordinator.extensions import db
from coordinator.models import FormSubmission, Participation, Task, WaitlistEntry
from coordinator.services.joining import join_task, leave_task
from coordinator.web.once import sweep_submissions


def _once(html: str) -> str:
    return re.search(r'name="_once" value="([^"]+)"', html).group(1)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _new_task_form(client, slug):
    token = _once(client.get(f"/p/{slug}/tasks/new").text)
    return {"_once": token, "title": "Survey the polder", "capacity": "3",
            "join_policy": "open", "working_group_id": "0"}


def test_the_second_copy_of_a_form_changes_nothing_and_lands_where_the_first_did(
        client, make, auth):
    p = make.partnership()
    member = make.member(p)
    make.commit()
    auth.login(member.user.email)
    form = _new_task_form(client, p.slug)
    first = client.post(f"/p/{p.slug}/tasks/new", data=form)
    second = client.post(f"/p/{p.slug}/tasks/new", data=form)
    assert _count(Task) == 1
    assert first.status_code == 302 and second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert "it counted once" in client.get(second.headers["Location"]).text


def test_a_form_that_failed_can_be_sent_again(client, make, auth):
    p = make.partnership()
    member = make.member(p)
    make.commit()
    auth.login(member.user.email)
    form = _new_task_form(client, p.slug)
    refused = client.post(f"/p/{p.slug}/tasks/new", data=form | {"title": "x"})
    assert refused.status_code == 200 and _count(Task) == 0
    assert client.post(f"/p/{p.slug}/tasks/new", data=form).status_code == 302
    assert _count(Task) == 1


def test_old_tokens_are_swept(make, app):
    from datetime import timedelta

    from coordinator.models import utcnow

    user = make.user()
    db.session.add_all([FormSubmission(token="a" * 32, user_id=user.id,
                                       created_at=utcnow() - timedelta(days=3)),
                        FormSubmission(token="b" * 32, user_id=user.id)])
    make.commit()
    assert sweep_submissions() == 1
    assert db.session.scalars(select(FormSubmission.token)).all() == ["b" * 32]


def test_a_member_left_on_team_and_waitlist_by_an_old_release_does_not_break_leaving(make):
    p = make.partnership()
    starter, other, both = make.member(p), make.member(p), make.member(p)
    task = make.task(starter, capacity=2)
    join_task(task, other, "in")
    join_task(task, both, "in")
    db.session.add(WaitlistEntry(task_id=task.id, membership_id=both.id, note="also waiting"))
    make.commit()
    assert leave_task(task, other) is None  # nobody else waits: the stale entry is dropped
    make.commit()
    assert _count(WaitlistEntry) == 0
    assert _count(Participation) == 2  # the initiator and `both`
