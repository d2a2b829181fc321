"""Who is calling: the bearer token, its member and partnership, and its scopes."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import g, request
from werkzeug.exceptions import Forbidden, Unauthorized

from ..services import api_tokens

SECURITY_SCHEME = {"type": "http", "scheme": "bearer",
                   "description": "A personal access token from your account page."}


class TokenRefused(Unauthorized):
    def __init__(self, description: str):
        super().__init__(description)
        self.code_name = "invalid_token"

    def get_headers(self, *args, **kwargs):
        return [*super().get_headers(*args, **kwargs),
                ("WWW-Authenticate", 'Bearer error="invalid_token"')]


class ScopeMissing(Forbidden):
    def __init__(self, scope: str):
        super().__init__(f"This token does not allow “{scope}”.")
        self.code_name = "insufficient_scope"


def authenticate() -> None:
    """Before every API request: the token in the Authorization header, or 401."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise TokenRefused("Send a personal access token: Authorization: Bearer <token>.")
    token = api_tokens.authenticate(secret.strip())
    if token is None:
        raise TokenRefused("This token is unknown, revoked or expired.")
    g.token = token
    g.member = token.membership
    g.partnership = token.membership.partnership


def requires(scope: str) -> Callable:
    """The view needs this scope; the document says so too."""
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def checked(*args, **kwargs):
            if not api_tokens.allows(g.token, scope):
                raise ScopeMissing(scope)
            return view(*args, **kwargs)

        checked._apidoc = dict(getattr(view, "_apidoc", {}))
        manual = dict(checked._apidoc.get("manual_doc", {}))
        manual["security"] = [{"bearer": [scope]}]
        checked._apidoc["manual_doc"] = manual
        return checked

    return decorate


def no_store(response):
    """What an API answer holds is one member's view: no shared cache keeps it."""
    response.headers["Cache-Control"] = "no-store"
    return response
