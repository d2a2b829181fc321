"""Comments, work logs and joint activities (meetings, workshops, calls)."""

from datetime import UTC, date

from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, url_for

from ..errors import CoordinatorError
from ..extensions import db
from ..models import JointActivity, Task
from ..services import activity, directory
from .forms.fields import attach_error, options
from .forms.people import ActivityForm
from .forms.tasks import CommentForm, WorkLogForm
from .input_guard import DB_INT_MAX
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
    if request.method == "GET":
        form.link.data = request.args.get("link", "")
    task_id, group_id = _linked(form.link.data)
    # A press of "Find" (or Enter, which presses the form's first button) lists matches.
    finding = request.method == "POST" and "find" in request.form
    offer = activity.attendee_offer(g.member, form.attendee_ids.data or [],
                                    (form.attendee_q.data or "") if finding else "",
                                    task_id=task_id, working_group_id=group_id)
    form.attendee_ids.choices = options((c.id, c.name) for c in offer.everyone)
    if not finding and form.validate_on_submit():
        data = activity.ActivityInput(
            kind=form.kind.data, title=form.title.data,
            occurred_at=form.occurred_at.data.replace(tzinfo=UTC),
            duration_minutes=form.duration_minutes.data,
            attendee_ids=list(form.attendee_ids.data or []),
            task_id=task_id, working_group_id=group_id)
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
    return render_template("activity/form.html", form=form, offer=offer, finding=finding,
                           chosen={c.id for c in offer.chosen},
                           matches_limit=directory.MATCHES)


@bp.get("/activities/attendees")
@member_required
def attendee_search():
    """Matches for the activity form's attendee search, as JSON, for its script: the
    people whose name holds `q`, and with `link` the task's team or the group's members."""
    q = request.args.get("q", "").strip()[:100]
    task_id, group_id = _linked(request.args.get("link", ""))
    offer = activity.attendee_offer(g.member, [], q, task_id=task_id,
                                    working_group_id=group_id)
    return jsonify(team=[c.as_json() for c in offer.team],
                   matches=[c.as_json() for c in offer.matches])


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


def _linked(link: str | None) -> tuple[int | None, int | None]:
    """(task id, working group id) of a link value ("task:12", "group:3"); anything else,
    or an id past any row's, is neither (the services scope both to the partnership)."""
    kind, _, raw_id = (link or "").partition(":")
    if not (raw_id.isascii() and raw_id.isdigit()) or int(raw_id) > DB_INT_MAX:
        return None, None
    return (int(raw_id), None) if kind == "task" else (
        (None, int(raw_id)) if kind == "group" else (None, None))
