"""Working groups: standing groups of members with their tasks and activities."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..errors import CoordinatorError, InvalidInputError
from ..extensions import db
from ..models import GroupMember, JointActivity, Membership, Task, WorkingGroup
from . import alerts
from .events import record_event


def create_group(author: Membership, name: str, description: str) -> WorkingGroup:
    name = name.strip()
    exists = db.session.scalar(select(WorkingGroup.id).where(
        WorkingGroup.partnership_id == author.partnership_id, WorkingGroup.name == name))
    if exists:
        raise InvalidInputError("A working group with this name exists.", field="name")
    group = WorkingGroup(partnership_id=author.partnership_id, name=name,
                         description=description.strip(), created_by_id=author.id)
    db.session.add(group)
    db.session.flush()
    join_group(group, author)
    return group


def join_group(group: WorkingGroup, member: Membership) -> None:
    db.session.add(GroupMember(working_group_id=group.id, membership_id=member.id))
    try:
        db.session.flush()
    except IntegrityError:
        raise CoordinatorError("You are already in this working group.") from None
    record_event(group.partnership_id, "group_joined", actor_id=member.id,
                 subject_id=member.id, working_group_id=group.id)


def leave_group(group: WorkingGroup, member: Membership) -> None:
    gone = db.session.execute(delete(GroupMember).where(
        GroupMember.working_group_id == group.id,
        GroupMember.membership_id == member.id)).rowcount
    if gone != 1:
        raise CoordinatorError("You are not in this working group.")
    record_event(group.partnership_id, "group_left", actor_id=member.id,
                 subject_id=member.id, working_group_id=group.id)


def is_in_group(group: WorkingGroup, member: Membership) -> bool:
    return db.session.scalar(select(GroupMember.membership_id).where(
        GroupMember.working_group_id == group.id,
        GroupMember.membership_id == member.id)) is not None


def partnership_groups(partnership_id: int) -> list[WorkingGroup]:
    return list(db.session.scalars(select(WorkingGroup).where(
        WorkingGroup.partnership_id == partnership_id).order_by(WorkingGroup.name)))


def groups_with_sizes(partnership_id: int) -> list[tuple[WorkingGroup, int]]:
    """Every working group with its number of members, by name: the groups page."""
    counts = (select(GroupMember.working_group_id, func.count().label("n"))
              .group_by(GroupMember.working_group_id).subquery())
    return [tuple(row) for row in db.session.execute(
        select(WorkingGroup, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.working_group_id == WorkingGroup.id)
        .where(WorkingGroup.partnership_id == partnership_id)
        .order_by(WorkingGroup.name))]


@dataclass
class GroupPage:
    group: WorkingGroup
    members: list[Membership]
    tasks: list[Task]
    activities: list[JointActivity]
    is_member: bool
    balance_notes: list


def group_page(group: WorkingGroup, member: Membership) -> GroupPage:
    """A working group's page: members by name, its latest tasks and activities."""
    members = sorted(db.session.scalars(
        select(Membership).join(GroupMember, GroupMember.membership_id == Membership.id)
        .where(GroupMember.working_group_id == group.id)
        .options(joinedload(Membership.user), joinedload(Membership.organisation))),
        key=lambda m: m.user.name)
    tasks = list(db.session.scalars(
        select(Task).where(Task.working_group_id == group.id)
        .options(selectinload(Task.tags)).order_by(Task.id.desc()).limit(100)))
    activities = list(db.session.scalars(
        select(JointActivity).where(JointActivity.working_group_id == group.id)
        .options(selectinload(JointActivity.attendees))
        .order_by(JointActivity.occurred_at.desc()).limit(50)))
    return GroupPage(group, members, tasks, activities, member in members,
                     alerts.notes_for_scope(group.partnership_id, "group", group.id, member.id))
