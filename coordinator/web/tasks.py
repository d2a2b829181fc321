"""The task board, task pages, posting, editing, cancelling and completing."""

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for

from coordinator.domain.knowledge.fit import task_fit

from ..errors import CoordinatorError, NotAllowedError
from ..extensions import db
from ..models import (
    Membership,
    Participation,
    Task,
    WorkingGroup,
)
from ..services import board as board_service
from ..services import groups, places, tasks
from ..services.tags import popular_tags, suggested_tags
from ..services.task_page import task_page
from .confirm import confirmation_page
from .forms.fields import attach_error, options
from .forms.tasks import (
    CancelForm,
    CommentForm,
    CompleteForm,
    CoordinatorCancelForm,
    DecisionForm,
    EmptyForm,
    HandOverForm,
    JoinForm,
    ProposalAnswerForm,
    TaskForm,
    WorkLogForm,
)
from .input_guard import int_arg
from .tenancy import get_scoped_or_404, member_required

bp = Blueprint("tasks", __name__, url_prefix="/p/<slug>")


@bp.get("/")
@member_required
def home():
    return redirect(url_for("tasks.board"))


@bp.get("/tasks")
@member_required
def board():
    filters = _filters_from_args()
    page = board_service.board_page(g.partnership.id, g.member, filters,
                                    page=int_arg("page", 1, minimum=1),
                                    per_page=current_app.config["BOARD_PAGE_SIZE"])
    my_tags = g.member.tag_names
    fits = {task.id: task_fit(task.tag_names, my_tags) for task in page.items}
    return render_template("tasks/board.html", page=page, filters=filters, fits=fits,
                           groups=groups.partnership_groups(g.partnership.id),
                           tags=suggested_tags(g.partnership.id, 100,
                                               current_app.config["TAG_SUGGESTIONS_TTL"]))


def _filters_from_args() -> board_service.BoardFilters:
    args = request.args
    status = args.get("status", "joinable")
    sort = args.get("sort", "fit")
    return board_service.BoardFilters(
        status=status if status in board_service.STATUS_CHOICES else "joinable",
        tag=args.get("tag", "").strip().lower()[:40],
        group_id=int_arg("group", None, minimum=1),
        has_room=args.get("room") == "1",
        mine=args.get("mine") == "1",
        q=args.get("q", "").strip()[:100],
        sort=sort if sort in board_service.SORT_CHOICES else "fit",
    )


@bp.route("/tasks/new", methods=["GET", "POST"])
@member_required
def new():
    form = TaskForm()
    form.working_group_id.choices = options(_group_choices())
    group_id = int_arg("group", None, minimum=1) if request.method == "GET" else None
    if group_id:
        form.working_group_id.data = group_id
    if form.validate_on_submit():
        task = tasks.create_task(g.member, _task_input(form))
        db.session.commit()
        flash("Your task is on the board.", "success")
        return redirect(url_for("tasks.detail", task_id=task.id))
    return render_template("tasks/form.html", form=form, task=None,
                           suggestions=popular_tags(g.partnership.id))


@bp.route("/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@member_required
def edit(task_id: int):
    task = get_scoped_or_404(Task, task_id)
    if task.initiator_id != g.member.id:
        raise NotAllowedError("Only the task's initiator can edit it.")
    form = TaskForm(obj=task)
    form.working_group_id.choices = options(_group_choices())
    if request.method == "GET":
        form.tags.data = task.tag_names
        form.working_group_id.data = task.working_group_id or 0
    if form.validate_on_submit():
        try:
            tasks.update_task(task, g.member, _task_input(form))
        except CoordinatorError as error:
            db.session.rollback()
            if not attach_error(form, error):
                raise
        else:
            db.session.commit()
            flash("Task updated.", "success")
            return redirect(url_for("tasks.detail", task_id=task.id))
    return render_template("tasks/form.html", form=form, task=task,
                           suggestions=popular_tags(g.partnership.id))


@bp.get("/tasks/<int:task_id>")
@member_required
def detail(task_id: int):
    task = get_scoped_or_404(Task, task_id)
    return render_task(task)


def render_task(task: Task, status: int = 200, **forms):
    """The task page, with any forms the caller re-shows with their errors."""
    page = task_page(task, g.member)
    context = {
        **{name: getattr(page, name) for name in page.__dataclass_fields__},
        "join_form": forms.get("join_form") or JoinForm(),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "worklog_form": forms.get("worklog_form") or WorkLogForm(),
        "complete_form": forms.get("complete_form") or CompleteForm(
            outcome=task.proposed_outcome or None),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "coordinator_cancel_form": forms.get("coordinator_cancel_form")
        or CoordinatorCancelForm(),
        "proposal_form": ProposalAnswerForm(),
        "decision_form": DecisionForm(),
        "button_form": EmptyForm(),
        "handover_form": _handover_form(page.contributors),
        "full": forms.get("full", False),
    }
    return render_template("tasks/detail.html", **context), status


def _handover_form(contributors: list[Participation]) -> HandOverForm:
    form = HandOverForm()
    form.successor.choices = options((p.membership_id, p.membership.user.name)
                                     for p in contributors)
    return form


@bp.post("/tasks/<int:task_id>/cancel")
@member_required
def cancel(task_id: int):
    task = get_scoped_or_404(Task, task_id)
    by_coordinator = task.initiator_id != g.member.id
    form = CoordinatorCancelForm() if by_coordinator else CancelForm()
    shown_as = "coordinator_cancel_form" if by_coordinator else "cancel_form"
    if not form.validate_on_submit():
        return render_task(task, 422, **{shown_as: form})
    page = confirmation_page("cancel", task.title, url_for("tasks.detail", task_id=task.id))
    if page is not None:
        return page
    try:
        tasks.cancel_task(task, g.member, form.reason.data or "")
    except CoordinatorError as error:
        db.session.rollback()
        if not attach_error(form, error):
            raise
        return render_task(task, 422, **{shown_as: form})
    db.session.commit()
    flash("Task cancelled.", "info")
    return redirect(url_for("tasks.detail", task_id=task.id))


@bp.post("/tasks/<int:task_id>/complete")
@member_required
def complete(task_id: int):
    """The initiator marks the task done; a contributor's same form proposes it."""
    task = get_scoped_or_404(Task, task_id)
    form = CompleteForm()
    if not form.validate_on_submit():
        return render_task(task, 422, complete_form=form)
    if task.initiator_id != g.member.id:
        tasks.propose_completion(task, g.member, form.outcome.data)
        db.session.commit()
        flash(f"Proposed: {task.initiator.name} is asked to confirm it.", "success")
        return redirect(url_for("tasks.detail", task_id=task.id, _anchor="complete"))
    page = confirmation_page("complete", task.title, url_for("tasks.detail", task_id=task.id))
    if page is not None:
        return page
    tasks.complete_task(task, g.member, form.outcome.data)
    db.session.commit()
    flash("Task completed. Thank you!", "success")
    return redirect(url_for("tasks.detail", task_id=task.id))


@bp.post("/tasks/<int:task_id>/proposal/decline")
@member_required
def decline_proposal(task_id: int):
    """The initiator says "not yet", or the proposer takes the proposal back."""
    task = get_scoped_or_404(Task, task_id)
    form = ProposalAnswerForm()
    if not form.validate_on_submit():
        return render_task(task, 422)
    withdrawn = task.proposed_by_id == g.member.id
    tasks.decline_proposal(task, g.member, form.reason.data or "")
    db.session.commit()
    flash("Proposal withdrawn." if withdrawn
          else "The task stays open; your answer shows in its history.", "info")
    return redirect(url_for("tasks.detail", task_id=task.id, _anchor="complete"))


@bp.post("/tasks/<int:task_id>/keep/<int:member_id>")
@member_required
def keep_place(task_id: int, member_id: int):
    task = get_scoped_or_404(Task, task_id)
    member = get_scoped_or_404(Membership, member_id)
    if not EmptyForm().validate_on_submit():
        return render_task(task, 400)
    places.keep(task, g.member, member.id)
    db.session.commit()
    flash("Kept on the team: their place is safe for another while.", "success")
    return redirect(url_for("tasks.detail", task_id=task.id, _anchor="team-heading"))


@bp.get("/my-work")
@member_required
def my_work():
    return render_template("tasks/my_work.html", work=board_service.my_work(g.member),
                           quiet=places.my_quiet_places(g.member),
                           place_news=places.my_place_news(g.member),
                           button_form=EmptyForm())


def _task_input(form: TaskForm) -> tasks.TaskInput:
    group_id = form.working_group_id.data or None
    if group_id is not None:
        get_scoped_or_404(WorkingGroup, group_id)
    return tasks.TaskInput(
        title=form.title.data, description=form.description.data or "", tags=form.tags.data,
        capacity=form.capacity.data, due_on=form.due_on.data,
        effort_hours=float(form.effort_hours.data) if form.effort_hours.data else None,
        join_policy=form.join_policy.data, working_group_id=group_id,
        is_decision=form.is_decision.data)


def _group_choices() -> list[tuple[int, str]]:
    return [(0, "— none —")] + [(group.id, group.name)
                                for group in groups.partnership_groups(g.partnership.id)]
