"""`flask seed-demo`: size, invariants, planted patterns, determinism, --if-empty.

Seeding takes a couple of seconds, so the module seeds once (`demo`) and the tests read
it; the determinism test wipes and re-seeds, leaving the same data behind.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from config import TestConfig
from coordinator import create_app
from coordinator.domain.power.sectors import SECTORS, power_tier
from coordinator.extensions import db
from coordinator.models import (
    TASK_STATUSES,
    Comment,
    Event,
    GroupMember,
    JoinRequest,
    JointActivity,
    Membership,
    Organisation,
    Participation,
    Partnership,
    Tag,
    Task,
    User,
    WaitlistEntry,
    WorkingGroup,
    WorkLog,
    activity_attendees,
    membership_tags,
    task_tags,
)
from tests.databases import empty_tables

NOW_TEXT = "2026-11-23T12:00:00+00:00"
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
TODAY = date(2026, 11, 23)


def _seed(app, *extra: str):
    return app.test_cli_runner().invoke(args=["seed-demo", "--now", NOW_TEXT, *extra])


@pytest.fixture(scope="module")
def demo(_schema):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=_schema)
    result = _seed(app)
    assert result.exit_code == 0, result.output
    app.seed_output = result.output
    with app.app_context():
        yield app
        db.session.remove()
        empty_tables(db)
        db.engine.dispose()


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _tiers() -> dict[int, str]:
    return {org.id: power_tier(org.formal_authority, org.resource_control,
                               org.discursive_legitimacy)
            for org in db.session.scalars(select(Organisation))}


def test_demo_is_a_sizeable_partnership(demo):
    partnership = db.session.scalar(select(Partnership).where(Partnership.slug == "demo"))
    assert partnership.name == "Rivermouth Water Resilience Partnership"
    assert _count(Membership) >= 60
    organisations = db.session.scalars(select(Organisation)).all()
    assert len(organisations) >= 12
    assert {org.sector for org in organisations} == set(SECTORS)
    assert set(_tiers().values()) == {"low", "medium", "high"}
    statuses = dict(db.session.execute(
        select(Task.status, func.count()).group_by(Task.status)).all())
    assert sum(statuses.values()) >= 80
    assert set(statuses) == set(TASK_STATUSES)
    assert set(db.session.scalars(select(Task.join_policy).distinct())) == {"open", "approval"}
    assert _count(Task, Task.due_on < TODAY, Task.status.in_(("open", "active"))) >= 5
    assert _count(WorkingGroup) >= 4
    assert _count(WaitlistEntry) >= 3
    requests = set(db.session.scalars(select(JoinRequest.status).distinct()))
    assert {"pending", "accepted", "declined"} <= requests
    assert _count(JointActivity) >= 40
    assert _count(WorkLog) >= 300
    assert _count(Comment) >= 50
    assert _count(Membership, Membership.bio == "") == 0
    untagged = select(Membership.id).where(~Membership.id.in_(
        select(membership_tags.c.membership_id)))
    assert db.session.scalars(untagged).all() == []


def test_demo_keeps_the_capacity_invariants(demo):
    contributors = dict(db.session.execute(
        select(Participation.task_id, func.count())
        .where(Participation.role == "contributor").group_by(Participation.task_id)).all())
    for task in db.session.scalars(select(Task)):
        assert task.filled == contributors.get(task.id, 0), task.title
        assert task.filled <= task.capacity, task.title
        if task.status == "open":  # the first contributor makes a task active
            assert task.filled == 0, task.title
    waiting_on = db.session.scalars(select(WaitlistEntry.task_id).distinct()).all()
    for task_id in waiting_on:
        task = db.session.get(Task, task_id)
        assert (task.status, task.join_policy, task.filled) == ("active", "open",
                                                                task.capacity)


def test_demo_history_lies_before_now(demo):
    first, last = db.session.execute(
        select(func.min(Event.occurred_at), func.max(Event.occurred_at))).one()
    assert NOW - timedelta(days=131) <= first < last < NOW
    assert db.session.scalar(select(func.max(Task.updated_at))) < NOW
    assert db.session.scalar(select(func.max(WorkLog.created_at))) < NOW
    assert db.session.scalar(select(func.max(JointActivity.created_at))) < NOW
    assert db.session.scalar(select(func.max(GroupMember.joined_at))) < NOW
    assert db.session.scalar(select(func.max(User.created_at))) < NOW


def test_demo_prints_logins_that_work(demo):
    for email in ("admin@demo.polder.example", "coordinator@demo.polder.example",
                  "lena.brandt@demo.polder.example"):
        assert email in demo.seed_output
        user = db.session.scalar(select(User).where(User.email == email))
        assert user.check_password("polder-demo-2026")
    assert "polder-demo-2026" in demo.seed_output
    admin = db.session.scalar(select(Membership).join(User)
                              .where(User.email == "admin@demo.polder.example"))
    assert admin.role == "admin"
    assert "tasks: " in demo.seed_output


def test_demo_comes_with_its_knowledge_map(demo):
    from coordinator.models import Cluster

    labels = db.session.scalars(select(Cluster.label)).all()
    assert len(labels) == 6  # the six knowledge clusters the demo's members are drawn from
    assert any("community engagement" in label for label in labels)


def test_alignophilia_team_lacks_a_tag_others_hold(demo):
    task = db.session.scalar(select(Task).where(Task.title.startswith("Hydraulic design")))
    assert "community engagement" in task.tag_names
    team = [p.membership for p in task.participations]
    assert len(team) >= 4 and task.status == "active"
    assert all("community engagement" not in member.tag_names for member in team)
    assert {member.organisation.sector for member in team} == {"business"}
    holders = db.session.scalars(
        select(Membership).join(membership_tags).join(Tag)
        .where(Tag.name == "community engagement")).all()
    assert any(member.organisation.sector == "civil_society" for member in holders)
    declined = db.session.scalars(select(JoinRequest).where(
        JoinRequest.task_id == task.id, JoinRequest.status == "declined")).all()
    assert [request.membership.user.email for request in declined] == [
        "amara.osei@demo.polder.example"]
    assert "community engagement" in declined[0].membership.tag_names


def _group_window(name: str) -> tuple[int, float, float, int, float]:
    """Meetings, joint person-hours, work hours, completions and churn in 28 days."""
    group = db.session.scalar(select(WorkingGroup).where(WorkingGroup.name == name))
    start = NOW - timedelta(days=28)
    in_window = (JointActivity.working_group_id == group.id, JointActivity.occurred_at >= start)
    meetings = _count(JointActivity, *in_window)
    joint = db.session.scalar(select(func.sum(JointActivity.duration_minutes))
                              .join(activity_attendees).where(*in_window)) / 60
    group_tasks = select(Task.id).where(Task.working_group_id == group.id)
    work = db.session.scalar(select(func.coalesce(func.sum(WorkLog.hours), 0)).where(
        WorkLog.task_id.in_(group_tasks), WorkLog.worked_on >= start.date()))
    completed = _count(Task, Task.working_group_id == group.id, Task.completed_at >= start)
    moves = _count(Event, Event.working_group_id == group.id, Event.occurred_at >= start,
                   Event.kind.in_(("group_joined", "group_left", "joined", "left")))
    size = _count(GroupMember, GroupMember.working_group_id == group.id)
    return meetings, joint, float(work), completed, moves / size


def test_joinholism_forum_meets_much_and_delivers_nothing(demo):
    meetings, joint, work, completed, churn = _group_window("Rivermouth 2050 Vision Forum")
    assert meetings >= 9
    assert joint >= 4 and joint / (joint + work) >= 0.6
    assert completed == 0
    assert churn >= 1


def test_healthy_group_would_not_alert(demo):
    meetings, joint, work, completed, churn = _group_window("Green Streets & Sponge City")
    assert meetings >= 2
    assert joint / (joint + work) < 0.3
    assert completed >= 1


def _by_tier(rows) -> dict[str, list[float]]:
    tiers, totals = _tiers(), {}
    for organisation_id, *values in rows:
        sums = totals.setdefault(tiers[organisation_id], [0.0] * len(values))
        for i, value in enumerate(values):
            sums[i] += float(value or 0)
    return totals


def test_cost_burden_falls_on_a_low_tier_civil_society_group(demo):
    eastside = db.session.scalar(select(Organisation).where(Organisation.name.startswith(
        "Eastside Residents")))
    assert (eastside.sector, eastside.tier) == ("civil_society", "low")
    member_share = _count(Membership, Membership.organisation_id == eastside.id) / _count(
        Membership)
    since = (NOW - timedelta(days=90)).date()
    hours = dict(db.session.execute(
        select(Membership.organisation_id, func.sum(WorkLog.hours)).join(WorkLog.membership)
        .where(WorkLog.worked_on >= since).group_by(Membership.organisation_id)).all())
    assert hours[eastside.id] / sum(hours.values()) / member_share >= 1.5
    initiated = _count(Task, Task.initiator_id.in_(
        select(Membership.id).where(Membership.organisation_id == eastside.id)))
    assert initiated / _count(Task) < member_share
    members = _by_tier(db.session.execute(select(Membership.organisation_id, func.count())
                                          .group_by(Membership.organisation_id)))
    low_hours = sum(h for org, h in hours.items() if _tiers()[org] == "low")
    assert low_hours / sum(hours.values()) / (members["low"][0] / _count(Membership)) >= 1.5


def test_high_tier_tasks_are_overdue_far_more_often(demo):
    overdue = func.sum(func.cast((Task.due_on < TODAY) & Task.status.in_(("open", "active")),
                                 db.Integer))
    rates = _by_tier(db.session.execute(
        select(Membership.organisation_id, func.count(), overdue)
        .join(Task, Task.initiator_id == Membership.id)
        .where(Task.due_on.is_not(None)).group_by(Membership.organisation_id)))
    (high_n, high_late), (low_n, low_late) = rates["high"], rates["low"]
    assert high_n >= 5 and low_n >= 5
    assert high_late / high_n >= 0.25
    assert high_late / high_n >= 2 * low_late / low_n


def _fingerprint() -> dict[str, list]:
    """Everything a person could see, by names and times rather than ids."""
    email = dict(db.session.execute(select(Membership.id, User.email).join(User)).all())
    title = dict(db.session.execute(select(Task.id, Task.title)).all())
    group = dict(db.session.execute(select(WorkingGroup.id, WorkingGroup.name)).all())
    tags = {}
    for table, key in ((membership_tags, "membership_id"), (task_tags, "task_id")):
        for owner, name in db.session.execute(
                select(table.c[key], Tag.name).join(Tag, Tag.id == table.c.tag_id)):
            tags.setdefault((key, owner), []).append(name)
    attendees = {}
    for activity_id, member_id in db.session.execute(select(activity_attendees)):
        attendees.setdefault(activity_id, []).append(email[member_id])

    def rows(statement, convert) -> list:
        return sorted((convert(*row) for row in db.session.execute(statement)), key=repr)

    return {
        "organisations": rows(select(Organisation.name, Organisation.sector,
                                     Organisation.formal_authority,
                                     Organisation.resource_control,
                                     Organisation.discursive_legitimacy), lambda *r: r),
        "members": rows(select(Membership.id, Membership.role, Membership.bio,
                               Membership.joined_at, User.name, User.created_at).join(User),
                        lambda i, *r: (email[i], *r,
                                       sorted(tags.get(("membership_id", i), [])))),
        "tasks": rows(select(Task), lambda t: (
            t.title, t.description, t.status, t.join_policy, t.capacity, t.filled, t.due_on,
            t.effort_hours, t.created_at, t.updated_at, t.completed_at, t.outcome,
            email[t.initiator_id], group.get(t.working_group_id),
            sorted(tags.get(("task_id", t.id), [])))),
        "participations": rows(select(Participation), lambda p: (
            title[p.task_id], email[p.membership_id], p.role, p.note, p.joined_at)),
        "waitlist": rows(select(WaitlistEntry), lambda w: (
            title[w.task_id], email[w.membership_id], w.created_at)),
        "requests": rows(select(JoinRequest), lambda r: (
            title[r.task_id], email[r.membership_id], r.status, r.reason, r.created_at,
            r.decided_at)),
        "work": rows(select(WorkLog), lambda w: (
            title[w.task_id], email[w.membership_id], w.hours, w.worked_on, w.note,
            w.created_at)),
        "activities": rows(select(JointActivity), lambda a: (
            a.title, a.kind, a.occurred_at, a.duration_minutes, a.created_at,
            title.get(a.task_id), group.get(a.working_group_id), sorted(attendees[a.id]))),
        "comments": rows(select(Comment), lambda c: (
            title[c.task_id], email[c.membership_id], c.body, c.created_at)),
        "groups": rows(select(GroupMember), lambda m: (
            group[m.working_group_id], email[m.membership_id], m.joined_at)),
        "events": rows(select(Event), lambda e: (
            e.kind, e.occurred_at, email.get(e.actor_id), email.get(e.subject_id),
            title.get(e.task_id), group.get(e.working_group_id))),
    }


def test_seeding_again_gives_the_same_data(demo):
    before = _fingerprint()
    db.session.remove()
    empty_tables(db)
    result = _seed(demo)
    assert result.exit_code == 0, result.output
    after = _fingerprint()
    assert before.keys() == after.keys()
    for section, content in before.items():
        assert len(content) == len(after[section]), section
        assert content == after[section], section


def test_if_empty_leaves_a_seeded_database_alone(demo):
    before = _fingerprint()
    result = _seed(demo, "--if-empty")
    assert result.exit_code == 0
    assert "already has data" in result.output
    assert "admin@demo.polder.example" in result.output  # `make run` shows the logins each time
    refused = _seed(demo)
    assert refused.exit_code == 1
    assert "exists already" in refused.output
    db.session.remove()
    assert _fingerprint() == before


def test_now_must_be_an_iso_datetime(demo):
    result = demo.test_cli_runner().invoke(args=["seed-demo", "--now", "next tuesday"])
    assert result.exit_code == 2
    assert "ISO" in result.output
