"""Security headers, CSRF and rate limiting."""

from flask import Flask, g, request

from ..extensions import csrf, limiter, talisman

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "img-src": "'self' data:",
}


def init_security(app: Flask) -> None:
    csrf.init_app(app)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config.get("SESSION_COOKIE_SECURE", False),
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
    )
    init_limiter(app)
    app.after_request(_no_store_for_people)


def _no_store_for_people(response):
    """A page made for a logged-in person must not stay in a shared or back-button cache
    after they log out."""
    # The user as loaded during the request, if it was: loading them here could fail
    # again after a database error, and a static file needs no user.
    user = g.get("_login_user")
    if request.endpoint != "static" and user is not None and user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
    return response


def init_limiter(app: Flask) -> None:
    storage = app.config["RATELIMIT_STORAGE_URI"] or app.config["REDIS_URL"] or "memory://"
    app.config["RATELIMIT_STORAGE_URI"] = storage
    if storage.startswith("memory") and app.config["ENV_NAME"] == "production" \
            and not app.config.get("RATELIMIT_SINGLE_PROCESS"):
        raise RuntimeError(
            "Rate limits need storage shared by every web process: set REDIS_URL (or "
            "RATELIMIT_STORAGE_URI). With one web process only, set "
            "RATELIMIT_SINGLE_PROCESS=1.")
    if storage.startswith("redis"):
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        timeout = app.config["REDIS_SOCKET_TIMEOUT"]
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {
            "socket_timeout": timeout, "socket_connect_timeout": timeout,
            "retry": Retry(NoBackoff(), 0)})
    limiter.init_app(app)
