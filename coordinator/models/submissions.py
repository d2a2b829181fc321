"""Form submissions already acted on, so that a second copy of one has no effect."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class FormSubmission(db.Model):
    """One row per form that changed something; the token came with the page's form.

    Inserted in the same transaction as the action, so an action that fails leaves no
    row and may be sent again, and a second copy waits on the first's row lock."""

    __tablename__ = "form_submissions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Where the action sent the browser, so a repeat lands on the same page.
    location: Mapped[str | None] = mapped_column(String(500))
