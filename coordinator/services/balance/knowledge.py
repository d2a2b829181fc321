"""What the balance measures know of people's knowledge: the clusters of the latest
knowledge map, declared tags and organisations' sectors, loaded set-wise."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from sqlalchemy import func, select

from coordinator.domain.balance.findings import PartnershipKnowledge, index_knowledge
from coordinator.extensions import db
from coordinator.models import (
    Cluster,
    ClusterAssignment,
    Membership,
    Organisation,
    Tag,
    membership_tags,
)
from coordinator.services.knowledge.snapshots import latest_snapshot
from coordinator.services.sql import rows


def load_knowledge(partnership_id: int) -> tuple[PartnershipKnowledge, dict[int, frozenset[str]]]:
    """Clusters (stable ids) of the latest snapshot, sectors and declared tags."""
    snapshot = latest_snapshot(partnership_id)
    clusters: dict[int, int | None] = {}
    labels: dict[int, str] = {}
    if snapshot is not None:
        clusters = dict(rows(
            select(ClusterAssignment.membership_id, Cluster.stable_id)
            .join(Cluster, Cluster.id == ClusterAssignment.cluster_id)
            .where(ClusterAssignment.snapshot_id == snapshot.id)).all())
        labels = dict(rows(select(Cluster.stable_id, Cluster.label).where(
            Cluster.snapshot_id == snapshot.id)).all())
    # By id, then named from one small map: each name is then one shared string, hashed
    # once, instead of a new string on each of hundreds of thousands of rows.
    tag_names = dict(rows(select(Tag.id, Tag.name)
                          .where(Tag.partnership_id == partnership_id)).all())
    tags: dict[int, set[str]] = defaultdict(set)
    for member_id, tag_id in rows(
            select(membership_tags.c.membership_id, membership_tags.c.tag_id)
            .join(Tag, Tag.id == membership_tags.c.tag_id)
            .where(Tag.partnership_id == partnership_id)):
        tags[member_id].add(tag_names[tag_id])
    sectors = dict(rows(
        select(Membership.id, Organisation.sector)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.partnership_id == partnership_id)).all())
    member_tags = {m: frozenset(t) for m, t in tags.items()}
    return index_knowledge(clusters, member_tags, sectors, labels), member_tags




def members_knowledge(partnership_id: int, members: set[int]) -> PartnershipKnowledge:
    """Clusters of a few members, with the snapshot's cluster count (Blau's K)."""
    snapshot = latest_snapshot(partnership_id)
    if snapshot is None or not members:
        return index_knowledge({}, {}, {})
    clusters = dict(db.session.execute(
        select(ClusterAssignment.membership_id, Cluster.stable_id)
        .join(Cluster, Cluster.id == ClusterAssignment.cluster_id)
        .where(ClusterAssignment.snapshot_id == snapshot.id,
               ClusterAssignment.membership_id.in_(members))).all())
    count = db.session.scalar(select(func.count()).select_from(Cluster).where(
        Cluster.snapshot_id == snapshot.id)) or 0
    return replace(index_knowledge(clusters, {}, {}), cluster_count=count)
