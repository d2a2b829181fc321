"""The security checklist (docs/operations.md): security headers, production configuration
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
    limited = make_app(LOGIN_CLIENT_RATE_LIMIT="2/minute")
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
    RATELIMIT_SINGLE_PROCESS = True
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


@pytest.mark.parametrize("key", ["abc", "x" * 31, b"y" * 31])
def test_production_refuses_a_secret_key_under_32_bytes(no_instance_writes, key):
    class ShortKey(_Production):
        SECRET_KEY = key

    with pytest.raises(RuntimeError, match="at least 32"):
        create_app(ShortKey)


def test_production_takes_a_32_byte_secret_key(no_instance_writes):
    class GoodKey(_Production):
        SECRET_KEY = "k" * 32

    assert create_app(GoodKey).config["SECRET_KEY"] == "k" * 32


def test_production_refuses_per_process_rate_limits(no_instance_writes):
    class PerProcess(_Production):
        RATELIMIT_SINGLE_PROCESS = False

    with pytest.raises(RuntimeError, match="shared by every web process"):
        create_app(PerProcess)


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


# --- Liveness and readiness ----------------------------------------------------------------

def test_healthz_and_readyz_answer_plain_http_even_in_production(make_app):
    production = make_app(_Production, FORCE_HTTPS=True)
    client = production.test_client()
    assert client.get("/login").status_code == 302  # pages go to https
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json() == {"status": "ok", "database": "ok"}


def test_readyz_is_503_naming_what_is_down(make_app):
    from tests.services import SilentServer

    hung = SilentServer()
    queued = make_app(REDIS_URL=f"redis://127.0.0.1:{hung.port}/0")
    try:
        ready = queued.test_client().get("/readyz")
    finally:
        queued.extensions["rq"].connection.connection_pool.disconnect()
        hung.close()
    assert ready.status_code == 503
    assert ready.get_json()["redis"].startswith("down") and ready.get_json()["database"] == "ok"
    down = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none"
                    ).test_client()
    assert down.get("/healthz").status_code == 200
    broken = down.get("/readyz")
    assert broken.status_code == 503 and broken.get_json()["database"].startswith("down")


def test_pages_for_a_logged_in_person_are_not_cached(client, make):
    """Probe 12: authenticated pages sent no Cache-Control."""
    p = make.partnership()
    address = make.member(p).user.email
    make.commit()
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    login(client, address)
    page = client.get(f"/p/{p.slug}/tasks")
    assert page.headers["Cache-Control"] == "no-store" and "Cookie" in page.headers["Vary"]
    static = client.get("/static/polder.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()
