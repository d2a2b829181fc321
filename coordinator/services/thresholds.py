"""A partnership's balance thresholds: change them, reset them, and keep every change."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select

from ..domain.contingency import apply_exigency
from ..domain.thresholds import (
    DEFAULT_THRESHOLDS,
    Thresholds,
    load_thresholds,
    threshold_changes,
    validate_thresholds,
)
from ..extensions import db
from ..models import Membership, Partnership, ThresholdChange, utcnow

HISTORY_SHOWN = 50


def current(partnership: Partnership) -> Thresholds:
    """The thresholds as set: design.md's defaults and the coordinators' changes."""
    return load_thresholds(partnership.balance_thresholds)


def effective(partnership: Partnership) -> tuple[Thresholds, dict[str, tuple]]:
    """The thresholds the evaluation uses: as set, tightened by an exigent mission where a
    coordinator has not set the value by hand; and what was tightened (before, after)."""
    from .contingency import latest

    profile = latest(partnership.id)
    return apply_exigency(current(partnership), profile.scores if profile else None,
                          frozenset(partnership.balance_thresholds or {}))


def save(partnership: Partnership, actor: Membership, raw: Mapping[str, object],
         note: str = "", now: datetime | None = None) -> tuple[ThresholdChange | None,
                                                                dict[str, str]]:
    """Validate and store; (the change recorded or None when nothing changed, errors).

    With any error nothing is stored, so a half-valid form changes nothing.
    """
    old = current(partnership)
    values, errors = validate_thresholds(raw, base=old)
    if errors:
        return None, errors
    return _store(partnership, actor, old, Thresholds(**values), note, now), {}


def reset(partnership: Partnership, actor: Membership,
          now: datetime | None = None) -> ThresholdChange | None:
    return _store(partnership, actor, current(partnership), DEFAULT_THRESHOLDS,
                  "Reset to defaults", now)


def _store(partnership: Partnership, actor: Membership, old: Thresholds, new: Thresholds,
           note: str, now: datetime | None) -> ThresholdChange | None:
    changes = threshold_changes(old, new)
    if not changes:
        return None
    overrides = {k: v for k, v in new.as_dict().items()
                 if v != getattr(DEFAULT_THRESHOLDS, k)}
    partnership.balance_thresholds = overrides or None
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
