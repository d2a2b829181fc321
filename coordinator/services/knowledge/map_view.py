"""Reading the knowledge map for pages: snapshots, history, who knows what."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import contains_eager

from coordinator.domain.knowledge.clarity import clarity_sentence
from coordinator.extensions import db
from coordinator.models import (
    Cluster,
    ClusterAssignment,
    ClusterSnapshot,
    ClusterTie,
    Membership,
    Participation,
    Tag,
    Task,
    User,
    membership_tags,
    task_tags,
)
from coordinator.services.directory import (
    BY_NAME,
    PEOPLE_PAGE_SIZE,
    MemberPage,
    members_among,
)
from coordinator.services.knowledge.snapshots import latest_snapshot

HISTORY = 12


@dataclass
class MapView:
    snapshot: ClusterSnapshot | None
    clusters: list[Cluster]
    ties: list[tuple[Cluster, Cluster, int]]
    history: dict[int, list[int]]  # stable id → sizes over the last snapshots, oldest first
    history_times: list
    is_stale: bool
    clarity: str | None = None  # how clear the map's structure is, in plain words


def map_view(partnership) -> MapView:
    snapshot = latest_snapshot(partnership.id)
    if snapshot is None:
        return MapView(None, [], [], {}, [], partnership.recompute_requested_at is not None)
    clusters = list(snapshot.clusters)
    by_stable = {c.stable_id: c for c in clusters}
    ties = [(by_stable[a], by_stable[b], weight) for a, b, weight in db.session.execute(
        select(ClusterTie.cluster_a, ClusterTie.cluster_b, ClusterTie.weight)
        .where(ClusterTie.snapshot_id == snapshot.id))
        if a in by_stable and b in by_stable]
    recent = _recent_snapshots(partnership.id)
    history = size_history(recent, [c.stable_id for c in clusters])
    stale = partnership.recompute_requested_at != snapshot.data_version
    return MapView(snapshot, clusters, ties, history, [s.created_at for s in recent], stale,
                   clarity_sentence(snapshot.quality or {}))


def _recent_snapshots(partnership_id: int) -> list[ClusterSnapshot]:
    """The last HISTORY snapshots, oldest first."""
    return list(db.session.scalars(
        select(ClusterSnapshot).where(ClusterSnapshot.partnership_id == partnership_id)
        .order_by(ClusterSnapshot.id.desc()).limit(HISTORY)))[::-1]


def size_history(recent: list[ClusterSnapshot], stable_ids: list[int]) -> dict[int, list[int]]:
    """Stable cluster id → its size in each of `recent` (0 where it did not exist)."""
    sizes = {(s, stable): size for s, stable, size in db.session.execute(
        select(Cluster.snapshot_id, Cluster.stable_id, Cluster.size)
        .where(Cluster.snapshot_id.in_([s.id for s in recent]),
               Cluster.stable_id.in_(stable_ids)))}
    return {stable: [sizes.get((s.id, stable), 0) for s in recent] for stable in stable_ids}


def cluster_history(cluster: Cluster) -> list[int]:
    return size_history(_recent_snapshots(cluster.partnership_id),
                        [cluster.stable_id])[cluster.stable_id]


def _in_cluster(cluster: Cluster, *columns):
    return (select(*columns).select_from(Membership)
            .join(ClusterAssignment, ClusterAssignment.membership_id == Membership.id)
            .where(ClusterAssignment.cluster_id == cluster.id))


def cluster_member_refs(cluster: Cluster, limit: int = 500) -> list[Membership]:
    """The first members by name, with their users (the API's short list)."""
    return list(db.session.scalars(_in_cluster(cluster, Membership)
                                   .join(User, User.id == Membership.user_id)
                                   .options(contains_eager(Membership.user))
                                   .order_by(*BY_NAME).limit(limit)))


def cluster_members(cluster: Cluster, page: int) -> MemberPage:
    """One page of the cluster's members by name, in four queries whatever the size of
    the cluster: the count, the page's ids, their rows with user and organisation, their
    tags."""
    total = db.session.scalar(select(func.count()).select_from(ClusterAssignment)
                              .where(ClusterAssignment.cluster_id == cluster.id))
    on_page = (_in_cluster(cluster, Membership.id).order_by(*BY_NAME)
               .limit(PEOPLE_PAGE_SIZE).offset((page - 1) * PEOPLE_PAGE_SIZE))
    return MemberPage(members_among(cluster.partnership_id, on_page), page,
                      PEOPLE_PAGE_SIZE, total or 0)


def who_knows(partnership_id: int, tag: str, limit: int = 50) -> list[tuple[Membership, float]]:
    """Members ranked by knowledge of a tag: holding it (1) plus 0.5 per completed task."""
    declared = (select(membership_tags.c.membership_id.label("member_id"),
                       literal(1.0).label("score"))
                .join(Tag, Tag.id == membership_tags.c.tag_id)
                .where(Tag.partnership_id == partnership_id, Tag.name == tag))
    completed = (select(Participation.membership_id.label("member_id"),
                        literal(0.5).label("score"))
                 .join(Task, Task.id == Participation.task_id)
                 .join(task_tags, task_tags.c.task_id == Task.id)
                 .join(Tag, Tag.id == task_tags.c.tag_id)
                 .where(Task.partnership_id == partnership_id, Task.status == "done",
                        Tag.name == tag))
    scores = union_all(declared, completed).subquery()
    ranked = (select(scores.c.member_id, func.sum(scores.c.score).label("score"))
              .group_by(scores.c.member_id).subquery())
    rows = db.session.execute(
        select(Membership, ranked.c.score).join(ranked, ranked.c.member_id == Membership.id)
        .join(User, User.id == Membership.user_id)
        .order_by(ranked.c.score.desc(), *BY_NAME).limit(limit)).all()
    return [(member, float(score)) for member, score in rows]
