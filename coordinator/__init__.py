"""Polder: task coordination for partnerships where nobody is in charge."""

import logging
import os

from flask import Flask

from config import BASE_DIR, INSTANCE_DIR, Config, config_for_env

from . import database, queue
from .api import init_api
from .cli import register_commands
from .web import (
    auth,
    error_pages,
    input_guard,
    once,
    register_blueprints,
    security,
    templating,
    tenancy,
)


def create_app(config: type[Config] | None = None, **overrides) -> Flask:
    app = Flask(__name__, template_folder=str(BASE_DIR / "templates"),
                instance_path=str(INSTANCE_DIR))
    app.config.from_object(config or config_for_env())
    app.config.update(overrides)
    _check_secret_key(app)
    logging.basicConfig(level=app.config.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)

    input_guard.init_input_guard(app)
    database.init_database(app)
    security.init_security(app)
    auth.init_login(app)
    once.init_once(app)
    queue.init_queue(app)
    tenancy.init_tenancy(app)
    error_pages.register_error_handlers(app)
    register_blueprints(app)
    init_api(app)
    templating.init_templating(app)

    register_commands(app)
    return app


MIN_SECRET_BYTES = 32


def _check_secret_key(app: Flask) -> None:
    key = app.config.get("SECRET_KEY")
    if app.config["ENV_NAME"] == "production":
        if not key:
            raise RuntimeError("SECRET_KEY must be set in production (32+ random bytes).")
        size = len(key.encode() if isinstance(key, str) else key)
        if size < MIN_SECRET_BYTES:
            raise RuntimeError(
                f"SECRET_KEY is {size} bytes; production needs at least {MIN_SECRET_BYTES}. "
                "Make one with: python -c 'import secrets; print(secrets.token_hex(32))'")
        return
    if key:
        return
    # Development: keep one random key per checkout so sessions survive restarts.
    os.makedirs(app.instance_path, exist_ok=True)
    path = os.path.join(app.instance_path, "secret_key")
    if not os.path.exists(path):
        with open(path, "w") as handle:
            handle.write(os.urandom(32).hex())
    with open(path) as handle:
        app.config["SECRET_KEY"] = handle.read().strip()
