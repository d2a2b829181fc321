"""The knowledge map: /api/v1/knowledge-map, a member's placement, who knows a tag."""

from __future__ import annotations

from flask import g

from ..models import Cluster, Membership
from ..services.api_tokens import READ
from ..services.knowledge import map_view
from ..services.knowledge.placement import placement
from . import schemas
from .auth import requires
from .common import Resource, scoped_or_404
from .guard import protect

bp = Resource("api_knowledge", __name__, tag="Knowledge map", url_prefix="/api/v1",
              description="Clusters of similar knowledge, where a member sits, who knows "
                          "what.")
protect(bp)


@bp.route("/knowledge-map")
@bp.response(200, schemas.KnowledgeMap)
@requires(READ)
def get_map():
    """The latest knowledge map: clusters and the team-mate ties between them."""
    view = map_view.map_view(g.partnership)
    return {"computed_at": view.snapshot.created_at if view.snapshot else None,
            "is_stale": view.is_stale, "clarity": view.clarity, "clusters": view.clusters,
            "ties": [{"a": a.stable_id, "b": b.stable_id, "weight": weight}
                     for a, b, weight in view.ties]}


@bp.route("/knowledge-map/clusters/<int:cluster_id>")
@bp.response(200, schemas.ClusterDetail)
@requires(READ)
def get_cluster(cluster_id: int):
    cluster = scoped_or_404(Cluster, cluster_id)
    fields = {name: getattr(cluster, name) for name in schemas.ClusterSchema().fields}
    return {**fields, "members": map_view.cluster_member_refs(cluster)}


@bp.route("/members/<int:member_id>/placement")
@bp.response(200, schemas.PlacementSchema)
@requires(READ)
def get_placement(member_id: int):
    """A member's cluster and nearest colleagues in the latest map; for a profile that map
    has not seen (new, or edited since), a provisional place from the profile itself."""
    found = placement(scoped_or_404(Membership, member_id))
    return {"cluster": found.cluster, "provisional": found.provisional,
            "neighbours": [{"member": m, "similarity": round(s, 3)}
                           for m, s in found.neighbours]}


@bp.route("/who-knows")
@bp.arguments(schemas.WhoKnowsArgs, location="query")
@bp.response(200, schemas.WhoKnows)
@requires(READ)
def who_knows(args):
    """Members ranked by what they know of a tag."""
    tag = args["tag"].strip().lower()
    return {"tag": tag, "members": [{"member": m, "score": score} for m, score in
                                    map_view.who_knows(g.partnership.id, tag)]}
