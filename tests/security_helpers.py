"""Shared by the security tests: logging in, and the checks more than one theme needs
(CSRF tokens, security headers). Other apps on the test database come from conftest's
`make_app` fixture."""

import re

from tests.factories import Factory

PASSWORD = Factory.PASSWORD


def login(client, email_address, password=PASSWORD, **extra):
    return client.post("/login", data={"email": email_address, "password": password, **extra})


def member_email(make, role="member", **fields) -> str:
    membership = make.member(make.partnership(), role=role, **fields)
    make.commit()
    return membership.user.email


def csrf_token(html: str) -> str:
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html)
    assert tag, "no csrf_token field on the page"
    return re.search(r'value="([^"]+)"', tag.group(0)).group(1)


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
