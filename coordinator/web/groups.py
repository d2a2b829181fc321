"""Working groups: list, create, join, leave, and see their tasks and activities."""

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for

from ..errors import CoordinatorError
from ..extensions import db
from ..models import WorkingGroup
from ..services import groups
from .forms.fields import attach_error
from .forms.people import GroupForm
from .forms.tasks import EmptyForm
from .tenancy import get_scoped_or_404, member_required

bp = Blueprint("groups", __name__, url_prefix="/p/<slug>/groups")


@bp.get("/")
@member_required
def index():
    rows = groups.groups_with_sizes(g.partnership.id)
    return render_template("groups/index.html", rows=rows)


@bp.route("/new", methods=["GET", "POST"])
@member_required
def new():
    form = GroupForm()
    if form.validate_on_submit():
        try:
            group = groups.create_group(g.member, form.name.data, form.description.data or "")
        except CoordinatorError as error:
            db.session.rollback()
            if not attach_error(form, error):
                raise
        else:
            db.session.commit()
            flash("Working group created. You are its first member.", "success")
            return redirect(url_for("groups.detail", group_id=group.id))
    return render_template("groups/form.html", form=form)


@bp.get("/<int:group_id>")
@member_required
def detail(group_id: int):
    group = get_scoped_or_404(WorkingGroup, group_id)
    page = groups.group_page(group, g.member)
    return render_template("groups/detail.html", button_form=EmptyForm(),
                           **{name: getattr(page, name) for name in page.__dataclass_fields__})


@bp.post("/<int:group_id>/<any(join, leave):action>")
@member_required
def membership(group_id: int, action: str):
    group = get_scoped_or_404(WorkingGroup, group_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if action == "join":
        groups.join_group(group, g.member)
        flash(f"You joined {group.name}.", "success")
    else:
        groups.leave_group(group, g.member)
        flash(f"You left {group.name}.", "info")
    db.session.commit()
    return redirect(url_for("groups.detail", group_id=group.id))
