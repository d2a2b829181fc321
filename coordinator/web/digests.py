"""Digest settings, previews, the outbox for admins, and one-click unsubscribe."""


from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from coordinator.domain.digests.periods import OFF, period_key
from coordinator.services.digests import preferences as digest_prefs
from coordinator.services.digests import report
from coordinator.services.digests.content import (
    coordinator_digest,
    last_sent,
    member_digest,
    since_for,
)
from coordinator.services.digests.message import UNSUBSCRIBE, UNSUBSCRIBE_MAX_AGE

from ..errors import InvalidInputError
from ..extensions import csrf, db
from ..models import DigestDelivery, Membership, utcnow
from ..tokens import read_token
from .forms.digests import DigestSettingsForm
from .forms.fields import attach_error
from .tenancy import get_scoped_or_404, member_required, role_required

bp = Blueprint("digests", __name__)

OUTBOX_SHOWN = 100


@bp.route("/p/<slug>/digest", methods=["GET", "POST"])
@member_required
def settings():
    prefs = digest_prefs.preference(g.member)
    form = DigestSettingsForm(obj=prefs)
    if form.validate_on_submit():
        toggles = {name: getattr(form, name).data for name in digest_prefs.TOGGLES}
        if not g.member.has_role("coordinator"):
            toggles["alerts"] = prefs.alerts  # not shown to members: keep it for later
        data = digest_prefs.PreferenceInput(
            frequency=form.frequency.data, timezone=form.timezone.data.strip(),
            send_hour=form.send_hour.data, toggles=toggles)
        try:
            digest_prefs.save(g.member, data)
        except InvalidInputError as refused:
            db.session.rollback()
            attach_error(form, refused)
        else:
            db.session.commit()
            flash("Digest settings saved.", "success")
            return redirect(url_for("digests.settings"))
    status = 422 if request.method == "POST" else 200
    return render_template("digests/settings.html", form=form), status


@bp.get("/p/<slug>/digest/preview")
@member_required
def preview():
    return _preview(g.member)


@bp.get("/p/<slug>/admin/members/<int:member_id>/digest")
@role_required("admin")
def admin_preview(member_id: int):
    return _preview(get_scoped_or_404(Membership, member_id))


def _preview(member: Membership):
    """The digests `member` would receive now, whatever their settings say."""
    now = utcnow()
    prefs = digest_prefs.preference(member)
    frequency = prefs.frequency if prefs.frequency != OFF else "weekly"
    transient = DigestDelivery(membership_id=member.id, kind="member", frequency=frequency,
                               period_key=period_key(frequency, now, prefs.timezone),
                               due_at=now)
    since = since_for(now, frequency, last_sent(member.id, "member"))
    content = member_digest(member, since, now)
    alerts = None
    if member.has_role("coordinator"):
        alerts = coordinator_digest(member, last_sent(member.id, "coordinator") or since)
    return render_template("digests/preview.html", member=member, digest=content,
                           alerts=alerts, delivery=transient, prefs=prefs, since=since)


@bp.get("/p/<slug>/admin/outbox")
@role_required("admin")
def outbox():
    status = request.args.get("status", "")
    return render_template("digests/outbox.html",
                           counts=report.status_counts(g.partnership.id),
                           rows=report.latest_rows(g.partnership.id, status), status=status)


@bp.route("/u/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the one-click POST carries no cookie and no CSRF token
def unsubscribe(token: str):
    payload = read_token(UNSUBSCRIBE, token, UNSUBSCRIBE_MAX_AGE)
    member = db.session.get(Membership, payload["m"]) if payload else None
    if member is None or payload.get("k") not in ("member", "coordinator"):
        return render_template("digests/unsubscribe.html", state="invalid"), 400
    kind = payload["k"]
    if request.method == "GET":
        # Link scanners follow GETs: a GET only asks.
        return render_template("digests/unsubscribe.html", state="confirm", member=member,
                               kind=kind, token=token)
    changed = digest_prefs.unsubscribe(member, kind)
    db.session.commit()
    return render_template("digests/unsubscribe.html", state="done", member=member, kind=kind,
                           changed=changed), 200

