"""What one run of the sender shares across its rows: each partnership's digest `Source`,
read once, and one SMTP connection that carries every message."""

from __future__ import annotations

import smtplib
import time
from dataclasses import dataclass, field

from coordinator import mail
from coordinator.services.digests.content import Source

# A connection the server closed while idle would fail the next send after some of it
# was said, making that digest "unknown" instead of "not sent": after this long idle, a
# NOOP finds out first. RFC 5321 §4.5.3.2.7 asks servers to wait 5 minutes, but a busy
# Postfix cuts that to 10 s; within a batch, messages follow each other in milliseconds.
CHECK_AFTER_IDLE_S = 5.0


@dataclass
class Batch:
    """Use as a context manager: leaving it says goodbye to the SMTP server."""

    sources: dict[int, Source] = field(default_factory=dict)
    smtp: smtplib.SMTP | None = None
    used_at: float = float("-inf")

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def source(self, partnership_id: int) -> Source:
        if partnership_id not in self.sources:
            self.sources[partnership_id] = Source(partnership_id)
        return self.sources[partnership_id]

    def connection(self) -> smtplib.SMTP:
        """The batch's connection, checked with a NOOP after an idle spell; else a new one."""
        if self.smtp is not None:
            try:
                if (time.monotonic() - self.used_at < CHECK_AFTER_IDLE_S
                        or self.smtp.noop()[0] == 250):
                    return self.smtp
            except (OSError, smtplib.SMTPException):
                pass
            self.drop()
        self.smtp = mail.connect()
        self.mark_used()  # just greeted: no NOOP needed before the first message
        return self.smtp

    def mark_used(self) -> None:
        """The connection just carried a message: no NOOP needed before the next."""
        self.used_at = time.monotonic()

    def drop(self) -> None:
        """Let go of a connection that failed or that the batch is done with."""
        smtp, self.smtp = self.smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()

    close = drop
