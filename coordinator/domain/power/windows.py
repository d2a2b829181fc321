"""The power indicators over two windows: the power window and the last team window.

A change shows in the short window within weeks, long before it fills the power window;
each window is judged at half the chance level, so judging both raises no more false
alarms than judging one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from coordinator.domain.balance.thresholds import Thresholds
from coordinator.domain.power.indicators import PowerFinding


def recent_thresholds(thresholds: Thresholds) -> Thresholds:
    """The same indicators over the last team window, so a change shows within weeks
    rather than once it fills the whole power window. Each window gets half the chance
    level, so judging both is no likelier to raise a false alarm than judging one."""
    return replace(thresholds, power_window_days=thresholds.team_window_days,
                   max_chance=thresholds.max_chance / 2)


def full_thresholds(thresholds: Thresholds) -> Thresholds:
    return replace(thresholds, max_chance=thresholds.max_chance / 2)


def merge_windows(full: Iterable[PowerFinding], recent: Iterable[PowerFinding]
                  ) -> list[PowerFinding]:
    """One finding per (kind, scope): the full window's where both found it."""
    merged = {(f.kind, f.scope): f for f in recent}
    merged.update({(f.kind, f.scope): f for f in full})
    return list(merged.values())
