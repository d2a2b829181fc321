"""Tenant isolation, function-level authorisation and mass assignment.

The route lists come from `app.url_map`, so a new route is checked the day it is added:
a route whose id argument the tests do not know makes them fail with a message naming it.
"""

import itertools
import re
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from werkzeug.routing.converters import AnyConverter

from coordinator.extensions import db
from coordinator.models import (
    Alert,
    Comment,
    LoginSession,
    Membership,
    Organisation,
    Partnership,
    Task,
    User,
    WebhookDelivery,
    WorkingGroup,
)
from coordinator.services import activity, api_tokens, groups, joining, sessions, webhooks
from coordinator.services.knowledge import compute as knowledge

# Arguments that are not ids and that every route may carry.
NON_ID_ARGS = {"slug"}
# What an id argument names, so each rule gets the other partnership's rows of that kind.
ID_KINDS = {
    "task_id": "tasks",
    "request_id": "requests",
    "member_id": "members",
    "organisation_id": "organisations",
    "group_id": "groups",
    "activity_id": "activities",
    "cluster_id": "clusters",
    "alert_id": "alerts",
    "session_id": "sessions",
    "token_id": "tokens",
    "webhook_id": "webhooks",
    "delivery_id": "deliveries",
}
# Form fields every POST carries: enough for any form here to validate, so a missing
# scope check would show up as a change in the database, not as a form error.
FORM = {
    "note": "I know this well", "body": "A comment", "reason": "a reason",
    "outcome": "It is done", "hours": "2", "worked_on": "2026-11-20",
    "title": "Hijacked title", "description": "hijacked", "tags": "", "capacity": "3",
    "join_policy": "open", "working_group_id": "0", "role": "admin", "organisation_id": "0",
    "name": "Hijacked", "sector": "business", "formal_authority": "2",
    "resource_control": "2", "discursive_legitimacy": "2", "bio": "hijacked",
    "kind": "meeting", "occurred_at": "2026-11-20T10:00", "duration_minutes": "60",
    "email": "someone@example.org",
    "acknowledge-note": "seen", "snooze-until": "2030-01-01", "snooze-note": "later",
    "resolve-note": "handled", "reopen-note": "again",
    "confirmed": "yes",  # past the confirmation step of actions that cannot be undone
}
METHODS = ("GET", "POST")


def build_partnership(make) -> SimpleNamespace:
    """A partnership with one row of every kind a URL can name; ids only."""
    p = make.partnership()
    admin = make.member(p, role="admin", tags=("hydrology",))
    org = make.organisation(p)
    member = make.member(p, organisation=org, tags=("gis", "hydrology"))
    waiting = make.member(p, tags=("hydrology", "gis"))  # a cluster needs three
    group = groups.create_group(admin, f"Group of {p.slug}", "")
    approval = make.task(admin, join_policy="approval", working_group_id=group.id)
    join_request = joining.request_to_join(approval, member, "I know gis")
    full = make.task(admin, capacity=1)
    joining.join_task(full, member, "I can help")
    joining.join_waitlist(full, waiting, "Me too")
    activity.add_comment(approval, member, "A first comment")
    activity.log_work(full, member, 1.5, date(2026, 11, 20))
    meeting = activity.record_activity(admin, activity.ActivityInput(
        kind="meeting", title="Kick-off", occurred_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
        duration_minutes=60, attendee_ids=[member.id], task_id=approval.id))
    make.commit()
    knowledge_map = knowledge.recompute(p)
    assert knowledge_map.snapshot.clusters, "the tenancy test needs a cluster to point at"
    alert = Alert(partnership_id=p.id, kind="alignophilia_team", scope_type="task",
                  scope_id=approval.id, scope_label="Task team", severity="medium",
                  window_start=datetime(2026, 10, 23, tzinfo=UTC),
                  window_end=datetime(2026, 11, 20, tzinfo=UTC))
    db.session.add(alert)
    login_sessions = [LoginSession(token=LoginSession.new_token(), user_id=m.user_id)
                      for m in (admin, member)]
    db.session.add_all(login_sessions)
    api_token, _ = api_tokens.create(admin, "A token", ["read"], 30)
    hook = webhooks.register(p, admin, "https://example.org/hooks", ["task.created"])
    delivery = WebhookDelivery(webhook_id=hook.id, partnership_id=p.id, event="task.created",
                               body="{}", status="failed")
    db.session.add(delivery)
    make.commit()
    return SimpleNamespace(
        slug=p.slug, id=p.id, admin_email=admin.user.email, member_email=member.user.email,
        waiting_email=waiting.user.email,
        ids={"tasks": [approval.id, full.id], "requests": [join_request.id],
             "members": [admin.id, member.id], "organisations": [org.id],
             "groups": [group.id], "activities": [meeting.id],
             "clusters": [cluster.id for cluster in knowledge_map.snapshot.clusters],
             "alerts": [alert.id],
             "sessions": [sessions.public_id(row.token) for row in login_sessions],
             "tokens": [api_token.id], "webhooks": [hook.id], "deliveries": [delivery.id]})


@pytest.fixture
def world(make):
    return SimpleNamespace(a=build_partnership(make), b=build_partnership(make))


def snapshot() -> dict:
    """Every row of every table, read on a fresh connection."""
    with db.engine.connect() as conn:
        return {table.name: sorted(map(repr, conn.execute(select(table)).all()))
                for table in db.metadata.sorted_tables}


def rule_args(rule) -> tuple[list[str], dict[str, list[str]]]:
    """The rule's id arguments, and the values to try for its other arguments."""
    ids, others = [], {}
    for name in sorted(rule.arguments):
        converter = rule._converters[name]
        if name.endswith("_id"):
            if name not in ID_KINDS:
                pytest.fail(f"{rule.endpoint} ({rule.rule}) takes '{name}', which the "
                            "tenancy tests do not know: add it to ID_KINDS with rows in "
                            "build_partnership()")
            ids.append(name)
        elif isinstance(converter, AnyConverter):
            others[name] = sorted(converter.items)
        elif name not in NON_ID_ARGS:
            pytest.fail(f"{rule.endpoint} ({rule.rule}) takes '{name}': say in "
                        "test_tenancy.py how to fill it")
    return ids, others


def web_rules(app):
    """The browser interface's rules; the API's are tested in test_api_tenancy.py, with
    tokens instead of a login."""
    return [rule for rule in app.url_map.iter_rules() if not rule.rule.startswith("/api/")]


def url_for_rule(rule, values: dict) -> str:
    return re.sub(r"<(?:[^<>:]+:)?([^<>:]+)>", lambda m: str(values[m.group(1)]), rule.rule)


def methods(rule) -> list[str]:
    return [m for m in METHODS if m in rule.methods]


def scoped_rules(app):
    return [rule for rule in web_rules(app) if "slug" in rule.arguments]


def cross_tenant_urls(rule, mine: SimpleNamespace, theirs: SimpleNamespace) -> list[str]:
    """My slug with their ids: all of theirs, and (for several ids) one of theirs at a time."""
    ids, others = rule_args(rule)
    other_values = [dict(zip(others, combo, strict=True))
                    for combo in itertools.product(*others.values())]
    id_sets = []
    for foreign in [set(ids)] + ([{name} for name in ids] if len(ids) > 1 else []):
        choices = [theirs.ids[ID_KINDS[n]] if n in foreign else mine.ids[ID_KINDS[n]][:1]
                   for n in ids]
        id_sets += [dict(zip(ids, combo, strict=True)) for combo in itertools.product(*choices)]
    return sorted({url_for_rule(rule, {"slug": mine.slug, **id_values, **extra})
                   for id_values in id_sets for extra in other_values})


def login(client, email):
    response = client.post("/login", data={"email": email, "password": "a long test passphrase"})
    assert response.status_code == 302, response.text
    return response


def assert_all(client, requests, expected: int, baseline: dict) -> int:
    """Each request gets `expected`; the database is checked after each POST and at the end."""
    failures = []
    for method, url in requests:
        response = client.open(url, method=method, data=FORM if method == "POST" else None)
        if response.status_code != expected:
            failures.append(f"{method} {url} -> {response.status_code}")
        elif method == "POST" and snapshot() != baseline:
            failures.append(f"{method} {url} changed the database")
            break
    assert not failures, "\n".join(failures)
    assert snapshot() == baseline, "a GET changed the database"
    return len(requests)


def test_other_partnerships_ids_are_404_on_every_id_route(app, client, world):
    login(client, world.a.admin_email)
    with app.app_context():
        baseline = snapshot()
        # Every rule with an id, inside /p/<slug> or not: A's admin never reaches B's rows.
        requests = [(method, url) for rule in web_rules(app)
                    if any(a.endswith("_id") for a in rule.arguments)
                    for url in cross_tenant_urls(rule, world.a, world.b)
                    for method in methods(rule)]
        # A stale entry in ID_KINDS would hide a renamed argument.
        named = {name for rule in web_rules(app) for name in rule.arguments}
        assert set(ID_KINDS) <= named
        assert assert_all(client, requests, 404, baseline) > 30


def test_the_same_urls_work_with_my_own_ids(app, client, world):
    """The 404s above come from scoping, not from broken URLs: my own ids are found."""
    login(client, world.a.admin_email)
    for rule in scoped_rules(app):
        ids, others = rule_args(rule)
        if not ids or "GET" not in rule.methods:
            continue
        values = {"slug": world.a.slug, **{n: world.a.ids[ID_KINDS[n]][0] for n in ids},
                  **{n: v[0] for n, v in others.items()}}
        url = url_for_rule(rule, values)
        assert client.get(url).status_code == 200, url


def test_other_partnerships_slug_is_404_on_every_slug_route(app, client, world):
    login(client, world.a.admin_email)
    with app.app_context():
        baseline = snapshot()
        requests = []
        for rule in scoped_rules(app):
            ids, others = rule_args(rule)
            for slug in (world.b.slug, "no-such-partnership"):
                values = {"slug": slug, **{n: world.b.ids[ID_KINDS[n]][0] for n in ids},
                          **{n: v[0] for n, v in others.items()}}
                requests += [(m, url_for_rule(rule, values)) for m in methods(rule)]
        requests.append(("POST", "/switch?slug=" + world.b.slug))
        assert assert_all(client, requests, 404, baseline) > 30
        response = client.post("/switch", data={"slug": world.b.slug})
        assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_login_not_told_what_exists(app, client, world):
    for slug in (world.a.slug, "no-such-partnership"):
        response = client.get(f"/p/{slug}/tasks/{world.a.ids['tasks'][0]}")
        assert response.status_code == 302
        assert response.location.startswith("/login")


def test_other_partnerships_ids_in_form_fields_are_refused(app, client, world):
    """Ids inside a form body are scoped too: choices only list my partnership's rows."""
    a, b = world.a, world.b
    login(client, a.admin_email)
    with app.app_context():
        baseline = snapshot()
    posts = [
        (f"/p/{a.slug}/tasks/new", FORM | {"working_group_id": b.ids["groups"][0]}),
        (f"/p/{a.slug}/tasks/{a.ids['tasks'][0]}/edit",
         FORM | {"working_group_id": b.ids["groups"][0]}),
        (f"/p/{a.slug}/activities/new", FORM | {"link": f"task:{b.ids['tasks'][0]}"}),
        (f"/p/{a.slug}/activities/new", FORM | {"link": f"group:{b.ids['groups'][0]}"}),
        (f"/p/{a.slug}/activities/new", FORM | {"link": f"task:{a.ids['tasks'][0]}",
                                                "attendee_ids": b.ids["members"][1]}),
        (f"/p/{a.slug}/admin/members/{a.ids['members'][1]}",
         {"role": "member", "organisation_id": b.ids["organisations"][0]}),
        (f"/p/{a.slug}/admin/invitations", FORM | {"organisation_id": b.ids["organisations"][0]}),
        (f"/p/{a.slug}/tasks/{a.ids['tasks'][0]}/hand-over",
         {"successor": b.ids["members"][1]}),
    ]
    for url, data in posts:
        response = client.post(url, data=data)
        assert response.status_code in (200, 302, 404, 422), (url, response.status_code)
        with app.app_context():
            assert snapshot() == baseline, url


@pytest.mark.parametrize("role", ["member", "coordinator"])
def test_admin_pages_are_403_below_admin(app, client, make, world, role):
    a = world.a
    p = db.session.get(Partnership, a.id)
    someone = make.member(p, role=role)
    make.commit()
    login(client, someone.user.email)
    with app.app_context():
        baseline = snapshot()
    admin_rules = [rule for rule in web_rules(app)
                   if rule.endpoint.startswith("admin.")]
    assert {r.endpoint for r in admin_rules} >= {
        "admin.settings", "admin.organisations", "admin.organisation", "admin.members",
        "admin.update_member", "admin.invitations", "admin.import_page"}
    requests = []
    for rule in admin_rules:
        ids, others = rule_args(rule)
        values = {"slug": a.slug, **{n: a.ids[ID_KINDS[n]][0] for n in ids},
                  **{n: v[0] for n, v in others.items()}}
        requests += [(m, url_for_rule(rule, values)) for m in methods(rule)]
    with app.app_context():
        assert assert_all(client, requests, 403, baseline) == len(requests)


def test_task_actions_need_the_right_person_in_my_own_partnership(app, client, make, world):
    """Object level: a member who is not on a task cannot edit, close or decide for it."""
    a = world.a
    outsider = make.member(db.session.get(Partnership, a.id))
    make.commit()
    login(client, outsider.user.email)
    approval, full = (f"/p/{a.slug}/tasks/{task_id}" for task_id in a.ids["tasks"])
    request_id = a.ids["requests"][0]
    # Closing actions last, so that each earlier one meets an open task.
    urls = [f"{approval}/edit", f"{approval}/hand-over",
            *(f"{approval}/requests/{request_id}/{action}"
              for action in ("decline", "withdraw", "accept")),
            f"{full}/work", f"{full}/leave", f"{full}/waitlist/leave",
            f"/p/{a.slug}/groups/{a.ids['groups'][0]}/leave",
            f"{approval}/complete", f"{approval}/cancel"]
    wrong = []
    for url in urls:
        with app.app_context():
            before = snapshot()
            response = client.post(url, data=FORM | {"successor": a.ids["members"][1]})
            changed = snapshot() != before
        if changed or response.status_code not in (302, 403, 409, 422):
            wrong.append(f"POST {url} -> {response.status_code}, changed={changed}")
    assert not wrong, "\n".join(wrong)


def test_admin_pages_send_anonymous_visitors_to_login(app, client, world):
    for rule in web_rules(app):
        if rule.endpoint.startswith("admin.") and "GET" in rule.methods:
            ids, _ = rule_args(rule)
            url = url_for_rule(rule, {"slug": world.a.slug,
                                      **{n: world.a.ids[ID_KINDS[n]][0] for n in ids}})
            response = client.get(url)
            assert response.status_code == 302 and response.location.startswith("/login"), url


def test_extra_form_fields_are_not_bound(app, client, make, world):
    """Mass assignment: role, partnership, owner and status fields in a form are ignored."""
    a, b = world.a, world.b
    login(client, a.member_email)
    me = db.session.scalar(select(Membership).join(User).where(User.email == a.member_email))
    me_id, org_before = me.id, me.organisation_id
    extra = {"partnership_id": b.id, "role": "admin", "user_id": 1, "id": b.ids["tasks"][0],
             "organisation_id": b.ids["organisations"][0], "email": "evil@example.org",
             "status": "done", "filled": "3", "initiator_id": a.ids["members"][0],
             "created_by_id": a.ids["members"][0], "membership_id": a.ids["members"][0],
             "description_html": "<script>alert(1)</script>", "slug": b.slug}

    response = client.post(f"/p/{a.slug}/profile",
                           data={"name": "Renamed", "tags": "gis", "bio": "b"} | extra)
    assert response.status_code == 302
    response = client.post(f"/p/{a.slug}/tasks/new", data={
        "title": "Mine", "description": "d", "tags": "gis", "capacity": "2",
        "join_policy": "open", "working_group_id": "0"} | extra)
    assert response.status_code == 302
    response = client.post(f"/p/{a.slug}/groups/new", data={"name": "Mine too"} | extra)
    assert response.status_code == 302
    task_id = db.session.scalar(select(Task.id).where(Task.title == "Mine"))
    response = client.post(f"/p/{a.slug}/tasks/{task_id}/comments",
                           data={"body": "hello"} | extra)
    assert response.status_code == 302

    db.session.expire_all()
    me = db.session.get(Membership, me_id)
    assert (me.role, me.partnership_id, me.organisation_id) == ("member", a.id, org_before)
    assert me.user.email == a.member_email and me.user.name == "Renamed"
    task = db.session.get(Task, task_id)
    assert (task.partnership_id, task.initiator_id, task.status, task.filled) == (
        a.id, me_id, "open", 0)
    assert "<script" not in task.description_html
    group = db.session.scalar(select(WorkingGroup).where(WorkingGroup.name == "Mine too"))
    assert (group.partnership_id, group.created_by_id) == (a.id, me_id)
    comment = db.session.scalar(select(Comment).where(Comment.task_id == task_id))
    assert comment.membership_id == me_id
    assert db.session.get(Task, b.ids["tasks"][0]).partnership_id == b.id


def test_admin_forms_ignore_extra_fields(app, client, world):
    a, b = world.a, world.b
    login(client, a.admin_email)
    extra = {"partnership_id": b.id, "id": b.ids["organisations"][0], "slug": "stolen"}
    response = client.post(f"/p/{a.slug}/admin/organisations/new", data={
        "name": "New org", "sector": "academia", "formal_authority": "0",
        "resource_control": "1", "discursive_legitimacy": "2"} | extra)
    assert response.status_code == 302
    response = client.post(f"/p/{a.slug}/admin/", data={"name": "Renamed A"} | extra)
    assert response.status_code == 302

    db.session.expire_all()
    org = db.session.scalar(select(Organisation).where(Organisation.name == "New org"))
    assert org.partnership_id == a.id and org.id != b.ids["organisations"][0]
    assert db.session.get(Organisation, b.ids["organisations"][0]).partnership_id == b.id
    partnership = db.session.get(Partnership, a.id)
    assert (partnership.slug, partnership.name) == (a.slug, "Renamed A")
