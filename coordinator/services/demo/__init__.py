"""Seed the demo partnership (`flask seed-demo`): deterministic, realistic, with planted cases.

Everything is dated relative to an injected `now`, and every choice comes from
`random.Random` streams derived from the fixed SEED (one per task and group, so editing one
leaves the others alone): two runs with the same `now` write the same rows. Rows are
written through the services (create_task, join_or_wait, request_to_join, log_work,
record_activity, ...) so the event log reads like real use; services that stamp the wall
clock are back-dated (`world.backdated`).

Planted patterns (data in `data/`; "window" = the days before `now`):

1. Alignophilia, team: task "Hydraulic design of the Eastside flood barrier and pumping
   station" (ALIGNOPHILIA_TASK, started by Lena Brandt, Hydrosys). Its team of four are all
   engineers from business (Hydrosys x3, Northbank Water), none tagged "community
   engagement", which the task requires and which Eastside and health-network members hold.
   Amara Osei (Eastside, community cluster) asked to join 19 days ago and was declined;
   Grace Mensah's request is still pending.
2. Joinholism, working group: "Rivermouth 2050 Vision Forum" (GROUPS["forum"]). Twelve
   meetings of 90-120 minutes with 8+ attendees in the last 28 days (FORUM_MEETINGS_*),
   barely any logged work on its tasks (FORUM_TASKS, effort 0.1-0.2), no task completed in
   the last 28 days (the only one done closed 52 days ago, one was cancelled 12 days ago),
   and churn: nine people joined and eight left the forum in the window (FORUM_JOINS,
   FORUM_LEAVES), more on its vision-statement task.
3. Cost burden: "Eastside Residents' Flood Action Group" (civil society, low tier, 6 of 68
   members) logs far more hours per head than anyone (`task_scripts.EFFORT["eastside"]`,
   joins weighted up) yet initiates one task of 85; the low tier as a whole also logs more
   than its share and initiates less (only the tasks pinned with `by=` to low-tier
   organisations).
4. Exemption: tasks started by high-tier organisations (water authority, city council,
   Northbank Water, province) that are still open past their due date: 70 % of their
   open/active tasks get a past due date (`task_plans._due_in`), against one of the nine
   due-dated tasks started by low-tier organisations ("Measure soil compaction on flooded
   farmland").

5. Silo: the six people of "Rivermouth Port Terminals" (CLOSED_CIRCLE) hold port knowledge
   nobody else holds and work only on their own three tasks (SILO_TASKS), so their knowledge
   cluster has ties only inside itself; the generator never draws them for other tasks.

Healthy contrast: working group "Green Streets & Sponge City" (GROUPS["green"],
GREEN_TASKS): engineers, residents, ecologists, data and policy people from four sectors;
two tasks completed in the last 28 days; three one-hour meetings in the window against
plenty of logged work; one new member.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ...extensions import db
from ...models import (
    JoinRequest,
    JointActivity,
    Membership,
    Organisation,
    Partnership,
    Task,
    WaitlistEntry,
    WorkingGroup,
    WorkLog,
)
from .data.everyday_tasks import TASKS
from .data.groups import GROUPS
from .data.people import MEMBERS, PARTNERSHIP
from .data.planted_tasks import ALIGNOPHILIA_TASK, FORUM_TASKS, GREEN_TASKS, SILO_TASKS
from .groups import seed_group
from .people import DEMO_PASSWORD, demo_email, seed_members, seed_organisations
from .task_plans import plan_task
from .task_playback import play_task, settle_task_timestamps
from .task_scripts import script_task
from .world import World, stream

__all__ = ["DEMO_PASSWORD", "DemoResult", "demo_summary", "seed_demo"]

LOGINS = (
    ("admin", "admin", "partnership admin"),
    ("coordinator", "sanne", "coordinator"),
    ("member", "lena", "engineer; started the planted alignophilia task"),
    ("member", "amara", "Eastside residents' organiser; declined from that task"),
    ("member", "tomas", "geospatial analyst at a small data firm"),
)


@dataclass
class DemoResult:
    partnership: Partnership
    logins: list[tuple[str, str, str, str]]  # (role, email, name, why log in as them)


def seed_demo(now: datetime) -> DemoResult:
    """Create the demo partnership as it would look at `now`; flushes, never commits."""
    world = World(now)
    world.partnership = Partnership(**PARTNERSHIP, created_at=world.at(130))
    db.session.add(world.partnership)
    db.session.flush()
    seed_organisations(world)
    seed_members(world)
    for key, row in GROUPS.items():
        world.rng = stream("group", key)
        seed_group(world, key, *row)
    for template in (ALIGNOPHILIA_TASK, *FORUM_TASKS, *GREEN_TASKS, *TASKS, *SILO_TASKS):
        # Streams of its own: tuning one task's work or team leaves the others unchanged.
        world.rng = stream("task", template.title)
        world.work_rng = stream("work", template.title)
        plan = plan_task(world, template)
        play_task(world, plan, script_task(world, plan))
    settle_task_timestamps(world)
    return DemoResult(world.partnership, demo_logins())


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(role, email, name, why log in as them) for the demo's suggested accounts."""
    names = {row[0]: row[1] for row in MEMBERS}
    return [(role, demo_email(key, names[key]), names[key], why) for role, key, why in LOGINS]


def demo_summary(partnership_id: int) -> dict[str, dict[str, int] | int]:
    """Counts for the command's closing report."""
    def count(model, *where) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    def by(column, *where) -> dict[str, int]:
        rows = db.session.execute(select(column, func.count()).where(*where).group_by(column))
        return dict(sorted(rows))

    scope = Task.partnership_id == partnership_id
    organisations = db.session.scalars(
        select(Organisation).where(Organisation.partnership_id == partnership_id)).all()
    return {
        "members": count(Membership, Membership.partnership_id == partnership_id),
        "organisations": by(Organisation.sector, Organisation.partnership_id == partnership_id),
        "power tiers": {tier: sum(org.tier == tier for org in organisations)
                        for tier in ("high", "medium", "low")},
        "tasks": by(Task.status, scope),
        "working groups": count(WorkingGroup, WorkingGroup.partnership_id == partnership_id),
        "joint activities": by(JointActivity.kind,
                               JointActivity.partnership_id == partnership_id),
        "work logs": count(WorkLog, WorkLog.partnership_id == partnership_id),
        "join requests": by(JoinRequest.status, JoinRequest.task_id.in_(
            select(Task.id).where(scope))),
        "waitlist entries": count(WaitlistEntry, WaitlistEntry.task_id.in_(
            select(Task.id).where(scope))),
    }

