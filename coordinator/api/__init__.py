"""The JSON interface, `/api/v1`: resources on the same services as the pages.

flask-smorest validates each request with marshmallow schemas and builds the OpenAPI 3.1
document from the same schemas, so the document cannot drift from the code. Requests
carry a personal access token (`services/api_tokens.py`); errors are
`application/problem+json` (`web/error_pages.py` maps them).
"""

from __future__ import annotations

import http

from flask import Flask
from flask_smorest import Api as SmorestApi
from flask_smorest.utils import prepare_response

from ..extensions import csrf
from . import alerts, knowledge, members, reference, tasks, work
from .auth import SECURITY_SCHEME
from .common import PROBLEM, Problem

RESOURCES = (tasks.bp, work.bp, work.activities, members.bp, knowledge.bp, alerts.bp)


class Api(SmorestApi):
    """flask-smorest with errors as problem details: the app maps every error in one
    place (pages for the browser, problem+json under /api/), so flask-smorest's own
    handler is left out and the document describes the errors as they are sent."""

    ERROR_SCHEMA = Problem

    def _register_error_handlers(self) -> None:
        pass

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM if status >= 400
                             else self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error, as problem details", "schema": Problem}
        prepare_response(response, self.spec, PROBLEM)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def register_blueprint(self, blp, **options) -> None:
        super().register_blueprint(blp, **options)
        self.spec._tags[-1]["name"] = blp.tag  # the resource's name, not the blueprint's


def init_api(app: Flask) -> None:
    app.config.update(
        API_TITLE="Polder", API_VERSION="v1", OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/api/v1", OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {"description": "Tasks, joining, work, members and, for coordinators, "
                                    "alerts of one partnership."},
            "servers": [{"url": "/"}],
        })
    api = Api(app)
    api.spec.components.security_scheme("bearer", SECURITY_SCHEME)
    for blueprint in RESOURCES:
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)  # a bearer token is not sent by a browser on its own
    app.register_blueprint(reference.bp)
    app.extensions["polder-api"] = api
