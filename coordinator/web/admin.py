"""Admin pages: settings, organisations, members and roles, invitations, CSV import."""

from flask import Blueprint, flash, g, redirect, render_template, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from coordinator.domain.power.sectors import SECTOR_LABELS

from ..emails import send_invitation_email
from ..errors import CoordinatorError
from ..extensions import db
from ..models import Invitation, Membership, Organisation, User
from ..queue import request_evaluation
from ..services import accounts
from ..services.imports import import_members
from .forms.admin import ImportForm, InviteForm, OrganisationForm, PartnershipForm, RoleForm
from .forms.fields import attach_error, options
from .tenancy import get_scoped_or_404, role_required

bp = Blueprint("admin", __name__, url_prefix="/p/<slug>/admin")


@bp.route("/", methods=["GET", "POST"])
@role_required("admin")
def settings():
    form = PartnershipForm(obj=g.partnership)
    present = set(db.session.scalars(select(Organisation.sector).where(
        Organisation.partnership_id == g.partnership.id)))
    form.critical_sectors.choices = options(
        (key, label) for key, label in SECTOR_LABELS.items() if key in present)
    if form.validate_on_submit():
        g.partnership.name = form.name.data.strip()
        g.partnership.description = form.description.data or ""
        g.partnership.critical_sectors = sorted(form.critical_sectors.data) or None
        db.session.commit()
        request_evaluation(g.partnership.id, trigger="settings")  # critical stakeholders
        flash("Settings saved.", "success")
        return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form)


@bp.get("/organisations")
@role_required("admin")
def organisations():
    counts = dict(db.session.execute(
        select(Membership.organisation_id, func.count())
        .where(Membership.partnership_id == g.partnership.id)
        .group_by(Membership.organisation_id)).all())
    orgs = db.session.scalars(select(Organisation).where(
        Organisation.partnership_id == g.partnership.id).order_by(Organisation.name)).all()
    return render_template("admin/organisations.html", organisations=orgs, counts=counts)


@bp.route("/organisations/new", methods=["GET", "POST"])
@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@role_required("admin")
def organisation(organisation_id: int | None = None):
    org = get_scoped_or_404(Organisation, organisation_id) if organisation_id else None
    form = OrganisationForm(obj=org)
    if form.validate_on_submit():
        name = form.name.data.strip()
        clash = db.session.scalar(select(Organisation.id).where(
            Organisation.partnership_id == g.partnership.id,
            func.lower(Organisation.name) == name.lower(),
            Organisation.id != (org.id if org else 0)))
        if clash:
            form.name.errors.append("Another organisation has this name.")
        else:
            if org is None:
                org = Organisation(partnership_id=g.partnership.id)
                db.session.add(org)
            form.populate_obj(org)
            org.name = name
            db.session.commit()
            # Sector, power sources and critical stakeholders feed the power indicators.
            request_evaluation(g.partnership.id, trigger="settings")
            flash(f"{org.name} saved: {org.tier} power tier.", "success")
            return redirect(url_for("admin.organisations"))
    return render_template("admin/organisation.html", form=form, organisation=org)


@bp.get("/members")
@role_required("admin")
def members():
    rows = db.session.scalars(
        select(Membership).join(User, User.id == Membership.user_id)
        .where(Membership.partnership_id == g.partnership.id)
        .options(joinedload(Membership.user), joinedload(Membership.organisation))
        .order_by(User.name)).all()
    return render_template("admin/members.html", members=rows, org_choices=_org_choices(),
                           form=RoleForm())


@bp.post("/members/<int:member_id>")
@role_required("admin")
def update_member(member_id: int):
    member = get_scoped_or_404(Membership, member_id)
    form = RoleForm()
    form.organisation_id.choices = options(_org_choices())
    if not form.validate_on_submit():
        flash("Choose a valid role and organisation.", "error")
        return redirect(url_for("admin.members"))
    if member.role == "admin" and form.role.data != "admin" and _admin_count() <= 1:
        flash("The partnership needs at least one admin.", "error")
        return redirect(url_for("admin.members"))
    member.role = form.role.data
    member.organisation_id = form.organisation_id.data or None
    db.session.commit()
    organisation = member.organisation.name if member.organisation_id else "no organisation"
    flash(f"Saved {member.name}: {member.role}, {organisation}.", "success")
    return redirect(url_for("admin.members"))


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
            send_invitation_email(invitation, g.member.name)
            flash(f"Invitation sent to {invitation.email}.", "success")
            return redirect(url_for("admin.invitations"))
    sent = db.session.scalars(select(Invitation).where(
        Invitation.partnership_id == g.partnership.id)
        .order_by(Invitation.id.desc()).limit(100)).all()
    return render_template("admin/invitations.html", form=form, invitations=sent)


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
                for invitation in report.invitations:
                    send_invitation_email(invitation, g.member.name)
            else:
                db.session.rollback()
    # A file of bad rows must not become a page many times its size.
    return render_template("admin/import.html", form=form, report=report, shown_rows=100)


def _org_choices() -> list[tuple[int, str]]:
    orgs = db.session.execute(select(Organisation.id, Organisation.name).where(
        Organisation.partnership_id == g.partnership.id).order_by(Organisation.name))
    return [(0, "— none —")] + [(oid, name) for oid, name in orgs]


def _admin_count() -> int:
    return db.session.scalar(select(func.count()).where(
        Membership.partnership_id == g.partnership.id, Membership.role == "admin"))

