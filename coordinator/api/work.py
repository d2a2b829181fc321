"""What happens on a task: comments and work logs (/api/v1/tasks/{id}/...), and the
joint activities of tasks and groups (/api/v1/activities)."""

from __future__ import annotations

from flask import g
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import Comment, JointActivity, Membership, Task, WorkLog
from ..services import activity
from ..services.api_tokens import READ, WRITE
from . import schemas
from .auth import requires
from .common import PageArgs, Resource, cursor_page, scoped_or_404
from .guard import protect

bp = Resource("api_work", __name__, tag="Comments and work",
              url_prefix="/api/v1/tasks/<int:task_id>",
               description="What happens on a task: comments and logged work.")
protect(bp)


@bp.route("/comments")
@bp.arguments(PageArgs, location="query")
@bp.response(200, schemas.CommentPage)
@requires(READ)
def list_comments(args, task_id: int):
    """A task's comments, oldest first."""
    task = scoped_or_404(Task, task_id)
    stmt = (select(Comment).where(Comment.task_id == task.id)
            .options(joinedload(Comment.membership).joinedload(Membership.user))
            .order_by(Comment.id))
    return cursor_page(stmt, args, "api_work.list_comments", task_id=task.id)


@bp.route("/comments", methods=["POST"])
@bp.arguments(schemas.CommentCreate)
@bp.response(201, schemas.CommentSchema)
@requires(WRITE)
def add_comment(data, task_id: int):
    """Comment on a task (Markdown)."""
    task = scoped_or_404(Task, task_id)
    comment = activity.add_comment(task, g.member, data["body"])
    db.session.commit()
    return comment


@bp.route("/work-logs")
@bp.arguments(PageArgs, location="query")
@bp.response(200, schemas.WorkLogPage)
@requires(READ)
def list_work_logs(args, task_id: int):
    """Work logged on a task, newest first."""
    task = scoped_or_404(Task, task_id)
    stmt = (select(WorkLog).where(WorkLog.task_id == task.id)
            .options(joinedload(WorkLog.membership).joinedload(Membership.user))
            .order_by(WorkLog.id.desc()))
    return cursor_page(stmt, args, "api_work.list_work_logs", task_id=task.id)


@bp.route("/work-logs", methods=["POST"])
@bp.arguments(schemas.WorkLogCreate)
@bp.response(201, schemas.WorkLogSchema)
@requires(WRITE)
def log_work(data, task_id: int):
    """Log hours you worked on a task you are on (not for days to come)."""
    task = scoped_or_404(Task, task_id)
    log = activity.log_work(task, g.member, data["hours"], data["worked_on"], data["note"])
    db.session.commit()
    return log


activities = Resource("api_activities", __name__, tag="Joint activities",
                      url_prefix="/api/v1/activities",
                      description="Meetings, workshops and calls of a task or group.")
protect(activities)


@activities.route("")
@activities.arguments(schemas.ActivityFilters, location="query")
@activities.response(200, schemas.ActivityPage)
@requires(READ)
def list_activities(args):
    """Joint activities, newest first; of one task or group with `task` or `group`."""
    stmt = (select(JointActivity).where(JointActivity.partnership_id == g.partnership.id)
            .options(selectinload(JointActivity.attendees).joinedload(Membership.user))
            .order_by(JointActivity.occurred_at.desc(), JointActivity.id.desc()))
    if args["task"]:
        stmt = stmt.where(JointActivity.task_id == args["task"])
    if args["group"]:
        stmt = stmt.where(JointActivity.working_group_id == args["group"])
    return cursor_page(stmt, args, "api_activities.list_activities")


@activities.route("", methods=["POST"])
@activities.arguments(schemas.ActivityCreate)
@activities.response(201, schemas.ActivitySchema)
@requires(WRITE)
def record_activity(data):
    """Record a meeting, workshop or call of a task or a working group (one of the two)."""
    recorded = activity.record_activity(g.member, activity.ActivityInput(**data))
    db.session.commit()
    return recorded
