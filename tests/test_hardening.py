"""The security checklist (reliability.md §3): security headers, production configuration
and error pages.
"""

import logging
import re

import pytest

import coordinator
from config import ProductionConfig, TestConfig
from coordinator import create_app
from tests.security_helpers import (
    PASSWORD,
    assert_security_headers,
    csrf_token,
    login,
    member_email,
)

# --- 9. Security headers -------------------------------------------------------------------

def test_security_headers_on_every_kind_of_response(make_app, make):
    limited = make_app(LOGIN_RATE_LIMIT="1/minute")
    p = make.partnership()
    member = make.member(p)
    make.commit()
    client, anonymous = limited.test_client(), limited.test_client()
    static = client.get("/static/polder.css")
    static.close()
    responses = {
        "logged in": (login(client, member.user.email), 302),
        "board": (client.get(f"/p/{p.slug}/tasks"), 200),
        "forbidden": (client.get(f"/p/{p.slug}/admin/"), 403),
        "health": (client.get("/healthz"), 200),
        "static": (static, 200),
        "login page": (anonymous.get("/login"), 200),
        "not found": (anonymous.get("/no-such-page"), 404),
        "wrong method": (anonymous.get("/logout"), 405),
        "redirect": (anonymous.get(f"/p/{p.slug}/tasks"), 302),
        "failed login": (login(anonymous, "nobody@example.org", "wrong password"), 200),
        "throttled": (login(anonymous, "nobody@example.org", "wrong password"), 429),
    }
    for name, (response, status) in responses.items():
        assert response.status_code == status, name
        assert_security_headers(response)
    cookie = responses["logged in"][0].headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


# --- 10. Production configuration ----------------------------------------------------------

class _Production(ProductionConfig):
    SECRET_KEY = "production-secret-key-0123456789-abcdefghijklmnop"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    REDIS_URL = ""
    RATELIMIT_STORAGE_URI = "memory://"
    PASSWORD_HASH_METHOD = TestConfig.PASSWORD_HASH_METHOD


@pytest.fixture
def no_instance_writes(monkeypatch, tmp_path):
    """If the key check fails, the development fallback writes here, not in the checkout."""
    monkeypatch.setattr(coordinator, "INSTANCE_DIR", tmp_path / "instance")
    return tmp_path / "instance"


def test_production_config_refuses_to_start_without_a_secret_key(no_instance_writes):
    class NoKey(_Production):
        SECRET_KEY = None

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(NoKey)
    assert not (no_instance_writes / "secret_key").exists()


def test_production_env_refuses_to_start_without_a_secret_key(no_instance_writes):
    class NoKey(_Production):
        ENV_NAME = "production"
        SECRET_KEY = None

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(NoKey)


def test_production_cookies_are_host_only_and_secure(make_app, make):
    assert ProductionConfig.SESSION_COOKIE_NAME == "__Host-session"
    assert ProductionConfig.REMEMBER_COOKIE_NAME == "__Host-remember"
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.REMEMBER_COOKIE_SECURE is True
    address = member_email(make)
    production = make_app(_Production, FORCE_HTTPS=True)
    assert not production.debug and not production.testing
    client = production.test_client()
    assert client.get("/login").status_code == 302  # plain http goes to https
    https = {"base_url": "https://localhost"}
    token = csrf_token(client.get("/login", **https).text)
    data = {"email": address, "password": PASSWORD, "remember": "y", "csrf_token": token}
    # Over https the CSRF check also wants a same-origin Referer.
    assert client.post("/login", data=data, **https).status_code == 400
    response = client.post("/login", data=data, headers={"Referer": "https://localhost/login"},
                           **https)
    assert response.status_code == 302
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    assert set(cookies) == {"__Host-session", "__Host-remember"}
    for cookie in cookies.values():
        attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
        assert {"secure", "httponly", "path"} <= attributes
        assert "domain" not in attributes
        assert "; Path=/" in cookie and "SameSite=Lax" in cookie
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert_security_headers(response)


# --- 11. Error pages -----------------------------------------------------------------------

def test_the_500_page_shows_no_exception_text(make_app, caplog):
    broken = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    def explode():
        raise RuntimeError("secret internals: /srv/polder/db password=hunter2")

    broken.add_url_rule("/explode", "explode", explode)
    with caplog.at_level(logging.ERROR):
        response = broken.test_client().get("/explode")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    for leak in ("secret internals", "hunter2", "RuntimeError", "Traceback", "explode()"):
        assert leak not in response.text
    assert_security_headers(response)
    assert any(r.exc_info and "secret internals" in str(r.exc_info[1]) for r in caplog.records)


def test_errors_render_without_details(client):
    for url, status in (("/no-such-page", 404), ("/logout", 405)):
        response = client.get(url)
        assert response.status_code == status
        assert "Traceback" not in response.text and "werkzeug" not in response.text.lower()


def test_the_partnership_of_a_404_is_not_named(client, make):
    """A 404 for another partnership reads the same as one for a slug that does not exist."""
    mine, theirs = make.partnership(), make.partnership(name="Secret Alliance")
    address = make.member(mine).user.email
    make.commit()
    assert login(client, address).status_code == 302
    other = client.get(f"/p/{theirs.slug}/tasks")
    missing = client.get("/p/no-such-partnership/tasks")
    assert other.status_code == missing.status_code == 404
    # The CSRF token carries a timestamp, so two pages a second apart differ only there.
    assert _without_token(other.text) == _without_token(missing.text)
    assert "Secret Alliance" not in other.text


def _without_token(page: str) -> str:
    return re.sub(r'name="(csrf_token|_once)" value="[^"]*"', r'name="\1"', page)
