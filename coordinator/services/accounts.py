"""Accounts: authentication, login sessions, invitations and password resets."""

from dataclasses import dataclass

from sqlalchemy import delete, func, select

from ..domain.member_rows import normalise_email
from ..errors import CoordinatorError, InvalidInputError
from ..extensions import db
from ..models import Invitation, LoginSession, Membership, Organisation, Partnership, User, utcnow


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """Return the user when the password matches; upgrade an outdated hash on the way."""
    user = find_user_by_email(email)
    if user is None or not user.check_password(password):
        return None
    if user.password_needs_rehash:
        user.set_password(password)
    user.last_login_at = utcnow()
    return user


def start_session(user: User) -> str:
    token = LoginSession.new_token()
    db.session.add(LoginSession(token=token, user_id=user.id))
    user.session_token = token
    return token


def load_session_user(token: str) -> User | None:
    session_row = db.session.get(LoginSession, token)
    if session_row is None:
        return None
    user = session_row.user
    user.session_token = token
    return user


def end_session(token: str | None) -> None:
    if token:
        db.session.execute(delete(LoginSession).where(LoginSession.token == token))


def end_all_sessions(user: User) -> None:
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))


def set_new_password(user: User, password: str) -> None:
    """Change the password and log out every browser that had the old one."""
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
