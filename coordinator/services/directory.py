"""The member directory: who is in a partnership, found by name or tag, and what each
has worked on."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import Membership, Participation, Tag, Task, User, membership_tags

PROFILE_TASKS = 50


def directory_query(partnership_id: int, name: str = "", tag: str = "") -> Select:
    """Members by name (case-insensitive), those whose name holds `name` and who declared
    `tag`; the caller pages it."""
    stmt = (select(Membership).join(User, User.id == Membership.user_id)
            .where(Membership.partnership_id == partnership_id)
            .options(joinedload(Membership.user), joinedload(Membership.organisation),
                     selectinload(Membership.tags))
            .order_by(func.lower(User.name), User.id))
    if name:
        stmt = stmt.where(User.name.icontains(name, autoescape=True))
    if tag:
        stmt = stmt.where(Membership.id.in_(
            select(membership_tags.c.membership_id).join(Tag).where(
                Tag.partnership_id == partnership_id, Tag.name == tag)))
    return stmt


def tasks_of(member: Membership) -> list[Task]:
    """The tasks a member is or was on, newest first."""
    return list(db.session.scalars(
        select(Task).join(Participation, Participation.task_id == Task.id)
        .where(Participation.membership_id == member.id)
        .options(selectinload(Task.tags)).order_by(Task.id.desc()).limit(PROFILE_TASKS)))


def colleagues(partnership_id: int, besides: int) -> list[tuple[int, str]]:
    """(membership id, name) of everyone in the partnership but `besides`, by name."""
    rows = db.session.execute(
        select(Membership.id, User.name).join(User, User.id == Membership.user_id)
        .where(Membership.partnership_id == partnership_id).order_by(User.name))
    return [(member_id, name) for member_id, name in rows if member_id != besides]
