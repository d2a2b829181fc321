"""Working groups: list, create, join, leave, and see their tasks and activities."""

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..errors import CoordinatorError
from ..extensions import db
from ..models import GroupMember, JointActivity, Membership, Task, WorkingGroup
from ..services import alerts, groups
from .forms.fields import attach_error
from .forms.people import GroupForm
from .forms.tasks import EmptyForm
from .tenancy import get_scoped_or_404, member_required

bp = Blueprint("groups", __name__, url_prefix="/p/<slug>/groups")


@bp.get("/")
@member_required
def index():
    counts = (select(GroupMember.working_group_id, func.count().label("n"))
              .group_by(GroupMember.working_group_id).subquery())
    rows = db.session.execute(
        select(WorkingGroup, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.working_group_id == WorkingGroup.id)
        .where(WorkingGroup.partnership_id == g.partnership.id)
        .order_by(WorkingGroup.name)).all()
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
    members = list(db.session.scalars(
        select(Membership).join(GroupMember, GroupMember.membership_id == Membership.id)
        .where(GroupMember.working_group_id == group.id)
        .options(joinedload(Membership.user), joinedload(Membership.organisation))))
    members.sort(key=lambda m: m.user.name)
    tasks = list(db.session.scalars(
        select(Task).where(Task.working_group_id == group.id)
        .options(selectinload(Task.tags)).order_by(Task.id.desc()).limit(100)))
    activities = list(db.session.scalars(
        select(JointActivity).where(JointActivity.working_group_id == group.id)
        .options(selectinload(JointActivity.attendees))
        .order_by(JointActivity.occurred_at.desc()).limit(50)))
    return render_template("groups/detail.html", group=group, members=members, tasks=tasks,
                           activities=activities, is_member=g.member in members,
                           button_form=EmptyForm(),
                           balance_notes=alerts.notes_for_scope(group.partnership_id, "group",
                                                                group.id, g.member.id))


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
