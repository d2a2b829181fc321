"""Alert status rules: each evaluation's step, and each coordinator action, as tables.

Today is 2026-11-01 throughout; "yesterday" and "tomorrow" are the days either side.
"""

from datetime import date, timedelta

import pytest

from coordinator.domain.alert_state import (
    ACKNOWLEDGE,
    ACKNOWLEDGED,
    OPEN,
    OPENED,
    RECOVERED,
    REOPEN,
    REOPENED,
    RESOLVE,
    RESOLVED,
    RESOLVED_ITSELF,
    RETURNED,
    SEVERITY_CHANGED,
    SNOOZE,
    SNOOZE_ENDED,
    SNOOZED,
    ActionRefused,
    AlertState,
    Step,
    coordinator_step,
    evaluate_step,
)

TODAY = date(2026, 11, 1)
YESTERDAY, TOMORROW = TODAY - timedelta(days=1), TODAY + timedelta(days=1)
NEXT_WEEK = TODAY + timedelta(days=7)
BACK = "The measure is back within its threshold."
AGAIN = "The measure is past its threshold again."


def state(status, active, severity="medium", until=None):
    return AlertState(status, active, severity, until)


# (current, finding severity) → (next state, history actions)
EVALUATIONS = [
    # No alert yet.
    pytest.param(None, "medium", state(OPEN, True), (OPENED,), id="new-finding-opens"),
    pytest.param(None, "high", state(OPEN, True, "high"), (OPENED,), id="new-finding-high"),
    pytest.param(None, None, None, (), id="nothing-found-nothing-made"),
    # Past its threshold, still past it.
    pytest.param(state(OPEN, True), "medium", state(OPEN, True), (), id="open-unchanged"),
    pytest.param(state(ACKNOWLEDGED, True), "medium", state(ACKNOWLEDGED, True), (),
                 id="acknowledged-unchanged"),
    pytest.param(state(SNOOZED, True, until=TOMORROW), "medium",
                 state(SNOOZED, True, until=TOMORROW), (), id="snoozed-unchanged"),
    pytest.param(state(RESOLVED, True), "medium", state(RESOLVED, True), (),
                 id="coordinator-resolve-stands"),
    # Severity changes, noted except on a coordinator-resolved alert.
    pytest.param(state(OPEN, True), "high", state(OPEN, True, "high"), (SEVERITY_CHANGED,),
                 id="open-severity-up"),
    pytest.param(state(ACKNOWLEDGED, True, "high"), "low", state(ACKNOWLEDGED, True, "low"),
                 (SEVERITY_CHANGED,), id="acknowledged-severity-down"),
    pytest.param(state(SNOOZED, True, until=NEXT_WEEK), "low",
                 state(SNOOZED, True, "low", NEXT_WEEK), (SEVERITY_CHANGED,),
                 id="snoozed-severity-down"),
    pytest.param(state(RESOLVED, True), "high", state(RESOLVED, True, "high"), (),
                 id="resolved-severity-silent"),
    # The measure recovers.
    pytest.param(state(OPEN, True), None, state(RESOLVED, False), (RESOLVED_ITSELF,),
                 id="open-resolves-itself"),
    pytest.param(state(ACKNOWLEDGED, True), None, state(RESOLVED, False), (RESOLVED_ITSELF,),
                 id="acknowledged-resolves-itself"),
    pytest.param(state(SNOOZED, True, until=NEXT_WEEK), None, state(RESOLVED, False),
                 (RESOLVED_ITSELF,), id="snoozed-resolves-itself-and-drops-date"),
    pytest.param(state(RESOLVED, True), None, state(RESOLVED, False), (RECOVERED,),
                 id="coordinator-resolved-recovers"),
    # Recovered already, still recovered: nothing to say.
    pytest.param(state(RESOLVED, False), None, state(RESOLVED, False), (),
                 id="resolved-stays-quiet"),
    pytest.param(state(OPEN, False), None, state(OPEN, False), (),
                 id="reopened-by-hand-stays-quiet"),
    pytest.param(state(ACKNOWLEDGED, False), None, state(ACKNOWLEDGED, False), (),
                 id="acknowledged-inactive-stays-quiet"),
    # Back past its threshold.
    pytest.param(state(RESOLVED, False), "high", state(OPEN, True, "high"), (REOPENED,),
                 id="resolved-reopens"),
    pytest.param(state(ACKNOWLEDGED, False), "medium", state(ACKNOWLEDGED, True), (RETURNED,),
                 id="acknowledged-returns-keeping-status"),
    pytest.param(state(SNOOZED, False, until=TOMORROW), "high",
                 state(SNOOZED, True, "high", TOMORROW), (RETURNED,),
                 id="snoozed-returns-keeping-status"),
    pytest.param(state(OPEN, False), "low", state(OPEN, True, "low"), (RETURNED,),
                 id="open-inactive-returns"),
    # A snooze that has run out ends first, then the rest applies.
    pytest.param(state(SNOOZED, True, until=YESTERDAY), "medium", state(OPEN, True),
                 (SNOOZE_ENDED,), id="snooze-past-ends"),
    pytest.param(state(SNOOZED, True, until=TODAY), "medium", state(OPEN, True),
                 (SNOOZE_ENDED,), id="snooze-ending-today-ends"),
    pytest.param(state(SNOOZED, True, until=None), "medium", state(OPEN, True),
                 (SNOOZE_ENDED,), id="snooze-without-date-ends"),
    pytest.param(state(SNOOZED, True, until=TOMORROW), "medium",
                 state(SNOOZED, True, until=TOMORROW), (), id="snooze-ending-tomorrow-stays"),
    pytest.param(state(SNOOZED, True, until=YESTERDAY), "high", state(OPEN, True, "high"),
                 (SNOOZE_ENDED, SEVERITY_CHANGED), id="snooze-ends-then-severity"),
    pytest.param(state(SNOOZED, True, until=TODAY), None, state(RESOLVED, False),
                 (SNOOZE_ENDED, RESOLVED_ITSELF), id="snooze-ends-then-resolves"),
    pytest.param(state(SNOOZED, False, until=YESTERDAY), "low", state(OPEN, True, "low"),
                 (SNOOZE_ENDED, RETURNED), id="snooze-ends-then-returns"),
    pytest.param(state(SNOOZED, False, until=YESTERDAY), None, state(OPEN, False),
                 (SNOOZE_ENDED,), id="snooze-ends-nothing-found"),
]


@pytest.mark.parametrize(("current", "severity", "expected", "actions"), EVALUATIONS)
def test_evaluate_step(current, severity, expected, actions):
    new, steps = evaluate_step(current, severity, TODAY)
    assert new == expected
    assert tuple(step.action for step in steps) == actions


def test_opened_records_the_severity():
    _, steps = evaluate_step(None, "low", TODAY)
    assert steps == (Step(OPENED, "", {"severity": "low"}),)


def test_severity_change_records_from_and_to():
    _, steps = evaluate_step(state(OPEN, True, "low"), "high", TODAY)
    assert steps == (Step(SEVERITY_CHANGED, "", {"from": "low", "to": "high"}),)


def test_reopened_and_returned_carry_the_new_severity():
    _, reopened = evaluate_step(state(RESOLVED, False, "low"), "high", TODAY)
    assert reopened == (Step(REOPENED, AGAIN, {"severity": "high"}),)
    _, returned = evaluate_step(state(ACKNOWLEDGED, False, "low"), "medium", TODAY)
    assert returned == (Step(RETURNED, "", {"severity": "medium"}),)


@pytest.mark.parametrize(
    ("current", "action"),
    [(state(OPEN, True), RESOLVED_ITSELF), (state(RESOLVED, True), RECOVERED)],
)
def test_recovery_note_defaults_and_can_be_given(current, action):
    _, steps = evaluate_step(current, None, TODAY)
    assert steps == (Step(action, BACK),)
    _, steps = evaluate_step(current, None, TODAY, recovered_note="Two people joined.")
    assert steps == (Step(action, "Two people joined."),)


# (status, snoozed until) → actions allowed; every other action is refused.
STATUSES = {
    "open": (state(OPEN, True), {ACKNOWLEDGE, SNOOZE, RESOLVE}),
    "acknowledged": (state(ACKNOWLEDGED, True), {SNOOZE, RESOLVE}),
    "snoozed": (state(SNOOZED, True, until=NEXT_WEEK), {ACKNOWLEDGE, SNOOZE, RESOLVE}),
    "snooze-over": (state(SNOOZED, True, until=TODAY), {ACKNOWLEDGE, SNOOZE, RESOLVE}),
    "resolved": (state(RESOLVED, False), {REOPEN}),
    "resolved-active": (state(RESOLVED, True), {REOPEN}),
}
# What an allowed action leaves behind (status, snoozed until).
RESULTS = {ACKNOWLEDGE: (ACKNOWLEDGED, None), SNOOZE: (SNOOZED, TOMORROW),
           RESOLVE: (RESOLVED, None), REOPEN: (OPEN, None)}
REFUSALS = {
    ACKNOWLEDGE: "Only an open or snoozed alert can be acknowledged.",
    SNOOZE: "A resolved alert cannot be snoozed; reopen it first.",
    RESOLVE: "This alert is resolved already.",
    REOPEN: "Only a resolved alert can be reopened.",
}
ACTIONS = [(name, action) for name in STATUSES for action in RESULTS]


@pytest.mark.parametrize(("name", "action"), ACTIONS, ids=[f"{n}-{a}" for n, a in ACTIONS])
def test_coordinator_step(name, action):
    current, allowed = STATUSES[name]
    if action in allowed:
        new, step = coordinator_step(current, action, TODAY, note="  done by hand  ",
                                     until=TOMORROW)
        assert (new.status, new.snoozed_until) == RESULTS[action]
        # The measure's own fields are the evaluation's business, not the coordinator's.
        assert (new.active, new.severity) == (current.active, current.severity)
        assert step.action == action
        assert step.note == "done by hand"
        assert step.data == ({"until": "2026-11-02"} if action == SNOOZE else None)
    else:
        with pytest.raises(ActionRefused) as refused:
            coordinator_step(current, action, TODAY, note="done by hand", until=TOMORROW)
        assert str(refused.value) == REFUSALS[action]
        assert refused.value.field is None


@pytest.mark.parametrize(
    ("until", "message"),
    [(None, "Choose the date the snooze ends."), (YESTERDAY, "Choose a date after today."),
     (TODAY, "Choose a date after today.")],
)
@pytest.mark.parametrize("status", [OPEN, ACKNOWLEDGED, SNOOZED])
def test_snooze_needs_a_date_after_today(status, until, message):
    current = state(status, True, until=NEXT_WEEK if status == SNOOZED else None)
    with pytest.raises(ActionRefused) as refused:
        coordinator_step(current, SNOOZE, TODAY, until=until)
    assert (str(refused.value), refused.value.field) == (message, "until")


def test_snoozing_a_resolved_alert_says_reopen_before_asking_for_a_date():
    with pytest.raises(ActionRefused) as refused:
        coordinator_step(state(RESOLVED, False), SNOOZE, TODAY, until=None)
    assert refused.value.field is None


@pytest.mark.parametrize("note", ["", "   ", "\n\t"])
@pytest.mark.parametrize("status", [OPEN, ACKNOWLEDGED, SNOOZED])
def test_resolve_needs_a_note(status, note):
    with pytest.raises(ActionRefused) as refused:
        coordinator_step(state(status, True, until=NEXT_WEEK), RESOLVE, TODAY, note=note)
    assert str(refused.value) == "Say what was done, or why no action is needed."
    assert refused.value.field == "note"


def test_acknowledge_and_reopen_need_no_note():
    new, step = coordinator_step(state(OPEN, True), ACKNOWLEDGE, TODAY)
    assert (new.status, step) == (ACKNOWLEDGED, Step(ACKNOWLEDGE, ""))
    new, step = coordinator_step(state(RESOLVED, False), REOPEN, TODAY)
    assert (new, step) == (state(OPEN, False), Step(REOPEN, ""))


def test_snooze_again_moves_the_date():
    new, step = coordinator_step(state(SNOOZED, True, until=TOMORROW), SNOOZE, TODAY,
                                 until=NEXT_WEEK)
    assert new == state(SNOOZED, True, until=NEXT_WEEK)
    assert step.data == {"until": "2026-11-08"}


@pytest.mark.parametrize("action", ["dismiss", "opened", "", "RESOLVED"])
def test_unknown_action_is_refused(action):
    with pytest.raises(ActionRefused) as refused:
        coordinator_step(state(OPEN, True), action, TODAY, note="x", until=TOMORROW)
    assert str(refused.value) == f"Unknown action {action!r}."
    assert refused.value.field is None
