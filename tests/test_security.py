"""The security checklist (reliability.md §3): XSS, CSRF, redirects, sessions, passwords,
login throttling, headers, production config and error pages.

Tenant isolation, function-level authorisation and mass assignment are in test_tenancy.py.
"""

import email
import email.policy
import logging
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

import coordinator
from config import Config, ProductionConfig, TestConfig
from coordinator import create_app
from coordinator.extensions import db
from coordinator.models import (
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    Task,
    User,
)
from coordinator.services import accounts, joining
from coordinator.tokens import make_token
from tests.factories import Factory
from tests.test_tenancy import (
    FORM,
    ID_KINDS,
    build_partnership,
    rule_args,
    snapshot,
    url_for_rule,
)

PASSWORD = Factory.PASSWORD


@pytest.fixture
def make_app(app, _schema, tmp_path):
    """Another app on the test database, e.g. with CSRF on; `app` empties the tables after."""
    made = []

    def factory(config=TestConfig, **overrides):
        other = create_app(config, **({"SQLALCHEMY_DATABASE_URI": _schema,
                                        "MAIL_FOLDER": str(tmp_path / "mail")} | overrides))
        made.append(other)
        return other

    yield factory
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def login(client, email_address, password=PASSWORD, **extra):
    return client.post("/login", data={"email": email_address, "password": password, **extra})


def member_email(make, role="member", **fields) -> str:
    membership = make.member(make.partnership(), role=role, **fields)
    make.commit()
    return membership.user.email


# --- 3. XSS --------------------------------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "[x](javascript:alert(1))",
]
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}


class _MarkupScan(HTMLParser):
    """Collects markup a payload could have smuggled in; the app itself uses none of it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "svg", "img", "iframe", "object", "embed"}:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name}= attribute on <{tag}>")
            scheme = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if name in URL_ATTRIBUTES and scheme.startswith(("javascript:", "vbscript:", "data:")):
                self.problems.append(f"{name}={value!r} on <{tag}>")

    handle_startendtag = handle_starttag


def assert_no_xss(html: str, payload: str, where: str) -> None:
    """No payload survives as markup.

    Escaped text may still read `onerror=alert` or `javascript:alert` (it is harmless text),
    so those are looked for as attributes in the parsed page; raw strings that carry `<`
    must not appear at all.
    """
    for raw in ("<script>alert(1)", "<svg onload", "<img src=x onerror", payload):
        if "<" in raw:
            assert raw not in html, f"raw {raw!r} in {where}"
    scan = _MarkupScan()
    scan.feed(html)
    assert scan.problems == [], f"{where}: {scan.problems}"


def _id_from(response) -> int:
    assert response.status_code == 302, response.text
    return int(response.headers["Location"].rstrip("/").split("#")[0].rsplit("/", 1)[1])


@pytest.mark.parametrize("payload", PAYLOADS)
def test_user_text_is_escaped_or_sanitised_on_every_page(app, client, make, payload):
    p = make.partnership()
    admin = make.member(p, role="admin")
    other = make.member(p, name=payload[:120])
    make.commit()
    slug, other_id = p.slug, other.id
    assert login(client, admin.user.email).status_code == 302
    base = f"/p/{slug}"

    assert client.post(f"{base}/profile", data={"name": payload, "tags": "gis",
                                                "bio": payload}).status_code == 302
    task_id = _id_from(client.post(f"{base}/tasks/new", data={
        "title": payload, "description": payload, "tags": "gis", "capacity": "3",
        "join_policy": "open", "working_group_id": "0"}))
    assert client.post(f"{base}/tasks/{task_id}/comments",
                       data={"body": payload}).status_code == 302
    assert client.post(f"{base}/tasks/{task_id}/work", data={
        "hours": "1", "worked_on": "2026-11-20", "note": payload}).status_code == 302
    group_id = _id_from(client.post(f"{base}/groups/new",
                                    data={"name": payload, "description": payload}))
    assert client.post(f"{base}/admin/organisations/new", data={
        "name": payload, "sector": "business", "formal_authority": "1",
        "resource_control": "1", "discursive_legitimacy": "1"}).status_code == 302
    assert client.post(f"{base}/admin/", data={"name": payload,
                                               "description": payload}).status_code == 302
    activity_id = _id_from(client.post(f"{base}/activities/new", data={
        "kind": "meeting", "title": payload, "occurred_at": "2026-11-20T10:00",
        "duration_minutes": "60", "link": f"task:{task_id}", "attendee_ids": other_id}))
    assert client.post(f"{base}/admin/invitations", data={
        "email": "new.person@example.org", "role": "member",
        "organisation_id": "0"}).status_code == 302
    joining.join_task(db.session.get(Task, task_id), db.session.get(Membership, other_id),
                      payload[:280])
    make.commit()
    org_id = db.session.scalar(select(Organisation.id).where(Organisation.partnership_id == p.id))
    q = quote(payload)

    pages = [
        f"{base}/tasks", f"{base}/tasks?q={q}&tag={q}&status={q}&sort={q}",
        f"{base}/tasks/{task_id}", f"{base}/tasks/{task_id}/edit", f"{base}/my-work",
        f"{base}/members", f"{base}/members?q={q}&tag={q}", f"{base}/members/{other_id}",
        f"{base}/members/{admin.id}", f"{base}/profile", f"{base}/groups/",
        f"{base}/groups/{group_id}", f"{base}/tasks/new?group={group_id}",
        f"{base}/activities/{activity_id}", f"{base}/activities/new?link={q}",
        f"{base}/admin/", f"{base}/admin/organisations", f"{base}/admin/organisations/{org_id}",
        f"{base}/admin/members", f"{base}/admin/invitations", f"{base}/no-such-page",
    ]
    seen_payload_pages = 0
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert_no_xss(response.text, payload, url)
        seen_payload_pages += "alert(1)" in response.text
    assert seen_payload_pages >= 15  # the payload really is on the pages, escaped

    # Forms that refuse the payload show it back in their error message, escaped.
    for url, data in [(f"{base}/profile", {"name": "x", "tags": payload, "bio": ""}),
                      (f"{base}/tasks/new", {"title": "Tagged", "tags": f"gis, {payload}",
                                             "capacity": "3", "join_policy": "open",
                                             "working_group_id": "0"})]:
        before = snapshot()
        response = client.post(url, data=data)
        assert response.status_code == 200
        assert "may use letters, digits" in response.text
        assert_no_xss(response.text, payload, url)
        assert snapshot() == before

    anonymous = app.test_client()
    response = anonymous.get(f"/login?next={q}")
    assert_no_xss(response.text, payload, "login next")

    mails = list(Path(app.config["MAIL_FOLDER"]).glob("*.eml"))
    assert mails, "the invitation email was written"
    for path in mails:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        html = message.get_body(preferencelist=("html",)).get_content()
        assert "alert(1)" in html
        assert_no_xss(html, payload, path.name)


# --- 4. CSRF -------------------------------------------------------------------------------

def csrf_token(html: str) -> str:
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html)
    assert tag, "no csrf_token field on the page"
    return re.search(r'value="([^"]+)"', tag.group(0)).group(1)


def _post_rules(app, world, tokens):
    """(url, rule) for every POST rule, filled with my own, valid ids and tokens."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        ids, others = rule_args(rule) if rule.arguments - {"token"} else ([], {})
        values = {"slug": world.slug, **{n: world.ids[ID_KINDS[n]][0] for n in ids},
                  **{n: v[0] for n, v in others.items()}}
        if "token" in rule.arguments:
            if rule.endpoint not in tokens:
                pytest.fail(f"{rule.endpoint} takes a token: give the CSRF test a valid one")
            values["token"] = tokens[rule.endpoint]
        urls.append(url_for_rule(rule, values))
    return urls


def test_every_post_needs_a_csrf_token(make_app, make):
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    world = build_partnership(make)
    admin = db.session.scalar(select(User).where(User.email == world.admin_email))
    invitation = Invitation(partnership_id=world.id, email="invitee@example.org")
    db.session.add(invitation)
    make.commit()
    with csrf_app.test_request_context():
        tokens = {
            "auth.accept_invitation": make_token("invite", {"i": invitation.id,
                                                           "e": invitation.email}),
            "auth.reset_password": make_token("reset", {"u": admin.id,
                                                        "h": admin.password_hash[-16:]}),
        }
    client = csrf_app.test_client()
    login_page = client.get("/login")
    pre_login_token = csrf_token(login_page.text)
    assert login(client, world.admin_email).status_code == 400  # no token: refused
    response = login(client, world.admin_email, csrf_token=pre_login_token)
    assert response.status_code == 302
    board = client.get(f"/p/{world.slug}/tasks")
    assert board.status_code == 200
    token = csrf_token(board.text)

    urls = _post_rules(csrf_app, world, tokens)
    assert len(urls) >= 20 and "/logout" in urls and "/login" in urls
    with csrf_app.app_context():
        baseline = snapshot()
    failures = []
    for url in sorted(urls, key=lambda u: u == "/logout"):  # log out last, if it slips
        for label, extra in (("no token", {}), ("forged token", {"csrf_token": "forged"}),
                             ("empty token", {"csrf_token": ""})):
            response = client.post(url, data=FORM | extra)
            if response.status_code != 400:
                failures.append(f"POST {url} with {label} -> {response.status_code}")
    assert not failures, "\n".join(failures)
    with csrf_app.app_context():
        assert snapshot() == baseline
    assert client.get(f"/p/{world.slug}/tasks").status_code == 200  # still logged in

    # A token from before login, or from someone else's session, is refused.
    other_token = csrf_token(csrf_app.test_client().get("/login").text)
    task_url = f"/p/{world.slug}/tasks/{world.ids['tasks'][0]}"
    for stale in (pre_login_token, other_token):
        assert client.post(f"{task_url}/comments", data={"body": "hi", "csrf_token": stale}
                           ).status_code == 400

    # With the right token the same requests work, as a field or as the X-CSRFToken header.
    response = client.post(f"{task_url}/comments", data={"body": "hi", "csrf_token": token})
    assert response.status_code == 302
    response = client.post(f"{task_url}/comments", data={"body": "again"},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 302
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get(f"/p/{world.slug}/tasks").status_code == 302


def test_joining_with_a_csrf_token_works(make_app, make):
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    world = build_partnership(make)
    client = csrf_app.test_client()
    token = csrf_token(client.get("/login").text)
    assert login(client, world.waiting_email, csrf_token=token).status_code == 302
    task_url = f"/p/{world.slug}/tasks/{world.ids['tasks'][0]}"
    page = client.get(task_url)
    response = client.post(f"{task_url}/join",
                           data={"note": "I know gis", "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    waiting = db.session.scalar(select(Membership).join(User)
                                .where(User.email == world.waiting_email))
    assert db.session.scalar(select(JoinRequest.status).where(
        JoinRequest.task_id == world.ids["tasks"][0],
        JoinRequest.membership_id == waiting.id)) == "pending"


# --- 5. Open redirect ----------------------------------------------------------------------

NEXT_TARGETS = [
    ("/p/x/tasks", "/p/x/tasks"),
    ("/p/x/tasks?status=open#top", "/p/x/tasks?status=open#top"),
    ("//evil.com", "/"),
    ("/\\evil.com", "/"),
    ("\\\\evil.com", "/"),
    ("https://evil.com", "/"),
    ("https:evil.com", "/"),
    ("javascript:alert(1)", "/"),
    (" //evil.com", "/"),
    ("/\t/evil.com", "/"),
    ("///evil.com", "/"),
    ("http://localhost/p/x/tasks", "/"),
    ("", "/"),
]


def test_login_next_is_followed_only_to_local_paths(client, make):
    """One table, one test: each row would otherwise pay for a database reset."""
    address = member_email(make)
    wrong = []
    for target, expected in NEXT_TARGETS:
        response = login(client, address, next=target)
        # Already logged in, GET /login?next=... takes the same decision.
        again = client.get("/login", query_string={"next": target})
        for how, answer in (("POST", response), ("GET", again)):
            if (answer.status_code, answer.headers.get("Location")) != (302, expected):
                wrong.append(f"{how} next={target!r} -> {answer.status_code} "
                             f"{answer.headers.get('Location')!r}")
    assert not wrong, "\n".join(wrong)


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
    assert unknown.text.replace("nobody@example.org", "EMAIL") == wrong.text.replace(
        address, "EMAIL")
    failures = [r for r in caplog.records if r.name == "polder.auth"
                and r.levelno == logging.WARNING and "login failed" in r.getMessage()]
    assert len(failures) == 2
    assert all("wrong password here" not in r.getMessage() for r in caplog.records)


def test_login_failures_are_throttled_and_successes_are_not_counted(make_app, make):
    limited = make_app(LOGIN_RATE_LIMIT="3/minute")
    address = member_email(make)
    client = limited.test_client()
    for _ in range(4):  # more successes than the limit
        assert login(client, address).status_code == 302
        assert client.post("/logout").status_code == 302
    for _ in range(3):
        assert login(client, address, "wrong password here").status_code == 200
    response = login(client, address, "wrong password here")
    assert response.status_code == 429
    assert_security_headers(response)
    assert login(client, address).status_code == 429  # even the right password, for now
    assert client.get("/login").status_code == 200  # only POSTs are limited


def test_login_failures_are_throttled_per_account_across_addresses(make_app, make):
    limited = make_app(LOGIN_RATE_LIMIT="3/minute")
    address = member_email(make)
    statuses = []
    for n in range(5):
        client = limited.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n + 1}"
        statuses.append(login(client, address.upper(), "wrong password here").status_code)
    assert statuses == [200, 200, 200, 429, 429]


def test_login_failures_are_throttled_per_address_across_accounts(make_app):
    limited = make_app(LOGIN_RATE_LIMIT="3/minute")
    client = limited.test_client()
    statuses = [login(client, f"nobody{n}@example.org", "wrong password here").status_code
                for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    forgot = [client.post("/password/forgot", data={"email": f"x{n}@example.org"}).status_code
              for n in range(4)]
    assert forgot == [302, 302, 302, 429]


# --- 9. Security headers -------------------------------------------------------------------

def assert_security_headers(response) -> None:
    policy = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, _, value = part.strip().partition(" ")
        policy[name] = value.strip()
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


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
    assert other.text == missing.text and "Secret Alliance" not in other.text
