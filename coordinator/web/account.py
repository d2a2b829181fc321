"""My account: change my password, see where I am logged in and end those sessions."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user

from ..extensions import db
from ..services import accounts, sessions
from .forms.auth import ChangePasswordForm
from .forms.tasks import EmptyForm

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    form = ChangePasswordForm()
    form.password_context = (current_user.name, current_user.email)
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append("That is not your current password.")
        else:
            user = current_user._get_current_object()
            accounts.set_new_password(user, form.password.data)
            # Every session ended with the old password, this one too: start a new one.
            accounts.start_session(user, request.user_agent.string or "",
                                   request.remote_addr or "")
            login_user(user)
            db.session.commit()
            flash("Your password is changed. Every other browser is logged out.", "success")
            return redirect(url_for("account.index"))
    status = 422 if form.errors else 200
    return render_template("account/index.html", form=form, button_form=EmptyForm(),
                           sessions=sessions.of_user(current_user.id),
                           public_id=sessions.public_id, browser_label=sessions.browser_label,
                           current=current_user.session_token,
                           lifetimes=_lifetimes_in_words()), status


def _lifetimes_in_words() -> dict[str, str]:
    limits = sessions.Lifetimes.from_config(current_app.config)
    return {"idle": _duration(limits.idle), "absolute": _duration(limits.absolute)}


def _duration(span) -> str:
    minutes = int(span.total_seconds() // 60)
    # The largest unit that divides it exactly: 7 days, 36 hours, 90 minutes.
    size, unit = next((s, u) for s, u in ((1440, "day"), (60, "hour"), (1, "minute"))
                      if minutes % s == 0 and minutes >= s or s == 1)
    count = minutes // size
    return f"{count} {unit}{'s' if count != 1 else ''}"


@bp.post("/sessions/<session_id>/end")
@login_required
def end_session(session_id: str):
    if not sessions.end_other(current_user.id, session_id, current_user.session_token):
        abort(404)  # ended already, this browser's own, or somebody else's
    db.session.commit()
    flash("That session is ended: the browser is logged out.", "info")
    return redirect(url_for("account.index"))


@bp.post("/sessions/end-others")
@login_required
def end_other_sessions():
    ended = sessions.end_all_others(current_user.id, current_user.session_token)
    db.session.commit()
    flash(f"{ended} other session{'s' if ended != 1 else ''} ended.", "info")
    return redirect(url_for("account.index"))
