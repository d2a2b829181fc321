"""Webhooks to a real HTTP server: signed, sent after the change commits, retried with
backoff, and nothing lost while the receiver is down."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from coordinator.errors import InvalidInputError
from coordinator.extensions import db
from coordinator.models import WebhookDelivery, utcnow
from coordinator.queue import enqueue_committed_changes
from coordinator.services import alerts, webhooks
from coordinator.services import tasks as task_service
from tests.smtp import free_port
from tests.webhook_receiver import Receiver


@pytest.fixture
def river(make):
    partnership = make.partnership(slug="river")
    admin = make.member(partnership, role="admin", email="ada@example.org", name="Ada")
    make.commit()
    return partnership, admin


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()


def _post_task(admin, title="Map the dikes"):
    task = task_service.create_task(admin, task_service.TaskInput(
        title=title, description="", tags=[], capacity=2, due_on=None, effort_hours=None,
        join_policy="open", working_group_id=None))
    db.session.commit()
    enqueue_committed_changes()  # what a request does after its response
    return task


def _rows():
    db.session.expire_all()
    return db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()


def test_a_posted_task_reaches_the_receiver_signed(river, receiver):
    partnership, admin = river
    hook = webhooks.register(partnership, admin, receiver.url, ["task.created"])
    db.session.commit()
    task = _post_task(admin)
    ((headers, body),) = receiver.received
    message = json.loads(body)
    assert (message["event"], message["data"]["task"]["id"]) == ("task.created", task.id)
    assert headers["Polder-Event"] == "task.created"
    assert headers["Polder-Delivery"] == str(message["id"])
    stamp, signature = dict(part.split("=") for part in
                            headers["Polder-Signature"].split(",")).values()
    expected = hmac.new(hook.secret.encode(), f"{stamp}.{body.decode()}".encode(),
                        hashlib.sha256).hexdigest()
    assert hmac.compare_digest(signature, expected)
    assert [row.status for row in _rows()] == ["delivered"]


def test_only_the_events_a_webhook_asked_for_are_sent(river, receiver, make):
    partnership, admin = river
    webhooks.register(partnership, admin, receiver.url, ["task.completed"])
    db.session.commit()
    task = _post_task(admin)
    assert receiver.received == []
    task_service.complete_task(task, admin, "Maps delivered")
    db.session.commit()
    enqueue_committed_changes()
    assert [json.loads(b)["event"] for _, b in receiver.received] == ["task.completed"]


def test_a_rolled_back_change_announces_nothing(river, receiver):
    partnership, admin = river
    webhooks.register(partnership, admin, receiver.url, ["task.created"])
    db.session.commit()
    task_service.create_task(admin, task_service.TaskInput(
        title="Never", description="", tags=[], capacity=2, due_on=None, effort_hours=None,
        join_policy="open", working_group_id=None))
    db.session.rollback()
    enqueue_committed_changes()
    assert receiver.received == [] and _rows() == []


def test_a_receiver_that_is_down_loses_nothing(river):
    partnership, admin = river
    port = free_port()
    hook = webhooks.register(partnership, admin, f"http://127.0.0.1:{port}/hooks",
                             ["task.created"])
    db.session.commit()
    _post_task(admin)
    (row,) = _rows()
    assert (row.status, row.attempts, row.last_status_code) == ("pending", 1, None)
    assert "could not reach" in row.last_error
    assert row.next_attempt_at > utcnow() + timedelta(seconds=50)  # backoff: a minute
    assert webhooks.partnerships_due() == []  # not before its time
    server = Receiver()
    try:
        hook.url = server.url
        db.session.commit()
        later = utcnow() + timedelta(minutes=2)
        assert webhooks.partnerships_due(later) == [partnership.id]
        assert webhooks.deliver_due(partnership.id, later) == {"delivered": 1}
        assert len(server.received) == 1
    finally:
        server.stop()


def test_errors_back_off_and_give_up_after_the_last_try(river):
    partnership, admin = river
    server = Receiver(answers=[500] * webhooks.MAX_ATTEMPTS)
    try:
        webhooks.register(partnership, admin, server.url, ["task.created"])
        db.session.commit()
        _post_task(admin)
        moment = utcnow()
        waits = []
        for _ in range(webhooks.MAX_ATTEMPTS - 1):
            (row,) = _rows()
            waits.append(row.next_attempt_at - moment)
            moment = row.next_attempt_at
            webhooks.deliver_due(partnership.id, moment)
        (row,) = _rows()
        assert (row.status, row.attempts, row.last_status_code) == \
            ("failed", webhooks.MAX_ATTEMPTS, 500)
        assert all(later > earlier for earlier, later in zip(waits, waits[1:], strict=False))
        assert len(server.received) == webhooks.MAX_ATTEMPTS
        webhooks.send_again(row)
        db.session.commit()
        assert webhooks.deliver_due(partnership.id) == {"delivered": 1}
    finally:
        server.stop()


def test_alerts_resolved_by_a_coordinator_are_announced(river, receiver, make):
    from coordinator.models import Alert

    partnership, admin = river
    webhooks.register(partnership, admin, receiver.url, ["alert.resolved"])
    now = utcnow()
    alert = Alert(partnership_id=partnership.id, kind="joinholism_team", scope_type="task",
                  scope_id=1, scope_label="Map the dikes", severity="medium",
                  window_start=now, window_end=now)
    db.session.add(alert)
    make.commit()
    alerts.act(alert, admin, "resolve", "Handled in the team meeting")
    db.session.commit()
    enqueue_committed_changes()
    (message,) = [json.loads(body) for _, body in receiver.received]
    assert message["event"] == "alert.resolved"
    assert message["data"]["alert"]["id"] == alert.id and message["data"]["by"]["name"] == "Ada"


@pytest.mark.parametrize("url", ["ftp://example.org/x", "not a url", "https://"])
def test_a_webhook_needs_a_real_address(river, url):
    with pytest.raises(InvalidInputError) as refused:
        webhooks.register(*river, url, ["task.created"])
    assert refused.value.field == "url"


def test_production_takes_https_only(river, app):
    app.config["WEBHOOK_ALLOW_HTTP"] = False
    with pytest.raises(InvalidInputError):
        webhooks.register(*river, "http://example.org/hooks", ["task.created"])
    assert webhooks.register(*river, "https://example.org/hooks", ["task.created"]).id


def test_the_admin_page_adds_lists_and_removes(client, auth, river, receiver):
    auth.login("ada@example.org")
    added = client.post("/p/river/admin/webhooks", data={
        "url": receiver.url, "events": ["task.created", "alert.opened"]})
    assert added.status_code == 201
    page = added.get_data(as_text=True)
    assert 'id="webhook-secret">whsec_' in page and receiver.url in page
    bad = client.post("/p/river/admin/webhooks", data={"url": "ftp://x", "events": []})
    assert bad.status_code == 422
    hook_id = webhooks.of_partnership(river[0].id)[0].id
    asked = client.post(f"/p/river/admin/webhooks/{hook_id}/delete")
    assert "Yes, remove it" in asked.text
    assert client.post(f"/p/river/admin/webhooks/{hook_id}/delete",
                       data={"confirmed": "yes"}).status_code == 302
    assert webhooks.of_partnership(river[0].id) == []


def test_an_evaluation_announces_the_alerts_it_opens_and_resolves(river, receiver):
    from coordinator.domain.balance.findings import Finding, Window
    from coordinator.services.evaluation import Flagged, apply_findings

    partnership, admin = river
    webhooks.register(partnership, admin, receiver.url, ["alert.opened", "alert.resolved"])
    db.session.commit()
    now = utcnow()
    finding = Finding(kind="alignophilia_team", severity="medium",
                      window=Window(now - timedelta(days=28), now),
                      values={"blau": 0.1}, thresholds={"blau": 0.3})
    apply_findings(partnership.id, {("alignophilia_team", "task", 7): Flagged(
        finding, "Flood maps team")}, now)
    db.session.commit()
    enqueue_committed_changes()
    for day in range(1, 31):  # back within its threshold: daily evaluations resolve it
        apply_findings(partnership.id, {}, now + timedelta(days=day))
        db.session.commit()
        enqueue_committed_changes()
        if len(receiver.received) == 2:
            break
    events = [json.loads(body) for _, body in receiver.received]
    assert [e["event"] for e in events] == ["alert.opened", "alert.resolved"]
    assert events[0]["data"]["alert"]["scope_label"] == "Flood maps team"


def test_many_events_at_once_reach_each_hook_that_wants_them_in_order(river):
    """An evaluation announces thousands of alerts through one call: each hook gets the
    events it asked for, in their order, every body naming its own delivery."""
    partnership, admin = river
    both = webhooks.register(partnership, admin, "http://127.0.0.1:9/a",
                             ["alert.opened", "alert.resolved"])
    opened = webhooks.register(partnership, admin, "http://127.0.0.1:9/b", ["alert.opened"])
    webhooks.register(partnership, admin, "http://127.0.0.1:9/c", ["task.created"])
    db.session.commit()
    events = [("alert.opened", {"n": 1}), ("alert.resolved", {"n": 2}),
              ("alert.opened", {"n": 3})]
    assert webhooks.emit_many(partnership.id, events) == 5
    db.session.commit()
    sent = [(row.webhook_id, json.loads(row.body)) for row in _rows()]
    assert [(hook, body["event"], body["data"]["n"]) for hook, body in sent] == [
        (both.id, "alert.opened", 1), (opened.id, "alert.opened", 1),
        (both.id, "alert.resolved", 2),
        (both.id, "alert.opened", 3), (opened.id, "alert.opened", 3)]
    assert [body["id"] for _, body in sent] == [row.id for row in _rows()]
    assert webhooks.emit_many(partnership.id, []) == 0
