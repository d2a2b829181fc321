"""A partnership's balance thresholds: change them, reset them, and keep every change."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import func, select

from coordinator.domain.balance.findings import EPSILON
from coordinator.domain.balance.preview import RULES, Preview
from coordinator.domain.balance.preview import preview as preview_rule
from coordinator.domain.balance.thresholds import (
    DEFAULT_THRESHOLDS,
    Thresholds,
    load_thresholds,
    threshold_changes,
    validate_thresholds,
)
from coordinator.domain.power.contingency import EXIGENT_THRESHOLDS, apply_exigency
from coordinator.domain.power.shares import SECTOR, TIER, group_label
from coordinator.domain.weekly import weeks_until
from coordinator.errors import InvalidInputError
from coordinator.extensions import db
from coordinator.models import (
    Cluster,
    Membership,
    Partnership,
    Reading,
    Task,
    ThresholdChange,
    WorkingGroup,
    utcnow,
)
from coordinator.services.knowledge.snapshots import latest_snapshot
from coordinator.services.power.contingency import latest

HISTORY_SHOWN = 50
PREVIEW_WEEKS = 12


def current(partnership: Partnership) -> Thresholds:
    """The thresholds as set: the documented defaults and the coordinators' changes."""
    return load_thresholds(partnership.balance_thresholds)


def effective(partnership: Partnership) -> tuple[Thresholds, dict[str, tuple]]:
    """The thresholds the evaluation uses: as set, tightened by an exigent mission where a
    coordinator has not set the value by hand; and what was tightened (before, after)."""
    profile = latest(partnership.id)
    return apply_exigency(current(partnership), profile.scores if profile else None,
                          frozenset(partnership.balance_thresholds or {}))


def save(partnership: Partnership, actor: Membership, raw: Mapping[str, object],
         note: str = "", now: datetime | None = None) -> ThresholdChange | None:
    """Validate against the thresholds in force and store what changed (None: nothing
    did).

    With any error nothing is stored, so a half-valid form changes nothing:
    InvalidInputError names every bad field. A value typed over one the exigent mission
    tightened is kept as set by hand, even at its default.
    """
    old, tightened = effective(partnership)
    values, errors = validate_thresholds(raw, base=old)
    if errors:
        raise InvalidInputError(errors=errors)
    new = Thresholds(**values)
    changes = threshold_changes(old, new)
    if not changes:
        return None
    stored = dict(partnership.balance_thresholds or {})
    stored.update({name: after for name, (_, after) in changes.items()})
    stored = {name: value for name, value in stored.items()
              if value != getattr(DEFAULT_THRESHOLDS, name) or name in EXIGENT_THRESHOLDS}
    return _record(partnership, actor, stored, changes, note, now)


def reset(partnership: Partnership, actor: Membership,
          now: datetime | None = None) -> ThresholdChange | None:
    """Back to the defaults (an exigent mission tightens them again)."""
    old = current(partnership)
    changes = threshold_changes(old, DEFAULT_THRESHOLDS)
    if not changes and not partnership.balance_thresholds:
        return None
    return _record(partnership, actor, {}, changes, "Reset to defaults", now)


def _record(partnership: Partnership, actor: Membership, stored: dict,
            changes: dict[str, tuple], note: str, now: datetime | None) -> ThresholdChange:
    partnership.balance_thresholds = stored or None
    change = ThresholdChange(partnership_id=partnership.id, actor_id=actor.id,
                             at=now or utcnow(), note=note[:200],
                             changes={k: list(pair) for k, pair in changes.items()})
    db.session.add(change)
    db.session.flush()
    return change


def preview(partnership: Partnership, raw: Mapping[str, object], now: datetime | None = None,
            weeks: int = PREVIEW_WEEKS) -> list[Preview]:
    """What the proposed values would have flagged over the last `weeks` weeks of stored
    readings, rule by rule, against the values in force; writes nothing. Bad values raise
    InvalidInputError as saving does."""
    old, _ = effective(partnership)
    values, errors = validate_thresholds(raw, base=old)
    if errors:
        raise InvalidInputError(errors=errors)
    first = weeks_until(now or utcnow(), weeks)[0][0]
    out = []
    for rule in RULES:
        current, proposed = getattr(old, rule.threshold), values[rule.threshold]
        extreme = func.min(Reading.value) if rule.low_fires else func.max(Reading.value)
        # Only scopes past the looser of the two lines can be flagged by either: the
        # database keeps the rest (most teams, in a big partnership) to itself.
        looser = (extreme <= max(current, proposed) + EPSILON if rule.low_fires
                  else extreme >= min(current, proposed) - EPSILON)
        stmt = (select(Reading.scope_type, Reading.scope_key, extreme)
                .where(Reading.partnership_id == partnership.id, Reading.metric == rule.metric,
                       Reading.scope_type.in_(rule.scope_types), Reading.week >= first,
                       Reading.value.is_not(None))
                .group_by(Reading.scope_type, Reading.scope_key).having(looser))
        if rule.scope_key is not None:
            stmt = stmt.where(Reading.scope_key == rule.scope_key)
        out.append(preview_rule(rule, db.session.execute(stmt).all(), current, proposed))
    return out


def scope_names(partnership_id: int, scopes: Iterable[tuple[str, str]]) -> dict[tuple, str]:
    """Words for the scopes a preview lists: task titles, group names, cluster labels of
    the latest map, sectors and tiers; one query per kind of scope."""
    wanted: dict[str, set[str]] = {}
    for scope_type, key in scopes:
        wanted.setdefault(scope_type, set()).add(key)
    names: dict[tuple, str] = {}
    ids = {t: [int(k) for k in keys if k.isdigit()] for t, keys in wanted.items()}
    if ids.get("task"):
        names |= {("task", str(i)): f'Task "{title}"' for i, title in db.session.execute(
            select(Task.id, Task.title).where(Task.partnership_id == partnership_id,
                                              Task.id.in_(ids["task"])))}
    if ids.get("group"):
        names |= {("group", str(i)): f'Working group "{name}"' for i, name in
                  db.session.execute(select(WorkingGroup.id, WorkingGroup.name).where(
                      WorkingGroup.partnership_id == partnership_id,
                      WorkingGroup.id.in_(ids["group"])))}
    snapshot = latest_snapshot(partnership_id) if ids.get("cluster") else None
    if snapshot is not None:
        names |= {("cluster", str(i)): f"Cluster #{i} {label}" for i, label in
                  db.session.execute(select(Cluster.stable_id, Cluster.label).where(
                      Cluster.snapshot_id == snapshot.id,
                      Cluster.stable_id.in_(ids["cluster"])))}
    for scope_type in (SECTOR, TIER):
        for key in wanted.get(scope_type, ()):
            names[(scope_type, key)] = group_label(scope_type, key).capitalize()
    names |= {("partnership", "0"): "Whole partnership"}
    return names


def history(partnership_id: int) -> list[ThresholdChange]:
    return list(db.session.scalars(
        select(ThresholdChange).where(ThresholdChange.partnership_id == partnership_id)
        .order_by(ThresholdChange.id.desc()).limit(HISTORY_SHOWN)))
