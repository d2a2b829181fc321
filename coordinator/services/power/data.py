"""Load what the power indicators read, and run them: one partnership, a few queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import select

from coordinator.domain.balance.thresholds import Thresholds
from coordinator.domain.power import indicators as pi
from coordinator.domain.power import practice, windows
from coordinator.domain.power.sectors import SECTORS, TIERS, power_tier
from coordinator.extensions import db
from coordinator.models import (
    Comment,
    JoinRequest,
    JointActivity,
    Membership,
    Organisation,
    Partnership,
    Task,
    WorkLog,
    activity_attendees,
)
from coordinator.services.balance.data import PartnershipData
from coordinator.services.sql import rows

LIVE = ("open", "active")


@dataclass
class PowerData:
    groups: dict[str, dict[int, str]]  # "sector" / "tier" → member → group
    member_orgs: dict[int, int]
    voices: list[pi.Voice]
    decision_tasks: list[pi.DecisionTask]
    critical_orgs: dict[int, str]
    critical_sectors: list[str]
    due_tasks: list[pi.DueTask]
    decisions: list[practice.Decision]
    approval_tasks: list[tuple[int, bool]]
    hours: list[practice.Hours] | list[tuple[int, date, float]]
    initiations: list[tuple[int, datetime]]


@dataclass(frozen=True)
class PowerResults:
    exclusion: pi.Indicator
    decision_voice: tuple[pi.PowerFinding, ...]
    exemption: pi.Indicator
    restrictive: pi.Indicator
    cost_burden: pi.Indicator
    recent: tuple[pi.PowerFinding, ...] = ()  # the same indicators over the last weeks

    @property
    def window_findings(self) -> list[pi.PowerFinding]:
        return [*self.exclusion.findings, *self.decision_voice, *self.exemption.findings,
                *self.restrictive.findings, *self.cost_burden.findings]

    @property
    def findings(self) -> list[pi.PowerFinding]:
        return windows.merge_windows(self.window_findings, self.recent)


def scope_of(finding: pi.PowerFinding) -> tuple[str, int]:
    """(scope type, scope id) of an alert: sectors and tiers by their index."""
    kind, key = finding.scope
    if ":" in kind:
        dimension, group = kind.split(":", 1)
        return dimension, (SECTORS if dimension == pi.SECTOR else TIERS).index(group)
    return kind, key


def load_power(partnership: Partnership, now: datetime, thresholds: Thresholds,
               history_days: int = 0, shared: PartnershipData | None = None) -> PowerData:
    """`shared`: the balance evaluation's data, whose activities and work logs are reused
    when they reach back far enough."""
    pid = partnership.id
    since = now - timedelta(days=thresholds.power_window_days + history_days + 1)
    if shared is not None and (shared.activity_since is None or shared.activity_since > since):
        shared = None
    orgs = {org.id: org for org in db.session.scalars(
        select(Organisation).where(Organisation.partnership_id == pid))}
    member_orgs = dict(rows(
        select(Membership.id, Membership.organisation_id)
        .where(Membership.partnership_id == pid, Membership.organisation_id.is_not(None))).all())
    tier_of = {oid: power_tier(o.formal_authority, o.resource_control, o.discursive_legitimacy)
               for oid, o in orgs.items()}
    groups = {pi.SECTOR: {m: orgs[o].sector for m, o in member_orgs.items()},
              pi.TIER: {m: tier_of[o] for m, o in member_orgs.items()}}

    voices = [pi.Voice(at, (m,)) for m, at in rows(
        select(Comment.membership_id, Comment.created_at).join(Task, Task.id == Comment.task_id)
        .where(Task.partnership_id == pid, Comment.created_at > since))]
    task_voices: dict[int, set[int]] = defaultdict(set)
    if shared is not None:
        voices += [pi.Voice(a.at, a.attendee_ids) for a in shared.activities]
    else:
        voices += [pi.Voice(at, (member,)) for member, at in rows(
            select(activity_attendees.c.membership_id, JointActivity.occurred_at)
            .join(JointActivity, JointActivity.id == activity_attendees.c.activity_id)
            .where(JointActivity.partnership_id == pid, JointActivity.occurred_at > since))]

    tasks = rows(
        select(Task.id, Task.title, Task.initiator_id, Task.status, Task.due_on,
               Task.completed_at, Task.created_at, Task.join_policy, Task.is_decision)
        .where(Task.partnership_id == pid)).all()
    decision_ids = [t.id for t in tasks if t.is_decision and t.status in LIVE]
    decision_set = set(decision_ids)  # once: 50,000 tasks look it up
    if decision_ids:
        for member, task_id in rows(
                select(Comment.membership_id, Comment.task_id)
                .where(Comment.task_id.in_(decision_ids))):
            task_voices[task_id].add(member)
        for member, task_id in rows(
                select(activity_attendees.c.membership_id, JointActivity.task_id)
                .join(JointActivity, JointActivity.id == activity_attendees.c.activity_id)
                .where(JointActivity.task_id.in_(decision_ids))):
            task_voices[task_id].add(member)
    decision_tasks = [pi.DecisionTask(t.id, t.title, frozenset(task_voices.get(t.id, ())),
                                      t.created_at)
                      for t in tasks if t.id in decision_set]
    due_tasks = [pi.DueTask(t.id, t.initiator_id, t.due_on,
                            t.completed_at.date() if t.completed_at and t.status == "done"
                            else None, t.status in LIVE, t.created_at)
                 for t in tasks if t.due_on is not None and t.status != "cancelled"]
    decisions = [practice.Decision(m, at, status == "declined")
                 for m, at, status in rows(
        select(JoinRequest.membership_id, JoinRequest.decided_at, JoinRequest.status)
        .join(Task, Task.id == JoinRequest.task_id)
        .where(Task.partnership_id == pid, JoinRequest.status.in_(("accepted", "declined")),
               JoinRequest.decided_at > since))]
    start = now - timedelta(days=thresholds.power_window_days)
    approval = [(t.initiator_id, t.join_policy == "approval") for t in tasks
                if start < t.created_at <= now]
    # The balance evaluation's (member, day, hours) tuples as they are: cost burden reads
    # them like Hours, and copying 400,000 of them took a quarter of a second.
    hours = shared.member_hours if shared is not None else [
        practice.Hours(m, day, h) for m, day, h in rows(
            select(WorkLog.membership_id, WorkLog.worked_on, WorkLog.hours)
            .where(WorkLog.partnership_id == pid, WorkLog.worked_on > since.date()))]
    return PowerData(
        groups=groups, member_orgs=member_orgs, voices=voices, decision_tasks=decision_tasks,
        critical_orgs={oid: o.name for oid, o in orgs.items() if o.critical_stakeholder},
        critical_sectors=[s for s in (partnership.critical_sectors or []) if s in SECTORS],
        due_tasks=due_tasks, decisions=decisions, approval_tasks=approval, hours=hours,
        initiations=[(t.initiator_id, t.created_at) for t in tasks if t.created_at > since])


def assess(data: PowerData, now: datetime, thresholds: Thresholds) -> PowerResults:
    """The indicators over the power window, and their findings over the last team
    window too (each window judged at half the chance level)."""
    full = _assess(data, now, windows.full_thresholds(thresholds))
    recent = _assess(data, now, windows.recent_thresholds(thresholds))
    return replace(full, recent=tuple(f for f in recent.window_findings
                                      if f.kind != pi.DECISION_VOICE))


def _assess(data: PowerData, now: datetime, thresholds: Thresholds) -> PowerResults:
    tiers, sectors = data.groups[pi.TIER], data.groups[pi.SECTOR]
    return PowerResults(
        exclusion=pi.assess_exclusion(data.groups, data.voices, now, thresholds),
        decision_voice=pi.assess_decision_voice(
            data.decision_tasks, data.member_orgs, data.groups[pi.SECTOR], data.critical_orgs,
            data.critical_sectors, now, thresholds),
        exemption=pi.assess_exemption(tiers, data.due_tasks, now, thresholds, sectors),
        restrictive=practice.assess_restrictive(tiers, data.decisions, data.approval_tasks, now,
                                          thresholds, sectors),
        cost_burden=practice.assess_cost_burden(tiers, data.hours, data.initiations, now,
                                          thresholds, sectors))
