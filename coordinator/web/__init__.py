"""The web interface: blueprints, forms, request glue and error pages, on the services.

Each blueprint turns requests into calls of `coordinator.services` and renders the
result; the API sits beside them on the same services.
"""

from flask import Flask

from . import (
    account,
    activity,
    admin,
    api_tokens,
    auth,
    desk,
    digests,
    groups,
    home,
    joining,
    knowledge_map,
    members,
    tasks,
)


def register_blueprints(app: Flask) -> None:
    for module in (home, auth, account, api_tokens, tasks, joining, activity, members, groups,
                   knowledge_map, desk, admin, digests):
        app.register_blueprint(module.bp)
