"""How an alert's status moves: with each evaluation, and by a coordinator's hand.

An alert is keyed by (kind, scope). Each evaluation either finds its measure past the
threshold ("present") or not. Coordinators acknowledge, snooze, resolve and reopen.
The rules, in one place so they can be tested as a table:

- a finding with no alert yet opens one;
- a finding for an alert whose measure had recovered reopens it (if it was resolved);
- no finding for an alert whose measure was past its threshold resolves it, by itself,
  unless a coordinator had resolved it already;
- a coordinator's "resolved" stands while the measure stays past its threshold: it
  reopens only when the measure recovers and then comes back;
- a snooze that has run out turns back into "open" at the next evaluation;
- an alert a coordinator reopened after its measure recovered stays open until a
  coordinator resolves it: they reopened it on purpose, so the evaluation leaves it be.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

OPEN, ACKNOWLEDGED, SNOOZED, RESOLVED = "open", "acknowledged", "snoozed", "resolved"

# History actions.
OPENED = "opened"
REOPENED = "reopened"  # came back by itself, or a coordinator reopened it
RESOLVED_ITSELF = "resolved_itself"
RECOVERED = "recovered"  # the measure recovered after a coordinator had resolved it
RETURNED = "returned"  # past its threshold again, while a coordinator's status stands
SEVERITY_CHANGED = "severity_changed"
SNOOZE_ENDED = "snooze_ended"
ACKNOWLEDGE, SNOOZE, RESOLVE, REOPEN = "acknowledged", "snoozed", "resolved", "reopened"

ACTION_LABELS = {
    OPENED: "Opened", REOPENED: "Reopened", RESOLVED_ITSELF: "Resolved itself",
    RECOVERED: "Measure recovered", RETURNED: "Past its threshold again",
    SEVERITY_CHANGED: "Severity changed", SNOOZE_ENDED: "Snooze ended",
    ACKNOWLEDGE: "Acknowledged", SNOOZE: "Snoozed", RESOLVE: "Resolved",
}


@dataclass(frozen=True)
class AlertState:
    status: str
    active: bool  # the measure was past its threshold at the last evaluation
    severity: str
    snoozed_until: date | None = None


@dataclass(frozen=True)
class Step:
    """One history line the change produces."""

    action: str
    note: str = ""
    data: dict | None = None


def evaluate_step(current: AlertState | None, severity: str | None, today: date,
                  recovered_note: str = "") -> tuple[AlertState | None, tuple[Step, ...]]:
    """The next state of one alert, given this evaluation's finding severity (None: none)."""
    present = severity is not None
    if current is None:
        if not present:
            return None, ()
        return AlertState(OPEN, True, severity), (Step(OPENED, data={"severity": severity}),)
    steps: list[Step] = []
    state = current
    if state.status == SNOOZED and (state.snoozed_until is None or state.snoozed_until <= today):
        state = replace(state, status=OPEN, snoozed_until=None)
        steps.append(Step(SNOOZE_ENDED))
    if present:
        if not state.active:
            if state.status == RESOLVED:
                state = replace(state, status=OPEN)
                steps.append(Step(REOPENED, "The measure is past its threshold again.",
                                  {"severity": severity}))
            else:
                steps.append(Step(RETURNED, data={"severity": severity}))
            state = replace(state, active=True)
        elif severity != state.severity and state.status != RESOLVED:
            steps.append(Step(SEVERITY_CHANGED, data={"from": state.severity, "to": severity}))
        state = replace(state, severity=severity)
    elif state.active:
        state = replace(state, active=False)
        note = recovered_note or "The measure is back within its threshold."
        if state.status == RESOLVED:
            steps.append(Step(RECOVERED, note))
        else:
            state = replace(state, status=RESOLVED, snoozed_until=None)
            steps.append(Step(RESOLVED_ITSELF, note))
    return state, tuple(steps)


class ActionRefused(ValueError):
    """The action does not apply to the alert as it stands; the message says why."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def coordinator_step(current: AlertState, action: str, today: date, note: str = "",
                     until: date | None = None) -> tuple[AlertState, Step]:
    """A coordinator's action on one alert, or ActionRefused."""
    note = note.strip()
    status = current.status
    if status == SNOOZED and current.snoozed_until is not None and current.snoozed_until <= today:
        status = OPEN
    if action == ACKNOWLEDGE:
        if status not in (OPEN, SNOOZED):
            raise ActionRefused("Only an open or snoozed alert can be acknowledged.")
        return replace(current, status=ACKNOWLEDGED, snoozed_until=None), Step(ACKNOWLEDGE, note)
    if action == SNOOZE:
        if status == RESOLVED:
            raise ActionRefused("A resolved alert cannot be snoozed; reopen it first.")
        if until is None:
            raise ActionRefused("Choose the date the snooze ends.", field="until")
        if until <= today:
            raise ActionRefused("Choose a date after today.", field="until")
        return (replace(current, status=SNOOZED, snoozed_until=until),
                Step(SNOOZE, note, {"until": until.isoformat()}))
    if action == RESOLVE:
        if status == RESOLVED:
            raise ActionRefused("This alert is resolved already.")
        if not note:
            raise ActionRefused("Say what was done, or why no action is needed.", field="note")
        return replace(current, status=RESOLVED, snoozed_until=None), Step(RESOLVE, note)
    if action == REOPEN:
        if status != RESOLVED:
            raise ActionRefused("Only a resolved alert can be reopened.")
        return replace(current, status=OPEN), Step(REOPEN, note)
    raise ActionRefused(f"Unknown action {action!r}.")
