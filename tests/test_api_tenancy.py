"""Every API endpoint that takes an id answers 404 for another partnership's row, with a
token that may do everything. The endpoints are read from the OpenAPI document, so a new
one is covered as soon as it exists; a new path parameter or body must be given a row or
a sample here, or this test fails."""

from datetime import date, timedelta

import pytest

from coordinator.extensions import db
from coordinator.models import Alert, utcnow
from coordinator.services import activity, groups, joining
from coordinator.services.knowledge import compute
from tests.api_client import ApiClient, token_for

SCOPES = ("read", "write", "coordinator:read", "coordinator:write")

# A valid body per request schema, so that it is the id that decides the answer.
SAMPLES = {
    "TaskCreate": {"title": "x"},
    "TaskUpdate": {"title": "x"},
    "Outcome": {"outcome": "x"},
    "Reason": {},
    "JoinBody": {"note": "x"},
    "HandOverBody": {"successor_id": 1},
    "CommentCreate": {"body": "x"},
    "WorkLogCreate": {"hours": 1, "worked_on": date.today().isoformat()},
    "AlertAction": {"action": "acknowledge"},
    "ProfileUpdate": {},
    "Decision": {"decision": "withdraw"},
}


@pytest.fixture
def theirs(make):
    """A partnership with one row of everything, and its ids by path parameter."""
    other = make.partnership(slug="estuary")
    them = make.member(other, role="coordinator", email="them@example.org",
                       tags=("hydrology",))
    for n in range(3):
        make.member(other, email=f"e{n}@example.org", tags=("hydrology", "gis"))
    asker = make.member(other, email="asker@example.org")
    task = make.task(them, join_policy="approval")
    join_request = joining.request_to_join(task, asker, "I know this")
    group = groups.create_group(them, "Estuary group", "")
    activity.log_work(task, them, 1, date.today() - timedelta(days=1))
    now = utcnow()
    alert = Alert(partnership_id=other.id, kind="joinholism_team", scope_type="task",
                  scope_id=task.id, severity="low", window_start=now, window_end=now)
    db.session.add(alert)
    make.commit()
    cluster = compute.recompute(other, force=True).snapshot.clusters[0]
    make.commit()
    return {"task_id": task.id, "member_id": them.id, "group_id": group.id,
            "alert_id": alert.id, "request_id": join_request.id, "cluster_id": cluster.id}


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if "{" in path and method in ("get", "post", "put", "patch", "delete"):
                yield path, method.upper(), operation


def test_every_endpoint_with_an_id_hides_other_partnerships(client, make, theirs):
    ours = make.partnership(slug="river")
    me = make.member(ours, role="coordinator")
    make.commit()
    api = ApiClient(client, token_for(make, me, scopes=SCOPES))
    document = client.get("/api/v1/openapi.json").json
    checked = []
    for path, method, operation in _operations(document):
        url = path
        for name, value in theirs.items():
            url = url.replace("{" + name + "}", str(value))
        assert "{" not in url, f"give tests/test_api_tenancy.py a row for {path}"
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        sample = None
        if body:
            schema = body["schema"]["$ref"].rsplit("/", 1)[-1]
            assert schema in SAMPLES, f"give tests/test_api_tenancy.py a sample {schema}"
            sample = SAMPLES[schema]
        answer = api(method, url, json=sample, headers={"If-Match": '"anything"'})
        assert answer.status_code == 404, (method, url, answer.get_data(as_text=True))
        assert answer.content_type == "application/problem+json"
        checked.append((method, path))
    assert len(checked) >= 12  # the document lists them; an empty one would pass too easily
