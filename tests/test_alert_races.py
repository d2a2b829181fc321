"""Probe 11: a coordinator's action landing while an evaluation is between reading and
writing the same alert is not lost. Both lock the alert before reading it."""

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, select

from coordinator.domain.alert_state import ACKNOWLEDGE
from coordinator.domain.balance.findings import Finding, Window
from coordinator.extensions import db
from coordinator.models import Alert, AlertEntry, Membership
from coordinator.services import alerts
from coordinator.services.evaluation import Flagged, apply_findings

NOW = datetime(2026, 11, 23, 8, tzinfo=UTC)


def _escalation(alert: Alert) -> dict:
    finding = Finding(kind=alert.kind, severity="high",
                      window=Window(NOW - timedelta(days=28), NOW),
                      values={"blau": 0.1}, thresholds={"blau": 0.3})
    return {alert.scope_key: Flagged(finding, "Task team")}


def test_an_acknowledgement_during_an_evaluation_waits_for_it_and_is_kept(app, make):
    p = make.partnership()
    coordinator = make.member(p, role="coordinator")
    alert = Alert(partnership_id=p.id, kind="alignophilia_team", scope_type="task",
                  scope_id=1, scope_label="Task team", severity="medium", severity_rank=2,
                  status="open", active=True, window_start=NOW - timedelta(days=28),
                  window_end=NOW)
    db.session.add(alert)
    make.commit()
    alert_id, coordinator_id, partnership_id = alert.id, coordinator.id, p.id
    flagged = _escalation(alert)
    evaluated, finish, failures = threading.Event(), threading.Event(), []

    def between_reading_and_writing(session, context, instances):
        if threading.current_thread() is evaluator and not evaluated.is_set():
            evaluated.set()  # the evaluation has read the alert and not yet written it
            assert finish.wait(timeout=30)

    def evaluation():
        with app.app_context():
            try:
                apply_findings(partnership_id, flagged, NOW)
                db.session.commit()
            except BaseException as error:
                failures.append(error)
                evaluated.set()
            finally:
                db.session.remove()

    def acknowledge():
        with app.app_context():
            try:
                found = db.session.get(Alert, alert_id)
                alerts.act(found, db.session.get(Membership, coordinator_id), ACKNOWLEDGE,
                           now=NOW + timedelta(seconds=1))
                db.session.commit()
            except BaseException as error:
                failures.append(error)
            finally:
                db.session.remove()

    evaluator = threading.Thread(target=evaluation)
    event.listen(db.session, "before_flush", between_reading_and_writing)
    evaluator.start()
    assert evaluated.wait(timeout=30)
    coordinator_thread = threading.Thread(target=acknowledge)
    coordinator_thread.start()
    coordinator_thread.join(timeout=0.5)
    waited = coordinator_thread.is_alive()  # it must wait for the evaluation's commit
    finish.set()
    evaluator.join(timeout=30)
    coordinator_thread.join(timeout=30)
    event.remove(db.session, "before_flush", between_reading_and_writing)
    assert not failures, failures
    assert waited
    db.session.expire_all()
    final = db.session.get(Alert, alert_id)
    assert (final.status, final.severity) == ("acknowledged", "high")
    actions = db.session.scalars(select(AlertEntry.action).where(
        AlertEntry.alert_id == alert_id).order_by(AlertEntry.id)).all()
    assert actions == ["severity_changed", "acknowledged"]
