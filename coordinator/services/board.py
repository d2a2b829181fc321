"""The task board: filters, sort orders and the queries behind My work."""

from dataclasses import dataclass

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import (
    JoinRequest,
    Membership,
    Participation,
    Tag,
    Task,
    WaitlistEntry,
    membership_tags,
    task_tags,
)

STATUS_CHOICES = ("joinable", "open", "active", "done", "cancelled", "all")
SORT_CHOICES = ("fit", "newest", "due")


@dataclass
class BoardFilters:
    status: str = "joinable"
    tag: str = ""
    group_id: int | None = None
    has_room: bool = False
    mine: bool = False
    q: str = ""
    sort: str = "fit"


def board_query(partnership_id: int, member: Membership, filters: BoardFilters) -> Select:
    stmt = select(Task).where(Task.partnership_id == partnership_id)
    if filters.status == "joinable":
        stmt = stmt.where(Task.status.in_(("open", "active")))
    elif filters.status in ("open", "active", "done", "cancelled"):
        stmt = stmt.where(Task.status == filters.status)
    if filters.tag:
        tagged = (select(task_tags.c.task_id).join(Tag, Tag.id == task_tags.c.tag_id)
                  .where(Tag.partnership_id == partnership_id, Tag.name == filters.tag))
        stmt = stmt.where(Task.id.in_(tagged))
    if filters.group_id:
        stmt = stmt.where(Task.working_group_id == filters.group_id)
    if filters.has_room:
        stmt = stmt.where(Task.filled < Task.capacity, Task.status.in_(("open", "active")))
    if filters.mine:
        stmt = stmt.where(Task.id.in_(
            select(Participation.task_id).where(Participation.membership_id == member.id)))
    if filters.q:
        stmt = stmt.where(Task.title.icontains(filters.q, autoescape=True)
                          | Task.description.icontains(filters.q, autoescape=True))
    stmt = _order(stmt, member, filters.sort)
    # Separate IN queries, not joins: a join would run for every row an OFFSET skips.
    return stmt.options(
        selectinload(Task.tags),
        selectinload(Task.initiator).joinedload(Membership.user),
        selectinload(Task.working_group),
    )


def _order(stmt: Select, member: Membership, sort: str) -> Select:
    if sort == "due":
        return stmt.order_by(Task.due_on.is_(None), Task.due_on, Task.id.desc())
    if sort == "fit":
        return _by_fit(stmt, member)
    return stmt.order_by(Task.id.desc())


def _by_fit(stmt: Select, member: Membership) -> Select:
    """Tasks I could join first (room left, and I am neither on them nor waiting), then
    the rest; in each part best fit first (how many of my tags a task has), then newest.
    A full task or one of my own fits me well but needs nothing from me, so it must not
    push the joinable ones off the first page."""
    my_tags = select(membership_tags.c.tag_id).where(
        membership_tags.c.membership_id == member.id)
    fits = (select(task_tags.c.task_id, func.count().label("fit"))
            .where(task_tags.c.tag_id.in_(my_tags)).group_by(task_tags.c.task_id))
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite keeps an unused LEFT JOIN in db.paginate's COUNT(*); a lookup in ORDER BY
        # leaves the count a plain index scan. PostgreSQL drops the join by itself.
        fits = fits.cte("fits").prefix_with("MATERIALIZED")
        fit = select(fits.c.fit).where(fits.c.task_id == Task.id).scalar_subquery()
    else:
        fits = fits.subquery()
        stmt = stmt.outerjoin(fits, fits.c.task_id == Task.id)
        fit = fits.c.fit
    on_it = select(Participation.task_id).where(Participation.membership_id == member.id)
    waiting = select(WaitlistEntry.task_id).where(WaitlistEntry.membership_id == member.id)
    open_to_me = and_(Task.status.in_(("open", "active")), Task.filled < Task.capacity,
                      Task.id.not_in(on_it), Task.id.not_in(waiting))
    return stmt.order_by(case((open_to_me, 0), else_=1), func.coalesce(fit, 0).desc(),
                         Task.id.desc())


def my_work(member: Membership) -> dict[str, list]:
    """What I started, joined, requested and am waitlisted for, active work first."""
    def tasks_where(*conditions):
        return list(db.session.scalars(
            select(Task).join(Participation, Participation.task_id == Task.id)
            .where(Participation.membership_id == member.id, *conditions)
            .order_by(Task.status.in_(("done", "cancelled")), Task.due_on.is_(None),
                      Task.due_on, Task.id.desc())
            .options(selectinload(Task.tags))
        ))

    return {
        "started": tasks_where(Participation.role == "initiator"),
        "joined": tasks_where(Participation.role == "contributor"),
        "requested": list(db.session.scalars(
            select(JoinRequest).where(JoinRequest.membership_id == member.id)
            .order_by(JoinRequest.status != "pending", JoinRequest.id.desc()).limit(50)
            .options(joinedload(JoinRequest.task)))),
        "waitlisted": list(db.session.scalars(
            select(WaitlistEntry).where(WaitlistEntry.membership_id == member.id)
            .order_by(WaitlistEntry.id).options(joinedload(WaitlistEntry.task)))),
    }


