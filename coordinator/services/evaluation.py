"""Evaluate a partnership's balance: measure every team, group and the whole, then upsert
alerts by (kind, scope) so repeated runs change only what changed."""

from __future__ import annotations

import gc
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import defer

from coordinator.domain.balance import readings as read
from coordinator.domain.balance.alignophilia import (
    PERSISTENCE,
    TeamSnapshot,
    assess_team_alignophilia,
)
from coordinator.domain.balance.findings import (
    ALIGNOPHILIA_PARTNERSHIP,
    ALIGNOPHILIA_SILO,
    ALIGNOPHILIA_TEAM,
    JOINHOLISM_PARTNERSHIP,
    JOINHOLISM_TEAM,
    KINDS,
    Finding,
    cluster_name,
)
from coordinator.domain.balance.insularity import (
    PartnershipAlignophilia,
    assess_partnership_alignophilia,
    members_at,
)
from coordinator.domain.balance.joinholism import (
    PartnershipJoinholism,
    assess_partnership_joinholism,
    assess_team_joinholism,
)
from coordinator.domain.balance.joint_work import JointWork
from coordinator.domain.balance.suggestions import CandidatePool, suggest_for_team
from coordinator.domain.balance.thresholds import Thresholds
from coordinator.domain.power.decision_invites import DecisionInvites
from coordinator.domain.power.indicators import DECISION_VOICE, POWER_KINDS, group_label
from coordinator.domain.power.readings import power_readings
from coordinator.services.balance.data import PartnershipData, load_partnership
from coordinator.services.balance.history import health_figures
from coordinator.services.balance.thresholds import effective
from coordinator.services.power import data as power_data
from coordinator.services.power.view import power_figures

from ..domain import alert_state as states
from ..extensions import db
from ..models import SEVERITY_RANK, Alert, AlertEntry, Partnership, utcnow
from . import figures, webhooks
from .alerts import lock_alerts
from .readings import record_evaluation
from .sql import in_batches

# Evidence lists stay readable on a page and small in a row; the count is kept.
MAX_PEOPLE_STORED = 200
EVIDENCE = (Alert.values, Alert.thresholds, Alert.member_ids, Alert.task_ids,
            Alert.cluster_ids, Alert.suggestions, Alert.pattern, Alert.advice)

ScopeKey = tuple[str, str, int]  # (kind, scope type, scope id)


@dataclass
class Flagged:
    finding: Finding
    scope_label: str
    suggestions: list[dict] = field(default_factory=list)


@dataclass
class Outcome:
    """What one evaluation did, for logs and `flask recompute`."""

    counts: Counter = field(default_factory=Counter)
    open_by_kind: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        done = ", ".join(f"{n} {action.replace('_', ' ')}" for action, n in
                         sorted(self.counts.items())) or "no changes"
        open_now = ", ".join(f"{kind.replace('_', ' ')} {n}" for kind, n in
                             sorted(self.open_by_kind.items())) or "none"
        return f"alerts: {done}; open: {open_now}"


def thresholds_for(partnership: Partnership) -> Thresholds:
    """What the measures use: as set, tightened when the mission is exigent."""
    return effective(partnership)[0]


def measure(data: PartnershipData, thresholds: Thresholds,
            readings: dict[ScopeKey, str] | None = None) -> dict[ScopeKey, Flagged]:
    """Every balance finding of the partnership, by (kind, scope): pure, apart from
    reading `data`.

    `readings`, when given, collects what each measured scope reads now, in a sentence.
    """
    readings = {} if readings is None else readings
    return (measure_teams(data, thresholds, readings)
            | measure_whole(data, thresholds, readings).flagged)


def measure_teams(data: PartnershipData, thresholds: Thresholds,
                  readings: dict[ScopeKey, str],
                  works: dict[tuple[str, int], JointWork] | None = None
                  ) -> dict[ScopeKey, Flagged]:
    """The findings of every team and working group; `works`, when given, collects each
    team's joint work now, for the week's readings."""
    now, knowledge = data.now, data.knowledge
    flagged: dict[ScopeKey, Flagged] = {}
    pool = CandidatePool(knowledge, data.active_tasks, data.names)
    for team in data.teams:
        label = (f'Task "{team.label}"' if team.scope_type == "task"
                 else f'Working group "{team.label}"')
        mix_key = (ALIGNOPHILIA_TEAM, team.scope_type, team.scope_id)
        readings[mix_key] = read.NOT_JUDGED
        if team.live and len(team.members) >= thresholds.team_min_members:
            snapshot = TeamSnapshot(team.members, team.required_tags, team.task_ids,
                                    tuple(team.declined), team.formed_at)
            before = replace(snapshot, member_ids=members_at(team.stints, now - PERSISTENCE))
            result = assess_team_alignophilia(snapshot, knowledge, now, thresholds, before)
            readings[mix_key] = read.mix_reading(result)
            if result.finding is not None:
                people = suggest_for_team(result, team.members, knowledge, data.member_tags,
                                          data.active_tasks, data.names, team.required_tags,
                                          pool=pool)
                flagged[(result.finding.kind, team.scope_type, team.scope_id)] = Flagged(
                    result.finding, label, [p.as_dict() for p in people])
        if team.activities:
            result = assess_team_joinholism(team.activities, team.logs, team.completions,
                                            team.events, now, thresholds, team.task_ids,
                                            formed_at=team.formed_at)
            readings[(JOINHOLISM_TEAM, team.scope_type, team.scope_id)] = read.joint_reading(
                result.work)
            if works is not None:
                works[(team.scope_type, team.scope_id)] = result.work
            if result.finding is not None:
                flagged[(result.finding.kind, team.scope_type, team.scope_id)] = Flagged(
                    result.finding, label)
    return flagged


@dataclass(frozen=True)
class Whole:
    """The whole partnership's findings and the measures behind them."""

    flagged: dict[ScopeKey, Flagged]
    insular: PartnershipAlignophilia
    joint: PartnershipJoinholism


def measure_whole(data: PartnershipData, thresholds: Thresholds,
                  readings: dict[ScopeKey, str]) -> Whole:
    """The partnership's E-I, its silos and its joint share."""
    now, knowledge = data.now, data.knowledge
    flagged: dict[ScopeKey, Flagged] = {}
    insular = assess_partnership_alignophilia(data.stints, knowledge, now, thresholds)
    days = thresholds.partnership_window_days
    readings[(ALIGNOPHILIA_PARTNERSHIP, "partnership", 0)] = read.ei_reading(insular.current,
                                                                            days)
    for row in insular.clusters:
        readings[(ALIGNOPHILIA_SILO, "cluster", row.cluster_id)] = read.silo_reading(
            row, knowledge, days)
    if insular.finding is not None:
        flagged[(insular.finding.kind, "partnership", 0)] = Flagged(
            insular.finding, "Whole partnership")
    for silo in insular.silos:
        cluster = silo.cluster_ids[0]
        flagged[(silo.kind, "cluster", cluster)] = Flagged(
            silo, cluster_name(cluster, knowledge).capitalize())
    joint = assess_partnership_joinholism(data.activities, data.logs, data.completions, now,
                                          thresholds, formed_at=data.formed_at)
    readings[(JOINHOLISM_PARTNERSHIP, "partnership", 0)] = read.joint_reading(joint.work)
    if joint.finding is not None:
        flagged[(joint.finding.kind, "partnership", 0)] = Flagged(
            joint.finding, "Whole partnership")
    return Whole(flagged, insular, joint)


def measure_power(partnership: Partnership, now: datetime, thresholds: Thresholds,
                  shared: PartnershipData, readings: dict[ScopeKey, str]
                  ) -> tuple[dict[ScopeKey, Flagged], power_data.PowerResults]:
    """The power findings, and the indicators' results behind them."""
    data = power_data.load_power(partnership, now, thresholds, shared=shared)
    results = power_data.assess(data, now, thresholds)
    readings.update(power_readings(results.exclusion, results.exemption,
                                   results.restrictive, results.cost_burden,
                                   data.decision_tasks))
    flagged, invites_for = {}, _DecisionInvitesFor(data, shared)
    for finding in results.findings:
        scope_type, scope_id = power_data.scope_of(finding)
        invites = invites_for(finding) if finding.kind == DECISION_VOICE else []
        flagged[(finding.kind, scope_type, scope_id)] = Flagged(finding, _power_label(finding),
                                                                invites)
    return flagged, results


class _DecisionInvitesFor:
    """Whom to invite to each decision that missed a critical stakeholder; the indexes
    are built at the first such decision, once."""

    def __init__(self, data: power_data.PowerData, shared: PartnershipData) -> None:
        self.data, self.shared, self.index, self.required = data, shared, None, None

    def __call__(self, finding) -> list[dict]:
        data, shared = self.data, self.shared
        if self.index is None:
            self.index = DecisionInvites(data.member_orgs, data.groups["sector"],
                                         data.critical_orgs, shared.names,
                                         shared.active_tasks, shared.member_tags,
                                         shared.knowledge.tag_holders)
            self.required = {t.scope_id: t.required_tags for t in shared.teams
                             if t.scope_type == "task"}
        return self.index.invite(
            finding.values.get("missing_orgs", ()), finding.values.get("missing_sectors", ()),
            self.required.get(finding.scope[1], frozenset()), frozenset(finding.member_ids))


def _power_label(finding) -> str:
    kind, _ = finding.scope
    if ":" in kind:
        dimension, group = kind.split(":", 1)
        return group_label(dimension, group).capitalize()
    if finding.kind == DECISION_VOICE:
        return f'Decision "{finding.values["title"]}"'
    return "Whole partnership"


def evaluate_partnership(partnership: Partnership, now: datetime | None = None) -> Outcome:
    """Measure balance and power, and upsert the alerts; the caller commits."""
    now = now or utcnow()
    with _no_cycle_collection():
        # The partnership's rows are freed when _measure returns, before the collector is
        # back: it would otherwise walk all of them once, for nothing (a second at
        # 100,000 members).
        flagged, readings = _measure(partnership, now)
        return apply_findings(partnership.id, flagged, now, readings)


def _measure(partnership: Partnership, now: datetime
             ) -> tuple[dict[ScopeKey, Flagged], dict[ScopeKey, str]]:
    """Every finding and reading of the partnership; writes the week's readings and the
    latest figures."""
    thresholds = thresholds_for(partnership)
    data = load_partnership(partnership.id, now, thresholds)
    readings: dict[ScopeKey, str] = {}
    whole = measure_whole(data, thresholds, readings)
    power_flagged, power = measure_power(partnership, now, thresholds, data, readings)
    works: dict[tuple[str, int], JointWork] = {}
    flagged = (measure_teams(data, thresholds, readings, works) | whole.flagged
               | power_flagged)
    record_evaluation(partnership, data, thresholds, power, now, whole.insular, works)
    figures.store(partnership.id, now,
                  health_figures(whole.insular, whole.joint.work,
                                 data.knowledge.cluster_labels),
                  power_figures(power, thresholds))
    return flagged, readings


@contextmanager
def _no_cycle_collection():
    """Loading millions of small rows triggers the cycle collector again and again, each
    pass over a bigger heap: time grows faster than the partnership. The rows form no
    cycles (reference counting frees them), so the collector waits until the end."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def apply_findings(partnership_id: int, flagged: dict[ScopeKey, Flagged],
                   now: datetime, readings: dict[ScopeKey, str] | None = None) -> Outcome:
    """Upsert the alerts; an alert whose measure is back within its threshold keeps the
    reading that raised it and gets today's `readings` sentence beside it."""
    outcome = Outcome()
    # Locked before they are read: a coordinator's action landing now waits for this
    # evaluation's commit and is then judged on what it wrote (services/alerts.act).
    scope = (Alert.partnership_id == partnership_id, Alert.kind.in_(KINDS + POWER_KINDS))
    lock_alerts(*scope)
    # The evidence is written whole when an alert is found again (its window moves on with
    # the clock) and read only to add a latest reading: decoding it for every alert cost a
    # big partnership a second, and rows updated with the same columns go in one batch.
    existing = {a.scope_key: a for a in db.session.scalars(
        select(Alert).where(*scope).options(*map(defer, EVIDENCE))
        .execution_options(populate_existing=True))}
    latest: list[tuple[Alert, str]] = []
    today = now.date()
    history: list[tuple[Alert, tuple[states.Step, ...]]] = []
    # Sorted, so alerts are created (and numbered) in the same order on every database.
    for key in sorted(existing.keys() | flagged.keys()):
        alert, found = existing.get(key), flagged.get(key)
        current = None if alert is None else states.AlertState(
            alert.status, alert.active, alert.severity, alert.snoozed_until)
        new, steps = states.evaluate_step(
            current, found.finding.severity if found else None, today)
        if new is None:
            continue
        if alert is None:
            alert = Alert(partnership_id=partnership_id, kind=key[0], scope_type=key[1],
                          scope_id=key[2], opened_at=now)
            db.session.add(alert)
        if found is not None:
            _write_evidence(alert, found, now)
        elif readings and key in readings and not new.active:
            latest.append((alert, readings[key]))
        if new != current:
            alert.status, alert.active = new.status, new.active
            alert.severity, alert.severity_rank = new.severity, SEVERITY_RANK[new.severity]
            alert.snoozed_until = new.snoozed_until
            alert.changed_at = now
            if new.status == "resolved" and (current is None or current.status != "resolved"):
                alert.resolved_at = now
            elif new.status != "resolved":
                alert.resolved_at = None
            alert.evaluated_at = now
        if steps:
            history.append((alert, steps))
        if new.status != "resolved":
            outcome.open_by_kind[key[0]] += 1
    _write_latest(latest, now)
    db.session.flush()  # one flush gives every new alert its id
    entries = [{"alert_id": alert.id, "partnership_id": partnership_id, "at": now,
                "action": step.action, "actor_id": None, "note": step.note,
                "data": step.data or {}}
               for alert, steps in history for step in steps]
    if entries:
        db.session.execute(insert(AlertEntry), entries)
    webhooks.emit_many(partnership_id, [
        (ANNOUNCED[step.action], webhooks.alert_payload(alert))
        for alert, steps in history for step in steps if step.action in ANNOUNCED], now)
    outcome.counts.update(entry["action"] for entry in entries)
    return outcome


# Alert steps that integrations hear of, by webhook event.
ANNOUNCED = {states.OPENED: "alert.opened", states.REOPENED: "alert.opened",
             states.RETURNED: "alert.opened", states.RESOLVED_ITSELF: "alert.resolved"}


def _write_latest(latest: list[tuple[Alert, str]], now: datetime) -> None:
    """Each alert's latest reading beside the reading that raised it; their evidence is
    read in one query per few hundred alerts (it was deferred)."""
    by_id = {alert.id: (alert, text) for alert, text in latest if alert.id is not None}
    for chunk in in_batches(list(by_id)):
        for alert_id, values in db.session.execute(
                select(Alert.id, Alert.values).where(Alert.id.in_(chunk))):
            alert, text = by_id[alert_id]
            shown = (values or {}).get("latest")
            if shown is None or shown.get("text") != text:
                alert.values = {**(values or {}), "latest": {"text": text,
                                                            "at": now.isoformat()}}


def _write_evidence(alert: Alert, found: Flagged, now: datetime) -> None:
    finding = found.finding
    alert.scope_label = found.scope_label[:200]
    alert.values = {**finding.values, "people_total": len(finding.member_ids)}
    alert.thresholds = dict(finding.thresholds)
    alert.window_start, alert.window_end = finding.window.start, finding.window.end
    alert.member_ids = list(finding.member_ids[:MAX_PEOPLE_STORED])
    alert.task_ids = list(finding.task_ids[:MAX_PEOPLE_STORED])
    alert.cluster_ids = list(finding.cluster_ids)
    alert.pattern, alert.advice = finding.pattern, finding.advice
    alert.suggestions = found.suggestions
    alert.evaluated_at = now
    if alert.severity is None:
        alert.severity, alert.severity_rank = finding.severity, SEVERITY_RANK[finding.severity]
