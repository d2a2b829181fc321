"""A partnership's administration: its settings, organisations and members' roles.

The rules live here, where every interface meets them: organisation names are unique in a
partnership (whatever their case), critical sectors are sectors the partnership has, and
a partnership always keeps an admin.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import func, select

from ..domain.places import DAYS_RANGE
from ..errors import CoordinatorError, InvalidInputError
from ..extensions import db
from ..models import ROLES, Invitation, Membership, Organisation, Partnership
from .directory import MemberFilters, MemberPage, member_page
from .sql import hold_rows

RECENT_INVITATIONS = 100
MEMBERS_PAGE_SIZE = 50


class LastAdminError(CoordinatorError):
    message = "The partnership needs at least one admin."


@dataclass(frozen=True)
class OrganisationInput:
    name: str
    sector: str
    formal_authority: int
    resource_control: int
    discursive_legitimacy: int
    critical_stakeholder: bool


def present_sectors(partnership_id: int) -> set[str]:
    """The sectors of the partnership's organisations: the ones that can be critical."""
    return set(db.session.scalars(select(Organisation.sector).where(
        Organisation.partnership_id == partnership_id)))


def save_settings(partnership: Partnership, name: str, description: str,
                  critical_sectors: Iterable[str], stale_place_days: int | None = None) -> None:
    """Name, mission, critical sectors and, when given, the days before a quiet place is
    reminded (services.places)."""
    chosen = sorted(set(critical_sectors))
    unknown = set(chosen) - present_sectors(partnership.id)
    if unknown:
        raise InvalidInputError("Choose sectors of this partnership's organisations.",
                                field="critical_sectors")
    if stale_place_days is not None:
        low, high = DAYS_RANGE
        if not low <= stale_place_days <= high:
            raise InvalidInputError(f"Choose between {low} and {high} days.",
                                    field="stale_place_days")
        partnership.stale_place_days = stale_place_days
    partnership.name = name.strip()
    partnership.description = description
    partnership.critical_sectors = chosen or None
    db.session.flush()


def organisations(partnership_id: int) -> list[tuple[Organisation, int]]:
    """Every organisation by name, with its number of members."""
    counts = dict(db.session.execute(
        select(Membership.organisation_id, func.count())
        .where(Membership.partnership_id == partnership_id)
        .group_by(Membership.organisation_id)).all())
    orgs = db.session.scalars(select(Organisation).where(
        Organisation.partnership_id == partnership_id).order_by(Organisation.name))
    return [(org, counts.get(org.id, 0)) for org in orgs]


def organisation_choices(partnership_id: int) -> list[tuple[int, str]]:
    return [(oid, name) for oid, name in db.session.execute(
        select(Organisation.id, Organisation.name).where(
            Organisation.partnership_id == partnership_id).order_by(Organisation.name))]


def save_organisation(partnership: Partnership, org: Organisation | None,
                      data: OrganisationInput) -> Organisation:
    """Add an organisation (`org` None) or change one; names are unique, whatever their
    case."""
    name = data.name.strip()
    clash = db.session.scalar(select(Organisation.id).where(
        Organisation.partnership_id == partnership.id,
        func.lower(Organisation.name) == name.lower(),
        Organisation.id != (org.id if org else 0)))
    if clash:
        raise InvalidInputError("Another organisation has this name.", field="name")
    if org is None:
        org = Organisation(partnership_id=partnership.id)
        db.session.add(org)
    org.name, org.sector = name, data.sector
    org.formal_authority, org.resource_control = data.formal_authority, data.resource_control
    org.discursive_legitimacy = data.discursive_legitimacy
    org.critical_stakeholder = data.critical_stakeholder
    db.session.flush()
    return org


def members(partnership_id: int, filters: MemberFilters, page: int) -> MemberPage:
    """One page of Admin → Members: found by name or email, role, organisation."""
    return member_page(partnership_id, replace(filters, by_email=True), page,
                       per_page=MEMBERS_PAGE_SIZE)


def set_role(member: Membership, role: str, organisation_id: int | None) -> None:
    """Change a member's role and organisation; the last admin stays an admin.

    The partnership's admins are held first, so two admins stepping down at once cannot
    both pass the count.
    """
    if role not in ROLES:
        raise InvalidInputError("Choose a valid role.", field="role")
    if organisation_id is not None and db.session.scalar(select(Organisation.id).where(
            Organisation.id == organisation_id,
            Organisation.partnership_id == member.partnership_id)) is None:
        raise InvalidInputError("Choose an organisation of this partnership.",
                                field="organisation_id")
    if member.role == "admin" and role != "admin":
        admins = (Membership.partnership_id == member.partnership_id,
                  Membership.role == "admin")
        hold_rows(Membership, *admins)
        if db.session.scalar(select(func.count()).where(*admins)) <= 1:
            raise LastAdminError()
    member.role = role
    member.organisation_id = organisation_id
    db.session.flush()


def recent_invitations(partnership_id: int) -> list[Invitation]:
    return list(db.session.scalars(select(Invitation).where(
        Invitation.partnership_id == partnership_id)
        .order_by(Invitation.id.desc()).limit(RECENT_INVITATIONS)))
