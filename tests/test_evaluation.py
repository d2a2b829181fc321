"""Evaluating a partnership against the database: alerts opened, kept, resolved, reopened.

The world of `build_river` (one partnership), by hand. Cluster 1 "rivers, soil" and
cluster 2 "outreach, events"; CE is the tag "community engagement".

    member  cluster  tags            on task "Restore the dyke" (needs hydrology, CE, law)
    Ina     1        hydrology       initiator, since FORMED
    Ann     1        -               contributor, since FORMED + 1 h
    Bob     1        -               contributor, since FORMED + 1 h
    Cat     2        CE              -
    Dan     2        CE              -
    Eli     2        CE, law         -

The team sits in one cluster (normalised Blau 0) and lacks CE and law, both held outside:
two gaps, severity medium. Suggested: Eli (two wanted tags), then Cat and Dan by name.
Any one of Cat, Dan or Eli joining makes the team 3 + 1 across two clusters, B̂ = 0.75,
and the finding goes away.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from coordinator.extensions import db
from coordinator.models import (
    Alert,
    AlertEntry,
    Cluster,
    ClusterAssignment,
    ClusterSnapshot,
    GroupMember,
    ImmutableRecordError,
    JoinRequest,
    JointActivity,
    Membership,
    Partnership,
    Task,
    WorkingGroup,
    WorkLog,
)
from coordinator.services import joining
from coordinator.services import tasks as task_service
from coordinator.services.evaluation import evaluate_partnership

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
HOUR, DAY, SECOND = timedelta(hours=1), timedelta(days=1), timedelta(seconds=1)
FORMED = NOW - 60 * DAY  # teams formed long before any window below
WINDOW_START = NOW - 28 * DAY
CE = "community engagement"
CLUSTER_2 = 'works in cluster "outreach, events"'
BACK = "The measure is back within its threshold."
AGAIN = "The measure is past its threshold again."


@dataclass
class River:
    partnership: Partnership
    task: Task
    ina: Membership
    ann: Membership
    bob: Membership
    cat: Membership
    dan: Membership
    eli: Membership


def write_snapshot(partnership: Partnership, clusters: dict[int, tuple[str, list[Membership]]],
                   at: datetime = FORMED) -> ClusterSnapshot:
    """A knowledge-map snapshot as the worker would leave it: stable id → (label, members)."""
    snapshot = ClusterSnapshot(partnership_id=partnership.id, created_at=at)
    db.session.add(snapshot)
    db.session.flush()
    for stable_id, (label, members) in clusters.items():
        cluster = Cluster(snapshot_id=snapshot.id, partnership_id=partnership.id,
                          stable_id=stable_id, label=label, size=len(members))
        db.session.add(cluster)
        db.session.flush()
        db.session.add_all(ClusterAssignment(snapshot_id=snapshot.id, membership_id=m.id,
                                             cluster_id=cluster.id) for m in members)
    db.session.flush()
    return snapshot


def task_input(title: str, tags: list[str], **overrides) -> task_service.TaskInput:
    values = {"title": title, "description": "", "tags": tags, "capacity": 5, "due_on": None,
              "effort_hours": None, "join_policy": "open", "working_group_id": None}
    return task_service.TaskInput(**(values | overrides))


def build_river(make, slug: str = "river") -> River:
    partnership = make.partnership(slug=slug)
    ina = make.member(partnership, name="Ina", tags=("hydrology",))
    ann = make.member(partnership, name="Ann")
    bob = make.member(partnership, name="Bob")
    cat = make.member(partnership, name="Cat", tags=(CE,))
    dan = make.member(partnership, name="Dan", tags=(CE,))
    eli = make.member(partnership, name="Eli", tags=(CE, "law"))
    write_snapshot(partnership, {1: ("rivers, soil", [ina, ann, bob]),
                                 2: ("outreach, events", [cat, dan, eli])})
    task = task_service.create_task(
        ina, task_input("Restore the dyke", ["hydrology", CE, "law"]), now=FORMED)
    joining.join_task(task, ann, "I walk the dyke daily", now=FORMED + HOUR)
    joining.join_task(task, bob, "Surveyor", now=FORMED + HOUR)
    make.commit()
    return River(partnership, task, ina, ann, bob, cat, dan, eli)


@pytest.fixture
def river(make) -> River:
    return build_river(make)


def evaluate(partnership: Partnership, at: datetime):
    outcome = evaluate_partnership(partnership, at)
    db.session.commit()
    return outcome


def alerts_of(partnership: Partnership, kind: str | None = None) -> list[Alert]:
    query = select(Alert).where(Alert.partnership_id == partnership.id)
    if kind is not None:
        query = query.where(Alert.kind == kind)
    return list(db.session.scalars(query.order_by(Alert.id)))


def history(alert: Alert) -> list[tuple[str, datetime, str]]:
    return [(e.action, e.at, e.note) for e in db.session.scalars(
        select(AlertEntry).where(AlertEntry.alert_id == alert.id).order_by(AlertEntry.id))]


def entry_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AlertEntry))


def suggestion(member: Membership, name: str, reasons: list[str], active_tasks: int = 0):
    public = [r for r in reasons if "declined" not in r and "live task" not in r]
    return {"member_id": member.id, "name": name, "reasons": reasons,
            "public_reasons": public, "active_tasks": active_tasks}


def test_a_homogeneous_team_lacking_outside_knowledge_opens_an_alert(river):
    outcome = evaluate(river.partnership, NOW)
    assert outcome.counts == {"opened": 1}
    assert outcome.open_by_kind == {"alignophilia_team": 1}
    assert outcome.summary() == "alerts: 1 opened; open: alignophilia team 1"

    [alert] = alerts_of(river.partnership)
    assert (alert.kind, alert.scope_type, alert.scope_id) == ("alignophilia_team", "task",
                                                              river.task.id)
    assert alert.scope_label == 'Task "Restore the dyke"'
    assert (alert.severity, alert.severity_rank) == ("medium", 2)
    assert (alert.status, alert.active, alert.snoozed_until) == ("open", True, None)
    assert (alert.opened_at, alert.evaluated_at, alert.changed_at) == (NOW, NOW, NOW)
    assert alert.resolved_at is None
    assert (alert.window_start, alert.window_end) == (WINDOW_START, NOW)
    assert alert.thresholds == {"team_max_blau": 0.2, "team_min_members": 3,
                                "team_window_days": 28, "formation_days": 7}
    team = sorted([river.ina.id, river.ann.id, river.bob.id])
    assert alert.member_ids == team
    assert alert.task_ids == [river.task.id]
    assert alert.cluster_ids == [1]
    values = alert.values
    assert (values["blau"], values["members"], values["clustered_members"]) == (0.0, 3, 3)
    assert (values["team_cluster"], values["clusters_in_partnership"]) == (1, 2)
    assert values["missing_tags"] == [CE, "law"]
    assert values["coverage"] == pytest.approx(1 / 3)
    assert values["gaps"] == [{"kind": "missing_tag", "subject": CE},
                              {"kind": "missing_tag", "subject": "law"}]
    assert (values["gap_count"], values["people_total"]) == (2, 3)
    assert values["single_sector"] is None  # nobody's sector is known
    assert alert.pattern == (
        '3 active members; all 3 with a profile in cluster "rivers, soil" (knowledge mix '
        '0.00, where 0 is one cluster and 1 an even spread); no member holds required tag '
        '"community engagement", held by 3 members '
        'outside the team, most in cluster "outreach, events"; no member holds required tag '
        '"law", held by 1 member outside the team, most in cluster "outreach, events".')
    assert alert.advice.startswith("The indicator suggests this team draws on one knowledge")
    assert alert.suggestions == [
        suggestion(river.eli, "Eli", [f'holds "{CE}" and "law"', CLUSTER_2, "no live tasks"]),
        suggestion(river.cat, "Cat", [f'holds "{CE}"', CLUSTER_2, "no live tasks"]),
        suggestion(river.dan, "Dan", [f'holds "{CE}"', CLUSTER_2, "no live tasks"]),
    ]

    [entry] = db.session.scalars(select(AlertEntry)).all()
    assert (entry.alert_id, entry.partnership_id) == (alert.id, river.partnership.id)
    assert (entry.action, entry.at, entry.actor_id) == ("opened", NOW, None)
    assert entry.data == {"severity": "medium"}


def test_evaluating_twice_changes_nothing(river):
    evaluate(river.partnership, NOW)
    before = [(a.id, a.status, a.severity, a.changed_at) for a in alerts_of(river.partnership)]
    entries = entry_count()
    outcome = evaluate(river.partnership, NOW)
    assert outcome.counts == {}
    assert outcome.open_by_kind == {"alignophilia_team": 1}
    assert outcome.summary() == "alerts: no changes; open: alignophilia team 1"
    after = [(a.id, a.status, a.severity, a.changed_at) for a in alerts_of(river.partnership)]
    assert after == before
    assert entry_count() == entries == 1


def test_a_later_evaluation_moves_the_window_but_writes_no_history(river):
    evaluate(river.partnership, NOW)
    outcome = evaluate(river.partnership, NOW + DAY)
    assert outcome.counts == {}
    [alert] = alerts_of(river.partnership)
    assert (alert.window_start, alert.window_end) == (WINDOW_START + DAY, NOW + DAY)
    assert alert.evaluated_at == NOW + DAY
    assert (alert.opened_at, alert.changed_at) == (NOW, NOW)
    assert [action for action, _, _ in history(alert)] == ["opened"]


def test_recovery_resolves_itself_and_a_return_reopens_the_same_alert(river):
    evaluate(river.partnership, NOW)
    [alert] = alerts_of(river.partnership)
    alert_id = alert.id

    joining.join_task(river.task, river.cat, "I run the village meetings", now=NOW + HOUR)
    db.session.commit()
    outcome = evaluate(river.partnership, NOW + DAY)
    assert outcome.counts == {"resolved_itself": 1}
    assert outcome.open_by_kind == {}
    [alert] = alerts_of(river.partnership)
    assert alert.id == alert_id
    assert (alert.status, alert.active) == ("resolved", False)
    assert (alert.resolved_at, alert.changed_at) == (NOW + DAY, NOW + DAY)
    assert history(alert) == [("opened", NOW, ""), ("resolved_itself", NOW + DAY, BACK)]

    assert evaluate(river.partnership, NOW + DAY).counts == {}
    assert evaluate(river.partnership, NOW + 2 * DAY).counts == {}
    assert len(history(alert)) == 2

    joining.leave_task(river.task, river.cat, now=NOW + 2 * DAY + HOUR)
    db.session.commit()
    outcome = evaluate(river.partnership, NOW + 3 * DAY)
    assert outcome.counts == {"reopened": 1}
    [alert] = alerts_of(river.partnership)
    assert alert.id == alert_id
    assert (alert.status, alert.active, alert.severity) == ("open", True, "medium")
    assert alert.changed_at == NOW + 3 * DAY
    assert alert.opened_at == NOW  # first opened, not reopened
    assert history(alert) == [("opened", NOW, ""), ("resolved_itself", NOW + DAY, BACK),
                              ("reopened", NOW + 3 * DAY, AGAIN)]
    assert [s["member_id"] for s in alert.suggestions] == [river.eli.id, river.cat.id,
                                                           river.dan.id]


def test_a_coordinators_resolve_stands_until_the_measure_recovers(river):
    evaluate(river.partnership, NOW)
    [alert] = alerts_of(river.partnership)
    alert.status = "resolved"  # as a coordinator's action leaves it (its entry aside)
    db.session.commit()
    entries = entry_count()

    outcome = evaluate(river.partnership, NOW + DAY)
    assert outcome.counts == {}
    assert outcome.open_by_kind == {}
    [alert] = alerts_of(river.partnership)
    assert (alert.status, alert.active) == ("resolved", True)
    assert entry_count() == entries

    joining.join_task(river.task, river.dan, "Outreach officer", now=NOW + DAY + HOUR)
    db.session.commit()
    assert evaluate(river.partnership, NOW + 2 * DAY).counts == {"recovered": 1}
    [alert] = alerts_of(river.partnership)
    assert (alert.status, alert.active) == ("resolved", False)
    assert history(alert)[-1] == ("recovered", NOW + 2 * DAY, BACK)

    # Recovered, then past its threshold again: now it reopens.
    joining.leave_task(river.task, river.dan, now=NOW + 2 * DAY + HOUR)
    db.session.commit()
    assert evaluate(river.partnership, NOW + 3 * DAY).counts == {"reopened": 1}
    [alert] = alerts_of(river.partnership)
    assert (alert.status, alert.active) == ("open", True)
    assert [action for action, _, _ in history(alert)] == ["opened", "recovered", "reopened"]


def test_a_declined_request_from_another_cluster_raises_the_severity(river):
    evaluate(river.partnership, NOW)
    db.session.add(JoinRequest(task_id=river.task.id, membership_id=river.dan.id, note="me",
                               status="declined", created_at=NOW, decided_at=NOW + HOUR,
                               decided_by_id=river.ina.id))
    db.session.commit()
    outcome = evaluate(river.partnership, NOW + DAY)
    assert outcome.counts == {"severity_changed": 1}
    [alert] = alerts_of(river.partnership)
    assert (alert.severity, alert.severity_rank, alert.status) == ("high", 3, "open")
    assert alert.values["gap_count"] == 3
    assert alert.values["declined_requester_ids"] == [river.dan.id]
    assert alert.suggestions[0] == suggestion(
        river.dan, "Dan", [f'holds "{CE}"', CLUSTER_2, "asked to join and was declined",
                           "no live tasks"])
    [_, changed] = db.session.scalars(select(AlertEntry).order_by(AlertEntry.id)).all()
    assert (changed.action, changed.at) == ("severity_changed", NOW + DAY)
    assert changed.data == {"from": "medium", "to": "high"}


def test_a_team_without_a_knowledge_snapshot_is_not_judged(make):
    partnership = make.partnership()
    ina = make.member(partnership, name="Ina", tags=("hydrology",))
    make.member(partnership, name="Cat", tags=(CE,))  # holds what the team lacks
    task = task_service.create_task(ina, task_input("Dyke", [CE]), now=FORMED)
    for name in ("Ann", "Bob"):
        joining.join_task(task, make.member(partnership, name=name), "me", now=FORMED)
    make.commit()
    # Knowledge is held outside the team, but without clusters no team is homogeneous.
    assert evaluate(partnership, NOW).counts == {}
    assert alerts_of(partnership) == []


def test_a_working_group_is_judged_on_what_its_live_tasks_need(make):
    partnership = make.partnership()
    ina = make.member(partnership, name="Ina", tags=("hydrology",))
    ann, bob = make.member(partnership, name="Ann"), make.member(partnership, name="Bob")
    cat = make.member(partnership, name="Cat", tags=(CE,))
    eli = make.member(partnership, name="Eli", tags=("law",))
    write_snapshot(partnership, {1: ("rivers, soil", [ina, ann, bob]),
                                 2: ("outreach, events", [cat, eli])})
    group = WorkingGroup(partnership_id=partnership.id, name="Dyke board",
                         created_by_id=ina.id, created_at=FORMED)
    db.session.add(group)
    db.session.flush()
    db.session.add_all(GroupMember(working_group_id=group.id, membership_id=m.id,
                                   joined_at=FORMED) for m in (ina, ann, bob))
    live = task_service.create_task(
        ina, task_input("Village evening", [CE], working_group_id=group.id), now=FORMED)
    done = task_service.create_task(
        ina, task_input("By-law", ["law"], working_group_id=group.id), now=FORMED)
    task_service.complete_task(done, ina, "Adopted", now=FORMED + DAY)
    make.commit()

    assert evaluate(partnership, NOW).counts == {"opened": 1}
    [alert] = alerts_of(partnership)
    assert (alert.kind, alert.scope_type, alert.scope_id) == ("alignophilia_team", "group",
                                                              group.id)
    assert alert.scope_label == 'Working group "Dyke board"'
    assert alert.severity == "low"  # one gap: the finished task's "law" is not needed now
    assert alert.values["missing_tags"] == [CE]
    assert alert.task_ids == sorted([live.id, done.id])
    assert alert.member_ids == sorted([ina.id, ann.id, bob.id])
    assert alert.suggestions == [
        suggestion(cat, "Cat", [f'holds "{CE}"', CLUSTER_2, "no live tasks"])]


@dataclass
class Board:
    partnership: Partnership
    group: WorkingGroup
    members: list[Membership]
    task: Task


def build_board(make, meetings_minutes: list[int], work_hours: float = 2.0) -> Board:
    """A working group of three who meet; every meeting has all three attending."""
    partnership = make.partnership()
    members = [make.member(partnership, name=name) for name in ("Gia", "Hob", "Ivo")]
    group = WorkingGroup(partnership_id=partnership.id, name="Dyke board",
                         created_by_id=members[0].id, created_at=FORMED)
    db.session.add(group)
    db.session.flush()
    db.session.add_all(GroupMember(working_group_id=group.id, membership_id=m.id,
                                   joined_at=FORMED) for m in members)
    task = task_service.create_task(
        members[0], task_input("Board minutes", [], working_group_id=group.id), now=FORMED)
    for i, minutes in enumerate(meetings_minutes):
        db.session.add(JointActivity(
            partnership_id=partnership.id, kind="meeting", title=f"Board meeting {i + 1}",
            occurred_at=NOW - (3 + 7 * i) * DAY, duration_minutes=minutes,
            working_group_id=group.id, created_by_id=members[0].id, attendees=members,
            created_at=NOW - (3 + 7 * i) * DAY))
    db.session.add(WorkLog(partnership_id=partnership.id, task_id=task.id,
                           membership_id=members[1].id, hours=work_hours,
                           worked_on=(NOW - 5 * DAY).date(), created_at=NOW - 5 * DAY))
    make.commit()
    return Board(partnership, group, members, task)


def test_a_working_group_that_meets_without_output_gets_a_joinholism_alert(make):
    board = build_board(make, [90, 90, 90])
    outcome = evaluate(board.partnership, NOW)
    assert outcome.counts == {"opened": 1}
    # Three meetings are too few to judge the whole partnership (5 by default).
    assert outcome.open_by_kind == {"joinholism_team": 1}
    [alert] = alerts_of(board.partnership, "joinholism_team")
    assert (alert.scope_type, alert.scope_id) == ("group", board.group.id)
    assert alert.scope_label == 'Working group "Dyke board"'
    # Weekly meetings for three weeks: past the thresholds a week ago too, so high.
    assert (alert.severity, alert.status, alert.active) == ("high", "open", True)
    assert (alert.window_start, alert.window_end) == (WINDOW_START, NOW)
    assert alert.values == {
        "activities": 3, "activity_kinds": {"meeting": 3}, "joint_hours": 13.5,
        "work_hours": 2.0, "joint_share": pytest.approx(13.5 / 15.5), "outputs": 0,
        "activities_per_completion": 3.0, "joins": 0, "leaves": 0, "mean_size": 3.0,
        "churn": 0.0, "persisted": True, "people_total": 3}
    assert alert.thresholds == {"team_min_joint_hours": 4.0, "team_min_joint_share": 0.6,
                                "team_high_churn": 1.0, "team_window_days": 28,
                                "min_age_days": 14, "formation_days": 7}
    assert alert.member_ids == sorted(m.id for m in board.members)
    assert alert.task_ids == [board.task.id]
    assert alert.suggestions == []
    assert alert.pattern == ("3 meetings, 13.5 person-hours, no completion in 28 days; no one "
                             "joined or left. Joint activity was 87% of the recorded time. "
                             "It was past its thresholds a week earlier too.")
    assert [action for action, _, _ in history(alert)] == ["opened"]


@pytest.mark.parametrize(
    ("meetings", "completed_at", "flagged"),
    [
        ([90, 90, 90], None, True),
        ([90, 90, 90], WINDOW_START, True),  # the window's start is outside it
        ([90, 90, 90], WINDOW_START + SECOND, False),
        ([90, 90, 90], NOW - 3 * DAY, False),
        ([80], None, True),  # 80 min × 3 = 4 person-hours exactly; share 4 / 6
        ([75], None, False),  # 3.75 person-hours
    ],
    ids=["no-output", "done-on-window-start", "done-just-inside", "done-lately",
         "four-hours", "under-four-hours"],
)
def test_one_completed_task_in_the_window_is_output_enough(make, meetings, completed_at,
                                                           flagged):
    board = build_board(make, meetings)
    if completed_at is not None:
        author = board.members[1]
        done = task_service.create_task(
            author, task_input("Inspection report", [], working_group_id=board.group.id),
            now=FORMED)
        task_service.complete_task(done, author, "Report filed", now=completed_at)
        make.commit()
    evaluate(board.partnership, NOW)
    found = alerts_of(board.partnership, "joinholism_team")
    assert [(a.scope_type, a.scope_id) for a in found] == (
        [("group", board.group.id)] if flagged else [])


def test_findings_only_touch_their_own_partnerships_alerts(make):
    river = build_river(make, "river")
    delta = build_river(make, "delta")
    evaluate(river.partnership, NOW)
    assert len(alerts_of(river.partnership)) == 1
    assert alerts_of(delta.partnership) == []

    evaluate(delta.partnership, NOW)
    [river_alert] = alerts_of(river.partnership)
    [delta_alert] = alerts_of(delta.partnership)
    assert (river_alert.scope_id, delta_alert.scope_id) == (river.task.id, delta.task.id)
    delta_people = {m.id for m in (delta.cat, delta.dan, delta.eli)}
    assert {s["member_id"] for s in delta_alert.suggestions} == delta_people
    assert {s["member_id"] for s in river_alert.suggestions} == {
        m.id for m in (river.cat, river.dan, river.eli)}
    assert len(history(river_alert)) == len(history(delta_alert)) == 1

    # River recovers; evaluating the delta leaves the river's alert alone.
    joining.join_task(river.task, river.cat, "me", now=NOW + HOUR)
    db.session.commit()
    assert evaluate(delta.partnership, NOW + DAY).counts == {}
    [river_alert] = alerts_of(river.partnership)
    assert (river_alert.status, river_alert.active) == ("open", True)
    assert len(history(river_alert)) == 1

    assert evaluate(river.partnership, NOW + DAY).counts == {"resolved_itself": 1}
    [river_alert] = alerts_of(river.partnership)
    [delta_alert] = alerts_of(delta.partnership)
    assert river_alert.status == "resolved"
    assert (delta_alert.status, delta_alert.active) == ("open", True)
    assert [e for e, _, _ in history(delta_alert)] == ["opened"]
    assert db.session.scalar(select(func.count()).select_from(AlertEntry).where(
        AlertEntry.partnership_id == delta.partnership.id)) == 1


def test_alert_entries_cannot_be_changed(river):
    evaluate(river.partnership, NOW)
    entry = db.session.scalars(select(AlertEntry)).one()
    entry.note = "rewritten"
    with pytest.raises(ImmutableRecordError):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalars(select(AlertEntry)).one().note == ""


def test_alert_entries_cannot_be_deleted(river):
    evaluate(river.partnership, NOW)
    db.session.delete(db.session.scalars(select(AlertEntry)).one())
    with pytest.raises(ImmutableRecordError):
        db.session.flush()
    db.session.rollback()
    assert entry_count() == 1


def test_the_daily_job_evaluates_every_partnership_even_when_nothing_changed(river):
    """Jobs run in-process here; the map is current, so each run goes straight to alerts."""
    from coordinator.models import RecomputeRun
    from workers.sweep import evaluate_all_partnerships

    assert evaluate_all_partnerships() == [river.partnership.id]
    runs = db.session.scalars(select(RecomputeRun).where(RecomputeRun.trigger == "daily")).all()
    assert [run.partnership_id for run in runs] == [river.partnership.id]


def test_a_resolved_alert_keeps_its_reading_and_shows_the_latest(river, client, auth):
    """An alert that recovered still shows what raised it, with today's reading beside."""
    evaluate(river.partnership, NOW)
    [alert] = alerts_of(river.partnership)
    raised_by = alert.pattern
    # The homogeneous team gets its missing knowledge: the alert resolves itself.
    joining.join_task(river.task, river.eli, "CE and law", now=NOW + HOUR)
    db.session.commit()
    evaluate(river.partnership, NOW + 9 * DAY)
    db.session.refresh(alert)
    assert (alert.status, alert.active) == ("resolved", False)
    assert alert.pattern == raised_by  # the reading that raised it is kept
    latest = alert.values["latest"]
    assert latest["at"] == (NOW + 9 * DAY).isoformat()
    # B̂ = 0.75 now (3 + 1 across two clusters), far above 0.2, whatever gaps remain.
    assert latest["text"].startswith("4 active members; knowledge mix 0.75 (0 is one "
                                     "cluster, 1 an even spread)")
    # Unchanged on the next evaluation: the row is not rewritten.
    evaluate(river.partnership, NOW + 10 * DAY)
    db.session.refresh(alert)
    assert alert.values["latest"]["at"] == (NOW + 9 * DAY).isoformat()


def test_the_daily_job_queues_the_smallest_partnerships_first(river, make):
    """Workers take jobs in order: a small partnership never waits behind a big one."""
    from coordinator.models import RecomputeRun
    from workers.sweep import evaluate_all_partnerships

    brook = make.partnership(slug="brook", name="Brook")
    make.member(brook, email="b0@example.org", name="Brook 0", tags=("gis",))
    make.commit()
    assert evaluate_all_partnerships() == [brook.id, river.partnership.id]
    runs = db.session.scalars(select(RecomputeRun).where(RecomputeRun.trigger == "daily")
                              .order_by(RecomputeRun.id)).all()
    assert [run.partnership_id for run in runs] == [brook.id, river.partnership.id]
