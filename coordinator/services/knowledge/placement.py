"""Where a member sits on the knowledge map: the latest map's answer, or a provisional one
for a profile that map has not seen (new, or edited since), placed at once.

A provisional place comes from the snapshot's placement model (domain.knowledge.placement):
the nearest centroid gives the cluster; the nearest colleagues are the fifty members who
share the most weighted tags (or, without tags, fifty members of that cluster), ranked by
the cosine of their vectors, weighed the same way.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import case, func, select

from coordinator.domain.knowledge.placement import (
    Model,
    cosine,
    nearest_cluster,
    profile_vector,
)
from coordinator.domain.knowledge.weights import Profile
from coordinator.extensions import db
from coordinator.models import (
    Cluster,
    ClusterAssignment,
    ClusterSnapshot,
    Event,
    Membership,
    Tag,
    membership_tags,
)
from coordinator.services.knowledge.profiles import load_profiles
from coordinator.services.knowledge.snapshots import latest_snapshot

SHOWN = 5
CANDIDATES = 50
MODELS_KEPT = 8  # parsed models kept per process, by snapshot id (snapshots never change)
_models_lock = threading.Lock()


@dataclass
class Placement:
    cluster: Cluster | None
    neighbours: list[tuple[Membership, float]]
    snapshot: ClusterSnapshot | None
    provisional: bool = False  # placed from the profile, until the next map


def placement(member: Membership) -> Placement:
    snapshot = latest_snapshot(member.partnership_id)
    if snapshot is None:
        return Placement(None, [], None)
    assignment = db.session.get(ClusterAssignment, (snapshot.id, member.id))
    model = None
    if assignment is None or _edited_since(member, snapshot):
        model = _model(snapshot)
    if model is None:
        return _mapped(member, snapshot, assignment)
    return _provisional(member, snapshot, model)


def _mapped(member: Membership, snapshot: ClusterSnapshot,
            assignment: ClusterAssignment | None) -> Placement:
    if assignment is None:
        return Placement(None, [], snapshot)
    cluster = db.session.get(Cluster, assignment.cluster_id) if assignment.cluster_id else None
    ids = [member_id for member_id, _ in assignment.neighbours]
    people = _members(member.partnership_id, ids)
    near = [(people[mid], sim) for mid, sim in assignment.neighbours if mid in people]
    return Placement(cluster, near, snapshot)


def _provisional(member: Membership, snapshot: ClusterSnapshot, model: Model) -> Placement:
    mine = load_profiles(member.partnership_id, [member.id])
    vector = profile_vector(*_parts(mine[0]), model) if mine else {}
    stable_id, _ = nearest_cluster(vector, model)
    cluster = None if stable_id is None else db.session.scalar(select(Cluster).where(
        Cluster.snapshot_id == snapshot.id, Cluster.stable_id == stable_id))
    candidates = _candidates(member, model, cluster)
    scored = []
    for other in load_profiles(member.partnership_id, candidates) if candidates else []:
        similarity = cosine(vector, profile_vector(*_parts(other), model))
        if similarity > 0:
            scored.append((round(similarity, 3), other.member_id))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    people = _members(member.partnership_id, [mid for _, mid in scored[:SHOWN]])
    near = [(people[mid], sim) for sim, mid in scored[:SHOWN] if mid in people]
    return Placement(cluster, near, snapshot, provisional=True)


def _edited_since(member: Membership, snapshot: ClusterSnapshot) -> bool:
    covered = snapshot.data_version or snapshot.created_at
    return db.session.scalar(select(Event.id).where(
        Event.subject_id == member.id, Event.kind == "profile_updated",
        Event.partnership_id == member.partnership_id, Event.occurred_at > covered)
        .limit(1)) is not None


def _model(snapshot: ClusterSnapshot) -> Model | None:
    # Per app, not per module: an app is one database, and ids are unique only within one.
    models = current_app.extensions.setdefault("placement_models", OrderedDict())
    with _models_lock:
        if snapshot.id in models:
            models.move_to_end(snapshot.id)
            return models[snapshot.id]
    data = db.session.scalar(select(ClusterSnapshot.placement_model)
                             .where(ClusterSnapshot.id == snapshot.id))
    if data is None:  # a snapshot from before placement models
        return None
    model = Model.from_json(data)
    with _models_lock:
        models[snapshot.id] = model
        while len(models) > MODELS_KEPT:
            models.popitem(last=False)
    return model


def _candidates(member: Membership, model: Model, cluster: Cluster | None) -> list[int]:
    """Members sharing the most weighted tags; without tags, members of the cluster."""
    tag_ids = dict(db.session.execute(
        select(Tag.id, Tag.name).join(membership_tags, membership_tags.c.tag_id == Tag.id)
        .where(membership_tags.c.membership_id == member.id)).all())
    weights = {tag_id: model.tag_idf.get(name, 0.0) ** 2 for tag_id, name in tag_ids.items()}
    if weights:
        score = func.sum(case(weights, value=membership_tags.c.tag_id, else_=0.0))
        return list(db.session.scalars(
            select(membership_tags.c.membership_id)
            .where(membership_tags.c.tag_id.in_(weights),
                   membership_tags.c.membership_id != member.id)
            .group_by(membership_tags.c.membership_id)
            .order_by(score.desc(), membership_tags.c.membership_id).limit(CANDIDATES)))
    if cluster is None:
        return []
    return list(db.session.scalars(
        select(ClusterAssignment.membership_id)
        .where(ClusterAssignment.cluster_id == cluster.id,
               ClusterAssignment.membership_id != member.id)
        .order_by(ClusterAssignment.membership_id).limit(CANDIDATES)))


def _parts(profile: Profile) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    return profile.tags, profile.completed_tags, profile.bio


def _members(partnership_id: int, ids: list[int]) -> dict[int, Membership]:
    if not ids:
        return {}
    return {m.id: m for m in db.session.scalars(
        select(Membership).where(Membership.id.in_(ids),
                                 Membership.partnership_id == partnership_id))}
