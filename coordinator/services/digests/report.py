"""The outbox as admins see it: rows by status, and the latest rows."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from coordinator.extensions import db
from coordinator.models import DigestDelivery, Membership

SHOWN = 100


def status_counts(partnership_id: int) -> dict[str, int]:
    return dict(db.session.execute(
        select(DigestDelivery.status, func.count())
        .where(DigestDelivery.partnership_id == partnership_id)
        .group_by(DigestDelivery.status)).all())


def latest_rows(partnership_id: int, status: str = "") -> list[DigestDelivery]:
    """The newest SHOWN rows, of one status when `status` is given."""
    query = select(DigestDelivery).where(DigestDelivery.partnership_id == partnership_id)
    if status:
        query = query.where(DigestDelivery.status == status)
    return list(db.session.scalars(
        query.order_by(DigestDelivery.id.desc()).limit(SHOWN)
        .options(joinedload(DigestDelivery.membership).joinedload(Membership.user))))
