"""Working groups: standing groups of members with their tasks and activities."""

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..errors import CoordinatorError, InvalidInputError
from ..extensions import db
from ..models import GroupMember, Membership, WorkingGroup
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
