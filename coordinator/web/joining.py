"""Self-selection on a task: join, waitlist, requests, leave, hand over."""

from flask import Blueprint, abort, flash, g, redirect, url_for

from ..errors import CoordinatorError, TaskFullError
from ..extensions import db
from ..models import JoinRequest, Participation, Task
from ..services import joining
from .confirm import confirmation_page
from .forms.fields import attach_error, options
from .forms.tasks import DecisionForm, EmptyForm, HandOverForm, JoinForm
from .tasks import render_task
from .tenancy import get_scoped_or_404, member_required

bp = Blueprint("joining", __name__, url_prefix="/p/<slug>/tasks/<int:task_id>")


@bp.post("/join")
@member_required
def join(task_id: int):
    task = get_scoped_or_404(Task, task_id)
    form = JoinForm()
    if not form.validate_on_submit():
        return render_task(task, 422, join_form=form)
    try:
        outcome = joining.ask_to_join(task, g.member, form.note.data)
    except TaskFullError:
        db.session.rollback()
        db.session.refresh(task)
        flash("This task is full. You can join its waitlist and take the next free place.",
              "error")
        return render_task(task, 409, join_form=form, full=True)
    except CoordinatorError as error:
        db.session.rollback()
        if not attach_error(form, error):
            raise
        return render_task(task, 422, join_form=form)
    db.session.commit()
    flash("Request sent. The initiator will accept or decline it." if outcome == "requested"
          else "You joined the task. Welcome to the team!", "success")
    return redirect(url_for("tasks.detail", task_id=task.id))


@bp.post("/waitlist")
@member_required
def join_waitlist(task_id: int):
    task = get_scoped_or_404(Task, task_id)
    form = JoinForm()
    if not form.validate_on_submit():
        return render_task(task, 422, join_form=form, full=True)
    result = joining.join_waitlist(task, g.member, form.note.data)
    db.session.commit()
    if isinstance(result, Participation):
        flash("A place had just freed up: you joined the task.", "success")
    else:
        flash("You are on the waitlist. You will get the next free place.", "success")
    return redirect(url_for("tasks.detail", task_id=task.id))


@bp.post("/waitlist/leave")
@member_required
def leave_waitlist(task_id: int):
    task = _task_with_csrf(task_id)
    joining.leave_waitlist(task, g.member)
    db.session.commit()
    flash("You left the waitlist.", "info")
    return redirect(url_for("tasks.detail", task_id=task.id))


@bp.post("/leave")
@member_required
def leave(task_id: int):
    task = _task_with_csrf(task_id)
    page = confirmation_page("leave", task.title, url_for("tasks.detail", task_id=task.id))
    if page is not None:
        return page
    joining.leave_task(task, g.member)
    db.session.commit()
    flash("You left the task.", "info")
    return redirect(url_for("tasks.detail", task_id=task.id))


@bp.post("/requests/<int:request_id>/<any(accept, decline, withdraw):action>")
@member_required
def decide(task_id: int, request_id: int, action: str):
    task = get_scoped_or_404(Task, task_id)
    join_request = db.session.get(JoinRequest, request_id)
    if join_request is None or join_request.task_id != task.id:
        abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    if action == "accept":
        try:
            joining.accept_request(join_request, g.member)
        except TaskFullError:
            db.session.rollback()
            flash("The task is full: raise its capacity first or decline.", "error")
            return redirect(url_for("tasks.detail", task_id=task.id))
        flash(f"{join_request.membership.name} joined the task.", "success")
    elif action == "decline":
        joining.decline_request(join_request, g.member, form.reason.data or "")
        flash("Request declined.", "info")
    else:
        joining.withdraw_request(join_request, g.member)
        flash("Request withdrawn.", "info")
    db.session.commit()
    return redirect(url_for("tasks.detail", task_id=task.id))


@bp.post("/hand-over")
@member_required
def hand_over(task_id: int):
    task = get_scoped_or_404(Task, task_id)
    form = HandOverForm()
    team = {p.membership_id: p.membership.name for p in task.participations
            if p.role == "contributor"}
    form.successor.choices = options(team.items())
    if not form.validate_on_submit():
        flash("Choose someone on the team to hand over to.", "error")
        return redirect(url_for("tasks.detail", task_id=task.id))
    stay = form.after.data == "stay"
    after = ("You stay on the team as a contributor." if stay else
             "You leave the team; the first person on the waitlist takes the place.")
    page = confirmation_page("hand_over", task.title,
                             url_for("tasks.detail", task_id=task.id), echo=False,
                             successor=team[form.successor.data], after=after)
    if page is not None:
        return page
    joining.hand_over(task, g.member, form.successor.data, stay=stay)
    db.session.commit()
    flash(f"{team[form.successor.data]} is the initiator now. {after}", "success")
    return redirect(url_for("tasks.detail", task_id=task.id))


def _task_with_csrf(task_id: int) -> Task:
    task = get_scoped_or_404(Task, task_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return task
