"""Shared by the security tests: another app on the test database, logging in, and the
checks more than one theme needs (CSRF tokens, security headers).

Fixtures cannot be shared from here without a conftest entry, so each test module that
needs `make_app` declares it in three lines around `other_apps`.
"""

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from flask import Flask

from config import TestConfig
from coordinator import create_app
from coordinator.extensions import db
from tests.factories import Factory

PASSWORD = Factory.PASSWORD


def other_apps(schema: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Back a `make_app` fixture: `yield from other_apps(_schema, tmp_path)`."""
    made = []

    def factory(config=TestConfig, **overrides):
        other = create_app(config, **({"SQLALCHEMY_DATABASE_URI": schema,
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
