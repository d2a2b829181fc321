"""Jobs that send account email (invitations, password resets)."""

from coordinator.mail import build_message, deliver

from .context import job_context


def send_email(to: str, subject: str, text: str, html: str | None = None) -> str:
    with job_context():
        message = build_message(to, subject, text, html)
        deliver(message)
        return message["Message-ID"]
