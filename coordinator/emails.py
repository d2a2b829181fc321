"""Account emails: rendered here, sent by a background job."""

from flask import current_app, render_template, url_for

from .models import Invitation, User
from .queue import SEND_EMAIL_JOB, enqueue
from .tokens import make_token


def _absolute(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path


def send_invitation_email(invitation: Invitation, inviter_name: str) -> bool:
    """Queue the invitation's email; False when the queue could not take it."""
    token = make_token("invite", {"i": invitation.id, "e": invitation.email})
    link = _absolute(url_for("auth.accept_invitation", token=token))
    context = {"invitation": invitation, "inviter_name": inviter_name, "link": link}
    subject = f"Join {invitation.partnership.name} on Polder"
    return enqueue(SEND_EMAIL_JOB, invitation.email, subject,
                   render_template("emails/invitation.txt", **context),
                   render_template("emails/invitation.html", **context))


def send_reset_email(user: User) -> str:
    token = make_token("reset", {"u": user.id, "h": (user.password_hash or "")[-16:]})
    link = _absolute(url_for("auth.reset_password", token=token))
    context = {"user": user, "link": link}
    enqueue(SEND_EMAIL_JOB, user.email, "Reset your Polder password",
            render_template("emails/reset.txt", **context),
            render_template("emails/reset.html", **context))
    return link
