"""Accounts: authentication, login sessions, invitations and password resets."""

import secrets
from dataclasses import dataclass
from functools import cache

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import contains_eager
from werkzeug.security import check_password_hash, generate_password_hash

from ..domain.member_rows import normalise_email
from ..domain.passwords import password_problem
from ..errors import CoordinatorError, InvalidInputError
from ..extensions import db
from ..models import Invitation, LoginSession, Membership, Organisation, Partnership, User, utcnow
from . import sessions


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """Return the user when the password matches; upgrade an outdated hash on the way.

    An unknown address costs one hash check as well, against a hash made for nobody, so
    the time of the answer does not tell whether an address has an account."""
    user = find_user_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_hash_for_nobody(current_app.config["PASSWORD_HASH_METHOD"]),
                            password)
        return None
    if not user.check_password(password):
        return None
    if user.password_needs_rehash:
        user.set_password(password)
    user.last_login_at = utcnow()
    return user


@cache
def _hash_for_nobody(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def start_session(user: User, user_agent: str, client: str) -> str:
    """A new login session, named by the browser and address it began from."""
    return sessions.start(user, user_agent, client)


def load_session_user(token: str) -> User | None:
    return sessions.resume(token, sessions.Lifetimes.from_config(current_app.config))


def end_session(token: str | None) -> None:
    if token:
        db.session.execute(delete(LoginSession).where(LoginSession.token == token))


def end_all_sessions(user: User) -> None:
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))


def require_good_password(password: str, *context: str) -> None:
    """The password rule (domain/passwords.py), on every path that sets a password; the
    forms check it too, so this is what holds for a caller that skips them."""
    problem = password_problem(password or "", current_app.config["PASSWORD_MIN_LENGTH"],
                               tuple(c for c in context if c))
    if problem:
        raise InvalidInputError(problem, field="password")


def set_new_password(user: User, password: str) -> None:
    """Change the password and log out every browser that had the old one."""
    require_good_password(password, user.name, user.email)
    user.set_password(password)
    end_all_sessions(user)


@dataclass
class InviteInput:
    email: str
    role: str
    organisation_id: int | None


def create_invitation(partnership: Partnership, inviter: Membership | None,
                      data: InviteInput) -> Invitation:
    try:
        email = normalise_email(data.email)
    except ValueError as exc:
        raise InvalidInputError(str(exc), field="email") from None
    existing = find_user_by_email(email)
    if existing and _membership(partnership.id, existing.id):
        raise InvalidInputError(f"{email} is already a member.", field="email")
    _check_organisation(partnership.id, data.organisation_id)
    invitation = Invitation(partnership_id=partnership.id, email=email, role=data.role,
                            organisation_id=data.organisation_id,
                            invited_by_id=inviter.id if inviter else None)
    db.session.add(invitation)
    db.session.flush()
    return invitation


def accept_invitation(invitation: Invitation, name: str, password: str | None,
                      current: User | None) -> Membership:
    """Join the partnership; a new person also gets an account with `name` and `password`."""
    if invitation.accepted_at is not None:
        raise CoordinatorError("This invitation has already been used.")
    user = current or find_user_by_email(invitation.email)
    if user is None:
        if not password:
            raise InvalidInputError("Choose a password.", field="password")
        require_good_password(password, name, invitation.email)
        user = User(email=invitation.email, name=name.strip())
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
    membership = _membership(invitation.partnership_id, user.id)
    if membership is None:
        membership = Membership(partnership_id=invitation.partnership_id, user_id=user.id,
                                role=invitation.role, organisation_id=invitation.organisation_id)
        db.session.add(membership)
    invitation.accepted_at = utcnow()
    db.session.flush()
    return membership


def create_admin(email: str, name: str, password: str, partnership: Partnership | None) -> User:
    email = normalise_email(email)
    require_good_password(password, name, email)
    user = find_user_by_email(email)
    if user is None:
        user = User(email=email, name=name or email.split("@")[0])
        db.session.add(user)
    user.set_password(password)
    db.session.flush()
    if partnership is not None:
        membership = _membership(partnership.id, user.id)
        if membership is None:
            db.session.add(Membership(partnership_id=partnership.id, user_id=user.id,
                                      role="admin"))
        else:
            membership.role = "admin"
    return user


def memberships_of(user_id: int) -> list[Membership]:
    """A person's memberships, with their partnerships, by partnership name."""
    return list(db.session.scalars(
        select(Membership).join(Partnership).options(contains_eager(Membership.partnership))
        .where(Membership.user_id == user_id).order_by(Partnership.name)))


def membership_in(slug: str, user_id: int) -> tuple[Partnership, Membership] | None:
    """The partnership at `slug` and the person's membership of it; None when either is
    missing, so that a partnership one is not in looks like one that does not exist."""
    row = db.session.execute(
        select(Partnership, Membership)
        .join(Membership, Membership.partnership_id == Partnership.id)
        .where(Partnership.slug == slug, Membership.user_id == user_id)).first()
    return (row[0], row[1]) if row else None


def _membership(partnership_id: int, user_id: int) -> Membership | None:
    return db.session.scalar(select(Membership).where(
        Membership.partnership_id == partnership_id, Membership.user_id == user_id))


def _check_organisation(partnership_id: int, organisation_id: int | None) -> None:
    if organisation_id is None:
        return
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.partnership_id != partnership_id:
        raise InvalidInputError("Choose an organisation of this partnership.",
                                field="organisation_id")
