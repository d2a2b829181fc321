"""Build and deliver email: real SMTP when configured, else files in a local folder."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app


def build_message(to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    """A message with text and optional HTML parts; CR/LF in headers raises ValueError."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="polder.local")
    message["Date"] = formatdate(usegmt=True)  # RFC 5322 requires it; filters score its lack
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def deliver(message: EmailMessage) -> None:
    config = current_app.config
    if not config["MAIL_SERVER"]:
        _write_to_folder(message, Path(config["MAIL_FOLDER"]))
        return
    with connect() as smtp:
        smtp.send_message(message)


def uses_folder() -> bool:
    return not current_app.config["MAIL_SERVER"]


def connect() -> smtplib.SMTP:
    """A logged-in SMTP connection. Anything failing here happened before any message was
    handed over, so the caller may safely try again later."""
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    smtp = smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
    try:
        if config["MAIL_USE_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


def write_to_folder(message: EmailMessage) -> None:
    _write_to_folder(message, Path(current_app.config["MAIL_FOLDER"]))


def _write_to_folder(message: EmailMessage, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    name = message["Message-ID"].strip("<>").replace("@", "_").replace("/", "_")
    (folder / f"{name}.eml").write_bytes(message.as_bytes())
