"""Security headers, CSRF and rate limiting."""

from flask import Flask

from .extensions import csrf, limiter, talisman

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
    storage = app.config["RATELIMIT_STORAGE_URI"] or app.config["REDIS_URL"] or "memory://"
    app.config["RATELIMIT_STORAGE_URI"] = storage
    if storage.startswith("redis"):
        timeout = app.config["REDIS_SOCKET_TIMEOUT"]
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS",
                              {"socket_timeout": timeout, "socket_connect_timeout": timeout})
    limiter.init_app(app)
