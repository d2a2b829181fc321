"""The member directory: who is in a partnership, found by name, email, organisation,
sector, role or tag, a page at a time; and what each has worked on.

The People page, Admin → Members, the attendee search and the API all list members
through `member_query`, so a filter means the same everywhere and every list is scoped
to one partnership.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from coordinator.domain.power.sectors import SECTORS

from ..errors import InvalidInputError
from ..extensions import db
from ..models import (
    ROLES,
    Membership,
    Organisation,
    Participation,
    Tag,
    Task,
    User,
    membership_tags,
)

PROFILE_TASKS = 50
PEOPLE_PAGE_SIZE = 30
MATCHES = 20  # names offered by the attendee search
NO_ORGANISATION = 0  # the organisation filter's value for members without one


@dataclass(frozen=True)
class MemberFilters:
    """What a list of members is narrowed to; empty means any."""

    q: str = ""  # part of the name (and of the email, where `by_email`)
    tag: str = ""
    organisation_id: int | None = None  # NO_ORGANISATION for members without one
    sector: str = ""
    role: str = ""
    by_email: bool = False

    @property
    def active(self) -> bool:
        return bool(self.q or self.tag or self.sector or self.role
                    or self.organisation_id is not None)


@dataclass(frozen=True)
class Colleague:
    """A member as the attendee search offers them."""

    id: int
    name: str
    organisation: str

    def as_json(self) -> dict:
        return {"id": self.id, "name": self.name, "organisation": self.organisation}


def check_filters(filters: MemberFilters) -> None:
    """Refuse a role or sector that does not exist, naming the filter."""
    errors = {}
    if filters.role and filters.role not in ROLES:
        errors["role"] = f"Choose a role: {', '.join(ROLES)}."
    if filters.sector and filters.sector not in SECTORS:
        errors["sector"] = "Choose one of the listed sectors."
    if errors:
        raise InvalidInputError(errors=errors)


def _matching(partnership_id: int, filters: MemberFilters, *columns,
              joined: bool = False) -> Select:
    """`columns` of the partnership's members that match `filters`, unordered; `joined`
    joins the user and organisation rows even where no filter needs them."""
    stmt = (select(*columns).select_from(Membership)
            .where(Membership.partnership_id == partnership_id))
    # Only the joins a filter or the caller needs: a count over one index, not three tables.
    if joined or filters.q:
        stmt = stmt.join(User, User.id == Membership.user_id)
    if joined or filters.sector:
        stmt = stmt.outerjoin(Organisation, Organisation.id == Membership.organisation_id)
    if filters.q:
        found = User.name.icontains(filters.q, autoescape=True)
        if filters.by_email:
            found = or_(found, User.email.icontains(filters.q, autoescape=True))
        stmt = stmt.where(found)
    if filters.tag:
        stmt = stmt.where(Membership.id.in_(
            select(membership_tags.c.membership_id).join(Tag).where(
                Tag.partnership_id == partnership_id, Tag.name == filters.tag)))
    if filters.organisation_id == NO_ORGANISATION:
        stmt = stmt.where(Membership.organisation_id.is_(None))
    elif filters.organisation_id is not None:
        stmt = stmt.where(Membership.organisation_id == filters.organisation_id)
    if filters.sector:
        stmt = stmt.where(Organisation.sector == filters.sector)
    if filters.role:
        stmt = stmt.where(Membership.role == filters.role)
    return stmt


BY_NAME = (Membership.sort_name, Membership.id)


def _loaded(stmt: Select) -> Select:
    # The user and organisation from the joins already made, not from a second copy.
    return stmt.options(contains_eager(Membership.user), contains_eager(Membership.organisation),
                        selectinload(Membership.tags))


def member_query(partnership_id: int, filters: MemberFilters = MemberFilters()) -> Select:
    """Members of one partnership matching `filters`, by name (case-insensitive), with
    user, organisation and tags loaded; the caller pages it."""
    return _loaded(_matching(partnership_id, filters, Membership, joined=True)
                   .order_by(*BY_NAME))


def directory_query(partnership_id: int, name: str = "", tag: str = "") -> Select:
    """Members whose name holds `name` and who declared `tag` (the API's list)."""
    return member_query(partnership_id, MemberFilters(q=name, tag=tag))


@dataclass(frozen=True)
class MemberPage:
    """One page of a member list, with what the pager needs."""

    items: list[Membership]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return -(-self.total // self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.page > 1 and self.pages > 0

    @property
    def prev_num(self) -> int:
        return min(self.page - 1, self.pages)

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int:
        return self.page + 1


def member_page(partnership_id: int, filters: MemberFilters, page: int,
                per_page: int = PEOPLE_PAGE_SIZE) -> MemberPage:
    """One page of matching members in three queries whatever the page or the size of
    the partnership: the count, the page's rows, their tags. A page past the end is empty,
    not an error."""
    check_filters(filters)
    if page < 1:
        raise InvalidInputError("Pages are numbered from 1.", field="page")
    total = db.session.scalar(_matching(partnership_id, filters, func.count(Membership.id)))
    # Sort and skip narrow rows (an id and a name), then load the page's whole rows: a
    # sort of every member's full row spills to disk on PostgreSQL at 10,000 members.
    on_page = (_matching(partnership_id, filters, Membership.id).order_by(*BY_NAME)
               .limit(per_page).offset((page - 1) * per_page))
    return MemberPage(members_among(partnership_id, on_page), page, per_page, total or 0)


def members_among(partnership_id: int, ids: Select) -> list[Membership]:
    """The partnership's members whose ids `ids` selects (one page of a list), by name,
    with user, organisation and tags loaded: two queries."""
    return list(db.session.scalars(_loaded(
        _matching(partnership_id, MemberFilters(), Membership, joined=True)
        .where(Membership.id.in_(ids)).order_by(*BY_NAME))))


def colleague_query(partnership_id: int) -> Select:
    """(membership id, name, organisation name) of the partnership's members, by name."""
    return _matching(partnership_id, MemberFilters(), Membership.id, User.name,
                     Organisation.name, joined=True).order_by(*BY_NAME)


def colleagues(stmt: Select) -> list[Colleague]:
    """The rows of a `colleague_query` as Colleagues."""
    return [Colleague(member_id, name, organisation or "")
            for member_id, name, organisation in db.session.execute(stmt)]


def find_colleagues(partnership_id: int, q: str, besides: int,
                    limit: int = MATCHES) -> list[Colleague]:
    """Up to `limit` members whose name holds `q`, by name, leaving out `besides`."""
    q = q.strip()
    if not q:
        return []
    return colleagues(colleague_query(partnership_id).where(
        Membership.id != besides, User.name.icontains(q, autoescape=True)).limit(limit))


def colleagues_by_id(partnership_id: int, ids: Iterable[int]) -> list[Colleague]:
    """The members of this partnership among `ids`, by name; other ids are left out."""
    wanted = {i for i in ids if isinstance(i, int)}
    if not wanted:
        return []
    return colleagues(colleague_query(partnership_id).where(Membership.id.in_(wanted)))


def tasks_of(member: Membership) -> list[Task]:
    """The tasks a member is or was on, newest first."""
    return list(db.session.scalars(
        select(Task).join(Participation, Participation.task_id == Task.id)
        .where(Participation.membership_id == member.id)
        .options(selectinload(Task.tags)).order_by(Task.id.desc()).limit(PROFILE_TASKS)))
