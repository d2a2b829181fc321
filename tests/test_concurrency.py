"""Many people claiming the last places at once: exactly `capacity` get in.

Runs on whichever database the suite runs on; CI runs it on SQLite and PostgreSQL.
"""

import threading
from collections import Counter

from sqlalchemy import func, select

from coordinator.extensions import db
from coordinator.models import Membership, Participation, Task, WaitlistEntry
from coordinator.services.joining import join_or_wait, leave_task

RACERS = 30


def _all_at_once(app, action, member_ids: list[int]) -> dict[int, object]:
    """Run action(task, member) for every member in its own thread and session, together."""
    barrier = threading.Barrier(len(member_ids))
    outcomes: dict[int, object] = {}
    failures: list[BaseException] = []

    def run(member_id: int) -> None:
        with app.app_context():
            try:
                # Wait before touching the pool, so no thread holds a connection here.
                barrier.wait(timeout=30)
                outcomes[member_id] = action(db.session.get(Membership, member_id))
                db.session.commit()
            except BaseException as exc:  # collected and re-raised in the main thread
                failures.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(mid,)) for mid in member_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    return outcomes


def _race(app, task_id: int, member_ids: list[int]) -> dict[int, str]:
    def claim(member):
        result = join_or_wait(db.session.get(Task, task_id), member, "I have done this before")
        return type(result).__name__

    return _all_at_once(app, claim, member_ids)


def test_thirty_racers_for_three_places(app, make):
    partnership = make.partnership()
    initiator = make.member(partnership)
    racers = [make.member(partnership).id for _ in range(RACERS)]
    task = make.task(initiator, capacity=3)
    make.commit()

    outcomes = _race(app, task.id, racers)

    assert Counter(outcomes.values()) == {"Participation": 3, "WaitlistEntry": RACERS - 3}
    db.session.expire_all()
    task = db.session.get(Task, task.id)
    assert task.filled == 3
    contributors = db.session.scalars(select(Participation.membership_id).where(
        Participation.task_id == task.id, Participation.role == "contributor")).all()
    assert sorted(contributors) == sorted(m for m, o in outcomes.items() if o == "Participation")
    # Arrival order is insertion order (the id); the next test shows promotion follows it.
    queue = db.session.scalars(select(WaitlistEntry.membership_id)
                               .where(WaitlistEntry.task_id == task.id)
                               .order_by(WaitlistEntry.id)).all()
    assert sorted(queue) == sorted(m for m, o in outcomes.items() if o == "WaitlistEntry")


def test_places_freed_go_to_the_head_of_the_queue_in_order(app, make):
    partnership = make.partnership()
    initiator = make.member(partnership)
    racers = [make.member(partnership).id for _ in range(RACERS)]
    task = make.task(initiator, capacity=3)
    make.commit()
    _race(app, task.id, racers)
    db.session.expire_all()
    queue = db.session.scalars(select(WaitlistEntry.membership_id).where(
        WaitlistEntry.task_id == task.id).order_by(WaitlistEntry.id)).all()
    contributors = db.session.scalars(select(Participation.membership_id).where(
        Participation.task_id == task.id, Participation.role == "contributor")).all()

    for leaver in contributors:
        leave_task(db.session.get(Task, task.id), db.session.get(Membership, leaver))
        db.session.commit()

    now_in = db.session.scalars(select(Participation.membership_id).where(
        Participation.task_id == task.id, Participation.role == "contributor")
        .order_by(Participation.id)).all()
    assert now_in == queue[:3]
    assert db.session.get(Task, task.id).filled == 3
    assert db.session.scalar(select(func.count()).select_from(WaitlistEntry)) == RACERS - 6


def test_concurrent_leavers_promote_distinct_people(app, make):
    partnership = make.partnership()
    initiator = make.member(partnership)
    task = make.task(initiator, capacity=4)
    team = [make.member(partnership) for _ in range(4)]
    waiting = [make.member(partnership) for _ in range(4)]
    for member in team + waiting:
        join_or_wait(task, member, "ready")
    make.commit()
    _all_at_once(app, lambda member: leave_task(db.session.get(Task, task.id), member),
                 [m.id for m in team])

    db.session.expire_all()
    now_in = db.session.scalars(select(Participation.membership_id).where(
        Participation.task_id == task.id, Participation.role == "contributor")).all()
    assert sorted(now_in) == sorted(m.id for m in waiting)
    assert db.session.get(Task, task.id).filled == 4
