"""Tasks and joining them: /api/v1/tasks."""

from __future__ import annotations

from flask import abort, g, url_for
from sqlalchemy import select

from ..errors import CoordinatorError
from ..extensions import db
from ..models import JoinRequest, Task, WorkingGroup
from ..services import board, joining
from ..services import tasks as task_service
from ..services.api_tokens import READ, WRITE
from . import schemas
from .auth import requires
from .common import PageArgs, Resource, cursor_page, scoped_or_404
from .guard import protect

bp = Resource("api_tasks", __name__, tag="Tasks", url_prefix="/api/v1/tasks",
               description="Tasks: the board's filters and sorts, posting, editing, "
                           "completing, cancelling, joining and leaving.")
protect(bp)


@bp.route("")
@bp.arguments(schemas.TaskFilters, location="query")
@bp.response(200, schemas.TaskPage)
@requires(READ)
def list_tasks(args):
    """Tasks of the partnership, one page at a time."""
    filters = board.BoardFilters(status=args["status"], tag=args["tag"].strip().lower(),
                                 group_id=args["group"], has_room=args["room"],
                                 mine=args["mine"], q=args["q"].strip(), sort=args["sort"])
    def page(offset: int, limit: int):
        return board.board_query(g.partnership.id, g.member, filters, offset, limit)

    return cursor_page(page, args, "api_tasks.list_tasks")


@bp.route("", methods=["POST"])
@bp.arguments(schemas.TaskCreate)
@bp.response(201, schemas.TaskSchema)
@requires(WRITE)
def create_task(data):
    """Post a task; you are its initiator."""
    _check_group(data["working_group_id"])
    task = task_service.create_task(g.member, task_service.TaskInput(**data))
    db.session.commit()
    return task, 201, {"Location": url_for("api_tasks.get_task", task_id=task.id)}


@bp.route("/<int:task_id>")
@bp.etag
@bp.response(200, schemas.TaskSchema)
@requires(READ)
def get_task(task_id: int):
    """One task. Its ETag goes in If-Match when you change it."""
    return scoped_or_404(Task, task_id)


@bp.route("/<int:task_id>", methods=["PATCH"])
@bp.etag
@bp.arguments(schemas.TaskUpdate)
@bp.response(200, schemas.TaskSchema)
@requires(WRITE)
def update_task(data, task_id: int):
    """Change a task you started. Send the ETag you read in If-Match: a task someone
    changed since gives 412, and nothing is written."""
    task = scoped_or_404(Task, task_id)
    bp.check_etag(task, schemas.TaskSchema)
    current = {name: getattr(task, name) for name in (
        "title", "description", "capacity", "due_on", "effort_hours", "join_policy",
        "working_group_id", "is_decision")} | {"tags": task.tag_names}
    merged = current | data
    _check_group(merged["working_group_id"])
    task_service.update_task(task, g.member, task_service.TaskInput(**merged))
    db.session.commit()
    return task


@bp.route("/<int:task_id>/complete", methods=["POST"])
@bp.arguments(schemas.Outcome)
@bp.response(200, schemas.TaskSchema)
@requires(WRITE)
def complete_task(data, task_id: int):
    """Complete a task you started, saying what came of it."""
    task = scoped_or_404(Task, task_id)
    task_service.complete_task(task, g.member, data["outcome"])
    db.session.commit()
    return task


@bp.route("/<int:task_id>/completion-proposal", methods=["POST"])
@bp.arguments(schemas.Outcome)
@bp.response(200, schemas.TaskSchema)
@requires(WRITE)
def propose_completion(data, task_id: int):
    """Propose marking a task you are on as done; its initiator confirms with /complete.
    One proposal waits at a time: a second answers 409."""
    task = scoped_or_404(Task, task_id)
    task_service.propose_completion(task, g.member, data["outcome"])
    db.session.commit()
    return task


@bp.route("/<int:task_id>/completion-proposal/decline", methods=["POST"])
@bp.arguments(schemas.Reason)
@bp.response(200, schemas.TaskSchema)
@requires(WRITE)
def decline_proposal(data, task_id: int):
    """The initiator keeps the task open, saying what is missing; the proposer may
    withdraw their own proposal the same way."""
    task = scoped_or_404(Task, task_id)
    task_service.decline_proposal(task, g.member, data["reason"])
    db.session.commit()
    return task


@bp.route("/<int:task_id>/hand-over", methods=["POST"])
@bp.arguments(schemas.HandOverBody)
@bp.response(200, schemas.TaskSchema)
@requires(WRITE)
def hand_over(data, task_id: int):
    """Make a contributor the initiator of a task you lead, and leave it or stay on."""
    task = scoped_or_404(Task, task_id)
    joining.hand_over(task, g.member, data["successor_id"], stay=data["stay"])
    db.session.commit()
    return task


@bp.route("/<int:task_id>/cancel", methods=["POST"])
@bp.arguments(schemas.Reason)
@bp.response(200, schemas.TaskSchema)
@requires(WRITE)
def cancel_task(data, task_id: int):
    """Cancel a task you lead. A coordinator may cancel an abandoned one (nobody on it
    active for the partnership's quiet-place days plus a week), giving a reason."""
    task = scoped_or_404(Task, task_id)
    task_service.cancel_task(task, g.member, data["reason"])
    db.session.commit()
    return task


@bp.route("/<int:task_id>/join", methods=["POST"])
@bp.arguments(schemas.JoinBody)
@bp.response(200, schemas.JoinResult)
@requires(WRITE)
def join_task(data, task_id: int):
    """Join a task (or ask to, where the initiator approves who joins). A full task
    answers 409: join its waitlist instead."""
    task = scoped_or_404(Task, task_id)
    status = joining.ask_to_join(task, g.member, data["note"])
    db.session.commit()
    return {"status": status, "task": task}


@bp.route("/<int:task_id>/waitlist", methods=["POST"])
@bp.arguments(schemas.JoinBody)
@bp.response(200, schemas.JoinResult)
@requires(WRITE)
def join_waitlist(data, task_id: int):
    """Wait for the next free place of a full task."""
    task = scoped_or_404(Task, task_id)
    joining.join_waitlist(task, g.member, data["note"])
    db.session.commit()
    return {"status": "waitlisted", "task": task}


@bp.route("/<int:task_id>/leave", methods=["POST"])
@bp.response(204)
@requires(WRITE)
def leave_task(task_id: int):
    """Leave a task you joined; the first on its waitlist takes your place."""
    task = scoped_or_404(Task, task_id)
    joining.leave_task(task, g.member)
    db.session.commit()
    return ""


@bp.route("/<int:task_id>/requests")
@bp.arguments(PageArgs, location="query")
@bp.response(200, schemas.JoinRequestPage)
@requires(READ)
def list_requests(args, task_id: int):
    """Requests to join waiting for a decision: all of them for the initiator, your own
    for anyone else."""
    task = scoped_or_404(Task, task_id)
    stmt = select(JoinRequest).where(JoinRequest.task_id == task.id,
                                     JoinRequest.status == "pending")
    if task.initiator_id != g.member.id:
        stmt = stmt.where(JoinRequest.membership_id == g.member.id)
    return cursor_page(stmt.order_by(JoinRequest.id), args, "api_tasks.list_requests",
                       task_id=task.id)


@bp.route("/<int:task_id>/requests/<int:request_id>", methods=["POST"])
@bp.arguments(schemas.Decision)
@bp.response(200, schemas.JoinRequestSchema)
@requires(WRITE)
def decide_request(data, task_id: int, request_id: int):
    """The initiator accepts or declines a request; the person who asked may withdraw it."""
    task = scoped_or_404(Task, task_id)
    join_request = db.session.get(JoinRequest, request_id)
    if join_request is None or join_request.task_id != task.id:
        abort(404)
    if data["decision"] == "accept":
        joining.accept_request(join_request, g.member)
    elif data["decision"] == "decline":
        joining.decline_request(join_request, g.member, data["reason"])
    else:
        joining.withdraw_request(join_request, g.member)
    db.session.commit()
    return join_request


def _check_group(group_id: int | None) -> None:
    if group_id is not None:
        group = db.session.get(WorkingGroup, group_id)
        if group is None or group.partnership_id != g.partnership.id:
            raise CoordinatorError("Choose a working group of this partnership.",
                                   field="working_group_id")
