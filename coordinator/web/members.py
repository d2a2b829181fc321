"""The member directory, profiles and editing my knowledge profile."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from coordinator.domain.power.sectors import SECTOR_LABELS
from coordinator.services.knowledge.placement import placement
from coordinator.services.knowledge.profiles import update_profile

from ..errors import InvalidInputError
from ..extensions import db
from ..models import Membership
from ..services import directory
from ..services.administration import organisation_choices
from ..services.tags import popular_tags
from .forms.people import ProfileForm
from .member_filters import filters_from_args, page_arg, refused
from .tenancy import get_scoped_or_404, member_required

bp = Blueprint("members", __name__, url_prefix="/p/<slug>")


@bp.get("/members")
@member_required
def index():
    filters = filters_from_args()
    try:
        page = directory.member_page(g.partnership.id, filters, page_arg())
    except InvalidInputError as error:
        raise refused(error) from None
    return render_template("members/index.html", page=page, filters=filters,
                           organisations=organisation_choices(g.partnership.id),
                           sectors=SECTOR_LABELS)


@bp.get("/members/<int:member_id>")
@member_required
def profile(member_id: int):
    member = get_scoped_or_404(Membership, member_id)
    return render_template("members/profile.html", member=member,
                           tasks=directory.tasks_of(member),
                           placement=placement(member))


@bp.route("/profile", methods=["GET", "POST"])
@member_required
def edit_profile():
    form = ProfileForm(obj=g.member, name=g.member.user.name)
    if request.method == "GET":
        form.tags.data = g.member.tag_names
    if form.validate_on_submit():
        update_profile(g.member, form.name.data, form.tags.data, form.bio.data or "")
        db.session.commit()
        flash("Profile saved.", "success")
        return redirect(url_for("members.profile", member_id=g.member.id))
    return render_template("members/edit.html", form=form,
                           suggestions=popular_tags(g.partnership.id))
