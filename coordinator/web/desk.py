"""The coordinators' desk: balance alerts, their evidence and history, partnership
health, and the thresholds behind them. Coordinators and admins only."""

from datetime import timedelta

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from coordinator.domain.balance.thresholds import DEFAULT_THRESHOLDS, FIELDS
from coordinator.domain.power.contingency import FACTOR_KEYS, FACTORS, read_profile
from coordinator.domain.power.sectors import SECTOR_LABELS, TIERS
from coordinator.services.balance import history as balance_history
from coordinator.services.balance import thresholds
from coordinator.services.power import contingency
from coordinator.services.power import view as power_view

from ..domain import alert_state as states
from ..errors import CoordinatorError, InvalidInputError
from ..extensions import db
from ..models import Alert, utcnow
from ..queue import request_evaluation
from ..services import alerts
from .forms.desk import NoteForm, ResolveForm, SnoozeForm
from .forms.fields import attach_error
from .forms.tasks import EmptyForm
from .input_guard import int_arg
from .tenancy import get_scoped_or_404, role_required

bp = Blueprint("desk", __name__, url_prefix="/p/<slug>/desk")
PREVIEW_NAMES = 10  # scopes named per alert kind in a preview; the counts are whole

FORMS = {"acknowledge": NoteForm, "snooze": SnoozeForm, "resolve": ResolveForm,
         "reopen": NoteForm}
DONE = {"acknowledge": "Alert acknowledged.", "snooze": "Alert snoozed.",
        "resolve": "Alert resolved.", "reopen": "Alert reopened."}


@bp.get("/")
@role_required("coordinator")
def index():
    filters = alerts.DeskFilters.parse(request.args)
    today = utcnow().date()
    page = alerts.desk_alerts(g.partnership.id, filters, today,
                              page=int_arg("page", 1, minimum=1))
    return render_template("desk/index.html", page=page, filters=filters, today=today,
                           counts=alerts.open_counts(g.partnership.id),
                           kind_labels=alerts.KIND_LABELS, scope_labels=alerts.SCOPE_LABELS)


@bp.get("/alerts/<int:alert_id>")
@role_required("coordinator")
def alert(alert_id: int):
    return render_alert(get_scoped_or_404(Alert, alert_id))


def render_alert(found: Alert, status: int = 200, failed=None):
    """The alert page; `failed` is a submitted action form to show again with its errors."""
    now = utcnow()
    forms = {action: cls(prefix=action) for action, cls in FORMS.items()}
    forms["snooze"].until.data = forms["snooze"].until.data or now.date() + timedelta(days=14)
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render_template(
        "desk/alert.html", alert=found, today=now.date(), forms=forms,
        evidence=alerts.evidence(found), history=alerts.history(found),
        chart=balance_history.alert_chart(found, g.partnership, now),
        scope_link=_scope_url(found), kind_labels=alerts.KIND_LABELS,
        action_labels=states.ACTION_LABELS,
        threshold_labels={f.name: f.label for f in FIELDS}), status


@bp.post("/alerts/<int:alert_id>/<any(acknowledge, snooze, resolve, reopen):action>")
@role_required("coordinator")
def act(alert_id: int, action: str):
    found = get_scoped_or_404(Alert, alert_id)
    form = FORMS[action](prefix=action)
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return render_alert(found, 422, (action, form))
    try:
        alerts.act(found, g.member, action, note=form.note.data or "",
                   until=form.until.data if action == "snooze" else None)
    except CoordinatorError as error:
        db.session.rollback()
        if not attach_error(form, error):
            flash(str(error), "error")
        return render_alert(found, 422, (action, form))
    db.session.commit()
    flash(DONE[action], "success")
    return redirect(url_for("desk.alert", alert_id=found.id))


@bp.get("/health")
@role_required("coordinator")
def health():
    return render_template("desk/health.html",
                           health=balance_history.health(g.partnership, utcnow()),
                           counts=alerts.open_counts(g.partnership.id),
                           kind_labels=alerts.KIND_LABELS,
                           limits=thresholds.current(g.partnership))


@bp.get("/power")
@role_required("coordinator")
def power():
    views, measured_at = power_view.power_page(g.partnership, utcnow())
    return render_template("desk/power.html", views=views, measured_at=measured_at,
                           limits=thresholds.current(g.partnership), group_name=_group_name)


def _scope_url(alert) -> str | None:
    target = alerts.scope_target(alert)
    if target is None:
        return None
    kind, scope_id = target
    return (url_for("tasks.detail", task_id=scope_id) if kind == "task"
            else url_for("groups.detail", group_id=scope_id))


def _group_name(group: str) -> str:
    return SECTOR_LABELS.get(group, group.capitalize() + " tier" if group in TIERS else group)


@bp.route("/contingency", methods=["GET", "POST"])
@role_required("coordinator")
def contingency_profile():
    form = EmptyForm()
    raw, errors = {}, {}
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        raw = {key: request.form.get(key, "") for key in FACTOR_KEYS}
        try:
            contingency.save(g.partnership, g.member, raw, request.form.get("note", ""))
        except InvalidInputError as refused:
            db.session.rollback()
            errors = refused.errors
        else:
            db.session.commit()
            _reevaluate()
            flash("Contingency profile saved.", "success")
            return redirect(url_for("desk.contingency_profile"))
    latest = contingency.latest(g.partnership.id)
    return render_template(
        "desk/contingency.html", form=form, factors=FACTORS, raw=raw, errors=errors,
        latest=latest, reading=read_profile(latest.scores) if latest else None,
        tightened=thresholds.effective(g.partnership)[1],
        history=contingency.history(g.partnership.id)), (422 if errors else 200)


@bp.route("/thresholds", methods=["GET", "POST"])
@role_required("coordinator")
def settings():
    form = EmptyForm()
    raw, errors = {}, {}
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        raw = {f.name: request.form[f.name] for f in FIELDS if f.name in request.form}
        if request.form.get("action") == "preview":
            return _previewed(form, raw)
        try:
            change = thresholds.save(g.partnership, g.member, raw)
        except InvalidInputError as refused:
            db.session.rollback()
            errors = refused.errors
        else:
            db.session.commit()
            _reevaluate()
            flash("Thresholds saved. Alerts are being re-evaluated." if change
                  else "Nothing changed.", "success" if change else "info")
            return redirect(url_for("desk.settings"))
    return _settings_page(form, raw, errors)


def _settings_page(form, raw: dict, errors: dict, previews=None, names=None):
    return render_template("desk/settings.html", fields=FIELDS, form=form, raw=raw,
                           errors=errors, current=thresholds.effective(g.partnership)[0],
                           defaults=DEFAULT_THRESHOLDS,
                           tightened=thresholds.effective(g.partnership)[1],
                           history=thresholds.history(g.partnership.id),
                           previews=previews, names=names or {},
                           kind_labels=alerts.KIND_LABELS), (422 if errors else 200)


def _previewed(form, raw: dict):
    """The page with what the typed values would have flagged; nothing is saved."""
    try:
        previews = thresholds.preview(g.partnership, raw)
    except InvalidInputError as refused:
        return _settings_page(form, raw, refused.errors)
    shown = {scope for p in previews for scope in (p.added[:PREVIEW_NAMES]
                                                   + p.dropped[:PREVIEW_NAMES])}
    return _settings_page(form, raw, {}, previews,
                          thresholds.scope_names(g.partnership.id, shown))


@bp.post("/thresholds/reset")
@role_required("coordinator")
def reset():
    if not EmptyForm().validate_on_submit():
        abort(400)
    change = thresholds.reset(g.partnership, g.member)
    db.session.commit()
    if change:
        _reevaluate()
    flash("Thresholds reset to the defaults." if change else "The defaults are already in use.",
          "success" if change else "info")
    return redirect(url_for("desk.settings"))


def _reevaluate() -> None:
    request_evaluation(g.partnership.id, trigger="thresholds")
