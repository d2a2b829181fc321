"""Recomputing a partnership's knowledge map: load profiles, cluster, write a snapshot."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import func, insert, select

from coordinator.domain.knowledge import clusters as cl
from coordinator.domain.knowledge import structure as map_structure
from coordinator.domain.knowledge.neighbours import nearest_neighbours
from coordinator.domain.knowledge.placement import CENTROID_TERMS
from coordinator.domain.knowledge.vectors import build_vectors, centroids
from coordinator.extensions import db
from coordinator.models import (
    Cluster,
    ClusterAssignment,
    ClusterSnapshot,
    ClusterTie,
    Participation,
    Partnership,
    Task,
    utcnow,
)
from coordinator.services.knowledge.profiles import load_profiles
from coordinator.services.knowledge.snapshots import is_current, latest_snapshot

SEED = 20261123
TIE_WINDOW = timedelta(days=90)
NEIGHBOURS_SHOWN = 5
CHUNK = 5000


@dataclass
class Result:
    snapshot: ClusterSnapshot | None
    skipped: bool = False
    timings: dict[str, float] = field(default_factory=dict)


def recompute(partnership: Partnership, now: datetime | None = None, force: bool = False,
              resolution: float = 1.0) -> Result:
    """Compute and add a new snapshot (flushed, not committed); skip when nothing changed."""
    if not force and is_current(partnership):
        return Result(None, skipped=True)
    now = now or utcnow()
    data_version = partnership.recompute_requested_at
    watch = _Stopwatch()

    profiles = load_profiles(partnership.id)
    vectors = build_vectors(profiles)
    watch.lap("vectors")

    active = ~vectors.empty
    k = cl.neighbour_count(int(active.sum()))
    neighbours = nearest_neighbours(vectors.matrix, k, seed=SEED)
    watch.lap("neighbours")

    cut = map_structure.cut_map(vectors.matrix, active, seed=SEED, resolution=resolution,
                                neighbours=neighbours)
    labels = cut.labels
    stable = _stable_ids(partnership.id, vectors.member_ids, labels)
    names = cl.cluster_labels(vectors.matrix, vectors.tag_columns, vectors.tag_names, labels)
    watch.lap("communities")

    snapshot = ClusterSnapshot(
        partnership_id=partnership.id, created_at=now, data_version=data_version,
        params={"k": k, "resolution": resolution, "seed": SEED, "method": neighbours.method,
                "graph": cut.graph, "min_jaccard": cl.MIN_JACCARD,
                "tie_window_days": TIE_WINDOW.days},
        quality={"members": len(profiles), "profiled": int(active.sum()),
                 "unclustered": int((labels == cl.UNCLUSTERED).sum()),
                 "clusters": cut.count, "modularity": round(cut.modularity, 4),
                 "null_modularity": round(cut.null_modularity, 4), "clarity": cut.clarity,
                 "edges": int(cut.edges)},
        placement_model={"tag_idf": vectors.tag_idf, "bio_idf": vectors.bio_idf,
                         "centroids": centroids(vectors, labels, stable, CENTROID_TERMS)})
    db.session.add(snapshot)
    db.session.flush()
    _write(snapshot, vectors.member_ids, labels, stable, names, neighbours,
           _teams(partnership.id, now))
    watch.lap("write")
    snapshot.quality = {**snapshot.quality,
                        "timings": {name: round(s, 3) for name, s in watch.laps.items()}}
    return Result(snapshot, timings=watch.laps)


class _Stopwatch:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now


def _stable_ids(partnership_id: int, member_ids: np.ndarray,
                labels: np.ndarray) -> dict[int, int]:
    """Raw label → stable cluster id, matched against the previous snapshot."""
    previous: dict[int, set[int]] = {}
    latest = latest_snapshot(partnership_id)
    if latest is not None:
        for member_id, stable_id in db.session.execute(
                select(ClusterAssignment.membership_id, Cluster.stable_id)
                .join(Cluster, Cluster.id == ClusterAssignment.cluster_id)
                .where(ClusterAssignment.snapshot_id == latest.id)):
            previous.setdefault(stable_id, set()).add(member_id)
    current: dict[int, set[int]] = {}
    for member_id, label in zip(member_ids.tolist(), labels.tolist(), strict=True):
        if label != cl.UNCLUSTERED:
            current.setdefault(label, set()).add(member_id)
    issued = db.session.scalar(select(func.max(Cluster.stable_id)).where(
        Cluster.partnership_id == partnership_id)) or 0
    return cl.match_cluster_ids(previous, current, next_id=issued + 1)


def _teams(partnership_id: int, now: datetime) -> list[list[int]]:
    """Current teams of tasks active in the tie window (members who shared a team)."""
    since = now - TIE_WINDOW
    teams: dict[int, list[int]] = {}
    for task_id, member_id in db.session.execute(
            select(Participation.task_id, Participation.membership_id)
            .join(Task, Task.id == Participation.task_id)
            .where(Task.partnership_id == partnership_id, Task.updated_at >= since)
            .order_by(Participation.task_id, Participation.membership_id)):
        teams.setdefault(task_id, []).append(member_id)
    return [team for team in teams.values() if len(team) > 1]


def _write(snapshot: ClusterSnapshot, member_ids: np.ndarray, labels: np.ndarray,
           stable: dict[int, int], names: dict[int, list[str]], neighbours,
           teams: list[list[int]]) -> None:
    sizes = {label: int((labels == label).sum()) for label in stable}
    order = sorted(stable, key=lambda label: (-sizes[label], stable[label]))
    layout = cl.circle_layout([sizes[label] for label in order])
    row_ids: dict[int, int] = {}
    for label, (x, y, r) in zip(order, layout, strict=True):
        cluster = Cluster(snapshot_id=snapshot.id, partnership_id=snapshot.partnership_id,
                          stable_id=stable[label], size=sizes[label], top_tags=names[label],
                          label=", ".join(names[label]) or f"Cluster {stable[label]}",
                          x=round(x, 1), y=round(y, 1), r=round(r, 1))
        db.session.add(cluster)
        db.session.flush()
        row_ids[label] = cluster.id
    ids = member_ids.tolist()
    # Whole columns to lists first: indexing numpy one scalar at a time is slow at 100,000.
    shown = neighbours.indices[:, :NEIGHBOURS_SHOWN].tolist()
    similarities = neighbours.similarities[:, :NEIGHBOURS_SHOWN].tolist()
    rows = []
    for member_id, label, near_rows, near_similarities in zip(
            ids, labels.tolist(), shown, similarities, strict=True):
        near = [[ids[j], round(s, 3)] for j, s in zip(near_rows, near_similarities,
                                                      strict=True) if j >= 0]
        rows.append({"snapshot_id": snapshot.id, "membership_id": member_id,
                     "cluster_id": row_ids.get(label), "neighbours": near})
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(ClusterAssignment), rows[start:start + CHUNK])
    by_member = {m: stable[lab] for m, lab in zip(ids, labels.tolist(), strict=True)
                 if lab != cl.UNCLUSTERED}
    ties = cl.cluster_ties(by_member, teams)
    if ties:
        db.session.execute(insert(ClusterTie), [
            {"snapshot_id": snapshot.id, "cluster_a": a, "cluster_b": b, "weight": w}
            for (a, b), w in sorted(ties.items())])
