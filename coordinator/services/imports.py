"""Bulk import of members from CSV: all rows valid, or nothing written.

A person new to Polder becomes a member at once, with the name and details the admin
gave. A person who already has an account (in any partnership) is never added without
their consent: they get an invitation to accept, and nothing of their account (their
name, their other partnerships) is shown to the importing admin.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select

from ..domain.member_rows import MemberRow, RowError, parse_member_csv
from ..extensions import db
from ..models import Invitation, Membership, Organisation, Partnership, User, membership_tags
from .events import record_event
from .tags import ensure_tags

CHUNK = 500


@dataclass
class ImportReport:
    added: int = 0
    invited: int = 0  # had an account already: they join when they accept
    already_members: int = 0
    organisations_created: int = 0
    errors: list[RowError] = field(default_factory=list)
    skipped: list[RowError] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)  # to email after commit

    @property
    def ok(self) -> bool:
        return not self.errors


def import_members(partnership: Partnership, text: str, skip_invalid: bool = False,
                   progress: Callable[[int], None] | None = None) -> ImportReport:
    """Add the CSV's people to the partnership; re-importing the same file adds nothing."""
    rows, errors = parse_member_csv(text)
    organisations = _organisations(partnership.id)
    errors += _sector_conflicts(rows, organisations)
    bad_lines = {error.line for error in errors}
    report = ImportReport()
    if errors and not skip_invalid:
        report.errors = sorted(errors, key=lambda e: e.line)
        return report
    report.skipped = sorted(errors, key=lambda e: e.line)
    rows = [row for row in rows if row.line not in bad_lines]
    report.organisations_created = _create_organisations(partnership.id, rows, organisations)
    tags = {tag.name: tag.id for tag in
            ensure_tags(partnership.id, sorted({t for row in rows for t in row.tags}))}
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        added, invitations = _import_chunk(partnership.id, chunk, organisations, tags)
        report.added += added
        report.invited += len(invitations)
        report.invitations += invitations
        report.already_members += len(chunk) - added - len(invitations)
        if progress:
            progress(len(chunk))
    if report.added:
        record_event(partnership.id, "members_imported", data={"added": report.added})
    return report


def _organisations(partnership_id: int) -> dict[str, Organisation]:
    return {org.name.lower(): org for org in db.session.scalars(
        select(Organisation).where(Organisation.partnership_id == partnership_id))}


def _sector_conflicts(rows: Iterable[MemberRow],
                      organisations: dict[str, Organisation]) -> list[RowError]:
    errors = []
    first_sector: dict[str, tuple[str, int]] = {}
    for row in rows:
        if not row.organisation:
            continue
        key = row.organisation.lower()
        known = organisations.get(key)
        if known is not None and known.sector != row.sector:
            errors.append(RowError(row.line, f"organization “{row.organisation}” is already "
                                             f"registered with sector {known.sector}"))
            continue
        sector, line = first_sector.setdefault(key, (row.sector, row.line))
        if sector != row.sector:
            errors.append(RowError(row.line, f"organization “{row.organisation}” has sector "
                                             f"{sector} on row {line}"))
    return errors


def _create_organisations(partnership_id: int, rows: list[MemberRow],
                          organisations: dict[str, Organisation]) -> int:
    created = 0
    for row in rows:
        if row.organisation and row.organisation.lower() not in organisations:
            organisation = Organisation(partnership_id=partnership_id, name=row.organisation,
                                        sector=row.sector)
            db.session.add(organisation)
            organisations[row.organisation.lower()] = organisation
            created += 1
    db.session.flush()
    return created


def _import_chunk(partnership_id: int, rows: list[MemberRow],
                  organisations: dict[str, Organisation], tags: dict[str, int]
                  ) -> tuple[int, list[Invitation]]:
    emails = [row.email for row in rows]
    known = {user.email.lower(): user for user in db.session.scalars(
        select(User).where(func.lower(User.email).in_(emails)))}
    member_user_ids = set(db.session.scalars(select(Membership.user_id).where(
        Membership.partnership_id == partnership_id,
        Membership.user_id.in_([user.id for user in known.values()]))))
    invitations = _invite(partnership_id, [
        row for row in rows
        if row.email in known and known[row.email].id not in member_user_ids], organisations)
    new_users = {row.email: User(email=row.email, name=row.name) for row in rows
                 if row.email not in known}
    db.session.add_all(new_users.values())
    db.session.flush()
    fresh = [(row, new_users[row.email]) for row in rows if row.email in new_users]
    memberships = [
        Membership(partnership_id=partnership_id, user_id=user.id, role="member", bio=row.bio,
                   organisation_id=organisations[row.organisation.lower()].id
                   if row.organisation else None)
        for row, user in fresh
    ]
    db.session.add_all(memberships)
    db.session.flush()
    links = [{"membership_id": membership.id, "tag_id": tags[name]}
             for membership, (row, _) in zip(memberships, fresh, strict=True)
             for name in row.tags]
    if links:
        db.session.execute(insert(membership_tags), links)
    return len(fresh), invitations


def _invite(partnership_id: int, rows: list[MemberRow],
            organisations: dict[str, Organisation]) -> list[Invitation]:
    """An invitation per address, unless one is still open: importing twice sends one."""
    waiting = set(db.session.scalars(select(func.lower(Invitation.email)).where(
        Invitation.partnership_id == partnership_id, Invitation.accepted_at.is_(None),
        func.lower(Invitation.email).in_([row.email for row in rows]))))
    invitations = [
        Invitation(partnership_id=partnership_id, email=row.email, role="member",
                   organisation_id=organisations[row.organisation.lower()].id
                   if row.organisation else None)
        for row in rows if row.email not in waiting]
    db.session.add_all(invitations)
    db.session.flush()
    return invitations
