"""Digests sent in batches (issue 6, at scale): what the planner's jobs and
`flask send-digests` do. A batch reads its rows' members and activity a page at a time,
keeps one SMTP connection, and must still give each member exactly their own digest.

Clocks are fixed (NOW: Monday 2026-11-23 08:00 UTC, an hour after the default weekly
digest fell due); mail goes to a real SMTP server in this process (aiosmtpd).
"""

from __future__ import annotations

import socket
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

import coordinator.services.digests.batch as batches
import coordinator.services.digests.outbox as digests
import workers.digests as jobs
from coordinator.extensions import db
from coordinator.models import DigestDelivery
from coordinator.services import activity, joining
from coordinator.services import tasks as task_service
from coordinator.services.digests.pages import Page
from coordinator.services.digests.planner import plan
from tests.smtp import Recorder, free_port, serve

NOW = datetime(2026, 11, 23, 8, tzinfo=UTC)
LAST_WEEK = datetime(2026, 11, 16, 7, tzinfo=UTC)


class CountingRecorder(Recorder):
    """Counts the connections (one EHLO each) and NOOPs it is sent."""

    def __init__(self):
        super().__init__()
        self.greetings = 0
        self.noops = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.greetings += 1
        session.host_name = hostname
        return responses

    async def handle_NOOP(self, server, session, envelope, arg):
        self.noops += 1
        return "250 OK"


@pytest.fixture
def smtp(app):
    recorder = CountingRecorder()
    controller = serve(app, recorder)
    yield recorder
    controller.stop()


def _task(initiator, title, at):
    return task_service.create_task(initiator, task_service.TaskInput(
        title=title, description="", tags=["hydrology"], capacity=6, due_on=None,
        effort_hours=None, join_policy="open", working_group_id=None), now=at)


@pytest.fixture
def team(make):
    """Four people on one task; everyone's digest has news to tell."""
    partnership = make.partnership(slug="delta", name="Delta Partnership")
    people = [make.member(partnership, email=f"d{n}@example.org", name=f"Delta {n}",
                          tags=("hydrology",)) for n in range(4)]
    task = _task(people[0], "Survey the delta", LAST_WEEK - timedelta(days=3))
    for person in people[1:]:
        joining.join_task(task, person, "Hydrologist", now=LAST_WEEK + timedelta(hours=1))
    make.commit()
    return partnership, people, task


def _rows() -> dict[int, DigestDelivery]:
    db.session.expire_all()
    return {row.membership_id: row for row in db.session.scalars(
        select(DigestDelivery).where(DigestDelivery.period_key == "2026-W48"))}


def _planned() -> list[int]:
    ids = plan(NOW).ids
    db.session.commit()
    return ids


def _send_all(ids: list[int]) -> dict[int, digests.Outcome]:
    """As the job does: one batch, then goodbye to the SMTP server."""
    with batches.Batch() as batch:
        return digests.send_batch(ids, NOW, batch)


def _text_to(recorder, address: str) -> str:
    (message,) = [m for m in recorder.messages if m["To"].addresses[0].addr_spec == address]
    return message.get_body(preferencelist=("plain",)).get_content()


def test_one_page_tells_each_member_the_news_since_their_own_last_digest(smtp, team):
    partnership, people, task = team
    first, second = people[1], people[2]
    # Wednesday: `first` got last week's digest put together then; `second` never got one.
    db.session.add(DigestDelivery(
        partnership_id=partnership.id, membership_id=first.id, kind="member",
        frequency="weekly", period_key="2026-W47", due_at=LAST_WEEK,
        status="sent", submitted_at=LAST_WEEK + timedelta(days=2), attempts=1))
    activity.add_comment(task, people[3], "Tuesday note", now=LAST_WEEK + timedelta(days=1))
    activity.add_comment(task, people[3], "Friday note", now=LAST_WEEK + timedelta(days=4))
    db.session.commit()

    outcomes = _send_all(_planned())

    assert [o.status for o in outcomes.values()] == ["sent"] * 4
    first_news = _text_to(smtp, first.user.email)
    second_news = _text_to(smtp, second.user.email)
    assert first_news.count("Delta 3 commented") == 1  # Friday only: Tuesday was told
    assert second_news.count("Delta 3 commented") == 2  # a first digest: the whole week
    assert "Delta 3 commented" not in _text_to(smtp, people[3].user.email)  # their own


def test_pages_smaller_than_the_batch_give_the_same_digests(smtp, team, monkeypatch):
    _, people, task = team
    activity.add_comment(task, people[0], "Plan ready", now=NOW - timedelta(hours=3))
    db.session.commit()
    monkeypatch.setattr(Page, "SIZE", 1)

    outcomes = _send_all(_planned())

    assert [o.status for o in outcomes.values()] == ["sent"] * 4
    for person in people[1:]:
        assert "Delta 0 commented" in _text_to(smtp, person.user.email)


def test_a_batch_uses_one_connection_and_no_noop_while_it_is_busy(smtp, team):
    with batches.Batch() as batch:
        outcomes = digests.send_batch(_planned(), NOW, batch)
    assert [o.status for o in outcomes.values()] == ["sent"] * 4
    assert (smtp.greetings, smtp.noops, len(smtp.messages)) == (1, 0, 4)


def test_an_idle_connection_that_died_is_replaced_before_sending(smtp, team, monkeypatch):
    first, *rest = _planned()
    with batches.Batch() as batch:
        assert digests.send(first, NOW, batch).status == "sent"
        # The line goes dead while idle, as when the server hangs up after its timeout.
        batch.smtp.sock.shutdown(socket.SHUT_RDWR)
        monkeypatch.setattr(batches, "CHECK_AFTER_IDLE_S", 0.0)  # "idle long enough" now

        outcomes = digests.send_batch(rest, NOW, batch)

    # Found out by the NOOP, not by a failed send: nothing is left "unknown".
    assert [o.status for o in outcomes.values()] == ["sent"] * 3
    assert smtp.greetings == 2 and len(smtp.messages) == 4
    assert {row.status for row in _rows().values()} == {"sent"}


def test_a_refused_connection_stops_the_batch_and_leaves_the_rest_untouched(app, team):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens
    ids = _planned()

    outcomes = _send_all(ids)

    assert {o.status for o in outcomes.values()} == {"pending"}
    rows = {row.id: row for row in _rows().values()}
    assert "ConnectionRefusedError" in rows[ids[0]].last_error
    assert [(rows[i].status, rows[i].attempts) for i in ids[1:]] == [("pending", 0)] * 3
    with pytest.raises(digests.TryAgainLater):  # the job: RQ retries it
        jobs.send_digests(ids)


def test_a_451_in_a_batch_retries_that_digest_alone(smtp, team):
    ids = _planned()
    smtp.replies.append("451 4.3.0 try later")

    with pytest.raises(digests.TryAgainLater):
        jobs.send_digests(ids)
    rows = {row.id: row for row in _rows().values()}
    assert rows[ids[0]].status == "pending"
    assert {rows[i].status for i in ids[1:]} == {"sent"}
    assert len(smtp.messages) == 3

    assert jobs.send_digests(ids) == {"sent": 1, "already handled": 3}
    addresses = [m["To"].addresses[0].addr_spec for m in smtp.messages]
    assert sorted(addresses) == sorted(p.user.email for p in team[1])


def test_a_commit_without_waiting_for_disk_commits_and_relaxes_only_itself(app, team):
    from sqlalchemy import text

    from coordinator.database import commit_without_waiting_for_disk

    _, people, _ = team
    db.session.add(DigestDelivery(
        partnership_id=people[0].partnership_id, membership_id=people[0].id, kind="member",
        frequency="weekly", period_key="2026-W47", due_at=LAST_WEEK, status="pending"))
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    if postgresql:
        assert db.session.scalar(text("SHOW synchronous_commit")) == "on"
    commit_without_waiting_for_disk()
    db.session.remove()  # a fresh session and connection see it committed
    assert db.session.scalar(select(DigestDelivery.status).where(
        DigestDelivery.period_key == "2026-W47")) == "pending"
    if postgresql:  # SET LOCAL ended with its transaction; the pool's connection is back
        assert db.session.scalar(text("SHOW synchronous_commit")) == "on"


def test_a_digest_that_cannot_be_put_together_fails_alone(smtp, team, monkeypatch):
    ids = _planned()
    build = digests.build_digest

    def broken_for_the_second(delivery, member, content):
        if delivery.id == ids[1]:
            raise ValueError("template trouble")
        return build(delivery, member, content)

    monkeypatch.setattr(digests, "build_digest", broken_for_the_second)
    outcomes = _send_all(ids)

    assert [outcomes[i].status for i in ids] == ["sent", "failed", "sent", "sent"]
    rows = {row.id: row for row in _rows().values()}
    assert rows[ids[1]].status == "failed"
    assert "ValueError: template trouble" in rows[ids[1]].last_error
    assert len(smtp.messages) == 3


def test_a_period_that_waited_is_not_told_again_by_the_next_one(smtp, team):
    partnership, people, task = team
    member = people[1]
    # Last week's digest never went out (the server kept saying "not now"); both wait.
    db.session.add(DigestDelivery(
        partnership_id=partnership.id, membership_id=member.id, kind="member",
        frequency="weekly", period_key="2026-W47", due_at=LAST_WEEK, status="pending"))
    activity.add_comment(task, people[3], "While W47 waited", now=LAST_WEEK + timedelta(days=1))
    db.session.commit()
    ids = sorted(db.session.scalars(select(DigestDelivery.id).where(
        DigestDelivery.membership_id == member.id)).all() + _planned())

    outcomes = _send_all(ids)

    told = [m for m in smtp.messages if m["To"].addresses[0].addr_spec == member.user.email]
    texts = [m.get_body(preferencelist=("plain",)).get_content() for m in told]
    # W47 tells of the comment; W48, sent in the same page right after, does not again.
    assert sum(text.count("Delta 3 commented") for text in texts) == 1
    assert {o.status for o in outcomes.values()} <= {"sent", "skipped"}


def test_the_sender_that_heard_the_server_settles_a_row_called_unknown_meanwhile(
        app, team):
    first = _planned()[0]

    class CalledUnknownDuringData(CountingRecorder):
        async def handle_DATA(self, server, session, envelope):
            # Another sender (a racing job) finds the row `submitting` while this DATA
            # is under way, and calls it unknown.
            def race():
                with app.app_context():
                    assert digests.send(first, NOW).status == "unknown"
                    db.session.remove()
            thread = threading.Thread(target=race)
            thread.start()
            thread.join(timeout=30)
            return await super().handle_DATA(server, session, envelope)

    recorder = CalledUnknownDuringData()
    controller = serve(app, recorder)
    try:
        assert digests.send(first, NOW).status == "sent"
    finally:
        controller.stop()
    row = next(r for r in _rows().values() if r.id == first)
    assert (row.status, row.attempts, len(recorder.messages)) == ("sent", 1, 1)


def test_a_batch_past_its_deadline_claims_nothing_more(smtp, team):
    ids = _planned()
    with batches.Batch() as batch:
        outcomes = digests.send_batch(ids, NOW, batch, deadline=time.monotonic() - 1)
    assert {o.detail for o in outcomes.values()} == {
        "not tried: out of time; the job's retry goes on"}
    assert {(r.status, r.attempts) for r in _rows().values()} == {("pending", 0)}


def test_the_planner_gives_up_on_a_row_that_never_finishes_rendering(team):
    plan(datetime(2026, 11, 23, 7, 5, tzinfo=UTC))
    row = next(iter(_rows().values()))
    row.status, row.attempts = "rendering", digests.GIVE_UP_AFTER
    db.session.commit()
    assert jobs.plan_digests("2026-11-23T08:00:00+00:00")["given up"] == 1
    row = next(r for r in _rows().values() if r.id == row.id)
    assert row.status == "failed" and "gave up after 5 attempts" in row.last_error


def test_a_member_who_unsubscribes_while_a_batch_runs_gets_nothing_more(smtp, team,
                                                                         monkeypatch):
    from coordinator.models import DigestPreference

    # From the next group on: a group is committed `submitting` before its first message
    # goes out, so the last member's row here is in the second group of two.
    monkeypatch.setattr(digests, "GROUP", 2)
    _, people, _ = team
    ids = _planned()
    last = people[3]

    def unsubscribe_after_the_first(_):
        # The one-click POST lands while the batch, its page already read, goes on.
        if len(smtp.messages) == 1:
            db.session.add(DigestPreference(membership_id=last.id, frequency="off"))
            db.session.commit()

    with batches.Batch() as batch:
        outcomes = digests.send_batch(ids, NOW, batch, progress=unsubscribe_after_the_first)

    statuses = {row.membership_id: outcomes[row.id].status for row in _rows().values()}
    assert statuses[last.id] == "skipped"
    assert sorted(v for k, v in statuses.items() if k != last.id) == ["sent"] * 3
    assert last.user.email not in [m["To"].addresses[0].addr_spec for m in smtp.messages]


# --- rows claimed a group at a time (issue 15, point 6) ---------------------------------


class SenderDied(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs, nothing catches it."""


def _statuses() -> dict[int, tuple[str, int]]:
    return {row.id: (row.status, row.attempts) for row in _rows().values()}


def test_one_statement_claims_the_group_and_each_message_commits_once(smtp, team,
                                                                      monkeypatch):
    from sqlalchemy import event

    ids = _planned()
    commits = []
    monkeypatch.setattr(digests.rows, "claim", _recording(digests.rows.claim, commits))
    def listener(session):
        commits.append("commit")

    event.listen(db.session, "after_commit", listener)
    try:
        outcomes = _send_all(ids)
    finally:
        event.remove(db.session, "after_commit", listener)

    assert [o.status for o in outcomes.values()] == ["sent"] * 4
    # The claim (one statement for the four rows) and its commit, one `submitting`
    # commit for the four (on disk before the server hears of any), and their `sent`.
    assert commits == ["claim", "commit", "commit", "commit"]
    assert set(_statuses().values()) == {("sent", 1)}


def _recording(function, calls: list):
    def recorded(*args, **kwargs):
        calls.append(function.__name__)
        return function(*args, **kwargs)
    return recorded


def test_two_senders_of_one_group_send_each_row_once(app, smtp, team, monkeypatch):
    ids = _planned()
    build = digests.build_digest
    second: dict[int, digests.Outcome] = {}

    def the_other_sender_runs_meanwhile(delivery, member, content):
        # The first sender has claimed all four rows and is rendering the first one when
        # a second sender (the CLI, or a retry racing a re-queue) takes on the same rows.
        if not second:
            monkeypatch.setattr(digests, "build_digest", build)

            def race():
                with app.app_context():
                    second.update(_send_all(ids))
                    db.session.remove()
            thread = threading.Thread(target=race)
            thread.start()
            thread.join(timeout=30)
        return build(delivery, member, content)

    monkeypatch.setattr(digests, "build_digest", the_other_sender_runs_meanwhile)
    first = _send_all(ids)

    # The second found the rows `rendering` and claimed each again, one at a time; the
    # first, its claims overtaken, sends none of them.
    assert [second[i].status for i in ids] == ["sent"] * 4
    assert [first[i].status for i in ids] == ["taken over"] * 4
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp.messages) == sorted(
        p.user.email for p in team[1])
    assert set(_statuses().values()) == {("sent", 2)}


def test_a_sender_that_died_after_its_claim_leaves_rows_the_retry_sends_once(smtp, team):
    ids = _planned()
    assert sorted(digests.rows.claim(ids)) == ids  # ...and then the sender was killed
    assert set(_statuses().values()) == {("rendering", 1)}
    # Without a retry, the planner lists them again once they are 15 minutes overdue.
    assert sorted(i for batch in digests.plan_due(NOW).batches for i, _ in batch) == ids

    assert jobs.send_digests(ids) == {"sent": 4}  # RQ's retry of the job

    assert set(_statuses().values()) == {("sent", 2)}
    assert len(smtp.messages) == 4
    # Idempotent: the job run once more (RQ is at-least-once) sends nothing more.
    assert jobs.send_digests(ids) == {"already handled": 4}
    assert len(smtp.messages) == 4 and set(_statuses().values()) == {("sent", 2)}


def test_a_digest_that_kills_its_sender_uses_up_only_its_own_attempts(smtp, team,
                                                                      monkeypatch):
    ids = _planned()
    poison = ids[0]
    build = digests.build_digest

    def kills_the_sender(delivery, member, content):
        if delivery.id == poison:
            raise SenderDied
        return build(delivery, member, content)

    monkeypatch.setattr(digests, "build_digest", kills_the_sender)
    for _ in range(digests.GIVE_UP_AFTER):  # RQ's retries, then the planner's re-queues
        with pytest.raises(SenderDied):
            jobs.send_digests(ids)
        db.session.rollback()  # what the dead process had not committed is gone
    # The first death left the whole group rendering; after it, a row found rendering is
    # claimed alone, so only the poison row counted the later deaths.
    assert _statuses() == {poison: ("rendering", 5), **{i: ("rendering", 1) for i in ids[1:]}}

    assert jobs.plan_digests(NOW.isoformat())["given up"] == 1
    rows = {row.id: row for row in _rows().values()}
    assert rows[poison].status == "failed" and "gave up" in rows[poison].last_error
    assert {i: (rows[i].status, rows[i].attempts) for i in ids[1:]} == {
        i: ("sent", 2) for i in ids[1:]}
    assert len(smtp.messages) == 3


class MixedReplies(CountingRecorder):
    """Refuses one recipient, answers 550 to another's message, takes the rest."""

    def __init__(self, refused: str, rejected: str):
        super().__init__()
        self.refused, self.rejected = refused, rejected

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refused:
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if envelope.rcpt_tos == [self.rejected]:
            return "550 5.7.1 message refused"
        return await super().handle_DATA(server, session, envelope)


def test_each_message_of_a_group_is_recorded_as_it_ended(app, team):
    _, people, _ = team
    refused, rejected = people[1].user.email, people[2].user.email
    recorder = MixedReplies(refused, rejected)
    controller = serve(app, recorder)
    try:
        outcomes = _send_all(_planned())
    finally:
        controller.stop()

    by_member = {row.membership_id: row for row in _rows().values()}
    results = {p.user.email: (outcomes[by_member[p.id].id].status, by_member[p.id].status)
               for p in people}
    assert results == {people[0].user.email: ("sent", "sent"), refused: ("failed", "failed"),
                       rejected: ("failed", "failed"), people[3].user.email: ("sent", "sent")}
    assert refused in by_member[people[1].id].last_error
    assert "550" in by_member[people[2].id].last_error
    assert by_member[people[0].id].sent_at is not None
    assert sorted(m["To"].addresses[0].addr_spec for m in recorder.messages) == sorted(
        [people[0].user.email, people[3].user.email])


def test_sending_a_group_twice_sends_nothing_more_and_changes_no_row(app, team):
    _, people, _ = team
    recorder = MixedReplies(people[1].user.email, "")
    controller = serve(app, recorder)
    try:
        ids = _planned()
        _send_all(ids)
        before = {row.id: (row.status, row.attempts, row.sent_at, row.last_error)
                  for row in _rows().values()}
        again = _send_all(ids)
    finally:
        controller.stop()

    assert {o.detail for o in again.values()} == {digests.ALREADY}
    assert {row.id: (row.status, row.attempts, row.sent_at, row.last_error)
            for row in _rows().values()} == before
    assert len(recorder.messages) == 3


def test_a_sender_that_dies_mid_group_leaves_that_group_unknown_and_the_rest_pending(
        smtp, team, monkeypatch):
    monkeypatch.setattr(digests, "GROUP", 2)
    ids = _planned()
    hand_over = digests._hand_over
    handed = []

    def dies_on_the_second(batch, message, settle, moves):
        handed.append(message["To"])
        if len(handed) == 2:
            raise SenderDied  # killed while the server has the second message
        return hand_over(batch, message, settle, moves)

    monkeypatch.setattr(digests, "_hand_over", dies_on_the_second)
    with pytest.raises(SenderDied):
        jobs.send_digests(ids)
    db.session.rollback()
    monkeypatch.setattr(digests, "_hand_over", hand_over)
    # The first group was committed `submitting` before its first message went out; the
    # second group was never claimed.
    assert _statuses() == {ids[0]: ("submitting", 1), ids[1]: ("submitting", 1),
                           ids[2]: ("pending", 0), ids[3]: ("pending", 0)}

    assert jobs.send_digests(ids) == {"unknown": 2, "sent": 2}  # RQ's retry

    # In doubt, never sent twice: the first member has theirs (its `sent` was not written
    # yet), the second gets none this week; admins see both as unknown.
    assert _statuses() == {ids[0]: ("unknown", 1), ids[1]: ("unknown", 1),
                           ids[2]: ("sent", 1), ids[3]: ("sent", 1)}
    email_of = {p.id: p.user.email for p in team[1]}
    member_of = {row.id: row.membership_id for row in _rows().values()}
    received = sorted(m["To"].addresses[0].addr_spec for m in smtp.messages)
    assert received == sorted(email_of[member_of[i]] for i in (ids[0], ids[2], ids[3]))


def test_partnerships_take_turns_in_the_planners_batches(team, make, monkeypatch):
    """A small partnership's digests wait behind one batch of a big one, not all of them."""
    big_partnership, big_people, _ = team
    small = make.partnership(slug="brook", name="Brook")
    make.member(small, email="b0@example.org", name="Brook 0", tags=("gis",))
    make.commit()
    monkeypatch.setattr(digests, "JOB_ROWS", 2)
    batches_ = digests.plan_due(NOW).batches
    owner = {row.id: row.partnership_id for row in db.session.scalars(select(DigestDelivery))}
    order = [owner[batch[0][0]] for batch in batches_]
    assert all(len({owner[i] for i, _ in batch}) == 1 for batch in batches_)
    assert order == [big_partnership.id, small.id, big_partnership.id]
    assert sorted(owner[i] for batch in batches_ for i, _ in batch) == sorted(
        [big_partnership.id] * len(big_people) + [small.id])
