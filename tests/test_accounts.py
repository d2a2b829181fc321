"""Invitations, password resets and login, with mail going through a real SMTP server."""

import email.utils
import re

import pytest
from sqlalchemy import func, select

from coordinator.extensions import db
from coordinator.models import LoginSession, Membership, User
from coordinator.queue import Breaker, make_queue
from tests.smtp import free_port, start_smtp


@pytest.fixture
def smtp(app):
    controller, recorder = start_smtp()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield recorder
    controller.stop()


@pytest.fixture
def admin(make):
    partnership = make.partnership(slug="river", name="River Partnership")
    org = make.organisation(partnership, name="Delta Water Board", sector="government")
    member = make.member(partnership, role="admin", email="admin@example.org", name="Ada Admin")
    make.commit()
    return {"partnership": partnership, "org": org, "member": member}


def _link(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"http://localhost(/\S+)", text).group(1)


def test_invitation_by_email_creates_account_and_membership(client, auth, smtp, admin):
    auth.login("admin@example.org")
    response = client.post("/p/river/admin/invitations", data={
        "email": "New.Person@Example.org", "role": "coordinator",
        "organisation_id": admin["org"].id})
    assert response.status_code == 302
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "new.person@example.org"
    assert message["Subject"] == "Join River Partnership on Polder"
    assert message.get_body(preferencelist=("html",)) is not None
    link = _link(message)
    auth.logout()

    page = client.get(link)
    assert b"Join River Partnership" in page.data
    weak = client.post(link, data={"name": "Nia", "password": "password123"})
    assert b"commonly used passwords" in weak.data
    response = client.post(link, data={"name": "Nia Person",
                                        "password": "rivers meet the sea"})
    # Holding the link and having just chosen the password, she is logged in at once.
    assert response.status_code == 302
    assert response.headers["Location"] == "/p/river/tasks"
    board = client.get("/p/river/tasks")
    assert board.status_code == 200
    assert "Welcome to River Partnership!" in board.text
    user = db.session.scalar(select(User).where(User.email == "new.person@example.org"))
    membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
    assert (membership.role, membership.organisation_id) == ("coordinator", admin["org"].id)
    assert db.session.scalar(select(func.count()).select_from(LoginSession)
                             .where(LoginSession.user_id == user.id)) == 1
    auth.logout()
    assert auth.login("new.person@example.org", "rivers meet the sea").status_code == 302

    reused = client.get(link, follow_redirects=True)
    assert b"already been used" in reused.data


def test_an_invitation_for_an_existing_account_asks_to_log_in_with_the_address_filled(
        client, auth, smtp, admin, make):
    other = make.partnership(slug="coast", name="Coast Partnership")
    make.member(other, email="ben@example.org", name="Ben")
    make.commit()
    auth.login("admin@example.org")
    client.post("/p/river/admin/invitations", data={"email": "ben@example.org",
                                                   "role": "member", "organisation_id": 0})
    link = _link(smtp.messages[0])
    auth.logout()
    login = client.get(link, follow_redirects=True)
    assert "log in to accept the invitation" in login.text
    assert 'value="ben@example.org"' in login.text
    assert "ben%40example.org" not in login.request.url  # the session carries it, not the URL
    response = client.post(login.request.full_path, data={
        "email": "ben@example.org", "password": "a long test passphrase",
        "next": link})
    assert response.headers["Location"] == link
    assert b"Join the partnership" in client.get(link).data


def test_an_invitation_opened_while_logged_in_as_someone_else_says_so(
        client, auth, smtp, admin, make):
    # Login sends a logged-in visitor straight back to `next`, so sending them there
    # again looped between the two pages.
    other = make.partnership(slug="coast", name="Coast Partnership")
    make.member(other, email="ben@example.org", name="Ben")
    make.commit()
    auth.login("admin@example.org")
    client.post("/p/river/admin/invitations", data={"email": "ben@example.org",
                                                   "role": "member", "organisation_id": 0})
    link = _link(smtp.messages[0])
    page = client.get(link)
    assert page.status_code == 200
    assert "This invitation is for ben@example.org" in page.text
    assert "admin@example.org" in page.text
    assert "Join the partnership" not in page.text
    joined = client.post(link, data={})  # nothing to accept as the wrong person
    assert joined.status_code == 200
    ben = db.session.scalar(select(User).where(User.email == "ben@example.org"))
    assert db.session.scalar(select(func.count()).select_from(Membership)
                             .where(Membership.user_id == ben.id)) == 1


def test_an_invitation_email_the_queue_cannot_take_is_reported_and_can_be_sent_again(
        app, client, auth, smtp, admin):
    auth.login("admin@example.org")
    # Nothing listens on this port: Redis refuses, as when it is down.
    working, app.extensions["rq"] = (app.extensions["rq"],
                                     make_queue(f"redis://127.0.0.1:{free_port()}/0", 0.5))
    try:
        page = client.post("/p/river/admin/invitations", data={
            "email": "cai@example.org", "role": "member", "organisation_id": 0},
            follow_redirects=True)
    finally:
        app.extensions["rq"] = working
        app.extensions["redis_breaker"] = Breaker(0)
    assert "could not be sent: the mail queue is unavailable" in page.text
    assert "Invitation sent" not in page.text
    assert smtp.messages == []
    again = client.post("/p/river/admin/invitations", data={
        "email": "cai@example.org", "role": "member", "organisation_id": 0},
        follow_redirects=True)
    assert "Invitation sent to cai@example.org." in again.text
    assert [m["To"] for m in smtp.messages] == ["cai@example.org"]


def test_tampered_invitation_is_refused(client, auth, smtp, admin):
    auth.login("admin@example.org")
    client.post("/p/river/admin/invitations", data={"email": "x@example.org", "role": "member",
                                                   "organisation_id": 0})
    link = _link(smtp.messages[0])
    auth.logout()
    response = client.get(link[:-3] + "abc", follow_redirects=True)
    assert b"invalid or has expired" in response.data


def test_inviting_an_existing_member_is_a_field_error(client, auth, smtp, admin):
    auth.login("admin@example.org")
    response = client.post("/p/river/admin/invitations", data={
        "email": "admin@example.org", "role": "member", "organisation_id": 0})
    assert b"admin@example.org is already a member." in response.data
    assert smtp.messages == []


def test_password_reset_by_email(client, auth, smtp, admin):
    auth.login("admin@example.org")
    other_browser = client.application.test_client()
    other_browser.post("/login", data={"email": "admin@example.org",
                                       "password": "a long test passphrase"})
    assert other_browser.get("/p/river/tasks").status_code == 200
    auth.logout()

    response = client.post("/password/forgot", data={"email": "admin@example.org"})
    assert response.status_code == 302
    unknown = client.post("/password/forgot", data={"email": "nobody@example.org"})
    assert unknown.status_code == 302  # same answer, no mail
    assert len(smtp.messages) == 1
    assert email.utils.parsedate_to_datetime(smtp.messages[0]["Date"]).tzinfo is not None
    link = _link(smtp.messages[0])
    response = client.post(link, data={"password": "estuary tides at dawn"})
    assert response.status_code == 302
    assert 'value="admin@example.org"' in client.get("/login").text  # filled in to log in
    assert auth.login("admin@example.org", "estuary tides at dawn").status_code == 302
    # Changing the password logged out the other browser, and the link is spent.
    assert other_browser.get("/p/river/tasks").status_code == 302
    again = client.post(link, data={"password": "another good passphrase"},
                        follow_redirects=True)
    assert b"invalid or has expired" in again.data


def test_logout_deletes_the_login_session(client, auth, admin):
    auth.login("admin@example.org")
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 1
    auth.logout()
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0


def test_mail_without_smtp_goes_to_the_local_folder(app, client, auth, admin, tmp_path):
    auth.login("admin@example.org")
    client.post("/p/river/admin/invitations", data={"email": "f@example.org", "role": "member",
                                                   "organisation_id": 0})
    files = list((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 1
    assert b"To: f@example.org" in files[0].read_bytes()


def test_switcher_lists_only_my_partnerships(client, auth, make, admin):
    other = make.partnership(slug="coast", name="Coast Partnership")
    db.session.add(Membership(partnership_id=other.id, user_id=admin["member"].user_id))
    make.partnership(slug="secret", name="Secret Partnership")
    make.commit()
    auth.login("admin@example.org")
    page = client.get("/p/river/tasks").data
    assert b"Coast Partnership" in page and b"Secret Partnership" not in page
    response = client.post("/switch", data={"slug": "coast"})
    assert response.headers["Location"] == "/p/coast/tasks"
    assert client.post("/switch", data={"slug": "secret"}).status_code == 404
    assert client.get("/").headers["Location"] == "/p/coast/tasks"


def test_import_invites_people_with_an_account_elsewhere_and_never_shows_them(
        client, auth, smtp, admin, make):
    """Probe 5: an imported address with an account became a member at once, and the
    members page showed the name they chose elsewhere."""
    from io import BytesIO

    from coordinator.models import Invitation, Membership

    elsewhere = make.partnership(slug="lake", name="Lake Alliance")
    make.member(elsewhere, email="known@example.org", name="Private Real Name")
    make.commit()
    auth.login("admin@example.org")
    csv = ("email,name,organization,sector,tags,bio\n"
           "known@example.org,Guessed Name,,,,\n"
           "fresh@example.org,Fresh Person,,,,\n")

    def upload():
        return client.post("/p/river/admin/import", content_type="multipart/form-data",
                           data={"file": (BytesIO(csv.encode()), "members.csv")})

    report = upload()
    assert "1 member added, 1 invited to accept" in report.text
    assert "Private Real Name" not in report.text
    members = client.get("/p/river/members").text
    assert "Fresh Person" in members and "Private Real Name" not in members
    river_ids = db.session.scalars(select(Membership.user_id).where(
        Membership.partnership_id == admin["partnership"].id)).all()
    known = db.session.scalar(select(User).where(User.email == "known@example.org"))
    assert known.id not in river_ids
    assert [m["To"] for m in smtp.messages] == ["known@example.org"]
    upload()  # a second import sends no second invitation
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1
    assert len(smtp.messages) == 1


def test_a_csv_of_bad_rows_gives_a_page_of_bounded_size(client, auth, admin):
    """Probe 12: a 4 MB CSV of bad rows returned a 13.7 MB page."""
    rows = "".join(f"not-an-email-{n},Name,,,,\n" for n in range(120_000))
    csv = "email,name,organization,sector,tags,bio\n" + rows
    assert len(csv) > 3_000_000
    auth.login("admin@example.org")
    # The body by hand: the test client would spool a body this size to a file it does
    # not close.
    boundary = "polder-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"members.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n"
            f"--{boundary}--\r\n").encode()
    response = client.post("/p/river/admin/import", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert "Nothing was imported" in response.text
    assert "120000 rows need fixing" in response.text and "and 119900 more" in response.text
    assert len(response.data) < 100_000
