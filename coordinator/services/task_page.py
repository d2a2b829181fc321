"""The task page's read model: what one member sees of one task, in a few queries.

The web page renders it; the API serves the same data from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from coordinator.domain.knowledge.fit import Fit, task_fit
from coordinator.extensions import db
from coordinator.models import (
    Comment,
    Event,
    JoinRequest,
    JointActivity,
    Membership,
    Participation,
    Task,
    User,
    WaitlistEntry,
    WorkLog,
)
from coordinator.services import alerts, places, tasks

RECENT = 10  # work logs and joint activities shown on the page


@dataclass
class TaskPage:
    task: Task
    fit: Fit
    participants: list[Participation]
    waitlist: list[WaitlistEntry]
    my_part: Participation | None
    my_wait: WaitlistEntry | None
    my_request: JoinRequest | None
    pending: list[JoinRequest]  # join requests, for the initiator only
    comments: list[Comment]
    hours: Decimal | float
    work_logs: list[WorkLog]
    activities: list[JointActivity]
    balance_notes: list = field(default_factory=list)
    quiet: list[places.QuietPlace] = field(default_factory=list)  # for the initiator
    my_quiet: places.QuietPlace | None = None
    history: list[Event] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)  # of the people in the history
    abandoned: bool = False  # shown to coordinators, who may then cancel it

    @property
    def contributors(self) -> list[Participation]:
        """Whom the initiator may hand the task over to."""
        return [p for p in self.participants if p.role == "contributor"]


def task_page(task: Task, member: Membership) -> TaskPage:
    page = _base_page(task, member)
    is_initiator = task.initiator_id == member.id
    if task.is_joinable:
        quiet = places.quiet_on_task(task)
        page.quiet = quiet if is_initiator else []
        page.my_quiet = next((q for q in quiet if q.participation.membership_id == member.id),
                             None)
        page.abandoned = (not is_initiator and member.has_role("coordinator")
                          and tasks.abandoned(task))
    page.history = places.history(task)
    people = {task.started_by_id, task.proposed_by_id}
    for event in page.history:
        people |= {event.actor_id, event.subject_id}
    page.names = _names(task.partnership_id, people)
    return page


def _names(partnership_id: int, member_ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in member_ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(
        select(Membership.id, User.name).join(User, User.id == Membership.user_id)
        .where(Membership.partnership_id == partnership_id, Membership.id.in_(ids))).all())


def _base_page(task: Task, member: Membership) -> TaskPage:
    participants = list(db.session.scalars(
        select(Participation).where(Participation.task_id == task.id)
        .options(joinedload(Participation.membership).joinedload(Membership.user),
                 joinedload(Participation.membership).joinedload(Membership.organisation))
        .order_by(Participation.role.desc(), Participation.id)))
    waitlist = list(db.session.scalars(
        select(WaitlistEntry).where(WaitlistEntry.task_id == task.id)
        .options(joinedload(WaitlistEntry.membership).joinedload(Membership.user))
        .order_by(WaitlistEntry.id)))
    return TaskPage(
        task=task,
        fit=task_fit(task.tag_names, member.tag_names),
        participants=participants,
        waitlist=waitlist,
        my_part=next((p for p in participants if p.membership_id == member.id), None),
        my_wait=next((w for w in waitlist if w.membership_id == member.id), None),
        my_request=db.session.scalar(select(JoinRequest).where(
            JoinRequest.task_id == task.id, JoinRequest.membership_id == member.id,
            JoinRequest.status == "pending")),
        pending=pending_requests(task) if task.initiator_id == member.id else [],
        comments=list(db.session.scalars(
            select(Comment).where(Comment.task_id == task.id)
            .options(joinedload(Comment.membership).joinedload(Membership.user))
            .order_by(Comment.id))),
        hours=db.session.scalar(select(func.coalesce(func.sum(WorkLog.hours), 0))
                                .where(WorkLog.task_id == task.id)),
        work_logs=list(db.session.scalars(
            select(WorkLog).where(WorkLog.task_id == task.id)
            .options(joinedload(WorkLog.membership).joinedload(Membership.user))
            .order_by(WorkLog.id.desc()).limit(RECENT))),
        activities=list(db.session.scalars(
            select(JointActivity).where(JointActivity.task_id == task.id)
            .options(selectinload(JointActivity.attendees))
            .order_by(JointActivity.occurred_at.desc()).limit(RECENT))),
        balance_notes=alerts.notes_for_scope(task.partnership_id, "task", task.id, member.id),
    )


def pending_requests(task: Task) -> list[JoinRequest]:
    """Requests to join that wait for the initiator, oldest first."""
    return list(db.session.scalars(
        select(JoinRequest).where(JoinRequest.task_id == task.id,
                                  JoinRequest.status == "pending")
        .options(joinedload(JoinRequest.membership).joinedload(Membership.user))
        .order_by(JoinRequest.id)))
