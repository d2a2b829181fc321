"""Configuration: defaults here, overridden by environment variables (and `.env`)."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("POLDER_INSTANCE_DIR", BASE_DIR / "instance"))


def database_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs (SQLAlchemy would pick psycopg2)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    ENV_NAME = os.environ.get("POLDER_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'polder.db'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Empty means "no Redis": jobs run in-process after the request commits.
    REDIS_URL = os.environ.get("REDIS_URL", "")
    # A local Redis answers in well under a millisecond; a hung one must cost a page less
    # than a second in all (limiter and queue), and then is left alone for a while.
    REDIS_SOCKET_TIMEOUT = float(os.environ.get("REDIS_SOCKET_TIMEOUT", "0.25"))
    REDIS_RETRY_AFTER_SECONDS = float(os.environ.get("REDIS_RETRY_AFTER_SECONDS", "30"))
    # Seconds between the attempts of a failed job (three retries).
    JOB_RETRY_INTERVALS = [int(s) for s in os.environ.get("JOB_RETRY_INTERVALS",
                                                            "30,120,600").split(",")]
    # Changes within this many seconds coalesce into one knowledge-map recompute.
    RECOMPUTE_DEBOUNCE_SECONDS = float(os.environ.get("RECOMPUTE_DEBOUNCE_SECONDS", "30"))

    # OWASP Password Storage Cheat Sheet: scrypt N=2^17, r=8, p=1.
    PASSWORD_HASH_METHOD = "scrypt:131072:8:1"
    PASSWORD_MIN_LENGTH = 10

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    # A session ends after this long unused, and this long after login whatever happens.
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", str(7 * 24 * 60)))
    SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", str(30 * 24)))
    FORCE_HTTPS = _bool("FORCE_HTTPS", False)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024

    # Login attempts per address from one client, and per client over all addresses.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10/minute;50/hour")
    LOGIN_CLIENT_RATE_LIMIT = os.environ.get("LOGIN_CLIENT_RATE_LIMIT", "30/minute;200/hour")
    # Shared by every web process: Redis (REDIS_URL unless set). Production refuses to
    # start with per-process memory storage unless this says it runs one process only.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "")
    RATELIMIT_SINGLE_PROCESS = _bool("RATELIMIT_SINGLE_PROCESS", False)
    RATELIMIT_HEADERS_ENABLED = True  # Retry-After on a 429, RateLimit-* on API answers
    RATELIMIT_HEADER_LIMIT = "RateLimit-Limit"
    RATELIMIT_HEADER_REMAINING = "RateLimit-Remaining"
    RATELIMIT_HEADER_RESET = "RateLimit-Reset"
    # Per token, over every API endpoint together.
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600 per minute")
    API_MAX_BODY_BYTES = int(os.environ.get("API_MAX_BODY_BYTES", str(256 * 1024)))
    # How far back work may be logged: later logs of old work would rewrite measured weeks.
    WORK_LOG_MAX_AGE_DAYS = int(os.environ.get("WORK_LOG_MAX_AGE_DAYS", "365"))
    # Webhooks go to https:// addresses only, unless this is set (local testing).
    WEBHOOK_ALLOW_HTTP = _bool("WEBHOOK_ALLOW_HTTP", False)

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_STARTTLS = _bool("MAIL_USE_STARTTLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "Polder <polder@localhost>")
    MAIL_FOLDER = os.environ.get("MAIL_FOLDER", str(INSTANCE_DIR / "mail"))
    # Links in email need an absolute address; requests are not there to tell it.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")

    INVITE_MAX_AGE = 7 * 24 * 3600
    RESET_MAX_AGE = 3600
    BOARD_PAGE_SIZE = 20
    # How long a process reuses the board's tag suggestions (most used first), seconds.
    TAG_SUGGESTIONS_TTL = 60


class ProductionConfig(Config):
    ENV_NAME = "production"
    FORCE_HTTPS = _bool("FORCE_HTTPS", True)
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-session"
    REMEMBER_COOKIE_NAME = "__Host-remember"


class TestConfig(Config):
    TESTING = True
    WEBHOOK_ALLOW_HTTP = True  # the tests' receivers are plain HTTP on 127.0.0.1
    TAG_SUGGESTIONS_TTL = 0  # every test sees the tags it just made
    SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    REDIS_URL = ""
    # A cheaper scrypt cost keeps the suite fast; production cost has its own test.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
    RATELIMIT_STORAGE_URI = "memory://"
    # Tests log in often from one address; the limit tests set their own.
    LOGIN_RATE_LIMIT = "100/minute"
    LOGIN_CLIENT_RATE_LIMIT = "300/minute"
    # Most tests post forms directly; tests/test_security.py turns CSRF back on.
    WTF_CSRF_ENABLED = False
    MAIL_SERVER = ""
    BASE_URL = "http://localhost"


def config_for_env() -> type[Config]:
    return ProductionConfig if Config.ENV_NAME == "production" else Config
