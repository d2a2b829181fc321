"""A partnership's balance thresholds: change them, reset them, and keep every change."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select

from coordinator.domain.balance.thresholds import (
    DEFAULT_THRESHOLDS,
    Thresholds,
    load_thresholds,
    threshold_changes,
    validate_thresholds,
)
from coordinator.domain.power.contingency import EXIGENT_THRESHOLDS, apply_exigency
from coordinator.errors import InvalidInputError
from coordinator.extensions import db
from coordinator.models import Membership, Partnership, ThresholdChange, utcnow
from coordinator.services.power.contingency import latest

HISTORY_SHOWN = 50


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


def history(partnership_id: int) -> list[ThresholdChange]:
    return list(db.session.scalars(
        select(ThresholdChange).where(ThresholdChange.partnership_id == partnership_id)
        .order_by(ThresholdChange.id.desc()).limit(HISTORY_SHOWN)))
