"""Sessions end on the server (idle time, absolute lifetime, on request) and the password
rule holds on the reset path too (hardening probes 6 and 7)."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from coordinator.extensions import db
from coordinator.models import LoginSession, User, utcnow
from coordinator.services import sessions
from coordinator.tokens import make_token
from tests.factories import Factory
from tests.security_helpers import login


def _board(make):
    p = make.partnership()
    member = make.member(p)
    make.commit()
    return member.user.email, f"/p/{p.slug}/tasks"


def _age_sessions(**changes) -> None:
    for row in db.session.scalars(select(LoginSession)):
        for name, value in changes.items():
            setattr(row, name, value)
    db.session.commit()


@pytest.mark.parametrize("changes", [
    {"created_at": utcnow() - timedelta(days=400), "last_seen_at": utcnow()},
    {"last_seen_at": utcnow() - timedelta(days=8)},
], ids=["400 days old", "idle for 8 days"])
def test_an_old_or_idle_session_no_longer_works_and_its_row_goes(client, make, changes):
    address, board = _board(make)
    assert login(client, address).status_code == 302
    assert client.get(board).status_code == 200
    _age_sessions(**changes)
    response = client.get(board)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0


def test_a_session_in_use_stays_alive_and_records_its_use(client, make):
    address, board = _board(make)
    assert login(client, address).status_code == 302
    _age_sessions(last_seen_at=utcnow() - timedelta(days=6))
    assert client.get(board).status_code == 200
    db.session.expire_all()
    seen = db.session.scalar(select(LoginSession.last_seen_at))
    assert utcnow() - seen < timedelta(minutes=1)


def test_the_lifetimes_are_configurable(make_app, make):
    short = make_app(SESSION_IDLE_MINUTES=5, SESSION_MAX_HOURS=1)
    client = short.test_client()
    address, board = _board(make)
    assert login(client, address).status_code == 302
    _age_sessions(last_seen_at=utcnow() - timedelta(minutes=6))
    assert client.get(board).status_code == 302


def test_the_sweep_deletes_ended_sessions_only(make):
    user = make.user()
    now = utcnow()
    db.session.add_all([
        LoginSession(token="live", user_id=user.id, created_at=now, last_seen_at=now),
        LoginSession(token="idle", user_id=user.id, created_at=now - timedelta(days=9),
                     last_seen_at=now - timedelta(days=8)),
        LoginSession(token="ancient", user_id=user.id, created_at=now - timedelta(days=31),
                     last_seen_at=now),
    ])
    make.commit()
    limits = sessions.Lifetimes(idle=timedelta(days=7), absolute=timedelta(days=30))
    assert sessions.sweep(limits, now) == 2
    assert db.session.scalars(select(LoginSession.token)).all() == ["live"]


@pytest.mark.parametrize("password", [" " * 10, "aaaaaaaaaa", "Reset Person garden",
                                      "reset.person@example.org", "nul\x00byte passphrase"])
def test_the_reset_form_applies_the_one_password_rule(app, client, make, password):
    user = make.user(name="Reset Person", email="reset.person@example.org")
    make.commit()
    before = user.password_hash
    with app.test_request_context():
        link = "/password/reset/" + make_token("reset", {"u": user.id, "h": before[-16:]})
    response = client.post(link, data={"password": password})
    assert response.status_code in (200, 400)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before


def test_the_account_page_lists_my_sessions_and_ends_another(app, make):
    address, board = _board(make)
    here, there = app.test_client(), app.test_client()
    assert login(here, address).status_code == 302
    assert there.post("/login", data={"email": address, "password": Factory.PASSWORD},
                      headers={"User-Agent": "Other Browser/1.0"}).status_code == 302
    page = here.get("/account/").text
    assert "Other Browser/1.0" in page and "This browser" in page
    tokens = db.session.scalars(select(LoginSession.token)).all()
    assert not any(token in page for token in tokens)  # pages name sessions by a hash
    end = re.search(r'action="(/account/sessions/[0-9a-f]+/end)"', page).group(1)
    assert here.post(end).status_code == 302
    assert there.get(board).status_code == 302  # logged out
    assert here.get(board).status_code == 200


def test_changing_my_password_applies_the_rule_and_ends_other_sessions(app, make):
    address, board = _board(make)
    here, there = app.test_client(), app.test_client()
    login(here, address)
    login(there, address)
    refused = here.post("/account/", data={"current": Factory.PASSWORD,
                                           "password": "aaaaaaaaaaaa"})
    assert refused.status_code == 422 and "easy to guess" in refused.text
    wrong = here.post("/account/", data={"current": "not it at all",
                                         "password": "heron kettle dune"})
    assert wrong.status_code == 422 and "not your current password" in wrong.text
    changed = here.post("/account/", data={"current": Factory.PASSWORD,
                                           "password": "heron kettle dune"})
    assert changed.status_code == 302
    assert here.get(board).status_code == 200
    assert there.get(board).status_code == 302


@pytest.mark.parametrize("agent, label", [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
     "Firefox on Windows"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iOS"),
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0 Safari/537.36 Edg/131.0", "Edge on Linux"),
    ("curl/8.5", "An unknown browser"),
    ("", "An unknown browser"),
])
def test_sessions_are_named_by_browser_and_system(agent, label):
    assert sessions.browser_label(agent) == label
