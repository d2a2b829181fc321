"""Reading knowledge-map snapshots: plain queries, so the pages that show a map (and the
balance measures that use its clusters) load no numerical stack."""

from __future__ import annotations

from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import ClusterSnapshot, Partnership


def latest_snapshot(partnership_id: int) -> ClusterSnapshot | None:
    return db.session.scalar(select(ClusterSnapshot).where(
        ClusterSnapshot.partnership_id == partnership_id)
        .order_by(ClusterSnapshot.id.desc()).limit(1))


def is_current(partnership: Partnership) -> bool:
    """True when the latest snapshot already covers the latest change."""
    latest = latest_snapshot(partnership.id)
    return latest is not None and latest.data_version == partnership.recompute_requested_at
