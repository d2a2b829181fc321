"""My API tokens: make one (its secret is shown once), see them, revoke them."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..errors import CoordinatorError
from ..extensions import db
from ..services import accounts, api_tokens
from .confirm import confirmation_page
from .forms.fields import attach_error, options
from .forms.tasks import EmptyForm
from .forms.tokens import TokenForm

bp = Blueprint("tokens", __name__, url_prefix="/account/tokens")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    memberships = {m.id: m for m in accounts.memberships_of(current_user.id)}
    form = TokenForm()
    form.membership_id.choices = options((m.id, m.partnership.name)
                                         for m in memberships.values())
    secret, status = None, 200
    if form.validate_on_submit():
        member = memberships.get(form.membership_id.data)
        if member is None:
            abort(404)
        try:
            token, secret = api_tokens.create(member, form.name.data, form.scopes.data,
                                              form.lifetime_days())
        except CoordinatorError as error:
            db.session.rollback()
            if not attach_error(form, error):
                raise
            status = 422
        else:
            db.session.commit()
            # The secret is in this page only: nothing keeps it, so a reload loses it.
            form = _fresh_form(memberships)
            return render_template("account/tokens.html", form=form, created=token,
                                   secret=secret, tokens=api_tokens.of_user(current_user),
                                   scopes=api_tokens.SCOPES, button_form=EmptyForm()), 201
    elif form.errors:
        status = 422
    return render_template("account/tokens.html", form=form, created=None, secret=None,
                           tokens=api_tokens.of_user(current_user), scopes=api_tokens.SCOPES,
                           button_form=EmptyForm()), status


def _fresh_form(memberships) -> TokenForm:
    form = TokenForm(formdata=None)
    form.membership_id.choices = options((m.id, m.partnership.name)
                                         for m in memberships.values())
    return form


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    token = api_tokens.live_of_user(current_user, token_id)
    if token is None:
        abort(404)  # revoked already, or somebody else's
    page = confirmation_page("revoke_token", token.name, url_for("tokens.index"))
    if page is not None:
        return page
    if not api_tokens.revoke(current_user, token_id):
        abort(404)
    db.session.commit()
    flash("Token revoked: programs using it are refused from now on.", "info")
    return redirect(url_for("tokens.index"))
