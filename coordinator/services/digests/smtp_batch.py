"""One SMTP connection for a whole batch of messages, kept in the batch's `sources` dict."""

from __future__ import annotations

import smtplib
import time

from coordinator import mail

# In a batch (`sources` given: the job, the CLI, the benchmark) one SMTP connection carries
# every message; a single send opens its own and closes it.
SMTP_KEY, SMTP_USED_KEY = "smtp", "smtp used"
# A connection the server closed while idle would fail the next send after some of it
# was said, making that digest "unknown" instead of "not sent": after this long idle, a
# NOOP finds out first. RFC 5321 §4.5.3.2.7 asks servers to wait 5 minutes, but a busy
# Postfix cuts that to 10 s; within a batch, messages follow each other in milliseconds.
CHECK_AFTER_IDLE_S = 5.0


def connection(sources: dict | None) -> smtplib.SMTP:
    cached = sources.get(SMTP_KEY) if sources is not None else None
    if cached is not None:
        idle = time.monotonic() - sources.get(SMTP_USED_KEY, float("-inf"))
        try:
            if idle < CHECK_AFTER_IDLE_S or cached.noop()[0] == 250:
                return cached
        except (OSError, smtplib.SMTPException):
            pass
        drop_connection(sources, cached)
    smtp = mail.connect()
    if sources is not None:
        sources[SMTP_KEY] = smtp
    return smtp


def close_batch(sources: dict) -> None:
    """End a batch: say goodbye to the SMTP server it kept a connection to."""
    smtp = sources.get(SMTP_KEY)
    if smtp is not None:
        drop_connection(sources, smtp)


def drop_connection(sources: dict | None, smtp: smtplib.SMTP) -> None:
    if sources is not None and sources.get(SMTP_KEY) is smtp:
        del sources[SMTP_KEY]
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def mark_used(sources: dict | None) -> None:
    """The batch's connection just carried a message: no NOOP needed before the next."""
    if sources is not None:
        sources[SMTP_USED_KEY] = time.monotonic()
