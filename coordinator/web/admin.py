"""Admin pages: settings, organisations, members and roles, invitations, CSV import, webhooks."""

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for

from coordinator.domain.power.sectors import SECTOR_LABELS

from ..emails import send_invitation_email
from ..errors import CoordinatorError, InvalidInputError
from ..extensions import db
from ..models import ROLES, Membership, Organisation, Webhook, WebhookDelivery
from ..queue import request_evaluation
from ..services import accounts, administration, webhooks
from ..services.imports import import_members
from .confirm import confirmation_page
from .forms.admin import (
    ImportForm,
    InviteForm,
    OrganisationForm,
    PartnershipForm,
    RoleForm,
    WebhookForm,
)
from .forms.fields import attach_error, options
from .forms.tasks import EmptyForm
from .member_filters import filters_from_args, list_place, page_arg, refused
from .tenancy import get_scoped_or_404, role_required

bp = Blueprint("admin", __name__, url_prefix="/p/<slug>/admin")
# Up to this many organisations, each row of Admin → Members offers them in a select; with
# more, 50 rows of them would make the page grow with the partnership, so a row links to
# the member's own form instead.
INLINE_ORGANISATIONS = 40


@bp.route("/", methods=["GET", "POST"])
@role_required("admin")
def settings():
    form = PartnershipForm(obj=g.partnership)
    present = administration.present_sectors(g.partnership.id)
    form.critical_sectors.choices = options(
        (key, label) for key, label in SECTOR_LABELS.items() if key in present)
    if form.validate_on_submit():
        try:
            administration.save_settings(g.partnership, form.name.data,
                                         form.description.data or "",
                                         form.critical_sectors.data,
                                         form.stale_place_days.data)
        except CoordinatorError as error:
            db.session.rollback()
            if not attach_error(form, error):
                raise
        else:
            db.session.commit()
            request_evaluation(g.partnership.id, trigger="settings")  # critical stakeholders
            flash("Settings saved.", "success")
            return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form)


@bp.get("/organisations")
@role_required("admin")
def organisations():
    rows = administration.organisations(g.partnership.id)
    return render_template("admin/organisations.html", organisations=[org for org, _ in rows],
                           counts={org.id: n for org, n in rows})


@bp.route("/organisations/new", methods=["GET", "POST"])
@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@role_required("admin")
def organisation(organisation_id: int | None = None):
    org = get_scoped_or_404(Organisation, organisation_id) if organisation_id else None
    form = OrganisationForm(obj=org)
    if form.validate_on_submit():
        data = administration.OrganisationInput(
            name=form.name.data, sector=form.sector.data,
            formal_authority=form.formal_authority.data,
            resource_control=form.resource_control.data,
            discursive_legitimacy=form.discursive_legitimacy.data,
            critical_stakeholder=form.critical_stakeholder.data)
        try:
            org = administration.save_organisation(g.partnership, org, data)
        except CoordinatorError as error:
            db.session.rollback()
            if not attach_error(form, error):
                raise
        else:
            db.session.commit()
            # Sector, power sources and critical stakeholders feed the power indicators.
            request_evaluation(g.partnership.id, trigger="settings")
            flash(f"{org.name} saved: {org.tier} power tier.", "success")
            return redirect(url_for("admin.organisations"))
    return render_template("admin/organisation.html", form=form, organisation=org)


@bp.get("/members")
@role_required("admin")
def members():
    filters = filters_from_args(by_email=True)
    try:
        page = administration.members(g.partnership.id, filters, page_arg())
    except InvalidInputError as error:
        raise refused(error) from None
    choices = _org_choices()
    return render_template("admin/members.html", page=page, filters=filters,
                           org_choices=choices, roles=ROLES, place=list_place(),
                           inline_orgs=len(choices) <= INLINE_ORGANISATIONS)


@bp.get("/members/<int:member_id>/edit")
@role_required("admin")
def edit_member(member_id: int):
    """Role and organisation of one member: where a partnership has too many
    organisations to offer them in every row of the list."""
    member = get_scoped_or_404(Membership, member_id)
    form = RoleForm(role=member.role, organisation_id=member.organisation_id or 0)
    form.organisation_id.choices = options(_org_choices())
    return render_template("admin/member_edit.html", member=member, form=form,
                           place=list_place())


@bp.post("/members/<int:member_id>")
@role_required("admin")
def update_member(member_id: int):
    member = get_scoped_or_404(Membership, member_id)
    # Back to the same search, filters and page, at this member's row.
    back = url_for("admin.members", **list_place(), _anchor=f"member-{member.id}")
    form = RoleForm()
    form.organisation_id.choices = options(_org_choices())
    if not form.validate_on_submit():
        flash("Choose a valid role and organisation.", "error")
        return redirect(back)
    try:
        administration.set_role(member, form.role.data, form.organisation_id.data or None)
    except CoordinatorError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(back)
    db.session.commit()
    organisation = member.organisation.name if member.organisation_id else "no organisation"
    flash(f"Saved {member.name}: {member.role}, {organisation}.", "success")
    return redirect(back)


NOT_QUEUED = ("The invitation is saved, but {} could not be sent: the mail queue is "
              "unavailable. Invite the same address again in a few minutes.")


@bp.route("/invitations", methods=["GET", "POST"])
@role_required("admin")
def invitations():
    form = InviteForm()
    form.organisation_id.choices = options(_org_choices())
    if form.validate_on_submit():
        data = accounts.InviteInput(email=form.email.data, role=form.role.data,
                                    organisation_id=form.organisation_id.data or None)
        try:
            invitation = accounts.create_invitation(g.partnership, g.member, data)
        except CoordinatorError as error:
            db.session.rollback()
            if not attach_error(form, error):
                raise
        else:
            db.session.commit()
            if send_invitation_email(invitation, g.member.name):
                flash(f"Invitation sent to {invitation.email}.", "success")
            else:
                flash(NOT_QUEUED.format(f"the email to {invitation.email}"), "error")
            return redirect(url_for("admin.invitations"))
    return render_template("admin/invitations.html", form=form,
                           invitations=administration.recent_invitations(g.partnership.id))


@bp.route("/import", methods=["GET", "POST"])
@role_required("admin")
def import_page():
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            raw = upload.read()
        finally:
            upload.close()  # a large upload is spooled to a temporary file
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            form.file.errors.append("Save the file as UTF-8 CSV and upload it again.")
        else:
            report = import_members(g.partnership, text, skip_invalid=form.skip_invalid.data)
            if report.ok:
                db.session.commit()
                lost = [invitation.email for invitation in report.invitations
                        if not send_invitation_email(invitation, g.member.name)]
                if lost:
                    flash(NOT_QUEUED.format(f"the invitation emails to {', '.join(lost)}"),
                          "error")
            else:
                db.session.rollback()
    # A file of bad rows must not become a page many times its size.
    return render_template("admin/import.html", form=form, report=report, shown_rows=100)


@bp.route("/webhooks", methods=["GET", "POST"])
@role_required("admin")
def webhook_list():
    form = WebhookForm()
    created, status = None, 200
    if form.validate_on_submit():
        try:
            created = webhooks.register(g.partnership, g.member, form.url.data,
                                        form.events.data)
        except CoordinatorError as error:
            db.session.rollback()
            if not attach_error(form, error):
                raise
            status = 422
        else:
            db.session.commit()
            form = WebhookForm(formdata=None)
            status = 201
    elif form.errors:
        status = 422
    return render_template("admin/webhooks.html", form=form, created=created,
                           hooks=webhooks.of_partnership(g.partnership.id),
                           deliveries=webhooks.recent_deliveries(g.partnership.id),
                           button_form=EmptyForm()), status


@bp.post("/webhooks/<int:webhook_id>/delete")
@role_required("admin")
def delete_webhook(webhook_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    hook = get_scoped_or_404(Webhook, webhook_id)
    page = confirmation_page("remove_webhook", hook.url, url_for("admin.webhook_list"))
    if page is not None:
        return page
    webhooks.remove(hook)
    db.session.commit()
    flash("Webhook removed: nothing more is sent to it.", "info")
    return redirect(url_for("admin.webhook_list"))


@bp.post("/webhooks/deliveries/<int:delivery_id>/send-again")
@role_required("admin")
def send_again(delivery_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    webhooks.send_again(get_scoped_or_404(WebhookDelivery, delivery_id))
    db.session.commit()
    flash("Sent again.", "info")
    return redirect(url_for("admin.webhook_list"))


def _org_choices() -> list[tuple[int, str]]:
    return [(0, "— none —")] + administration.organisation_choices(g.partnership.id)
