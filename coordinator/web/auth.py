"""Login, logout, invitations and password resets."""

import logging

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from ..domain.redirects import is_local_path
from ..emails import send_reset_email
from ..extensions import db, limiter, login_manager
from ..models import Invitation, User
from ..services import accounts
from ..tokens import read_token
from .forms.auth import (
    AcceptInvitationForm,
    ForgotPasswordForm,
    JoinWithAccountForm,
    LoginForm,
    ResetPasswordForm,
)

bp = Blueprint("auth", __name__)
log = logging.getLogger("polder.auth")
# The address the login form starts with after a reset or an invitation for an existing
# account: kept in the session, not the URL, so it stays out of logs and history.
LOGIN_EMAIL = "login_email"


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.session_protection = "basic"
    login_manager.user_loader(accounts.load_session_user)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _client_limit() -> str:
    return current_app.config["LOGIN_CLIENT_RATE_LIMIT"]


def _email_and_client_key() -> str:
    """An address is limited per client, so a stranger failing on it from elsewhere
    slows only themselves, never its owner."""
    email = (request.form.get("email") or "").strip().lower()
    return f"login:{email}:{get_remote_address()}"


# Every attempt counts, at the moment it arrives: counting failures after the fact let
# concurrent attempts all pass the check before any of them was counted.
@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_client_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_email_and_client_key)
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(_after_login_target(form.next.data))
    if request.method == "GET" and not form.email.data:
        form.email.data = session.get(LOGIN_EMAIL, "")  # who just reset their password
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            _log_in(user, remember=form.remember.data)
            db.session.commit()
            log.info("login ok user=%s ip=%s", user.id, request.remote_addr)
            return redirect(_after_login_target(form.next.data))
        log.warning("login failed ip=%s", request.remote_addr)
        form.password.errors.append("Email or password is not right.")
    return render_template("auth/login.html", form=form)


def _log_in(user: User, remember: bool = False) -> None:
    session.clear()  # a fresh session: nothing from before login carries over
    accounts.start_session(user, request.user_agent.string or "", request.remote_addr or "")
    login_user(user, remember=remember)


def _after_login_target(next_value: str | None) -> str:
    return next_value if is_local_path(next_value) else url_for("main.index")


@bp.post("/logout")
@login_required
def logout():
    accounts.end_session(current_user.session_token)
    logout_user()
    db.session.commit()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = accounts.find_user_by_email(form.email.data)
        if user is not None:
            send_reset_email(user)
        # The same answer either way, so the form does not reveal who has an account.
        flash("If that address has an account, a reset link is on its way.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = _user_from_reset_token(token)
    if user is None:
        flash("That reset link is invalid or has expired. Ask for a new one.", "error")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    form.password_context = (user.name, user.email)
    if form.validate_on_submit():
        accounts.set_new_password(user, form.password.data)
        db.session.commit()
        session[LOGIN_EMAIL] = user.email
        flash("Your password is changed. Log in with the new one.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


def _user_from_reset_token(token: str) -> User | None:
    payload = read_token("reset", token, current_app.config["RESET_MAX_AGE"])
    if payload is None:
        return None
    user = db.session.get(User, payload.get("u"))
    # The token names the hash it was made for, so it dies once the password changes.
    if user is None or (user.password_hash or "")[-16:] != payload.get("h"):
        return None
    return user


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    payload = read_token("invite", token, current_app.config["INVITE_MAX_AGE"])
    invitation = db.session.get(Invitation, payload.get("i")) if payload else None
    if invitation is None or invitation.email != payload.get("e"):
        flash("That invitation link is invalid or has expired.", "error")
        return redirect(url_for("auth.login"))
    if invitation.accepted_at is not None:
        flash("That invitation has already been used. Log in to continue.", "info")
        return redirect(url_for("auth.login"))
    known = accounts.find_user_by_email(invitation.email)
    if known is not None:
        return _accept_as_existing_user(invitation, known)
    form = AcceptInvitationForm()
    form.password_context = (invitation.email,)
    if form.validate_on_submit():
        membership = accounts.accept_invitation(invitation, form.name.data,
                                                form.password.data, None)
        # They hold the emailed link and have just chosen the password: that is a login.
        _log_in(membership.user)
        db.session.commit()
        log.info("invitation accepted user=%s ip=%s", membership.user_id, request.remote_addr)
        flash(f"Welcome to {invitation.partnership.name}!", "success")
        return redirect(url_for("tasks.board", slug=invitation.partnership.slug))
    return render_template("auth/accept.html", form=form, invitation=invitation)


def _accept_as_existing_user(invitation: Invitation, user: User):
    if current_user.is_authenticated and current_user.id != user.id:
        # Login sends a logged-in visitor back to `next`: redirecting there would loop.
        return render_template("auth/accept.html", invitation=invitation,
                               signed_in_as=current_user.email)
    if not current_user.is_authenticated:
        flash("You already have an account: log in to accept the invitation.", "info")
        session[LOGIN_EMAIL] = user.email
        return redirect(url_for("auth.login", next=request.path))
    form = JoinWithAccountForm()
    if form.validate_on_submit():
        accounts.accept_invitation(invitation, user.name, None, user)
        db.session.commit()
        return redirect(url_for("tasks.board", slug=invitation.partnership.slug))
    return render_template("auth/accept.html", form=form, invitation=invitation, existing=True)

