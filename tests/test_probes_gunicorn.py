"""Hardening probes that need several web processes: the app under `gunicorn -w 4`.

Each test repeats what the probe did and fails if the fix is taken away.
"""

from __future__ import annotations

import re
import threading

import pytest
import requests
from sqlalchemy import func, select

from coordinator.extensions import db
from coordinator.models import Participation, Task, WaitlistEntry
from tests.factories import Factory
from tests.services import GunicornServer

ROUNDS = 6


@pytest.fixture
def server(app, _schema, tmp_path):
    started = GunicornServer(_schema, tmp_path, workers=4)
    yield started
    started.stop()


def _session(server, email: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(server.url + "/login", timeout=10)
    response = browser.post(server.url + "/login", data={
        "email": email, "password": Factory.PASSWORD, "csrf_token": _csrf(page.text)},
        timeout=30, allow_redirects=False)
    assert response.status_code == 302, response.text[:500]
    return browser


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _once(html: str) -> str:
    return re.search(r'name="_once" value="([^"]+)"', html).group(1)


def _together(*calls) -> list[requests.Response]:
    """Send the requests at the same instant, one thread each."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        barrier.wait(timeout=30)
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _places(task_id: int, member_id: int) -> tuple[int, int]:
    db.session.expire_all()
    team = db.session.scalar(select(func.count()).select_from(Participation).where(
        Participation.task_id == task_id, Participation.membership_id == member_id))
    queue = db.session.scalar(select(func.count()).select_from(WaitlistEntry).where(
        WaitlistEntry.task_id == task_id, WaitlistEntry.membership_id == member_id))
    return team, queue


@pytest.mark.parametrize("same_form", [True, False], ids=["double click", "two tabs"])
def test_double_waitlist_submit_puts_a_member_in_one_place(server, make, same_form):
    p = make.partnership()
    starter = make.member(p)
    other = make.member(p)
    racer = make.member(p)
    task = make.task(starter, capacity=2)
    make.commit()
    from coordinator.services.joining import join_task

    join_task(task, other, "I know this")
    make.commit()
    browser = _session(server, racer.user.email)
    base = f"{server.url}/p/{p.slug}/tasks/{task.id}"
    for _ in range(ROUNDS):
        pages = [browser.get(base, timeout=10).text for _ in range(2)]
        forms = [{"csrf_token": _csrf(page), "_once": _once(page), "note": "I can help"}
                 for page in pages]
        if same_form:
            forms[1] = forms[0]
        responses = _together(*(
            lambda form=form: browser.post(base + "/waitlist", data=form, timeout=30,
                                           allow_redirects=False) for form in forms))
        assert all(r.status_code in (302, 303) for r in responses), \
            [(r.status_code, r.text[:300]) for r in responses]
        team, queue = _places(task.id, racer.id)
        assert team + queue == 1, (team, queue)
        where = "/leave" if team else "/waitlist/leave"
        left = browser.post(base + where, data={"csrf_token": _csrf(pages[0]),
                                                "confirmed": "yes"}, timeout=30,
                            allow_redirects=False)
        assert left.status_code == 302
    # The task still works: the other participant can leave and the capacity can change.
    leaver = _session(server, other.user.email)
    page = leaver.get(base, timeout=10).text
    assert leaver.post(base + "/leave", data={"csrf_token": _csrf(page), "confirmed": "yes"},
                       timeout=30, allow_redirects=False).status_code == 302


def test_new_task_form_sent_three_times_at_once_makes_one_task(server, make):
    p = make.partnership()
    member = make.member(p)
    make.commit()
    browser = _session(server, member.user.email)
    page = browser.get(f"{server.url}/p/{p.slug}/tasks/new", timeout=10).text
    form = {"csrf_token": _csrf(page), "_once": _once(page), "title": "Map the dikes",
            "capacity": "3", "join_policy": "open", "working_group_id": "0"}
    responses = _together(*(
        lambda: browser.post(f"{server.url}/p/{p.slug}/tasks/new", data=form, timeout=30,
                             allow_redirects=False) for _ in range(3)))
    assert all(r.status_code in (302, 303) for r in responses)
    db.session.expire_all()
    made = db.session.scalars(select(Task).where(Task.title == "Map the dikes")).all()
    assert len(made) == 1
    # The repeats go where the first copy went, or (sent before it had finished, with no
    # Referer to go back to) to the start page.
    assert {r.headers["Location"].removeprefix(server.url) for r in responses} <= {
        f"/p/{p.slug}/tasks/{made[0].id}", "/"}


@pytest.mark.redis
def test_login_limit_holds_across_four_processes_under_concurrent_attempts(
        app, _schema, tmp_path, make, redis_url):
    """Probe 4: per-process counting let 22 and then 13 of 40 attempts through a limit
    of 10. With the count in Redis and taken on arrival, at most 10 get an answer."""
    member = make.member(make.partnership())
    make.commit()
    limited = GunicornServer(_schema, tmp_path, workers=4, REDIS_URL=redis_url,
                             LOGIN_RATE_LIMIT="10/minute", LOGIN_CLIENT_RATE_LIMIT="100/minute")
    try:
        page = requests.get(limited.url + "/login", timeout=10)
        form = {"email": member.user.email, "password": "not the password",
                "csrf_token": _csrf(page.text)}

        def attempt():
            return requests.post(limited.url + "/login", data=form, cookies=page.cookies,
                                 timeout=30, allow_redirects=False)

        statuses = [r.status_code for r in _together(*([attempt] * 40))]
    finally:
        limited.stop()
    assert statuses.count(200) == 10, statuses  # the wrong-password page
    assert statuses.count(429) == 30
