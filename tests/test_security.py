"""The security checklist (docs/operations.md), untrusted input: XSS, CSRF and redirects.

Sessions, passwords and login throttling are in test_sessions.py; headers, production
config and error pages in test_hardening.py; tenant isolation, function-level
authorisation and mass assignment in test_tenancy.py.
"""

import email
import email.policy
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import (
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    Task,
    User,
)
from coordinator.services import joining
from coordinator.tokens import make_token
from tests.security_helpers import csrf_token, login, member_email
from tests.test_tenancy import (
    FORM,
    ID_KINDS,
    build_partnership,
    rule_args,
    snapshot,
    url_for_rule,
    web_rules,
)

# --- 3. XSS --------------------------------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "[x](javascript:alert(1))",
]
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}


class _MarkupScan(HTMLParser):
    """Collects markup a payload could have smuggled in; the app itself uses none of it,
    but for scripts of its own static folder (no inline script: the CSP forbids it)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script" and dict(attrs).get("src", "").startswith("/static/"):
            return
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

# RFC 8058 one-click unsubscribe: the POST carries no cookie and no CSRF token by design;
# its signed, purpose-bound token authorises it (tests/test_digests.py).
CSRF_EXEMPT = {"digests.unsubscribe"}


def _post_rules(app, world, tokens):
    """(url, rule) for every POST rule, filled with my own, valid ids and tokens."""
    urls = []
    for rule in web_rules(app):
        if "POST" not in rule.methods or rule.endpoint in CSRF_EXEMPT:
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
