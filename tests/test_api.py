"""The JSON API's contract, endpoint by endpoint: what comes back, and what is refused."""

import hashlib
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from coordinator.extensions import db
from coordinator.models import Comment, Task
from tests.api_client import ApiClient, token_for


@pytest.fixture
def river(make):
    partnership = make.partnership(slug="river")
    ana = make.member(partnership, email="ana@example.org", name="Ana", tags=("hydrology",))
    ben = make.member(partnership, email="ben@example.org", name="Ben")
    cy = make.member(partnership, role="coordinator", email="cy@example.org", name="Cy")
    make.commit()
    return partnership, ana, ben, cy


@pytest.fixture
def ana(client, make, river):
    return ApiClient(client, token_for(make, river[1]))


@pytest.fixture
def ben(client, make, river):
    return ApiClient(client, token_for(make, river[2]))


def _new_task(api, **fields):
    answer = api.post("/api/v1/tasks", json={"title": "Map the dikes", **fields})
    assert answer.status_code == 201, answer.json
    return answer


def test_posting_a_task_answers_201_with_its_location(ana):
    made = _new_task(ana, tags=["GIS", "hydrology"], capacity=2,
                     due_on=(date.today() + timedelta(days=9)).isoformat())
    task = made.json
    assert made.headers["Location"].endswith(f"/api/v1/tasks/{task['id']}")
    assert (task["title"], task["capacity"], task["places_left"], task["status"]) == \
        ("Map the dikes", 2, 2, "open")
    assert task["tags"] == ["gis", "hydrology"] and task["initiator"]["name"] == "Ana"
    assert task["created_at"].endswith("+00:00")  # ISO 8601 with an offset


@pytest.mark.parametrize(("body", "field"), [
    ({}, "title"),
    ({"title": ""}, "title"),
    ({"title": "x", "capacity": 0}, "capacity"),
    ({"title": "x", "colour": "red"}, "colour"),
    ({"title": "x", "join_policy": "anyone"}, "join_policy"),
])
def test_bad_input_names_its_field_and_writes_nothing(ana, body, field):
    refused = ana.post("/api/v1/tasks", json=body)
    assert refused.status_code == 422 and refused.content_type == "application/problem+json"
    assert field in refused.json["errors"], refused.json
    assert db.session.scalar(select(func.count()).select_from(Task)) == 0


def test_a_body_that_is_not_json_is_415_and_a_huge_one_413(ana, app):
    not_json = ana("POST", "/api/v1/tasks", data="title=x",
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert not_json.status_code == 415
    app.config["API_MAX_BODY_BYTES"] = 100
    huge = ana.post("/api/v1/tasks", json={"title": "x" * 200})
    assert huge.status_code == 413 and huge.json["code"] == "request_entity_too_large"


def test_the_list_pages_with_a_next_link_and_filters(ana):
    for n in range(5):
        _new_task(ana, title=f"Task {n}", tags=["gis"] if n % 2 else [])
    first = ana.get("/api/v1/tasks?limit=2&sort=newest")
    assert [t["title"] for t in first.json["items"]] == ["Task 4", "Task 3"]
    second = ana.get(first.json["next"])
    third = ana.get(second.json["next"])
    assert [t["title"] for t in second.json["items"] + third.json["items"]] == \
        ["Task 2", "Task 1", "Task 0"]
    assert third.json["next"] is None
    tagged = ana.get("/api/v1/tasks?tag=gis&sort=newest").json["items"]
    assert [t["title"] for t in tagged] == ["Task 3", "Task 1"]
    assert ana.get("/api/v1/tasks?cursor=garbage").json["errors"] == {
        "cursor": "This cursor is not one the API gave."}
    assert "limit" in ana.get("/api/v1/tasks?limit=1000").json["errors"]


def test_an_edit_needs_the_etag_it_read(ana):
    task = _new_task(ana).json
    path = f"/api/v1/tasks/{task['id']}"
    etag = ana.get(path).headers["ETag"]
    assert ana.patch(path, json={"capacity": 5}).status_code == 428
    changed = ana.patch(path, json={"capacity": 5}, headers={"If-Match": etag})
    assert changed.status_code == 200 and changed.json["capacity"] == 5
    assert changed.headers["ETag"] != etag
    stale = ana.patch(path, json={"title": "Lost update"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert ana.get(path).json["title"] == "Map the dikes"


def test_only_the_initiator_edits_completes_or_cancels(ana, ben):
    task = _new_task(ana).json
    path = f"/api/v1/tasks/{task['id']}"
    etag = ben.get(path).headers["ETag"]
    assert ben.patch(path, json={"title": "Mine"}, headers={"If-Match": etag}).status_code == 403
    assert ben.post(path + "/complete", json={"outcome": "done"}).status_code == 403
    done = ana.post(path + "/complete", json={"outcome": "Maps delivered"})
    assert done.status_code == 200 and done.json["status"] == "done"


def test_joining_leaving_and_a_full_task(ana, ben, client, make, river):
    task = _new_task(ana, capacity=1).json
    path = f"/api/v1/tasks/{task['id']}"
    joined = ben.post(path + "/join", json={"note": "I know the dikes"})
    assert joined.status_code == 200 and joined.json["status"] == "joined"
    assert joined.json["task"]["places_left"] == 0
    cy = ApiClient(client, token_for(make, river[3]))
    full = cy.post(path + "/join", json={"note": "me too"})
    assert full.status_code == 409 and full.json["code"] == "task_full"
    assert cy.post(path + "/waitlist", json={"note": "me too"}).json["status"] == "waitlisted"
    assert ben.post(path + "/leave").status_code == 204
    assert ana.get(path).json["places_left"] == 0  # Cy took the place from the waitlist


def test_a_post_sent_twice_with_one_idempotency_key_acts_once(ana):
    headers = {"Idempotency-Key": "create-dikes-1"}
    first = ana.post("/api/v1/tasks", json={"title": "Once"}, headers=headers)
    again = ana.post("/api/v1/tasks", json={"title": "Once"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Task)) == 1
    other = ana.post("/api/v1/tasks", json={"title": "Other"}, headers=headers)
    assert other.status_code == 422 and "Idempotency-Key" in other.json["errors"]


def test_comments_and_work_logs(ana, ben):
    task = _new_task(ana).json
    path = f"/api/v1/tasks/{task['id']}"
    comment = ana.post(path + "/comments", json={"body": "Start **Monday**"})
    assert comment.status_code == 201 and comment.json["author"]["name"] == "Ana"
    listed = ben.get(path + "/comments").json
    assert [c["body"] for c in listed["items"]] == ["Start **Monday**"]
    assert db.session.scalar(select(Comment.body_html)) == "<p>Start <strong>Monday</strong></p>"
    logged = ana.post(path + "/work-logs", json={"hours": 2.5,
                                                "worked_on": date.today().isoformat()})
    assert logged.status_code == 201 and logged.json["hours"] == 2.5
    future = ana.post(path + "/work-logs", json={
        "hours": 1, "worked_on": (date.today() + timedelta(days=3)).isoformat()})
    assert future.status_code == 422 and "worked_on" in future.json["errors"]
    stranger = ben.post(path + "/work-logs", json={"hours": 1,
                                                  "worked_on": date.today().isoformat()})
    assert stranger.status_code in (403, 422)


def test_members_and_my_profile(ana, ben):
    names = [m["name"] for m in ana.get("/api/v1/members").json["items"]]
    assert names == ["Ana", "Ben", "Cy"]
    assert [m["name"] for m in ana.get("/api/v1/members?tag=hydrology").json["items"]] == ["Ana"]
    etag = ben.get("/api/v1/me").headers["ETag"]
    assert ben.patch("/api/v1/me", json={"bio": "x"}).status_code == 428
    changed = ben.patch("/api/v1/me", json={"tags": ["Flood risk"], "bio": "Engineer"},
                        headers={"If-Match": etag})
    assert changed.status_code == 200
    assert (changed.json["tags"], changed.json["bio"], changed.json["name"]) == \
        (["flood risk"], "Engineer", "Ben")
    assert ben.patch("/api/v1/me", json={"role": "admin"},
                     headers={"If-Match": changed.headers["ETag"]}).status_code == 422
    assert ben.patch("/api/v1/me", json={"bio": "Lost"},
                     headers={"If-Match": etag}).status_code == 412


def test_rate_limits_per_token_say_when_to_come_back(ana, ben, app):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    answers = [ana.get("/api/v1/me") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].headers["RateLimit-Limit"] == "3"
    assert answers[1].headers["RateLimit-Remaining"] == "1"
    assert int(answers[3].headers["Retry-After"]) > 0
    assert answers[3].content_type == "application/problem+json"
    assert ben.get("/api/v1/me").status_code == 200  # another token, another count


def test_coordinators_read_and_act_on_alerts(client, make, river):
    from coordinator.models import Alert, utcnow

    now = utcnow()
    alert = Alert(partnership_id=river[0].id, kind="joinholism_team", scope_type="task",
                  scope_id=1, scope_label="Map the dikes", severity="medium",
                  window_start=now - timedelta(days=28), window_end=now,
                  member_ids=[river[1].id])
    db.session.add(alert)
    make.commit()
    desk = ApiClient(client, token_for(make, river[3], scopes=("coordinator:read",
                                                              "coordinator:write")))
    listed = desk.get("/api/v1/alerts").json["items"]
    assert [a["id"] for a in listed] == [alert.id]
    detail = desk.get(f"/api/v1/alerts/{alert.id}").json
    assert detail["people"] == [{"id": river[1].id, "name": "Ana"}]
    acted = desk.post(f"/api/v1/alerts/{alert.id}/actions",
                      json={"action": "acknowledge", "note": "Talking to them"})
    assert acted.status_code == 200, acted.get_data(as_text=True)
    assert acted.json["status"] == "acknowledged"
    wrong = desk.post(f"/api/v1/alerts/{alert.id}/actions", json={"action": "burn"})
    assert wrong.status_code == 422 and "action" in wrong.json["errors"]


def test_the_document_and_its_reference_page(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"] == "3.1.0"
    assert "bearer" in document["components"]["securitySchemes"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "GET /api/v1/tasks" in text and "<script" not in text


def test_join_requests_for_the_initiator_to_decide(ana, ben, client, make, river):
    task = _new_task(ana, join_policy="approval").json
    path = f"/api/v1/tasks/{task['id']}"
    asked = ben.post(path + "/join", json={"note": "I map dikes for a living"})
    assert asked.json["status"] == "requested"
    (request,) = ana.get(path + "/requests").json["items"]
    assert (request["member"]["name"], request["status"]) == ("Ben", "pending")
    cy = ApiClient(client, token_for(make, river[3]))
    assert cy.get(path + "/requests").json["items"] == []  # not Cy's task, nor request
    refused = cy.post(f"{path}/requests/{request['id']}", json={"decision": "accept"})
    assert refused.status_code == 403
    accepted = ana.post(f"{path}/requests/{request['id']}", json={"decision": "accept"})
    assert accepted.status_code == 200 and accepted.json["status"] == "accepted"
    assert ana.get(path).json["filled"] == 1


def test_the_knowledge_map_placement_and_who_knows(ana, make, river):
    from coordinator.services.knowledge import compute

    for n in range(3):
        make.member(river[0], email=f"h{n}@example.org", name=f"Hydro {n}",
                    tags=("hydrology", "gis"))
    make.commit()
    compute.recompute(river[0], force=True)
    db.session.commit()
    found = ana.get("/api/v1/knowledge-map").json
    assert found["clusters"] and found["is_stale"] is False and found["clarity"]
    cluster = found["clusters"][0]
    detail = ana.get(f"/api/v1/knowledge-map/clusters/{cluster['id']}").json
    assert len(detail["members"]) == cluster["size"]
    placed = ana.get(f"/api/v1/members/{river[1].id}/placement").json
    assert placed["cluster"] is not None
    assert all(0 <= n["similarity"] <= 1 for n in placed["neighbours"])
    knowers = ana.get("/api/v1/who-knows?tag=Hydrology").json
    assert knowers["tag"] == "hydrology"
    assert {k["member"]["name"] for k in knowers["members"]} >= {"Ana", "Hydro 0"}
    assert "tag" in ana.get("/api/v1/who-knows").json["errors"]


def test_coordinators_read_the_thresholds_in_force(client, make, river):
    desk = ApiClient(client, token_for(make, river[3], scopes=("coordinator:read",)))
    found = desk.get("/api/v1/thresholds").json
    assert found["values"]["team_min_members"] >= 2 and found["tightened"] == []
    reader = ApiClient(client, token_for(make, river[1], scopes=("read",)))
    assert reader.get("/api/v1/thresholds").status_code == 403


def test_joint_activities_are_recorded_and_listed(ana, ben, river):
    from datetime import UTC, datetime

    task = _new_task(ana).json
    yesterday = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    made = ana.post("/api/v1/activities", json={
        "kind": "meeting", "title": "Kick-off", "occurred_at": yesterday.isoformat(),
        "duration_minutes": 90, "attendee_ids": [river[2].id], "task_id": task["id"]})
    assert made.status_code == 201, made.json
    assert sorted(a["name"] for a in made.json["attendees"]) == ["Ana", "Ben"]
    listed = ben.get(f"/api/v1/activities?task={task['id']}").json["items"]
    assert [a["title"] for a in listed] == ["Kick-off"]
    neither = ana.post("/api/v1/activities", json={
        "kind": "call", "title": "x", "occurred_at": yesterday.isoformat(),
        "duration_minutes": 30})
    assert neither.status_code == 422 and "link" in neither.json["errors"]
    naive = ana.post("/api/v1/activities", json={
        "kind": "call", "title": "x", "occurred_at": "2026-11-20T10:00:00",
        "duration_minutes": 30, "task_id": task["id"]})
    assert naive.status_code == 422 and "occurred_at" in naive.json["errors"]


def test_coordinators_read_power_and_health(client, make, river):
    desk = ApiClient(client, token_for(make, river[3], scopes=("coordinator:read",)))
    power = desk.get("/api/v1/power")
    assert power.status_code == 200
    kinds = [i["kind"] for i in power.json["indicators"]]
    assert "power_exclusion" in kinds and all(i["reading"] for i in power.json["indicators"])
    health = desk.get("/api/v1/health")
    assert health.status_code == 200 and "joint_work" in health.json


def test_coordinators_change_thresholds_within_their_ranges(client, make, river):
    from coordinator.models import ThresholdChange

    desk = ApiClient(client, token_for(make, river[3], scopes=("coordinator:read",
                                                              "coordinator:write")))
    etag = desk.get("/api/v1/thresholds").headers["ETag"]
    changed = desk.patch("/api/v1/thresholds", json={"team_min_members": 4},
                         headers={"If-Match": etag})
    assert changed.status_code == 200 and changed.json["values"]["team_min_members"] == 4
    assert db.session.scalar(select(func.count()).select_from(ThresholdChange)) == 1
    assert desk.patch("/api/v1/thresholds", json={"team_min_members": 5},
                      headers={"If-Match": etag}).status_code == 412
    fresh = {"If-Match": changed.headers["ETag"]}
    out_of_range = desk.patch("/api/v1/thresholds", json={"team_window_days": 1},
                              headers=fresh)
    assert out_of_range.status_code == 422 and "team_window_days" in out_of_range.json["errors"]
    unknown = desk.patch("/api/v1/thresholds", json={"bravery": 3}, headers=fresh)
    assert unknown.status_code == 422 and "bravery" in unknown.json["errors"]


def test_the_rest_of_the_reads(ana, ben, river, make):
    from coordinator.services import groups

    group = groups.create_group(river[1], "Dike wardens", "Keeping an eye on the dikes")
    make.commit()
    assert [g["name"] for g in ben.get("/api/v1/groups").json["items"]] == ["Dike wardens"]
    assert ben.get(f"/api/v1/groups/{group.id}").json["description"].startswith("Keeping")
    assert ben.post(f"/api/v1/groups/{group.id}/join").status_code == 204
    assert groups.is_in_group(group, river[2])
    assert ben.post(f"/api/v1/groups/{group.id}/leave").status_code == 204
    assert not groups.is_in_group(group, river[2])
    assert ben.get(f"/api/v1/members/{river[1].id}").json["tags"] == ["hydrology"]
    assert ben.get("/api/v1/me").json["name"] == "Ben"
    task = _new_task(ana).json
    cancelled = ana.post(f"/api/v1/tasks/{task['id']}/cancel", json={"reason": "No funds"})
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    assert ana.get("/api/v1/tasks/999999").status_code == 404


@pytest.mark.parametrize(("days", "accepted"), [(0, True), (-1, True), (365, True),
                                                 (366, False), (-3, False)])
def test_work_is_logged_for_today_or_the_past_within_the_limit(ana, days, accepted):
    task = _new_task(ana).json
    answer = ana.post(f"/api/v1/tasks/{task['id']}/work-logs", json={
        "hours": 1, "worked_on": (date.today() - timedelta(days=days)).isoformat()})
    assert (answer.status_code == 201) is accepted, answer.json
    if not accepted:
        assert "worked_on" in answer.json["errors"]


def test_a_key_whose_first_request_is_still_running_answers_409(ana, river):
    from coordinator.models import ApiToken, IdempotentRequest, utcnow

    body = b'{"title": "x"}'
    same = hashlib.sha256(b"POST /api/v1/tasks\n" + body).hexdigest()
    token = db.session.scalar(select(ApiToken).where(ApiToken.membership_id == river[1].id))
    db.session.add(IdempotentRequest(token_id=token.id, key="busy", fingerprint=same))
    db.session.add(IdempotentRequest(token_id=token.id, key="dead", fingerprint=same,
                                     created_at=utcnow() - timedelta(minutes=10)))
    db.session.commit()

    def send(key):
        return ana("POST", "/api/v1/tasks", data=body, headers={
            "Idempotency-Key": key, "Content-Type": "application/json"})

    assert send("busy").status_code == 409
    # A reservation whose request died long ago is let go: the retry runs.
    assert send("dead").status_code == 201
