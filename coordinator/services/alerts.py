"""The coordinators' desk: list alerts, act on them, and what members see of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, exists, func, or_, select

from coordinator.domain.balance.findings import KINDS

from ..domain import alert_state as states
from ..errors import InvalidInputError
from ..extensions import db
from ..models import (
    Alert,
    AlertEntry,
    GroupMember,
    Membership,
    Participation,
    Task,
    User,
    WorkingGroup,
    utcnow,
)
from . import webhooks
from .sql import hold_rows

# What happened in everyday words first, the research term second.
KIND_LABELS = {
    "alignophilia_team": "A team drawing on one kind of knowledge (alignophilia)",
    "alignophilia_partnership": "Knowledge clusters working apart (alignophilia)",
    "alignophilia_silo": "A cluster working only with itself (alignophilia: silo)",
    "joinholism_team": "A team meeting without finishing work (joinholism)",
    "joinholism_partnership": "The partnership meeting more than it works (joinholism)",
    "power_exclusion": "A group not heard in discussions (power: exclusion)",
    "power_decision_voice": "A decision without a critical stakeholder (power: exclusion)",
    "power_exemption": "Powerful partners let deadlines slip (power: exemption)",
    "power_restrictive": "Some partners kept out of tasks (power: restrictive practice)",
    "power_cost_burden": "Less powerful partners carry the work (power: cost burden)",
}
SCOPE_LABELS = {"task": "Task team", "group": "Working group", "cluster": "Knowledge cluster",
                "sector": "Sector", "tier": "Power tier", "partnership": "Whole partnership"}
STATUS_FILTERS = ("current", "open", "acknowledged", "snoozed", "resolved", "all")
PAGE_SIZE = 50


@dataclass(frozen=True)
class DeskFilters:
    kind: str = ""
    severity: str = ""
    status: str = "current"
    scope: str = ""

    @classmethod
    def parse(cls, args) -> DeskFilters:
        """Unknown values fall back to "any", so a stale link still shows a list."""
        kind = args.get("kind", "")
        severity = args.get("severity", "")
        status = args.get("status", "current")
        scope = args.get("scope", "")
        return cls(kind if kind in KIND_LABELS else "",
                   severity if severity in ("low", "medium", "high") else "",
                   status if status in STATUS_FILTERS else "current",
                   scope if scope in SCOPE_LABELS else "")


def _status_clause(status: str, today: date):
    snooze_over = and_(Alert.status == "snoozed", Alert.snoozed_until <= today)
    if status == "current":
        return Alert.status != "resolved"
    if status == "open":
        return or_(Alert.status == "open", snooze_over)
    if status == "snoozed":
        return and_(Alert.status == "snoozed", Alert.snoozed_until > today)
    if status in ("acknowledged", "resolved"):
        return Alert.status == status
    return None


def desk_alerts(partnership_id: int, filters: DeskFilters, today: date, page: int = 1):
    """A page of the alerts matching the filters (`desk_query`)."""
    return db.paginate(desk_query(partnership_id, filters, today), page=page,
                       per_page=PAGE_SIZE, error_out=False)


def desk_query(partnership_id: int, filters: DeskFilters, today: date):
    """Alerts matching the filters: most severe first, then longest open first."""
    query = select(Alert).where(Alert.partnership_id == partnership_id)
    clause = _status_clause(filters.status, today)
    if clause is not None:
        query = query.where(clause)
    if filters.kind:
        query = query.where(Alert.kind == filters.kind)
    if filters.severity:
        query = query.where(Alert.severity == filters.severity)
    if filters.scope:
        query = query.where(Alert.scope_type == filters.scope)
    return query.order_by(Alert.severity_rank.desc(), Alert.opened_at, Alert.id)


def open_counts(partnership_id: int) -> dict[str, dict[str, int]]:
    """Kind → severity → alerts not resolved."""
    counts: dict[str, dict[str, int]] = {}
    for kind, severity, n in db.session.execute(
            select(Alert.kind, Alert.severity, func.count())
            .where(Alert.partnership_id == partnership_id, Alert.status != "resolved")
            .group_by(Alert.kind, Alert.severity)):
        counts.setdefault(kind, {})[severity] = n
    return counts


def history(alert: Alert) -> list[AlertEntry]:
    return list(db.session.scalars(select(AlertEntry).where(AlertEntry.alert_id == alert.id)
                                   .order_by(AlertEntry.id)))


def lock_alerts(*where) -> None:
    """Evaluations and coordinators both hold an alert before reading it to change it, so
    neither acts on a stale read."""
    hold_rows(Alert, *where)


# What a coordinator does, by the verb both interfaces use.
ACTIONS = {"acknowledge": states.ACKNOWLEDGE, "snooze": states.SNOOZE,
           "resolve": states.RESOLVE, "reopen": states.REOPEN}


def act(alert: Alert, actor: Membership, action: str, note: str = "",
        until: date | None = None, now: datetime | None = None) -> AlertEntry:
    """A coordinator's action (a verb of ACTIONS), checked by the domain rules and written
    to the audit trail.

    Judged on the alert as it is once its row is locked, so an evaluation writing it at
    the same moment is waited for, never overwritten or overwriting."""
    now = now or utcnow()
    action = ACTIONS.get(action, action)
    lock_alerts(Alert.id == alert.id)
    db.session.refresh(alert)
    current = states.AlertState(alert.status, alert.active, alert.severity, alert.snoozed_until)
    try:
        new, step = states.coordinator_step(current, action, now.date(), note, until)
    except states.ActionRefused as refused:
        raise InvalidInputError(str(refused), field=refused.field) from None
    alert.status, alert.snoozed_until, alert.changed_at = new.status, new.snoozed_until, now
    alert.resolved_at = now if new.status == "resolved" else None
    entry = AlertEntry(alert_id=alert.id, partnership_id=alert.partnership_id, at=now,
                       action=step.action, actor_id=actor.id, note=step.note[:2000],
                       data=step.data or {})
    db.session.add(entry)
    db.session.flush()
    if step.action in (states.RESOLVE, states.REOPEN):
        event = "alert.resolved" if step.action == states.RESOLVE else "alert.opened"
        webhooks.emit(alert.partnership_id, event, webhooks.alert_payload(alert, actor), now)
    return entry


@dataclass(frozen=True)
class Evidence:
    """The people and tasks behind an alert, with names, in the stored order."""

    people: list[tuple[int, str]]
    tasks: list[tuple[int, str, str]]  # (id, title, status)


def evidence(alert: Alert) -> Evidence:
    names = dict(db.session.execute(
        select(Membership.id, User.name).join(User, User.id == Membership.user_id)
        .where(Membership.partnership_id == alert.partnership_id,
               Membership.id.in_(alert.member_ids or [-1]))).all())
    tasks = {row[0]: row for row in db.session.execute(
        select(Task.id, Task.title, Task.status)
        .where(Task.partnership_id == alert.partnership_id,
               Task.id.in_(alert.task_ids or [-1])))}
    return Evidence([(m, names[m]) for m in alert.member_ids if m in names],
                    [tuple(tasks[t]) for t in alert.task_ids if t in tasks])


def notes_for_scope(partnership_id: int, scope_type: str, scope_id: int,
                    viewer_id: int) -> list[Alert]:
    """Unresolved balance alerts on one task or working group, for the people in it.

    Only the team (participants and the initiator) or the group's members see the note:
    to anyone else, before joining or while waiting for a place, it reads as a verdict
    on people they do not work with.
    """
    if not _is_inside(scope_type, scope_id, viewer_id):
        return []
    return list(db.session.scalars(
        select(Alert).where(Alert.partnership_id == partnership_id,
                            Alert.scope_type == scope_type, Alert.scope_id == scope_id,
                            Alert.status != "resolved", Alert.kind.in_(KINDS))
        .order_by(Alert.severity_rank.desc(), Alert.id)))


def _is_inside(scope_type: str, scope_id: int, member_id: int) -> bool:
    if scope_type == "task":
        inside = or_(
            exists().where(Participation.task_id == scope_id,
                           Participation.membership_id == member_id),
            exists().where(Task.id == scope_id, Task.initiator_id == member_id))
    else:
        inside = exists().where(GroupMember.working_group_id == scope_id,
                                GroupMember.membership_id == member_id)
    return bool(db.session.scalar(select(inside)))


def scope_target(alert: Alert) -> tuple[str, int] | None:
    """("task" or "group", id) of the task or working group an alert is about, when it
    still exists; each interface links it its own way."""
    if alert.scope_type == "task":
        return "task", alert.scope_id
    if alert.scope_type == "group":
        exists = db.session.scalar(select(WorkingGroup.id).where(
            WorkingGroup.id == alert.scope_id,
            WorkingGroup.partnership_id == alert.partnership_id))
        return ("group", alert.scope_id) if exists else None
    return None
