"""Self-selection: joining, waitlists, join requests, leaving and handing over.

Capacity is guarded by one conditional UPDATE whose rowcount says whether a place was
taken; nothing reads the count first. UNIQUE(task, member) and CHECK(filled <= capacity)
back it up on both SQLite and PostgreSQL.
"""

from datetime import datetime

from sqlalchemy import and_, case, delete, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import (
    AlreadyInError,
    CoordinatorError,
    InitiatorMustHandOverError,
    InvalidInputError,
    NotAllowedError,
    TaskClosedError,
    TaskFullError,
)
from ..extensions import db
from ..models import JoinRequest, Membership, Participation, Task, WaitlistEntry, utcnow
from .events import record_event
from .sql import hold_rows

MAX_NOTE = 280


def join_task(task: Task, member: Membership, note: str,
              now: datetime | None = None) -> Participation:
    """Take a place on an open-policy task or raise TaskFullError / TaskClosedError."""
    note = _check_note(note)
    if task.join_policy != "open":
        raise NotAllowedError("This task needs the initiator's approval: send a request.")
    hold_member(member)
    _refuse_if_in(task, member)
    if not _take_place(task):
        raise _why_no_place(task)
    participation = _add_participant(task, member.id, note, now)
    record_event(task.partnership_id, "joined", actor_id=member.id, subject_id=member.id,
                 task_id=task.id, working_group_id=task.working_group_id, now=now,
                 data={"note": note})
    return participation


def ask_to_join(task: Task, member: Membership, note: str,
                now: datetime | None = None) -> str:
    """Join, or send a request where the initiator approves who joins: "joined" or
    "requested". A full task raises TaskFullError (its waitlist is the way in)."""
    if task.join_policy == "approval":
        request_to_join(task, member, note, now)
        return "requested"
    join_task(task, member, note, now)
    return "joined"


def join_or_wait(task: Task, member: Membership, note: str,
                 now: datetime | None = None) -> Participation | WaitlistEntry:
    """Join if a place is free at this instant, otherwise queue on the waitlist."""
    try:
        return join_task(task, member, note, now)
    except TaskFullError:
        return join_waitlist(task, member, note, now)


def join_waitlist(task: Task, member: Membership, note: str,
                  now: datetime | None = None) -> Participation | WaitlistEntry:
    note = _check_note(note)
    if task.join_policy != "open":
        raise NotAllowedError("Approval tasks have no waitlist: send a request instead.")
    hold_member(member)
    _refuse_if_in(task, member)
    if _take_place(task):  # a place freed since the page was shown
        participation = _add_participant(task, member.id, note, now)
        record_event(task.partnership_id, "joined", actor_id=member.id, subject_id=member.id,
                     task_id=task.id, working_group_id=task.working_group_id, now=now,
                     data={"note": note})
        return participation
    if not task.is_joinable:
        raise TaskClosedError()
    entry = WaitlistEntry(task_id=task.id, membership_id=member.id, note=note,
                          created_at=now or utcnow())
    db.session.add(entry)
    _flush_or_already_in()
    record_event(task.partnership_id, "waitlisted", actor_id=member.id, subject_id=member.id,
                 task_id=task.id, working_group_id=task.working_group_id, now=now)
    return entry


def leave_waitlist(task: Task, member: Membership) -> None:
    gone = db.session.execute(
        delete(WaitlistEntry).where(WaitlistEntry.task_id == task.id,
                                    WaitlistEntry.membership_id == member.id)
    ).rowcount
    if gone != 1:
        raise CoordinatorError("You are not on this task's waitlist.")
    record_event(task.partnership_id, "left_waitlist", actor_id=member.id,
                 subject_id=member.id, task_id=task.id)


def leave_task(task: Task, member: Membership, now: datetime | None = None) -> int | None:
    """Give up a place; the first person waiting takes it. Returns who was promoted."""
    if task.initiator_id == member.id and task.is_joinable:
        raise InitiatorMustHandOverError()
    return _vacate(task, member.id, now, actor_id=member.id, data={})


def release_place(task: Task, member_id: int, now: datetime | None = None) -> int | None:
    """Give a quiet place to the head of the waitlist (services.places decides when).
    Recorded as leaving, which it is for the team and its measures."""
    return _vacate(task, member_id, now, actor_id=None, data={"via": "released"})


def _vacate(task: Task, member_id: int, now: datetime | None, *, actor_id: int | None,
            data: dict) -> int | None:
    gone = db.session.execute(
        delete(Participation).where(Participation.task_id == task.id,
                                    Participation.membership_id == member_id,
                                    Participation.role == "contributor")
    ).rowcount
    if gone != 1:
        raise CoordinatorError("You are not part of this task.")
    record_event(task.partnership_id, "left", actor_id=actor_id, subject_id=member_id,
                 task_id=task.id, working_group_id=task.working_group_id, now=now, data=data)
    if task.is_joinable:
        promoted = _promote_one(task, now)
        if promoted is not None:
            return promoted
    # With nobody left, an active task is back to recruiting.
    db.session.execute(
        update(Task).where(Task.id == task.id, Task.filled > 0)
        .values(filled=Task.filled - 1,
                status=case((and_(Task.filled == 1, Task.status == "active"), "open"),
                            else_=Task.status))
    )
    db.session.refresh(task)
    return None


def promote_from_waitlist(task: Task, now: datetime | None = None) -> list[int]:
    """Fill free places (after a capacity raise) from the head of the waitlist."""
    promoted: list[int] = []
    while _has_waiting(task) and _take_place(task):
        member_id = _promote_one(task, now)
        if member_id is None:  # the queue emptied under us: give the place back
            db.session.execute(update(Task).where(Task.id == task.id)
                               .values(filled=Task.filled - 1))
            break
        promoted.append(member_id)
    db.session.refresh(task)
    return promoted


def request_to_join(task: Task, member: Membership, note: str,
                    now: datetime | None = None) -> JoinRequest:
    note = _check_note(note)
    if task.join_policy != "approval":
        raise CoordinatorError("This task is open: join it directly.")
    if not task.is_joinable:
        raise TaskClosedError()
    _refuse_if_in(task, member)
    request = JoinRequest(task_id=task.id, membership_id=member.id, note=note,
                          created_at=now or utcnow())
    db.session.add(request)
    try:
        db.session.flush()
    except IntegrityError:
        raise CoordinatorError("You already have a request waiting on this task.") from None
    record_event(task.partnership_id, "join_requested", actor_id=member.id,
                 subject_id=member.id, task_id=task.id, working_group_id=task.working_group_id,
                 now=now)
    return request


def withdraw_request(request: JoinRequest, member: Membership) -> None:
    if request.membership_id != member.id:
        raise NotAllowedError()
    _decide(request, "withdrawn", member, "")


def accept_request(request: JoinRequest, actor: Membership,
                   now: datetime | None = None) -> Participation:
    task = request.task
    _require_initiator(task, actor)
    _decide(request, "accepted", actor, "", now)
    if not _take_place(task):
        raise _why_no_place(task)
    participation = _add_participant(task, request.membership_id, request.note, now)
    record_event(task.partnership_id, "joined", actor_id=actor.id,
                 subject_id=request.membership_id, task_id=task.id,
                 working_group_id=task.working_group_id, now=now, data={"via": "request"})
    return participation


def decline_request(request: JoinRequest, actor: Membership, reason: str,
                    now: datetime | None = None) -> None:
    _require_initiator(request.task, actor)
    _decide(request, "declined", actor, _check_note(reason, required=False), now)


def hand_over(task: Task, actor: Membership, successor_id: int, *, stay: bool,
              now: datetime | None = None) -> int | None:
    """Make a contributor the initiator, in one transaction.

    The successor's place becomes the old initiator's if they stay on the team; if they
    leave, it is free, and the head of the waitlist takes it. Returns who was promoted.
    """
    _require_initiator(task, actor)
    if not task.is_joinable:
        raise TaskClosedError()
    moved = db.session.execute(
        update(Participation)
        .where(Participation.task_id == task.id, Participation.membership_id == successor_id,
               Participation.role == "contributor")
        .values(role="initiator")
    ).rowcount
    if moved != 1:
        raise InvalidInputError("Choose someone who has joined the task.", field="successor")
    db.session.execute(
        update(Participation)
        .where(Participation.task_id == task.id, Participation.membership_id == actor.id)
        .values(role="contributor")
    )
    db.session.execute(update(Task).where(Task.id == task.id).values(initiator_id=successor_id))
    record_event(task.partnership_id, "handed_over", actor_id=actor.id, subject_id=successor_id,
                 task_id=task.id, working_group_id=task.working_group_id, now=now,
                 data={"stays": stay})
    db.session.refresh(task)
    if stay:
        return None
    return _vacate(task, actor.id, now, actor_id=actor.id, data={"via": "hand_over"})


def _take_place(task: Task) -> bool:
    taken = db.session.execute(
        update(Task)
        .where(Task.id == task.id, Task.status.in_(("open", "active")),
               Task.filled < Task.capacity)
        .values(filled=Task.filled + 1, status="active")
        .execution_options(synchronize_session=False)
    ).rowcount
    return taken == 1


def _add_participant(task: Task, member_id: int, note: str,
                     now: datetime | None) -> Participation:
    joined_at = now or utcnow()
    participation = Participation(task_id=task.id, membership_id=member_id, note=note,
                                  role="contributor", joined_at=joined_at,
                                  last_active_at=joined_at)
    db.session.add(participation)
    _flush_or_already_in()
    db.session.refresh(task)
    return participation


def _promote_one(task: Task, now: datetime | None) -> int | None:
    """Move the head of the waitlist into the team; the caller holds the place for them."""
    while True:
        head = db.session.execute(
            select(WaitlistEntry.id, WaitlistEntry.membership_id, WaitlistEntry.note)
            .where(WaitlistEntry.task_id == task.id)
            .order_by(WaitlistEntry.id).limit(1)
        ).first()
        if head is None:
            return None
        # Another leaver may promote the same person concurrently: whoever deletes wins.
        if not db.session.execute(delete(WaitlistEntry)
                                  .where(WaitlistEntry.id == head.id)).rowcount:
            continue
        # Someone already on the team (a state older releases could leave) just leaves
        # the queue; the place goes to the next in line.
        if not db.session.scalar(select(Participation.id).where(
                Participation.task_id == task.id,
                Participation.membership_id == head.membership_id)):
            break
    joined_at = now or utcnow()
    db.session.add(Participation(task_id=task.id, membership_id=head.membership_id,
                                 note=head.note, role="contributor", joined_at=joined_at,
                                 last_active_at=joined_at))
    db.session.flush()
    record_event(task.partnership_id, "joined", subject_id=head.membership_id, task_id=task.id,
                 working_group_id=task.working_group_id, now=now, data={"via": "waitlist"})
    return head.membership_id


def _has_waiting(task: Task) -> bool:
    return db.session.scalar(
        select(WaitlistEntry.id).where(WaitlistEntry.task_id == task.id).limit(1)
    ) is not None


def _decide(request: JoinRequest, status: str, actor: Membership, reason: str,
            now: datetime | None = None) -> None:
    decided = db.session.execute(
        update(JoinRequest)
        .where(JoinRequest.id == request.id, JoinRequest.status == "pending")
        .values(status=status, reason=reason, decided_at=now or utcnow(),
                decided_by_id=actor.id)
    ).rowcount
    if decided != 1:
        raise CoordinatorError("This request has already been answered.")
    task = request.task
    record_event(task.partnership_id, f"request_{status}", actor_id=actor.id,
                 subject_id=request.membership_id, task_id=task.id,
                 working_group_id=task.working_group_id, now=now, data={"reason": reason})
    db.session.refresh(request)


def _why_no_place(task: Task) -> CoordinatorError:
    db.session.refresh(task)
    return TaskFullError(task_id=task.id) if task.is_joinable else TaskClosedError()


def hold_member(member: Membership) -> None:
    """Run one member's joining actions one after the other.

    Two submits of "join" and "join waitlist" (two tabs, a double click) would otherwise
    both pass the "already in?" check before either writes, and put the member on the
    team and the waitlist at once. A no-op UPDATE of the member's row takes its row lock
    (PostgreSQL) or the write lock (SQLite) until commit, so the second action waits and
    then sees the first.
    """
    hold_rows(Membership, Membership.id == member.id)


def _refuse_if_in(task: Task, member: Membership) -> None:
    # Friendly early message only; the UNIQUE constraints are what guarantee it.
    if db.session.scalar(select(Participation.id).where(
            Participation.task_id == task.id, Participation.membership_id == member.id)):
        raise AlreadyInError()
    if db.session.scalar(select(WaitlistEntry.id).where(
            WaitlistEntry.task_id == task.id, WaitlistEntry.membership_id == member.id)):
        raise AlreadyInError("You are already on this task's waitlist.")


def _flush_or_already_in() -> None:
    try:
        db.session.flush()
    except IntegrityError:
        raise AlreadyInError() from None


def _check_note(note: str, required: bool = True) -> str:
    note = (note or "").strip()
    if required and not note:
        raise InvalidInputError("Say in a line why you qualify.", field="note")
    if len(note) > MAX_NOTE:
        raise InvalidInputError(f"Keep it to {MAX_NOTE} characters.", field="note")
    return note


def _require_initiator(task: Task, actor: Membership) -> None:
    if task.initiator_id != actor.id:
        raise NotAllowedError("Only the task's initiator can do that.")
