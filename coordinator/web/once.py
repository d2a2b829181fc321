"""A form sent twice has the effect of once, everywhere, by one mechanism.

Every form carries a one-time token next to its CSRF token (`form_tokens()` in the
templates). Before a logged-in POST runs, its token is inserted into `form_submissions`
in the request's own transaction, so:

- the first copy acts and commits the row with its changes; if it fails, the rollback
  takes the row too and the form may be sent again;
- a second copy (double click, two tabs of one page, a browser retry) finds the row, or
  waits on the first copy's uncommitted row and then finds it, and is answered with a
  redirect to where the first copy went, changing nothing.

Two different page loads are two different forms: what they must not both do (join and
join the waitlist, say) the services guard with locks and constraints.
"""

from __future__ import annotations

import logging
import re
import secrets
from datetime import timedelta

from flask import Flask, flash, g, redirect, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import FormSubmission, utcnow

FIELD = "_once"
KEEP = timedelta(days=2)  # a form older than this may be sent again (the sweep forgets it)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
log = logging.getLogger(__name__)


def init_once(app: Flask) -> None:
    app.add_template_global(form_tokens, "form_tokens")
    app.before_request(claim_submission)
    app.after_request(remember_location)


def form_tokens() -> Markup:
    """The hidden inputs every form needs: CSRF and this form's one-time token."""
    return Markup(f'<input type="hidden" name="csrf_token" value="{escape(generate_csrf())}">'
                  f'<input type="hidden" name="{FIELD}" value="{secrets.token_urlsafe(24)}">')


def claim_submission():
    if request.method != "POST" or not current_user.is_authenticated:
        return None
    token = request.form.get(FIELD, "")
    if not _TOKEN.match(token):
        return None  # a form without a token (an API client, a page from before)
    db.session.add(FormSubmission(token=token, user_id=current_user.id))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return _answer_repeat(token)
    g.once_token = token
    return None


def _answer_repeat(token: str):
    location = db.session.scalar(select(FormSubmission.location)
                                 .where(FormSubmission.token == token,
                                        FormSubmission.user_id == current_user.id))
    log.info("repeated form submission ignored user=%s path=%s", current_user.id, request.path)
    flash("That form was sent twice; it counted once.", "info")
    referrer = request.referrer or ""
    fallback = referrer if referrer.startswith(request.host_url) else url_for("main.index")
    return redirect(location or fallback, code=303)


def remember_location(response):
    token = g.pop("once_token", None)
    if token is not None and response.status_code in (301, 302, 303) and response.location:
        db.session.execute(update(FormSubmission).where(FormSubmission.token == token)
                           .values(location=response.location[:500]))
        db.session.commit()
    return response


def sweep_submissions(now=None) -> int:
    """Forget tokens older than KEEP; returns how many."""
    cutoff = (now or utcnow()) - KEEP
    gone = db.session.execute(delete(FormSubmission).where(FormSubmission.created_at < cutoff))
    return gone.rowcount or 0
