"""Plan digests: insert an outbox row for every member, kind and period that is due.

Runs every 15 minutes (and from `flask send-digests`). Inserting is idempotent, because
UNIQUE(member, kind, period) turns a second insert of the same digest into nothing, and
it catches up after downtime (`domain.digests.periods.due_periods`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from coordinator.domain.digests.periods import OFF, WEEKLY, due_periods, send_moment
from coordinator.extensions import db
from coordinator.models import DigestDelivery, DigestPreference, Membership
from coordinator.services.sql import insert_ignoring_conflicts

COORDINATOR_ROLES = ("coordinator", "admin")


@dataclass
class Plan:
    planned: Counter = field(default_factory=Counter)  # kind → new rows
    ids: list[int] = field(default_factory=list)


def plan(now: datetime, partnership_id: int | None = None) -> Plan:
    """Insert what is due at `now` (all partnerships, or one); return the new rows' ids."""
    members = select(Membership.id, Membership.partnership_id, Membership.role,
                     DigestPreference.frequency, DigestPreference.timezone,
                     DigestPreference.send_hour, DigestPreference.alerts).outerjoin(
        DigestPreference, DigestPreference.membership_id == Membership.id
    ).order_by(Membership.id)  # rows in one order on every database and plan
    if partnership_id is not None:
        members = members.where(Membership.partnership_id == partnership_id)
    last = {(m, k): at for m, k, at in db.session.execute(
        select(DigestDelivery.membership_id, DigestDelivery.kind, func.max(DigestDelivery.due_at))
        .group_by(DigestDelivery.membership_id, DigestDelivery.kind))}
    rows = []
    for member, pid, role, frequency, tz, hour, alerts in db.session.execute(members):
        frequency, tz = frequency or WEEKLY, tz or "UTC"
        hour = 7 if hour is None else hour
        kinds = []
        if frequency != OFF:
            kinds.append(("member", frequency))
        if role in COORDINATOR_ROLES and alerts is not False:
            # The alerts digest is its own list: leaving the member digest keeps it.
            kinds.append(("coordinator", frequency if frequency != OFF else WEEKLY))
        for kind, how_often in kinds:
            for key in due_periods(how_often, now, tz, hour, last.get((member, kind))):
                rows.append({"partnership_id": pid, "membership_id": member, "kind": kind,
                             "frequency": how_often, "period_key": key,
                             "due_at": send_moment(how_often, key, tz, hour),
                             "status": "pending", "attempts": 0, "created_at": now,
                             "message_id": "", "last_error": "", "summary": {}})
    result = Plan()
    if not rows:
        return result
    before = db.session.scalar(select(func.coalesce(func.max(DigestDelivery.id), 0)))
    for start in range(0, len(rows), 1000):
        db.session.execute(insert_ignoring_conflicts(DigestDelivery.__table__),
                           rows[start:start + 1000])
    for new_id, kind in db.session.execute(
            select(DigestDelivery.id, DigestDelivery.kind).where(DigestDelivery.id > before)
            .order_by(DigestDelivery.id)):
        result.ids.append(new_id)
        result.planned[kind] += 1
    return result
