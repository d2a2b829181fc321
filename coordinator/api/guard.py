"""The rules every API request meets, registered on each resource blueprint: a token,
a rate limit per token, a bounded JSON body, Idempotency-Key replays, no caching."""

from __future__ import annotations

import hashlib

from flask import abort, current_app, request
from flask_smorest import Blueprint

from ..extensions import limiter
from . import idempotency
from .auth import authenticate, no_store

BODY_METHODS = ("POST", "PUT", "PATCH")


def protect(blueprint: Blueprint) -> Blueprint:
    """Once, where the blueprint is made: Flask refuses hooks added after registration."""
    limiter.limit(_rate_limit, key_func=token_key)(blueprint)
    blueprint.before_request(authenticate)
    blueprint.before_request(check_body)
    blueprint.before_request(idempotency.replay_or_reserve)
    blueprint.after_request(idempotency.store_answer)
    blueprint.after_request(no_store)
    return blueprint


def _rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def token_key() -> str:
    """Limits count per token (a hash of it: the limiter runs before authentication)."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        return "api-token:" + hashlib.sha256(secret.strip().encode()).hexdigest()[:32]
    return "api-client:" + (request.remote_addr or "")


def check_body() -> None:
    if request.method not in BODY_METHODS:
        return
    limit = current_app.config["API_MAX_BODY_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        abort(413, description=f"Send at most {limit // 1024} KB.")
    if (request.content_length or request.get_data(cache=True)) and not request.is_json:
        abort(415, description="Send the body as application/json.")
