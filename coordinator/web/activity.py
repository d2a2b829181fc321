"""Comments, work logs and joint activities (meetings, workshops, calls)."""

from datetime import UTC, date

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from ..errors import CoordinatorError
from ..extensions import db
from ..models import JointActivity, Task
from ..services import activity, directory
from .forms.fields import attach_error, options
from .forms.people import ActivityForm
from .forms.tasks import CommentForm, WorkLogForm
from .tasks import render_task
from .tenancy import get_scoped_or_404, member_required

bp = Blueprint("activity", __name__, url_prefix="/p/<slug>")


@bp.post("/tasks/<int:task_id>/comments")
@member_required
def comment(task_id: int):
    task = get_scoped_or_404(Task, task_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return render_task(task, 422, comment_form=form)
    activity.add_comment(task, g.member, form.body.data)
    db.session.commit()
    return redirect(url_for("tasks.detail", task_id=task.id, _anchor="comments"))


@bp.post("/tasks/<int:task_id>/work")
@member_required
def log_work(task_id: int):
    task = get_scoped_or_404(Task, task_id)
    form = WorkLogForm()
    if form.validate_on_submit():
        try:
            activity.log_work(task, g.member, float(form.hours.data), form.worked_on.data,
                              form.note.data or "")
        except CoordinatorError as error:
            db.session.rollback()
            if not attach_error(form, error):
                raise
        else:
            db.session.commit()
            flash(f"Logged {form.hours.data} h.", "success")
            return redirect(url_for("tasks.detail", task_id=task.id, _anchor="work"))
    return render_task(task, 422, worklog_form=form)


@bp.route("/activities/new", methods=["GET", "POST"])
@member_required
def new_activity():
    form = ActivityForm()
    form.link.choices = options(_link_choices())
    form.attendee_ids.choices = options(_member_choices())
    if request.method == "GET":
        form.link.data = request.args.get("link", "")
    if form.validate_on_submit():
        kind, _, raw_id = form.link.data.partition(":")
        data = activity.ActivityInput(
            kind=form.kind.data, title=form.title.data,
            occurred_at=form.occurred_at.data.replace(tzinfo=UTC),
            duration_minutes=form.duration_minutes.data,
            attendee_ids=list(form.attendee_ids.data or []),
            task_id=int(raw_id) if kind == "task" else None,
            working_group_id=int(raw_id) if kind == "group" else None)
        try:
            recorded = activity.record_activity(g.member, data)
        except CoordinatorError as error:
            db.session.rollback()
            if not attach_error(form, error):
                raise
        else:
            db.session.commit()
            flash(f"{recorded.kind.capitalize()} recorded.", "success")
            return redirect(url_for("activity.activity_detail", activity_id=recorded.id))
    return render_template("activity/form.html", form=form)


@bp.get("/activities/<int:activity_id>")
@member_required
def activity_detail(activity_id: int):
    recorded = get_scoped_or_404(JointActivity, activity_id)
    return render_template("activity/detail.html", activity=recorded, today=date.today())


def _link_choices() -> list[tuple[str, str]]:
    groups, open_tasks = activity.link_targets(g.partnership.id)
    return ([("", "Choose a task or working group")]
            + [(f"group:{gid}", f"Group: {name}") for gid, name in groups]
            + [(f"task:{tid}", f"Task: {title}") for tid, title in open_tasks])


def _member_choices() -> list[tuple[int, str]]:
    return directory.colleagues(g.partnership.id, besides=g.member.id)
