"""Stored weekly readings (domain.weekly): written by each evaluation, read by the charts.

Each evaluation rewrites the running week's readings of its partnership; a week is
frozen once an evaluation of a later week has run, so a past week never changes. Only
`backfill` rewrites past weeks, rebuilding them from the event log; the first evaluation
of a partnership without readings runs it, so charts have their twelve weeks at once.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date, datetime

from sqlalchemy import delete, func, select

from coordinator.domain.balance.insularity import PartnershipAlignophilia
from coordinator.domain.balance.joint_work import JointWork
from coordinator.domain.balance.thresholds import Thresholds
from coordinator.domain.weekly import (
    Reading,
    balance_readings,
    power_readings,
    reading_changes,
    week_of,
    weeks_until,
)
from coordinator.extensions import db
from coordinator.models import Partnership
from coordinator.models import Reading as ReadingRow
from coordinator.services.balance.data import PartnershipData, load_partnership
from coordinator.services.balance.thresholds import effective
from coordinator.services.power import data as power_data
from coordinator.services.sql import in_batches, insert_many

WEEKS = 12


def record(partnership_id: int, now: datetime, readings: list[Reading], *,
           rewrite_past: bool = False) -> bool:
    """Write the readings of the week holding `now`; False when that week is frozen."""
    week = week_of(now)
    if not rewrite_past:
        latest = db.session.scalar(select(func.max(ReadingRow.week)).where(
            ReadingRow.partnership_id == partnership_id))
        if latest is not None and latest > week:
            return False
    this_week = (ReadingRow.partnership_id == partnership_id, ReadingRow.week == week)
    stored = db.session.execute(select(ReadingRow.id, ReadingRow.metric, ReadingRow.scope_type,
                                       ReadingRow.scope_key, ReadingRow.value).where(*this_week))
    # Only the rows whose value changed are rewritten: a hundred thousand teams read the
    # same from one evaluation to the next, and rewriting them all took seconds.
    stale, fresh = reading_changes(stored, readings)
    for chunk in in_batches(stale):
        db.session.execute(delete(ReadingRow).where(ReadingRow.id.in_(chunk)))
    # An unchanged row keeps the moment its value was first measured: stamping every row
    # of the week again rewrote a hundred thousand rows per evaluation for nothing (the
    # moment of the latest evaluation is on latest_figures).
    insert_many(ReadingRow.__table__, [
        {"partnership_id": partnership_id, "week": week, "metric": r.metric,
         "scope_type": r.scope_type, "scope_key": r.scope_key, "value": r.value,
         "measured_at": now} for r in fresh])
    return True


def record_evaluation(partnership: Partnership, data: PartnershipData, thresholds: Thresholds,
                      power: power_data.PowerResults, now: datetime,
                      insular: PartnershipAlignophilia | None = None,
                      team_work: dict[tuple[str, int], JointWork] | None = None) -> None:
    """The evaluation's readings for this week; a partnership with none gets its past
    weeks too. `insular` and `team_work`: the evaluation's own E-I and teams' joint work
    at `now`, reused."""
    has_any = db.session.scalar(select(ReadingRow.id).where(
        ReadingRow.partnership_id == partnership.id).limit(1)) is not None
    if not has_any:
        backfill(partnership, now, thresholds=thresholds)
        return
    ties_at = (None if insular is None or insular.window.end != now
               else {now: (insular.current.value, insular.clusters)})
    record(partnership.id, now, balance_readings(data, thresholds, [now], ties_at, team_work)[0]
           + power_readings(power, thresholds))


def backfill(partnership: Partnership, now: datetime, weeks: int = WEEKS,
             thresholds: Thresholds | None = None, progress_bar=None) -> int:
    """Rebuild the last `weeks` weeks' readings from the event log; returns how many were
    written. `progress_bar(total)` gives a context manager with update(n)."""
    thresholds = thresholds or effective(partnership)[0]
    history = (weeks - 1) * 7 + 7
    data = load_partnership(partnership.id, now, thresholds, history_days=history)
    power = power_data.load_power(partnership, now, thresholds, history_days=history,
                                  shared=data)
    plan = weeks_until(now, weeks)
    balance = balance_readings(data, thresholds, [at for _, at in plan])
    written = 0
    with progress_bar(len(plan)) if progress_bar else nullcontext() as bar:
        for (_, at), rows in zip(plan, balance, strict=True):
            rows = rows + power_readings(power_data.assess(power, at, thresholds), thresholds)
            record(partnership.id, at, rows, rewrite_past=True)
            written += len(rows)
            if bar is not None:
                bar.update(1)
    return written


def series(partnership_id: int, metric: str, scope_type: str, scope_key: str | int,
           now: datetime, weeks: int = WEEKS) -> tuple[list[date], list[float | None]]:
    """The last `weeks` weeks and the reading of each (None: none kept), oldest first."""
    plan = [week for week, _ in weeks_until(now, weeks)]
    kept = dict(db.session.execute(
        select(ReadingRow.week, ReadingRow.value).where(
            ReadingRow.partnership_id == partnership_id, ReadingRow.metric == metric,
            ReadingRow.scope_type == scope_type, ReadingRow.scope_key == str(scope_key),
            ReadingRow.week >= plan[0], ReadingRow.week <= plan[-1])).all())
    return plan, [kept.get(week) for week in plan]
