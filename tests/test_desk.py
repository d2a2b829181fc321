"""The coordinators' desk: who may use it, acting on alerts, the audit trail, thresholds,
and what members see of an alert on their own task."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import (
    Alert,
    AlertEntry,
    ImmutableRecordError,
    Membership,
    Partnership,
    Task,
    ThresholdChange,
    utcnow,
)

WINDOW = (datetime(2026, 10, 26, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=UTC))
NOTE_FROM_COORDINATOR = "Spoke to Lena; she will invite Amara (coordinators only)."


def make_alert(partnership, *, kind="alignophilia_team", scope_type="task", scope_id=0,
               severity="medium", status="open", label="Task team", opened=None, **extra):
    alert = Alert(partnership_id=partnership.id, kind=kind, scope_type=scope_type,
                  scope_id=scope_id, scope_label=label, severity=severity,
                  severity_rank={"low": 1, "medium": 2, "high": 3}[severity], status=status,
                  window_start=WINDOW[0], window_end=WINDOW[1],
                  opened_at=opened or utcnow(), **extra)
    db.session.add(alert)
    db.session.flush()
    return alert


@pytest.fixture
def desk(make):
    p = make.partnership(slug="river")
    coordinator = make.member(p, role="coordinator", email="coord@example.org", name="Cora")
    admin = make.member(p, role="admin", email="admin@example.org", name="Adam")
    member = make.member(p, email="member@example.org", name="Mo")
    helper = make.member(p, email="helper@example.org", name="Hana")
    task = make.task(member, title="Design the barrier", tags=["hydraulics", "outreach"])
    alert = make_alert(
        p, scope_id=task.id, severity="high", label='Task "Design the barrier"',
        pattern="3 active members, all in one cluster; no member holds \"outreach\".",
        advice="Invite members who hold the missing knowledge.",
        suggestions=[{"member_id": helper.id, "name": "Hana", "active_tasks": 0,
                      "reasons": ['holds "outreach"', "asked to join and was declined",
                                  "no live tasks"],
                      "public_reasons": ['holds "outreach"']}],
        member_ids=[member.id], task_ids=[task.id])
    other = make.partnership(slug="other")
    make.member(other, role="coordinator", email="theirs@example.org")
    foreign = make_alert(other, label="Their alert")
    make.commit()
    return p, {"coordinator": coordinator, "admin": admin, "member": member,
               "helper": helper}, task, alert, foreign


def desk_urls(app, alert_id: int) -> list[tuple[str, str]]:
    """Every desk route as (method, url), from the url map so new routes are covered."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("desk."):
            continue
        converter = rule._converters.get("action")
        for action in sorted(converter.items) if converter else [None]:
            url = re.sub(r"<[^>]*:action>", action or "", rule.rule)
            url = url.replace("<slug>", "river").replace("<int:alert_id>", str(alert_id))
            urls += [(method, url) for method in ("GET", "POST") if method in rule.methods]
    return urls


def test_desk_routes_are_listed(app, desk):
    urls = desk_urls(app, desk[3].id)
    assert ("POST", f"/p/river/desk/alerts/{desk[3].id}/snooze") in urls
    assert ("GET", "/p/river/desk/health") in urls
    assert len(urls) >= 10


def test_members_get_403_on_every_desk_route_and_change_nothing(app, client, auth, desk):
    auth.login("member@example.org")
    alert = desk[3]
    for method, url in desk_urls(app, alert.id):
        response = client.open(url, method=method, data={"resolve-note": "x"})
        assert response.status_code == 403, (method, url)
    db.session.expire_all()
    assert db.session.get(Alert, alert.id).status == "open"
    assert db.session.scalars(select(AlertEntry)).all() == []


def test_anonymous_visitors_are_sent_to_login(app, client, desk):
    for method, url in desk_urls(app, desk[3].id):
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/login" in response.location, (method, url)


@pytest.mark.parametrize("email", ["coord@example.org", "admin@example.org"])
def test_coordinators_and_admins_read_every_desk_page(client, auth, desk, email):
    auth.login(email)
    alert = desk[3]
    for url in ("/p/river/desk/", f"/p/river/desk/alerts/{alert.id}", "/p/river/desk/health",
                "/p/river/desk/thresholds"):
        assert client.get(url).status_code == 200, url


def test_acting_on_another_partnerships_alert_is_404(client, auth, desk):
    auth.login("coord@example.org")
    foreign = desk[4]
    assert client.get(f"/p/river/desk/alerts/{foreign.id}").status_code == 404
    for action in ("acknowledge", "snooze", "resolve", "reopen"):
        response = client.post(f"/p/river/desk/alerts/{foreign.id}/{action}",
                               data={"resolve-note": "x", "snooze-until": "2030-01-01"})
        assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Alert, foreign.id).status == "open"


def test_the_alert_page_shows_evidence_people_and_suggestion(client, auth, desk):
    auth.login("coord@example.org")
    _, people, task, alert, _ = desk
    page = client.get(f"/p/river/desk/alerts/{alert.id}").text
    assert "no member holds &#34;outreach&#34;" in page
    assert f"/p/river/members/{people['helper'].id}" in page and "holds" in page
    assert f"/p/river/tasks/{task.id}" in page
    assert "Invite members who hold the missing knowledge." in page


def test_acknowledge_snooze_resolve_reopen_are_kept_in_the_audit_trail(client, auth, desk):
    auth.login("coord@example.org")
    _, people, _, alert, _ = desk
    base = f"/p/river/desk/alerts/{alert.id}"
    later = (date.today() + timedelta(days=10)).isoformat()
    assert client.post(base + "/acknowledge", data={"acknowledge-note": "seen"}).status_code == 302
    assert client.post(base + "/snooze", data={"snooze-until": later}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Alert, alert.id).status == "snoozed"
    assert client.post(base + "/resolve",
                       data={"resolve-note": NOTE_FROM_COORDINATOR}).status_code == 302
    assert client.post(base + "/reopen", data={"reopen-note": "not done"}).status_code == 302
    entries = db.session.scalars(select(AlertEntry).where(AlertEntry.alert_id == alert.id)
                                 .order_by(AlertEntry.id)).all()
    assert [e.action for e in entries] == ["acknowledged", "snoozed", "resolved", "reopened"]
    assert {e.actor_id for e in entries} == {people["coordinator"].id}
    assert entries[1].data == {"until": later}
    assert entries[2].note == NOTE_FROM_COORDINATOR
    page = client.get(base).text
    assert "Acknowledged" in page and "Cora" in page and "not done" in page


def test_audit_entries_cannot_be_edited_or_deleted(client, auth, desk):
    auth.login("coord@example.org")
    alert = desk[3]
    client.post(f"/p/river/desk/alerts/{alert.id}/resolve", data={"resolve-note": "done"})
    entry = db.session.scalar(select(AlertEntry))
    entry.note = "rewritten"
    with pytest.raises(ImmutableRecordError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalar(select(AlertEntry)))
    with pytest.raises(ImmutableRecordError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(("data", "field_error"), [
    ({"snooze-until": "2020-01-01"}, "Choose a date after today."),
    ({"snooze-until": ""}, "Choose a date."),
    ({"snooze-until": "next week"}, "Not a valid date value."),
])
def test_snooze_dates_in_the_past_or_unreadable_are_refused(client, auth, desk, data,
                                                             field_error):
    auth.login("coord@example.org")
    alert = desk[3]
    response = client.post(f"/p/river/desk/alerts/{alert.id}/snooze", data=data)
    assert response.status_code == 422
    assert field_error in response.text
    db.session.expire_all()
    assert db.session.get(Alert, alert.id).status == "open"
    assert db.session.scalars(select(AlertEntry)).all() == []


def test_snoozing_until_today_is_refused(client, auth, desk):
    auth.login("coord@example.org")
    alert = desk[3]
    response = client.post(f"/p/river/desk/alerts/{alert.id}/snooze",
                           data={"snooze-until": utcnow().date().isoformat()})
    assert response.status_code == 422 and "Choose a date after today." in response.text


def test_resolving_needs_a_note_and_keeps_what_was_typed(client, auth, desk):
    auth.login("coord@example.org")
    alert = desk[3]
    response = client.post(f"/p/river/desk/alerts/{alert.id}/resolve",
                           data={"resolve-note": "   "})
    assert response.status_code == 422
    assert "Say what was done" in response.text
    db.session.expire_all()
    assert db.session.get(Alert, alert.id).status == "open"


def test_reopening_an_open_alert_is_refused_with_a_message(client, auth, desk):
    auth.login("coord@example.org")
    alert = desk[3]
    response = client.post(f"/p/river/desk/alerts/{alert.id}/reopen", data={})
    assert response.status_code == 422
    assert "Only a resolved alert can be reopened." in response.text


def test_the_list_filters_and_sorts_by_severity_then_age(client, auth, desk, make):
    p = desk[0]
    now = utcnow()
    make_alert(p, kind="joinholism_team", scope_type="group", scope_id=7, severity="high",
               label="Older high", opened=now - timedelta(days=9))
    make_alert(p, kind="joinholism_team", scope_type="group", scope_id=8, severity="low",
               label="Low one", opened=now - timedelta(days=30))
    make_alert(p, kind="alignophilia_silo", scope_type="cluster", scope_id=3,
               severity="medium", status="resolved", label="Resolved silo")
    make.commit()
    auth.login("coord@example.org")
    page = client.get("/p/river/desk/").text
    order = [page.index(label) for label in
             ("Older high", "Design the barrier", "Low one")]
    assert order == sorted(order)
    assert "Resolved silo" not in page and "Their alert" not in page
    page = client.get("/p/river/desk/?kind=joinholism_team&severity=low").text
    assert "Low one" in page and "Older high" not in page and "Design the barrier" not in page
    page = client.get("/p/river/desk/?status=resolved").text
    assert "Resolved silo" in page and "Low one" not in page
    page = client.get("/p/river/desk/?scope=cluster&status=all").text
    assert "Resolved silo" in page and "Low one" not in page
    # Unknown filter values fall back to "any" instead of failing.
    assert client.get("/p/river/desk/?kind=nonsense&status=bogus").status_code == 200


def test_a_snooze_that_ran_out_lists_as_open(client, auth, desk, make):
    p = desk[0]
    make_alert(p, kind="joinholism_team", scope_type="group", scope_id=9, status="snoozed",
               snoozed_until=date(2020, 1, 1), label="Woke up")
    make.commit()
    auth.login("coord@example.org")
    assert "Woke up" in client.get("/p/river/desk/?status=open").text
    assert "Woke up" not in client.get("/p/river/desk/?status=snoozed").text


def test_user_text_in_alerts_is_escaped(client, auth, desk, make):
    p = desk[0]
    make_alert(p, kind="joinholism_team", scope_type="group", scope_id=11,
               label='Group "<script>alert(1)</script>"', pattern="<img src=x onerror=1>")
    make.commit()
    auth.login("coord@example.org")
    page = client.get("/p/river/desk/").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page


def test_members_see_a_gentle_note_on_their_task_without_coordinator_notes(
        client, auth, desk):
    _, people, task, alert, _ = desk
    auth.login("coord@example.org")
    client.post(f"/p/river/desk/alerts/{alert.id}/acknowledge",
                data={"acknowledge-note": NOTE_FROM_COORDINATOR})
    auth.logout()
    auth.login("member@example.org")
    page = client.get(f"/p/river/tasks/{task.id}").text
    assert "A note on who is on this team" in page
    assert "Hana" in page and f"/p/river/members/{people['helper'].id}" in page
    assert "holds &#34;outreach&#34;" in page
    assert "declined" not in page and "no live tasks" not in page  # for coordinators only
    assert NOTE_FROM_COORDINATOR not in page and "Spoke to Lena" not in page
    assert "/desk/" not in page


@pytest.mark.parametrize("who", ["helper", "waitlisted", "coordinator"])
def test_the_note_is_for_the_team_only(client, auth, desk, make, who):
    """Before joining, on the waitlist, or as a coordinator (who has the desk): no note."""
    from coordinator.services import joining

    partnership, people, task, _, _ = desk
    email = {"helper": "helper@example.org", "coordinator": "coord@example.org",
             "waitlisted": "wait@example.org"}[who]
    if who == "waitlisted":
        task = db.session.get(Task, task.id)
        task.capacity = 1
        joining.join_task(task, db.session.get(Membership, people["helper"].id), "Outreach")
        joining.join_waitlist(task, make.member(partnership, email=email, name="Wes"),
                              "I can wait")
        make.commit()
    auth.login(email)
    page = client.get(f"/p/river/tasks/{task.id}").text
    assert "Design the barrier" in page
    assert "A note on who is on this team" not in page
    assert "no member holds" not in page


def test_a_contributor_who_joins_sees_the_note(client, auth, desk, make):
    from coordinator.services import joining

    _, people, task, _, _ = desk
    joining.join_task(db.session.get(Task, task.id), db.session.get(
        Membership, people["helper"].id), "I bring outreach")
    make.commit()
    auth.login("helper@example.org")
    assert "A note on who is on this team" in client.get(f"/p/river/tasks/{task.id}").text


def test_a_resolved_alert_leaves_no_note_on_the_task(client, auth, desk):
    _, _, task, alert, _ = desk
    auth.login("coord@example.org")
    client.post(f"/p/river/desk/alerts/{alert.id}/resolve", data={"resolve-note": "done"})
    auth.logout()
    auth.login("member@example.org")
    assert "A note on who is on this team" not in client.get(f"/p/river/tasks/{task.id}").text


def test_threshold_form_rejects_bad_values_per_field_and_saves_nothing(client, auth, desk):
    auth.login("coord@example.org")
    response = client.post("/p/river/desk/thresholds", data={
        "team_max_blau": "1.5", "team_window_days": "two weeks", "team_min_members": "3.5",
        "partnership_max_ei": "-0.4"})
    assert response.status_code == 422
    text = response.text
    assert "Enter a value from 0 to 1." in text
    assert "Enter a whole number." in text
    assert 'value="two weeks"' in text  # what was typed comes back
    db.session.expire_all()
    assert db.session.get(Partnership, desk[0].id).balance_thresholds is None
    assert db.session.scalars(select(ThresholdChange)).all() == []


def test_threshold_changes_are_recorded_and_reset_to_defaults(client, auth, desk):
    auth.login("coord@example.org")
    p, people = desk[0], desk[1]
    response = client.post("/p/river/desk/thresholds", data={
        "team_max_blau": "0.3", "team_window_days": "21"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Partnership, p.id).balance_thresholds == {
        "team_max_blau": 0.3, "team_window_days": 21}
    change = db.session.scalar(select(ThresholdChange))
    assert change.actor_id == people["coordinator"].id
    assert change.changes == {"team_max_blau": [0.2, 0.3], "team_window_days": [28, 21]}
    assert "0.2 → 0.3" in client.get("/p/river/desk/thresholds").text
    assert client.post("/p/river/desk/thresholds/reset").status_code == 302
    db.session.expire_all()
    assert db.session.get(Partnership, p.id).balance_thresholds is None
    changes = db.session.scalars(select(ThresholdChange).order_by(ThresholdChange.id)).all()
    assert changes[-1].note == "Reset to defaults"
    assert changes[-1].changes == {"team_max_blau": [0.3, 0.2], "team_window_days": [21, 28]}
    # Resetting again changes nothing and records nothing.
    client.post("/p/river/desk/thresholds/reset")
    assert len(db.session.scalars(select(ThresholdChange)).all()) == 2


def test_a_resolved_alert_page_labels_both_readings(client, auth, desk):
    _, _, _, alert, _ = desk
    alert = db.session.get(Alert, alert.id)
    alert.status, alert.active, alert.resolved_at = "resolved", False, utcnow()
    alert.values = {**(alert.values or {}), "latest": {
        "text": "4 active members; knowledge mix 0.75.", "at": "2026-11-30T12:00:00+00:00"}}
    db.session.commit()
    auth.login("coord@example.org")
    page = client.get(f"/p/river/desk/alerts/{alert.id}").text
    assert "The reading above is the last one that was past its threshold." in page
    assert "Latest reading" in page and "30 Nov 2026, 12:00 UTC" in page
    assert "4 active members; knowledge mix 0.75." in page
