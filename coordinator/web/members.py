"""The member directory, profiles and editing my knowledge profile."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from coordinator.services.knowledge.placement import placement
from coordinator.services.knowledge.profiles import update_profile

from ..extensions import db
from ..models import Membership
from ..services import directory
from ..services.tags import popular_tags
from .forms.people import ProfileForm
from .input_guard import int_arg
from .tenancy import get_scoped_or_404, member_required

bp = Blueprint("members", __name__, url_prefix="/p/<slug>")


@bp.get("/members")
@member_required
def index():
    q = request.args.get("q", "").strip()[:100]
    tag = request.args.get("tag", "").strip().lower()[:40]
    stmt = directory.directory_query(g.partnership.id, q, tag)
    page = db.paginate(stmt, page=int_arg("page", 1, minimum=1), per_page=30, error_out=False)
    return render_template("members/index.html", page=page, q=q, tag=tag)


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
