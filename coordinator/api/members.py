"""Members, your own profile and working groups: /api/v1/members, /me, /groups."""

from __future__ import annotations

from flask import g
from sqlalchemy import select

from ..extensions import db
from ..models import Membership, WorkingGroup
from ..services import directory, groups
from ..services.api_tokens import READ, WRITE
from ..services.knowledge.profiles import update_profile
from . import schemas
from .auth import requires
from .common import PageArgs, Resource, cursor_page, scoped_or_404
from .guard import protect

bp = Resource("api_members", __name__, tag="Members and groups", url_prefix="/api/v1",
               description="Who is in the partnership, and what they know.")
protect(bp)


@bp.route("/members")
@bp.arguments(schemas.MemberFilters, location="query")
@bp.response(200, schemas.MemberPage)
@requires(READ)
def list_members(args):
    """Members by name; `q` searches names, `tag` picks those who declared it."""
    stmt = directory.directory_query(g.partnership.id, args["q"].strip(),
                                     args["tag"].strip().lower())
    return cursor_page(stmt, args, "api_members.list_members")


@bp.route("/members/<int:member_id>")
@bp.response(200, schemas.MemberSchema)
@requires(READ)
def get_member(member_id: int):
    return scoped_or_404(Membership, member_id)


@bp.route("/me")
@bp.etag
@bp.response(200, schemas.MemberSchema)
@requires(READ)
def get_me():
    """The member this token acts for."""
    return g.member


@bp.route("/me", methods=["PATCH"])
@bp.etag
@bp.arguments(schemas.ProfileUpdate)
@bp.response(200, schemas.MemberSchema)
@requires(WRITE)
def update_me(data):
    """Change your name, knowledge tags or bio; what you leave out stays. Send the ETag
    of what you read in If-Match."""
    member = g.member
    bp.check_etag(member, schemas.MemberSchema)
    update_profile(member, data.get("name", member.user.name),
                   data.get("tags", member.tag_names), data.get("bio", member.bio))
    db.session.commit()
    return member


@bp.route("/groups")
@bp.arguments(PageArgs, location="query")
@bp.response(200, schemas.GroupPage)
@requires(READ)
def list_groups(args):
    """Working groups by name."""
    stmt = (select(WorkingGroup).where(WorkingGroup.partnership_id == g.partnership.id)
            .order_by(WorkingGroup.name, WorkingGroup.id))
    return cursor_page(stmt, args, "api_members.list_groups")


@bp.route("/groups/<int:group_id>")
@bp.response(200, schemas.GroupSchema)
@requires(READ)
def get_group(group_id: int):
    return scoped_or_404(WorkingGroup, group_id)


@bp.route("/groups/<int:group_id>/join", methods=["POST"])
@bp.response(204)
@requires(WRITE)
def join_group(group_id: int):
    """Become a member of a working group (again is fine)."""
    groups.join_group(scoped_or_404(WorkingGroup, group_id), g.member)
    db.session.commit()
    return ""


@bp.route("/groups/<int:group_id>/leave", methods=["POST"])
@bp.response(204)
@requires(WRITE)
def leave_group(group_id: int):
    groups.leave_group(scoped_or_404(WorkingGroup, group_id), g.member)
    db.session.commit()
    return ""
