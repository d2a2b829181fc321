"""The security checklist (docs/operations.md): sessions, password hashing, login failures
and throttling.
"""

import logging
import re

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from config import Config, ProductionConfig
from coordinator.extensions import db
from coordinator.models import User
from coordinator.services import accounts
from coordinator.tokens import make_token
from tests.security_helpers import (
    PASSWORD,
    assert_security_headers,
    login,
    member_email,
)

# --- 6. Sessions ---------------------------------------------------------------------------

def test_login_starts_a_new_session(client, make):
    address = member_email(make)
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = 1
    before = client.get_cookie("session").value
    assert login(client, address).status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("_user_id")
    assert client.get_cookie("session").value != before


def _replay(app, cookies: dict[str, str], url: str):
    fresh = app.test_client()
    for name, value in cookies.items():
        fresh.set_cookie(name, value)
    return fresh.get(url)


def test_a_copied_session_cookie_dies_at_logout(app, client, make):
    p = make.partnership()
    address = make.member(p).user.email
    make.commit()
    board = f"/p/{p.slug}/tasks"
    assert login(client, address).status_code == 302
    copied = {"session": client.get_cookie("session").value}
    assert _replay(app, copied, board).status_code == 200  # the copy works while logged in
    assert client.post("/logout").status_code == 302
    response = _replay(app, copied, board)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_copied_remember_cookie_dies_at_logout(app, client, make):
    p = make.partnership()
    address = make.member(p).user.email
    make.commit()
    board = f"/p/{p.slug}/tasks"
    assert login(client, address, remember="y").status_code == 302
    remember = client.get_cookie("remember_token")
    assert remember is not None and remember.http_only
    copied = {"remember_token": remember.value}
    assert _replay(app, copied, board).status_code == 200
    client.post("/logout")
    response = _replay(app, copied, board)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_new_password_ends_every_other_session(app, make):
    p = make.partnership()
    member = make.member(p)
    make.commit()
    user_id, address, board = member.user.id, member.user.email, f"/p/{p.slug}/tasks"
    browsers = [app.test_client() for _ in range(2)]
    for browser in browsers:
        assert login(browser, address).status_code == 302
        assert browser.get(board).status_code == 200

    accounts.set_new_password(db.session.get(User, user_id), "another long passphrase")
    make.commit()
    for browser in browsers:
        response = browser.get(board)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert login(app.test_client(), address).status_code == 200  # the old password is dead
    assert login(app.test_client(), address, "another long passphrase").status_code == 302


def test_a_password_reset_ends_other_sessions_and_its_link(app, client, make):
    p = make.partnership()
    member = make.member(p)
    make.commit()
    address, board = member.user.email, f"/p/{p.slug}/tasks"
    assert login(client, address).status_code == 302
    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.email == address))
        link = "/password/reset/" + make_token("reset", {"u": user.id,
                                                          "h": user.password_hash[-16:]})
    stranger = app.test_client()
    response = stranger.post(link, data={"password": "a brand new passphrase"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get(board).status_code == 302
    # The link named the old hash, so it does not work twice.
    response = stranger.post(link, data={"password": "yet another passphrase"})
    assert response.headers["Location"] == "/password/forgot"


# --- 7. Password hashing -------------------------------------------------------------------

def test_production_hashes_with_scrypt_at_owasp_cost(app):
    assert ProductionConfig.PASSWORD_HASH_METHOD == "scrypt:131072:8:1"
    assert Config.PASSWORD_HASH_METHOD == "scrypt:131072:8:1"
    with app.app_context():
        app.config["PASSWORD_HASH_METHOD"] = ProductionConfig.PASSWORD_HASH_METHOD
        user = User(email="slow@example.org", name="Slow")
        user.set_password(PASSWORD)
        assert user.password_hash.startswith("scrypt:131072:8:1$")
        assert not user.password_needs_rehash


@pytest.mark.parametrize("old_method", ["pbkdf2:sha256:1000", "scrypt:16384:8:1"])
def test_login_upgrades_an_outdated_hash(app, client, make, old_method):
    p = make.partnership()
    member = make.member(p)
    member.user.password_hash = generate_password_hash(PASSWORD, method=old_method)
    make.commit()
    user_id, address = member.user.id, member.user.email
    method = app.config["PASSWORD_HASH_METHOD"]

    assert login(client, address, "wrong password here").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, user_id).password_hash.startswith(old_method + "$")
    assert login(client, address).status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert user.password_hash.startswith(method + "$")
    assert user.check_password(PASSWORD)


# --- 8. Login failures ---------------------------------------------------------------------

def test_unknown_email_and_wrong_password_look_the_same(client, make, caplog):
    address = member_email(make)
    with caplog.at_level(logging.INFO, logger="polder.auth"):
        unknown = login(client, "nobody@example.org", "wrong password here")
        wrong = login(client, address, "wrong password here")
    assert unknown.status_code == wrong.status_code == 200
    assert "Email or password is not right." in unknown.text
    def page(response, email):  # each page load has its own one-time form token
        return re.sub(r'name="_once" value="[^"]+"', "", response.text.replace(email, "EMAIL"))

    assert page(unknown, "nobody@example.org") == page(wrong, address)
    failures = [r for r in caplog.records if r.name == "polder.auth"
                and r.levelno == logging.WARNING and "login failed" in r.getMessage()]
    assert len(failures) == 2
    assert all("wrong password here" not in r.getMessage() for r in caplog.records)


def test_login_attempts_are_throttled_and_the_page_says_when_to_try_again(make_app, make):
    limited = make_app(LOGIN_RATE_LIMIT="3/minute")
    address = member_email(make)
    client = limited.test_client()
    for _ in range(3):
        assert login(client, address, "wrong password here").status_code == 200
    response = login(client, address, "wrong password here")
    assert response.status_code == 429
    assert_security_headers(response)
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert re.search(r"Try again in \d+ seconds\.", response.text)
    assert "reset it by email" in response.text
    assert login(client, address).status_code == 429  # even the right password, for now
    assert client.get("/login").status_code == 200  # only POSTs are limited


def test_a_stranger_failing_on_my_address_does_not_lock_me_out(make_app, make):
    """Probe 4: failures on an address from anywhere locked its owner out."""
    limited = make_app(LOGIN_RATE_LIMIT="3/minute")
    address = member_email(make)
    stranger = limited.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    statuses = [login(stranger, address.upper(), "wrong password here").status_code
                for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    owner = limited.test_client()
    owner.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert login(owner, address).status_code == 302


def test_login_failures_are_throttled_per_client_across_accounts(make_app):
    limited = make_app(LOGIN_CLIENT_RATE_LIMIT="3/minute", LOGIN_RATE_LIMIT="3/minute")
    client = limited.test_client()
    statuses = [login(client, f"nobody{n}@example.org", "wrong password here").status_code
                for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    forgot = [client.post("/password/forgot", data={"email": f"x{n}@example.org"}).status_code
              for n in range(4)]
    assert forgot == [302, 302, 302, 429]


def test_login_takes_as_long_for_an_unknown_address_as_for_a_known_one(make_app, make):
    """Probe 3: 603 ms against 11 ms told who has an account. Both now check one hash."""
    import statistics
    import time

    # A cost at which the hash dominates the request, as in production.
    timed = make_app(PASSWORD_HASH_METHOD="scrypt:16384:8:1", LOGIN_RATE_LIMIT="1000/minute")
    address = member_email(make)
    client = timed.test_client()
    login(client, address)  # the known account's hash is brought to this cost
    client.post("/logout")

    def median(email: str) -> float:
        times = []
        for _ in range(5):
            started = time.perf_counter()
            assert login(client, email, "wrong password here").status_code == 200
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    known, unknown = median(address), median("nobody-at-all@example.org")
    assert 0.5 < unknown / known < 2, (known, unknown)
