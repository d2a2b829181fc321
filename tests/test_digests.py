"""Email digests (issue 6) end to end: settings, planner, sender, message, one-click
unsubscribe, previews, the outbox page and `flask send-digests`.

Every clock is fixed: NOW is Monday 2026-11-23 08:00 UTC, an hour after the default weekly
digest (ISO week 2026-W48, Mondays 07:00 local) fell due. Mail goes through a real SMTP
server in the test process (aiosmtpd) unless a test says otherwise.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import re
import time
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import itsdangerous
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from coordinator.domain.digests.periods import HOUR_WANTED, TIMEZONE_UNKNOWN
from coordinator.extensions import db
from coordinator.models import Alert, DigestDelivery, DigestPreference, Membership
from coordinator.services import activity, joining
from coordinator.services import tasks as task_service
from coordinator.services.digests.message import unsubscribe_token
from coordinator.services.digests.outbox import TryAgainLater, send
from coordinator.services.digests.planner import plan
from coordinator.tokens import make_token, read_token
from tests.smtp import Recorder, free_port, serve
from workers.digests import plan_digests, send_digests

NOW = datetime(2026, 11, 23, 8, tzinfo=UTC)  # Monday of ISO week 2026-W48
DUE = datetime(2026, 11, 23, 7, tzinfo=UTC)  # the default weekly send moment (UTC, 07:00)
SATURDAY = datetime(2026, 11, 21, 10, tzinfo=UTC)  # activity during the week before
FIT_TITLE = "Map the dikes"
FIT_HEADING = "NEW TASKS THAT FIT WHAT YOU KNOW"
DAY = 24 * 3600


# --- a real SMTP server that also records envelopes --------------------------------------


class EnvelopeRecorder(Recorder):
    """tests.smtp.Recorder, plus the envelope (MAIL FROM, RCPT TO) and raw bytes it took."""

    def __init__(self):
        super().__init__()
        self.envelopes: list[tuple[str, list[str]]] = []
        self.raw: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        reply = await super().handle_DATA(server, session, envelope)
        if reply.startswith("250"):
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.raw.append(envelope.content)
        return reply


class HangUpAfterData(EnvelopeRecorder):
    """Takes the whole message, then drops the connection before answering, once:
    the client cannot know whether it was accepted."""

    def __init__(self):
        super().__init__()
        self.hang_up = True

    async def handle_DATA(self, server, session, envelope):
        reply = await super().handle_DATA(server, session, envelope)
        if self.hang_up:
            self.hang_up = False
            server.transport.close()
        return reply


class RefuseRecipients(EnvelopeRecorder):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 5.1.1 no such user here"


@pytest.fixture
def smtp(app):
    recorder = EnvelopeRecorder()
    controller = serve(app, recorder)
    yield recorder
    controller.stop()


# --- data ------------------------------------------------------------------------------------


def _task(initiator, title, tags=(), at=SATURDAY, **fields):
    """coordinator.services.tasks.create_task at a fixed moment."""
    values = {"title": title, "description": "", "tags": list(tags), "capacity": 3,
              "due_on": None, "effort_hours": None, "join_policy": "open",
              "working_group_id": None} | fields
    return task_service.create_task(initiator, task_service.TaskInput(**values), now=at)


@pytest.fixture
def river(make):
    """Ada (admin), Ana (a gis task fits her) and Ben (nothing to tell him)."""
    partnership = make.partnership(slug="river", name="River Partnership")
    ada = make.member(partnership, role="admin", email="ada@example.org", name="Ada Admin",
                      tags=("hydrology",))
    ana = make.member(partnership, email="ana@example.org", name="Ana Alves",
                      tags=("gis",))
    ben = make.member(partnership, email="ben@example.org", name="Ben Berg")
    fit = _task(ada, FIT_TITLE, tags=("gis", "hydrology"))
    make.commit()
    return SimpleNamespace(partnership=partnership, ada=ada, ana=ana, ben=ben, fit=fit,
                           ids=SimpleNamespace(ada=ada.id, ana=ana.id, ben=ben.id))


def _rows(**where) -> list[DigestDelivery]:
    db.session.expire_all()
    query = select(DigestDelivery).order_by(DigestDelivery.id)
    for name, value in where.items():
        query = query.where(getattr(DigestDelivery, name) == value)
    return list(db.session.scalars(query))


def _row(member_id: int, kind: str = "member") -> DigestDelivery:
    (row,) = _rows(membership_id=member_id, kind=kind)
    return row


def _count_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(DigestDelivery))


def _plan_and_send(now: datetime) -> dict[int, str]:
    """What the scheduler and the RQ jobs do, synchronously: plan, then send each new row."""
    planned = plan(now)
    db.session.commit()
    return {delivery_id: send(delivery_id, now).status for delivery_id in planned.ids}


def _prefs(member_id: int) -> DigestPreference | None:
    db.session.expire_all()
    return db.session.get(DigestPreference, member_id)


def _set_prefs(member: Membership, **values) -> None:
    row = db.session.get(DigestPreference, member.id) or DigestPreference(
        membership_id=member.id)
    for name, value in values.items():
        setattr(row, name, value)
    db.session.add(row)
    db.session.commit()


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def _to(recorder, address: str):
    (message,) = [m for m in recorder.messages
                  if [a.addr_spec for a in m["To"].addresses] == [address]]
    return message


def _field_error(page: str, field_id: str) -> str | None:
    found = re.search(rf'id="{field_id}-error-1"[^>]*>([^<]*)<', page)
    return found.group(1) if found else None


# --- 1. preferences page -------------------------------------------------------------------


def test_settings_page_shows_the_defaults(client, auth, river):
    auth.login("ana@example.org")
    page = client.get("/p/river/digest")
    assert page.status_code == 200
    assert re.search(r'<input[^>]*checked[^>]*value="weekly"|<input[^>]*value="weekly"[^>]*'
                     r'checked', page.text)
    assert re.search(r'<input[^>]*id="timezone"[^>]*value="UTC"', page.text)
    assert re.search(r'<input[^>]*id="send_hour"[^>]*value="7"', page.text)
    assert _prefs(river.ids.ana) is None  # defaults are not stored until saved


def test_saving_valid_settings(client, auth, river):
    auth.login("ana@example.org")
    response = client.post("/p/river/digest", data={
        "frequency": "daily", "timezone": "Europe/Amsterdam", "send_hour": "18",
        "fit_tasks": "y", "due_dates": "y"})
    assert response.status_code == 302
    saved = _prefs(river.ids.ana)
    assert (saved.frequency, saved.timezone, saved.send_hour) == ("daily",
                                                                 "Europe/Amsterdam", 18)
    assert (saved.fit_tasks, saved.bridge_tasks, saved.task_news, saved.due_dates) == (
        True, False, False, True)
    page = client.get("/p/river/digest").text
    assert re.search(r'<input[^>]*id="send_hour"[^>]*value="18"', page)


@pytest.mark.parametrize(("timezone", "hour", "field", "message"), [
    ("Mars/Olympus", "7", "timezone", TIMEZONE_UNKNOWN),
    ("", "7", "timezone", "required"),
    ("UTC", "25", "send_hour", HOUR_WANTED),
    ("UTC", "7.5", "send_hour", HOUR_WANTED),
])
def test_bad_time_zone_or_hour_is_refused_under_its_field(client, auth, river, timezone,
                                                          hour, field, message):
    auth.login("ana@example.org")
    response = client.post("/p/river/digest", data={
        "frequency": "daily", "timezone": timezone, "send_hour": hour, "fit_tasks": "y"})
    assert response.status_code == 422
    error = _field_error(response.text, field)
    assert error is not None and message in error
    other = "send_hour" if field == "timezone" else "timezone"
    assert _field_error(response.text, other) is None
    assert _prefs(river.ids.ana) is None  # nothing stored, not even the valid fields


def test_bad_settings_keep_what_was_saved_before(client, auth, river):
    auth.login("ana@example.org")
    client.post("/p/river/digest", data={"frequency": "daily", "timezone": "Asia/Tokyo",
                                         "send_hour": "6", "task_news": "y"})
    response = client.post("/p/river/digest", data={
        "frequency": "off", "timezone": "Mars/Olympus", "send_hour": "9"})
    assert response.status_code == 422
    saved = _prefs(river.ids.ana)
    assert (saved.frequency, saved.timezone, saved.send_hour, saved.task_news) == (
        "daily", "Asia/Tokyo", 6, True)


def test_bad_time_zone_and_bad_hour_each_get_a_message(client, auth, river):
    auth.login("ana@example.org")
    response = client.post("/p/river/digest", data={
        "frequency": "daily", "timezone": "Mars/Olympus", "send_hour": "25"})
    assert response.status_code == 422
    assert TIMEZONE_UNKNOWN in (_field_error(response.text, "timezone") or "")
    assert HOUR_WANTED in (_field_error(response.text, "send_hour") or "")


def test_toggles_saved_on_the_page_shape_what_is_sent(client, auth, smtp, river):
    survey = _task(river.ada, "Survey the levees", tags=("survey",),
                   due_on=date(2026, 11, 26))
    joining.join_task(survey, river.ana, "I can come", now=SATURDAY + timedelta(hours=1))
    db.session.commit()
    auth.login("ana@example.org")
    assert client.post("/p/river/digest", data={
        "frequency": "weekly", "timezone": "UTC", "send_hour": "7", "bridge_tasks": "y",
        "task_news": "y", "due_dates": "y"}).status_code == 302  # fit_tasks unticked

    assert _plan_and_send(NOW)[_row(river.ids.ana).id] == "sent"
    message = _to(smtp, "ana@example.org")
    text, html = _text(message), _html(message)
    assert FIT_HEADING not in text and "fit what you know" not in html
    assert "DUE IN THE NEXT 7 DAYS" in text and "Survey the levees" in text
    # The task still appears, but as a bridge (Ana brings "gis", which the team lacks).
    assert "WHERE YOU WOULD BRING SOMETHING NEW" in text


def test_a_member_who_saved_settings_gets_alerts_once_made_coordinator(client, auth, river):
    auth.login("ben@example.org")
    assert client.post("/p/river/digest", data={
        "frequency": "daily", "timezone": "UTC", "send_hour": "7", "fit_tasks": "y",
        "bridge_tasks": "y", "task_news": "y", "due_dates": "y"}).status_code == 302
    ben = db.session.get(Membership, river.ids.ben)
    ben.role = "coordinator"
    db.session.commit()
    plan(NOW)
    db.session.commit()
    assert sorted(r.kind for r in _rows(membership_id=river.ids.ben)) == [
        "coordinator", "member"]


def test_with_every_section_turned_off_nothing_is_sent(client, auth, smtp, river):
    auth.login("ana@example.org")
    assert client.post("/p/river/digest", data={
        "frequency": "weekly", "timezone": "UTC", "send_hour": "7"}).status_code == 302
    assert _plan_and_send(NOW)[_row(river.ids.ana).id] == "skipped"
    assert smtp.messages == []


# --- 2. planner ------------------------------------------------------------------------------


def test_nothing_is_planned_before_the_local_send_hour(river):
    assert plan(DUE - timedelta(seconds=1)).ids == []
    assert _count_rows() == 0
    at_seven = plan(DUE)
    assert at_seven.planned["member"] == 3
    row = _row(river.ids.ana)
    assert (row.kind, row.frequency, row.period_key, row.status) == (
        "member", "weekly", "2026-W48", "pending")
    assert row.due_at == DUE


def test_planning_twice_inserts_nothing_twice(river):
    first = plan(NOW)
    db.session.commit()
    assert first.ids and sum(first.planned.values()) == len(first.ids) == 4
    for later in (NOW, NOW + timedelta(minutes=15), NOW + timedelta(days=6)):
        again = plan(later)
        db.session.commit()
        assert again.ids == [] and not again.planned
    assert _count_rows() == 4
    # The database refuses a second row for the same member, kind and period by itself.
    db.session.add(DigestDelivery(partnership_id=river.partnership.id,
                                  membership_id=river.ids.ana, kind="member",
                                  frequency="weekly", period_key="2026-W48", due_at=DUE))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_next_period_is_planned_at_its_own_moment(river):
    plan(NOW)
    db.session.commit()
    next_monday = DUE + timedelta(days=7)
    assert plan(next_monday - timedelta(minutes=1)).ids == []
    nxt = plan(next_monday)
    assert nxt.planned["member"] == 3
    assert _rows(membership_id=river.ids.ana)[-1].period_key == "2026-W49"


def test_planner_catches_up_after_downtime(river):
    plan(DUE - timedelta(days=7))  # the tick for 2026-W47 ran
    db.session.commit()
    assert [r.period_key for r in _rows(membership_id=river.ids.ana)] == ["2026-W47"]
    # Down all Monday; the first tick back, on Wednesday, still plans this week's digest.
    wednesday = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)
    back = plan(wednesday)
    db.session.commit()
    assert back.planned["member"] == 3
    latest = _rows(membership_id=river.ids.ana, kind="member")[-1]
    assert (latest.period_key, latest.due_at) == ("2026-W48", DUE)


def test_after_weeks_of_downtime_only_the_latest_period_comes_back(river):
    plan(DUE - timedelta(days=21))  # 2026-W45
    db.session.commit()
    plan(NOW)
    db.session.commit()
    assert [r.period_key for r in _rows(membership_id=river.ids.ana)] == [
        "2026-W45", "2026-W48"]


def test_time_zones_give_their_own_periods_and_moments(make):
    partnership = make.partnership()
    kiwi = make.member(partnership)
    yankee = make.member(partnership)
    for member in (kiwi, yankee):
        db.session.add(DigestPreference(membership_id=member.id, frequency="daily",
                                        timezone="Pacific/Auckland" if member is kiwi
                                        else "America/New_York", send_hour=7))
    make.commit()
    # 02:00 UTC: Monday 15:00 in Auckland (UTC+13), Sunday 21:00 in New York (UTC-5).
    plan(datetime(2026, 11, 23, 2, tzinfo=UTC))
    db.session.commit()
    assert [(r.period_key, r.due_at) for r in _rows(membership_id=kiwi.id)] == [
        ("2026-11-23", datetime(2026, 11, 22, 18, tzinfo=UTC))]
    assert [(r.period_key, r.due_at) for r in _rows(membership_id=yankee.id)] == [
        ("2026-11-22", datetime(2026, 11, 22, 12, tzinfo=UTC))]


def test_weekly_digest_is_due_at_each_members_local_monday_morning(make):
    partnership = make.partnership()
    kiwi = make.member(partnership)
    yankee = make.member(partnership)
    db.session.add_all([
        DigestPreference(membership_id=kiwi.id, timezone="Pacific/Auckland", send_hour=7),
        DigestPreference(membership_id=yankee.id, timezone="America/New_York", send_hour=7)])
    make.commit()
    plan(NOW)  # 08:00 UTC: 21:00 Monday in Auckland, 03:00 Monday in New York
    db.session.commit()
    assert [(r.period_key, r.due_at) for r in _rows(membership_id=kiwi.id)] == [
        ("2026-W48", datetime(2026, 11, 22, 18, tzinfo=UTC))]
    assert _rows(membership_id=yankee.id) == []
    plan(datetime(2026, 11, 23, 12, tzinfo=UTC))  # 07:00 EST
    db.session.commit()
    assert [(r.period_key, r.due_at) for r in _rows(membership_id=yankee.id)] == [
        ("2026-W48", datetime(2026, 11, 23, 12, tzinfo=UTC))]


def test_frequency_off_plans_nothing(make):
    partnership = make.partnership()
    quiet = make.member(partnership)
    db.session.add(DigestPreference(membership_id=quiet.id, frequency="off"))
    make.commit()
    for moment in (NOW, NOW + timedelta(days=1), NOW + timedelta(days=8)):
        assert plan(moment).ids == []
    assert _count_rows() == 0


def test_coordinators_also_get_an_alerts_digest_members_do_not(make):
    partnership = make.partnership()
    coordinator = make.member(partnership, role="coordinator")
    admin = make.member(partnership, role="admin")
    member = make.member(partnership)
    no_alerts = make.member(partnership, role="coordinator")
    member_off = make.member(partnership, role="coordinator")
    db.session.add_all([DigestPreference(membership_id=no_alerts.id, alerts=False),
                        DigestPreference(membership_id=member_off.id, frequency="off")])
    make.commit()
    result = plan(NOW)
    db.session.commit()
    kinds = {m.id: sorted(r.kind for r in _rows(membership_id=m.id))
             for m in (coordinator, admin, member, no_alerts, member_off)}
    assert kinds == {coordinator.id: ["coordinator", "member"],
                     admin.id: ["coordinator", "member"],
                     member.id: ["member"],
                     no_alerts.id: ["member"],
                     member_off.id: ["coordinator"]}
    assert dict(result.planned) == {"member": 4, "coordinator": 3}


# --- 3. sender with a real SMTP server ----------------------------------------------------


def test_a_digest_is_sent_once(smtp, river):
    outcomes = _plan_and_send(NOW)
    ana_row = _row(river.ids.ana)
    assert outcomes[ana_row.id] == "sent"
    assert len(smtp.messages) == 1
    assert smtp.envelopes == [("polder@localhost", ["ana@example.org"])]
    assert ana_row.status == "sent" and ana_row.attempts == 1
    assert ana_row.submitted_at == NOW and ana_row.sent_at is not None
    assert ana_row.message_id == smtp.messages[0]["Message-ID"]
    assert FIT_TITLE in _text(smtp.messages[0])
    # A duplicate job for the same row (RQ at-least-once) sends nothing.
    assert send(ana_row.id, NOW).status == "sent"
    assert len(smtp.messages) == 1 and _row(river.ids.ana).attempts == 1


def test_running_planner_and_sender_twice_sends_nothing_twice(smtp, river):
    _plan_and_send(NOW)
    assert len(smtp.messages) == 1
    for later in (NOW, NOW + timedelta(minutes=15), NOW + timedelta(days=2)):
        assert _plan_and_send(later) == {}
        for row in _rows():  # and every job for every row run again
            send(row.id, later)
    assert len(smtp.messages) == 1
    assert _count_rows() == 4


def test_451_then_success(smtp, river):
    plan(NOW)
    db.session.commit()
    row_id = _row(river.ids.ana).id
    smtp.replies.append("451 4.3.0 try later")
    with pytest.raises(TryAgainLater):
        send(row_id, NOW)
    row = _row(river.ids.ana)
    assert row.status == "pending" and row.submitted_at is None
    assert "451" in row.last_error
    assert smtp.messages == []
    assert send(row_id, NOW).status == "sent"
    assert len(smtp.messages) == 1
    row = _row(river.ids.ana)
    assert (row.status, row.attempts) == ("sent", 2)


def test_refused_connection_keeps_the_digest_pending(app, river):
    plan(NOW)
    db.session.commit()
    row_id = _row(river.ids.ana).id
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens
    with pytest.raises(TryAgainLater):
        send(row_id, NOW)
    row = _row(river.ids.ana)
    assert row.status == "pending" and "ConnectionRefusedError" in row.last_error
    # The server comes back: the retry delivers it.
    recorder = EnvelopeRecorder()
    controller = serve(app, recorder)
    try:
        assert send(row_id, NOW).status == "sent"
    finally:
        controller.stop()
    assert len(recorder.messages) == 1


def test_unresolvable_mail_host_keeps_the_digest_pending(app, river):
    plan(NOW)
    db.session.commit()
    row_id = _row(river.ids.ana).id
    app.config.update(MAIL_SERVER="mail.polder.invalid", MAIL_PORT=25)  # RFC 6761
    with pytest.raises(TryAgainLater):
        send(row_id, NOW)
    assert _row(river.ids.ana).status == "pending"


def test_a_row_left_submitting_becomes_unknown_and_is_not_sent(smtp, river):
    plan(NOW)
    db.session.commit()
    row = _row(river.ids.ana)
    row.status, row.submitted_at = "submitting", NOW  # a worker died during the SMTP talk
    db.session.commit()
    assert send(row.id, NOW + timedelta(minutes=1)).status == "unknown"
    row = _row(river.ids.ana)
    assert row.status == "unknown" and row.last_error
    assert send(row.id, NOW + timedelta(minutes=2)).status == "unknown"
    assert smtp.messages == []


def test_a_hang_up_after_the_message_was_transmitted_is_never_sent_again(app, river):
    recorder = HangUpAfterData()
    controller = serve(app, recorder)
    try:
        plan(NOW)
        db.session.commit()
        row_id = _row(river.ids.ana).id
        for _ in range(3):  # RQ's retries
            try:
                send(row_id, NOW)
            except TryAgainLater:
                pass
    finally:
        controller.stop()
    assert len(recorder.messages) == 1
    assert _row(river.ids.ana).status == "unknown"


def test_550_marks_the_digest_failed(smtp, river):
    plan(NOW)
    db.session.commit()
    row_id = _row(river.ids.ana).id
    smtp.replies.append("550 5.1.1 no such mailbox")
    assert send(row_id, NOW).status == "failed"
    row = _row(river.ids.ana)
    assert row.status == "failed" and "550" in row.last_error
    assert send(row_id, NOW).status == "failed"  # a retry does not try again
    assert smtp.messages == []


def test_nothing_worth_saying_is_skipped_without_email(smtp, river):
    outcomes = _plan_and_send(NOW)
    for member_id, kind in ((river.ids.ben, "member"), (river.ids.ada, "member"),
                            (river.ids.ada, "coordinator")):
        row = _row(member_id, kind)
        assert outcomes[row.id] == "skipped" and row.status == "skipped"
        assert row.last_error == "nothing worth saying"
    assert [to for _, to in smtp.envelopes] == [["ana@example.org"]]


def test_news_on_my_task_reaches_its_initiator(smtp, river):
    joining.join_task(river.fit, river.ana, "On it", now=SATURDAY + timedelta(hours=2))
    activity.add_comment(river.fit, river.ana, "First map is up",
                         now=SATURDAY + timedelta(hours=3))
    db.session.commit()
    _plan_and_send(NOW)
    assert _row(river.ids.ada).status == "sent"
    text = _text(_to(smtp, "ada@example.org"))
    assert "NEWS ON YOUR TASKS" in text
    assert text.index("Ana Alves commented") < text.index("Ana Alves joined")  # newest first


def test_a_refused_recipient_marks_the_digest_failed(app, river):
    recorder = RefuseRecipients()
    controller = serve(app, recorder)
    try:
        outcomes = _plan_and_send(NOW)
    finally:
        controller.stop()
    row = _row(river.ids.ana)
    assert outcomes[row.id] == "failed" and row.status == "failed"
    assert "ana@example.org" in row.last_error
    assert recorder.messages == []


def _alert(partnership_id: int, severity: str = "high", label: str = "Team Dikes") -> Alert:
    alert = Alert(partnership_id=partnership_id, kind="joinholism_team", scope_type="task",
                  scope_id=1, scope_label=label, severity=severity,
                  severity_rank={"high": 0, "medium": 1, "low": 2}[severity], status="open",
                  window_start=SATURDAY - timedelta(days=28), window_end=SATURDAY,
                  opened_at=SATURDAY, evaluated_at=SATURDAY, changed_at=SATURDAY,
                  pattern="The same few people join everything.")
    db.session.add(alert)
    return alert


def test_coordinator_alerts_digest_is_sent_with_its_alerts(smtp, river):
    alert = _alert(river.partnership.id, label="<i>Team Dikes</i>")
    db.session.commit()
    _plan_and_send(NOW)
    row = _row(river.ids.ada, "coordinator")
    assert row.status == "sent" and row.summary == {"new": 1, "open": 1}
    (message,) = [m for m in smtp.messages if "alerts digest" in m["Subject"]]
    assert message["Message-ID"] == f"<digest-{river.ids.ada}-coordinator-2026-W48@localhost>"
    assert message["List-Id"].strip().endswith("<coordinator-digest.river.localhost>")
    html = _html(message)
    assert f"/p/river/desk/alerts/{alert.id}" in html
    assert "&lt;i&gt;Team Dikes&lt;/i&gt;" in html and "<i>Team" not in html
    assert "<i>Team Dikes</i>" in _text(message)
    # Members are not told about alerts.
    assert all("Team Dikes" not in _text(m) for m in smtp.messages if m is not message)


def test_planner_can_be_limited_to_one_partnership(river, elsewhere):
    result = plan(NOW, partnership_id=elsewhere.partnership_id)
    db.session.commit()
    assert [r.membership_id for r in _rows()] == [elsewhere.id]
    assert result.planned == {"member": 1}


def test_planner_job_sends_in_process_without_redis(smtp, river):
    assert plan_digests("2026-11-23T08:00:00+00:00") == {"member": 3, "coordinator": 1}
    assert [to for _, to in smtp.envelopes] == [["ana@example.org"]]
    assert {r.status for r in _rows()} == {"sent", "skipped"}
    assert plan_digests("2026-11-23T08:15:00+00:00") == {}
    # A duplicate job: nothing new.
    assert send_digests([_row(river.ids.ana).id]) == {"already handled": 1}
    assert len(smtp.messages) == 1


def test_a_digest_that_could_not_be_queued_goes_out_on_the_next_tick(make_app, smtp, river):
    redis_down = make_app(REDIS_URL="redis://127.0.0.1:1/0", REDIS_SOCKET_TIMEOUT=1)
    with redis_down.app_context():
        assert plan_digests("2026-11-23T08:00:00+00:00") == {"member": 3, "coordinator": 1}
    assert {r.status for r in _rows()} == {"pending"} and smtp.messages == []
    # Redis is back (here: jobs run in process); the next quarter-hour tick.
    plan_digests("2026-11-23T08:15:00+00:00")
    assert _row(river.ids.ana).status == "sent"
    assert len(smtp.messages) == 1


def test_a_digest_left_rendering_by_a_dead_sender_goes_out_on_a_later_tick(smtp, river):
    plan(datetime(2026, 11, 23, 7, 5, tzinfo=UTC))
    row = _row(river.ids.ana)
    row.status, row.attempts = "rendering", 1  # its sender died; RQ gave up retrying
    db.session.commit()
    plan_digests("2026-11-23T07:10:00+00:00")  # it may still be rendering: left alone
    assert _row(river.ids.ana).status == "rendering" and smtp.messages == []
    plan_digests("2026-11-23T07:30:00+00:00")
    assert (_row(river.ids.ana).status, _row(river.ids.ana).attempts) == ("sent", 2)
    assert len(smtp.messages) == 1


def test_news_told_in_one_digest_is_not_told_again(smtp, river):
    joining.join_task(river.fit, river.ana, "On it", now=SATURDAY)
    activity.add_comment(river.fit, river.ana, "Early bird", now=DUE + timedelta(minutes=30))
    db.session.commit()
    _plan_and_send(NOW)  # due 07:00, sent at 08:00
    # The 07:30 comment happened before the send, so this digest already tells of it...
    assert "Ana Alves commented" in _text(_to(smtp, "ada@example.org"))
    smtp.messages.clear()
    activity.add_comment(river.fit, river.ana, "Next week", now=NOW + timedelta(days=3))
    db.session.commit()
    _plan_and_send(NOW + timedelta(days=7))
    text = _text(_to(smtp, "ada@example.org"))
    assert text.count("Ana Alves commented") == 1  # ...and the next one only the new one


# --- 4. the message --------------------------------------------------------------------------


def test_message_has_parts_and_list_headers(smtp, river):
    _plan_and_send(NOW)
    (message,) = smtp.messages
    assert message.get_content_type() == "multipart/alternative"
    assert FIT_TITLE in _text(message) and FIT_TITLE in _html(message)
    assert message["Message-ID"] == f"<digest-{river.ids.ana}-member-2026-W48@localhost>"
    assert message["List-Id"].strip().endswith("<member-digest.river.localhost>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.utils.parsedate_to_datetime(message["Date"]).tzinfo is not None
    links = [part.strip() for part in message["List-Unsubscribe"].split(",")]
    assert len(links) == 2 and all(p.startswith("<") and p.endswith(">") for p in links)
    url, mailto = links[0][1:-1], links[1][1:-1]
    assert re.fullmatch(r"https?://localhost/u/[\w.-]+", url)
    assert mailto.startswith("mailto:polder@localhost?subject=")
    token = url.rsplit("/", 1)[1]
    assert read_token("unsubscribe", token, 60) == {
        "m": river.ids.ana, "k": "member", "d": _row(river.ids.ana).id}
    assert url in _text(message)  # the text part says how to leave, too


def test_message_id_is_the_same_for_every_attempt(smtp, river):
    plan(NOW)
    db.session.commit()
    row_id = _row(river.ids.ana).id
    smtp.replies.append("451 later")
    with pytest.raises(TryAgainLater):
        send(row_id, NOW)
    first_id = _row(river.ids.ana).message_id
    send(row_id, NOW + timedelta(minutes=5))
    assert smtp.messages[0]["Message-ID"] == first_id == _row(river.ids.ana).message_id


def test_html_escapes_a_script_title_and_text_keeps_it(smtp, river):
    title = "<script>alert(1)</script>"
    _task(river.ada, title, tags=("gis",))
    db.session.commit()
    _plan_and_send(NOW)
    (message,) = smtp.messages
    html = _html(message)
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert title in _text(message)


@pytest.mark.parametrize("where", ["member", "partnership"])
def test_header_injection_never_reaches_the_smtp_server(smtp, make, where):
    evil = "\r\nBcc: evil@example.org"
    partnership = make.partnership(slug="delta", name="Delta" + (evil if where ==
                                                                  "partnership" else ""))
    initiator = make.member(partnership, role="admin", tags=("gis",))
    reader = make.member(partnership, email="eve@example.org", tags=("gis",),
                         name="Eve" + (evil if where == "member" else ""))
    _task(initiator, "Flood map", tags=("gis",))
    make.commit()
    _plan_and_send(NOW)
    assert _row(reader.id).status == "sent"
    (message,) = smtp.messages
    assert smtp.envelopes == [("polder@localhost", ["eve@example.org"])]
    assert "Bcc" not in message and "Cc" not in message
    raw = smtp.raw[0]
    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert not re.search(rb"(?im)^bcc:", headers)
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    # At most a quoted display name, never an address of its own.
    assert [a.addr_spec for a in parsed["To"].addresses] == ["eve@example.org"]
    assert "\n" not in parsed["Subject"] and "\n" not in parsed["List-Id"]


# --- 5. one-click unsubscribe (RFC 8058) ----------------------------------------------------


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def _planned_token(member_id: int, kind: str = "member") -> str:
    plan(NOW)
    db.session.commit()
    return unsubscribe_token(_row(member_id, kind))


def test_csrf_is_really_on_in_these_tests(csrf_app, river):
    client = csrf_app.test_client()
    assert client.post("/login", data={"email": "ana@example.org",
                                       "password": "a long test passphrase"}).status_code == 400


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_one_click_post_unsubscribes_without_login_cookie_or_csrf(csrf_app, river, encoding):
    token = _planned_token(river.ids.ana)
    client = csrf_app.test_client(use_cookies=False)
    if encoding == "urlencoded":
        response = client.post(f"/u/{token}", data="List-Unsubscribe=One-Click",
                               content_type="application/x-www-form-urlencoded")
    else:
        response = client.post(f"/u/{token}", data={"List-Unsubscribe": "One-Click"},
                               content_type="multipart/form-data")
    assert response.status_code == 200
    assert "Location" not in response.headers
    assert "You are unsubscribed" in response.text
    assert _prefs(river.ids.ana).frequency == "off"
    again = client.post(f"/u/{token}", data="List-Unsubscribe=One-Click",
                        content_type="application/x-www-form-urlencoded")
    assert again.status_code == 200 and "already unsubscribed" in again.text


def test_the_link_in_the_email_unsubscribes(csrf_app, smtp, river):
    _plan_and_send(NOW)
    header = smtp.messages[0]["List-Unsubscribe"]
    url = re.search(r"<(https?://[^>]+)>", header).group(1)
    path = re.sub(r"^https?://localhost", "", url)
    response = csrf_app.test_client(use_cookies=False).post(
        path, data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert _prefs(river.ids.ana).frequency == "off"
    # Next Monday brings nothing for Ana; the others' rows are still planned.
    _plan_and_send(NOW + timedelta(days=7))
    assert [r.period_key for r in _rows(membership_id=river.ids.ana)] == ["2026-W48"]
    assert len(smtp.messages) == 1


def test_get_only_asks(csrf_app, river):
    token = _planned_token(river.ids.ana)
    client = csrf_app.test_client(use_cookies=False)
    for _ in range(2):  # a link scanner, then the person
        page = client.get(f"/u/{token}")
        assert page.status_code == 200
        assert "Unsubscribe?" in page.text and 'method="post"' in page.text
        assert f'action="/u/{token}"' in page.text
    assert _prefs(river.ids.ana) is None


def test_coordinator_link_stops_only_the_alerts(csrf_app, river):
    token = _planned_token(river.ids.ada, "coordinator")
    response = csrf_app.test_client(use_cookies=False).post(
        f"/u/{token}", data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    prefs = _prefs(river.ids.ada)
    assert prefs.alerts is False and prefs.frequency == "weekly"


def _old_token(monkeypatch, payload: dict, age_seconds: int) -> str:
    with monkeypatch.context() as patch:
        patch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp",
                      lambda self: int(time.time()) - age_seconds)
        return make_token("unsubscribe", payload)


@pytest.mark.parametrize("kind", ["tampered", "foreign", "stale", "garbage"])
def test_bad_tokens_change_nothing_and_say_so(csrf_app, river, monkeypatch, kind):
    good = _planned_token(river.ids.ana)
    payload = {"m": river.ids.ana, "k": "member", "d": _row(river.ids.ana).id}
    token = {
        "tampered": good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB"),
        "foreign": make_token("reset", payload),
        "stale": _old_token(monkeypatch, payload, 401 * DAY),
        "garbage": "not-a-token",
    }[kind]
    client = csrf_app.test_client(use_cookies=False)
    for response in (client.get(f"/u/{token}"),
                     client.post(f"/u/{token}", data="List-Unsubscribe=One-Click",
                                 content_type="application/x-www-form-urlencoded")):
        assert response.status_code == 400
        assert "This link does not work" in response.text
    assert _prefs(river.ids.ana) is None
    # The genuine link still works, so the refusals above were about the token.
    assert client.post(f"/u/{good}").status_code == 200


def test_a_year_old_link_still_works(csrf_app, river, monkeypatch):
    token = _old_token(monkeypatch, {"m": river.ids.ana, "k": "member", "d": 0}, 365 * DAY)
    response = csrf_app.test_client(use_cookies=False).post(f"/u/{token}")
    assert response.status_code == 200
    assert _prefs(river.ids.ana).frequency == "off"


def test_max_age_is_enforced(csrf_app, river, monkeypatch):
    token = _planned_token(river.ids.ana)
    monkeypatch.setattr("coordinator.web.digests.UNSUBSCRIBE_MAX_AGE", -1)
    response = csrf_app.test_client(use_cookies=False).post(f"/u/{token}")
    assert response.status_code == 400
    assert _prefs(river.ids.ana) is None


def test_pending_digest_is_skipped_after_unsubscribing(csrf_app, smtp, river):
    token = _planned_token(river.ids.ana)
    assert _row(river.ids.ana).status == "pending"
    csrf_app.test_client(use_cookies=False).post(f"/u/{token}")
    row_id = _row(river.ids.ana).id
    assert send(row_id, NOW).status == "skipped"
    row = _row(river.ids.ana)
    assert (row.status, row.last_error) == ("skipped", "unsubscribed")
    assert smtp.messages == []


# --- 6. preview ------------------------------------------------------------------------------


@pytest.fixture
def fixed_now(monkeypatch):
    monkeypatch.setattr("coordinator.web.digests.utcnow", lambda: NOW)


@pytest.fixture
def elsewhere(make):
    other = make.partnership(slug="coast", name="Coast Partnership")
    outsider = make.member(other, name="Olaf Outsider", tags=("gis",))
    make.commit()
    return outsider


def test_member_previews_their_own_digest(client, auth, river, fixed_now):
    _task(river.ada, "<b>bold</b> plan", tags=("gis",))
    db.session.commit()
    auth.login("ana@example.org")
    page = client.get("/p/river/digest/preview")
    assert page.status_code == 200
    assert FIT_TITLE in page.text and "You share: gis" in page.text
    assert "&lt;b&gt;bold&lt;/b&gt; plan" in page.text and "<b>bold</b>" not in page.text
    assert _count_rows() == 0  # a preview plans and sends nothing


def test_admin_previews_a_member_of_their_partnership(client, auth, river, fixed_now):
    auth.login("ada@example.org")
    page = client.get(f"/p/river/admin/members/{river.ids.ana}/digest")
    assert page.status_code == 200
    assert "Ana Alves" in page.text and FIT_TITLE in page.text
    ben = client.get(f"/p/river/admin/members/{river.ids.ben}/digest")
    assert ben.status_code == 200 and "Nothing worth saying" in ben.text


def test_preview_of_a_coordinator_shows_the_alerts_too(client, auth, river, fixed_now):
    _alert(river.partnership.id, label="Team Dikes")
    db.session.commit()
    auth.login("ada@example.org")
    own = client.get("/p/river/digest/preview")
    assert own.status_code == 200
    assert 'aria-label="Alerts digest"' in own.text and "Team Dikes" in own.text
    ana = client.get(f"/p/river/admin/members/{river.ids.ana}/digest").text
    assert 'aria-label="Alerts digest"' not in ana and "Team Dikes" not in ana


def test_member_cannot_use_the_admin_preview(client, auth, river, fixed_now):
    auth.login("ana@example.org")
    assert client.get(f"/p/river/admin/members/{river.ids.ben}/digest").status_code == 403
    assert client.get(f"/p/river/admin/members/{river.ids.ana}/digest").status_code == 403


def test_admin_preview_of_another_partnerships_member_is_404(client, auth, river, elsewhere,
                                                             fixed_now):
    auth.login("ada@example.org")
    response = client.get(f"/p/river/admin/members/{elsewhere.id}/digest")
    assert response.status_code == 404
    assert "Olaf" not in response.text


# --- 7. outbox page --------------------------------------------------------------------------


def test_outbox_lists_rows_with_their_status(client, auth, river, elsewhere):
    statuses = {river.ids.ada: "sent", river.ids.ana: "failed", river.ids.ben: "unknown"}
    for member_id, status in statuses.items():
        db.session.add(DigestDelivery(partnership_id=river.partnership.id,
                                      membership_id=member_id, kind="member",
                                      frequency="weekly", period_key="2026-W48", due_at=DUE,
                                      status=status))
    db.session.add(DigestDelivery(partnership_id=river.partnership.id,
                                  membership_id=river.ids.ada, kind="coordinator",
                                  frequency="weekly", period_key="2026-W48", due_at=DUE,
                                  status="skipped"))
    db.session.add(DigestDelivery(partnership_id=elsewhere.partnership_id,
                                  membership_id=elsewhere.id, kind="member",
                                  frequency="weekly", period_key="2026-W48", due_at=DUE,
                                  status="sent"))
    db.session.commit()
    auth.login("ada@example.org")
    page = client.get("/p/river/admin/outbox")
    assert page.status_code == 200
    rows = [chunk for chunk in page.text.split("<tr>") if "</td>" in chunk]
    seen = sorted((re.search(r"<td>([^<]+)</td><td>(\w+)</td>", row).groups(),
                   re.search(r'class="badge outbox-(\w+)"', row).group(1)) for row in rows)
    assert seen == sorted([(("Ada Admin", "member"), "sent"),
                           (("Ana Alves", "member"), "failed"),
                           (("Ben Berg", "member"), "unknown"),
                           (("Ada Admin", "coordinator"), "skipped")])
    assert "Olaf" not in page.text
    for status, n in (("sent", 1), ("skipped", 1), ("failed", 1), ("unknown", 1)):
        assert f"{status}: {n}</a>" in page.text
    only_failed = client.get("/p/river/admin/outbox?status=failed").text
    assert "Ana Alves" in only_failed and "Ben Berg" not in only_failed


def test_outbox_is_for_admins_only(client, auth, river):
    auth.login("ana@example.org")
    assert client.get("/p/river/admin/outbox").status_code == 403


def test_outbox_shows_real_outcomes(client, auth, smtp, river):
    _plan_and_send(NOW)
    auth.login("ada@example.org")
    page = client.get("/p/river/admin/outbox").text
    assert "sent: 1</a>" in page and "skipped: 3</a>" in page


# --- 8. flask send-digests ------------------------------------------------------------------


def test_cli_plans_and_sends_and_reports_per_kind(runner, smtp, river):
    result = runner.invoke(args=["send-digests", "--now", "2026-11-23T08:00:00+00:00"])
    assert result.exit_code == 0, result.output
    assert "member: planned 3, sent 1, skipped 2" in result.output
    assert "coordinator: planned 1, skipped 1" in result.output
    assert len(smtp.messages) == 1 and _row(river.ids.ana).status == "sent"

    again = runner.invoke(args=["send-digests", "--now", "2026-11-23T08:15:00+00:00"])
    assert again.exit_code == 0, again.output
    assert "Nothing due." in again.output
    assert len(smtp.messages) == 1


def test_cli_before_the_send_hour_does_nothing(runner, smtp, river):
    result = runner.invoke(args=["send-digests", "--now", "2026-11-23T06:59:00+00:00"])
    assert result.exit_code == 0, result.output
    assert "Nothing due." in result.output
    assert _count_rows() == 0 and smtp.messages == []


def test_cli_dry_run_changes_nothing(runner, smtp, river, tmp_path):
    result = runner.invoke(args=["send-digests", "--now", "2026-11-23T08:00:00+00:00",
                                 "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "member: planned 3, would send 1, would skip 2" in result.output
    assert "coordinator: planned 1, would skip 1" in result.output
    assert _count_rows() == 0
    assert smtp.messages == []
    assert not list((tmp_path / "mail").glob("*.eml"))
    # ...so the real run afterwards still sends.
    real = runner.invoke(args=["send-digests", "--now", "2026-11-23T08:00:00+00:00"])
    assert "member: planned 3, sent 1, skipped 2" in real.output


def test_cli_without_smtp_writes_to_the_mail_folder(runner, river, tmp_path):
    result = runner.invoke(args=["send-digests", "--now", "2026-11-23T08:00:00+00:00"])
    assert result.exit_code == 0, result.output
    (written,) = (tmp_path / "mail").glob("*.eml")
    message = email.message_from_bytes(written.read_bytes(), policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec == "ana@example.org"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.parametrize(("now", "message"), [
    ("yesterday", "ISO 8601"),
    ("2026-11-23T08:00:00", "UTC offset"),
    ("2026-13-01T08:00:00+00:00", "ISO 8601"),
])
def test_cli_refuses_a_bad_now(runner, smtp, river, now, message):
    result = runner.invoke(args=["send-digests", "--now", now])
    assert result.exit_code == 2
    assert message in result.output and "--now" in result.output
    assert _count_rows() == 0 and smtp.messages == []


def test_cli_reports_a_451_as_will_retry_and_leaves_it_pending(runner, smtp, river):
    smtp.replies.append("451 4.7.1 greylisted")
    result = runner.invoke(args=["send-digests", "--now", "2026-11-23T08:00:00+00:00"])
    assert result.exit_code == 0, result.output
    assert "member: failed, will retry 1, planned 3, skipped 2" in result.output
    assert _row(river.ids.ana).status == "pending"
    again = runner.invoke(args=["send-digests", "--now", "2026-11-23T08:15:00+00:00"])
    assert "member: sent 1" in again.output
    assert len(smtp.messages) == 1
