"""The task board: filters, sort orders and the queries behind My work."""

from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import (
    JoinRequest,
    Membership,
    Participation,
    Tag,
    Task,
    WaitlistEntry,
    task_tags,
)
from .board_fit import by_fit

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


def board_query(partnership_id: int, member: Membership, filters: BoardFilters,
                offset: int = 0, limit: int | None = None) -> Select:
    """`limit` of the board's tasks (all when None) from `offset` on, in order."""
    stmt = _filtered(partnership_id, member, filters)
    if filters.sort == "fit":
        # The fit sort reads only the heads of its parts, so it takes the page itself.
        stmt = by_fit(stmt, member, offset, limit)
    else:
        if filters.sort == "due":
            stmt = stmt.order_by(Task.due_on.is_(None), Task.due_on, Task.id.desc())
        else:
            stmt = stmt.order_by(Task.id.desc())
        stmt = stmt.offset(offset).limit(limit)
    # Separate IN queries, not joins: a join would run for every row an OFFSET skips.
    return stmt.options(
        selectinload(Task.tags),
        selectinload(Task.initiator).joinedload(Membership.user),
        selectinload(Task.working_group),
    )


def board_count(partnership_id: int, member: Membership, filters: BoardFilters) -> int:
    """How many tasks the filters let through, whatever the order."""
    filtered = _filtered(partnership_id, member, filters).with_only_columns(Task.id)
    return db.session.scalar(select(func.count()).select_from(filtered.subquery()))


class BoardPagination(Pagination):
    """One page of the board for the pager: `board_query`'s page and `board_count`."""

    def _query_items(self) -> list[Task]:
        args = self._query_args
        return list(db.session.scalars(board_query(
            args["partnership_id"], args["member"], args["filters"],
            offset=self._query_offset, limit=self.per_page)))

    def _query_count(self) -> int:
        args = self._query_args
        return board_count(args["partnership_id"], args["member"], args["filters"])


def board_page(partnership_id: int, member: Membership, filters: BoardFilters, page: int,
               per_page: int) -> BoardPagination:
    """The board page asked for (an empty one past the end)."""
    return BoardPagination(page=page, per_page=per_page, max_per_page=100, error_out=False,
                           partnership_id=partnership_id, member=member, filters=filters)


def _filtered(partnership_id: int, member: Membership, filters: BoardFilters) -> Select:
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
    return stmt


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


