"""Which thresholds a coordinator can preview against the stored weekly readings, and how.

Each rule below is the measure's own line (the comparisons of the alert rules, with
their tolerance): a scope counts when its reading crossed it in at least one of the
weeks looked at. The other conditions of an alert (a gap in a team's knowledge, nothing
completed, enough ties or people, persistence for High) are checked by the evaluation
itself, so the preview counts the scopes where the measure crossed the line: an upper
bound on the alerts those values would have raised, as the page says.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from coordinator.domain import weekly
from coordinator.domain.balance.findings import (
    ALIGNOPHILIA_PARTNERSHIP,
    ALIGNOPHILIA_SILO,
    ALIGNOPHILIA_TEAM,
    EPSILON,
    JOINHOLISM_PARTNERSHIP,
    JOINHOLISM_TEAM,
)
from coordinator.domain.power import indicators as pi


@dataclass(frozen=True)
class Rule:
    kind: str
    threshold: str  # a Thresholds field
    metric: str  # a domain.weekly metric
    scope_types: tuple[str, ...]
    scope_key: str | None  # only this key (e.g. the low tier), or any
    low_fires: bool  # True: at or below the threshold fires; False: at or above
    strict: bool = False  # below / above, not equal

    def fires(self, extreme: float, threshold: float) -> bool:
        """Whether the lowest (low_fires) or highest reading of a scope crosses."""
        if self.low_fires:
            return extreme < threshold - EPSILON if self.strict else \
                extreme <= threshold + EPSILON
        return extreme > threshold + EPSILON if self.strict else \
            extreme >= threshold - EPSILON


RULES = (
    Rule(ALIGNOPHILIA_TEAM, "team_max_blau", weekly.TEAM_BLAU, ("task", "group"), None, True),
    Rule(JOINHOLISM_TEAM, "team_min_joint_share", weekly.TEAM_JOINT, ("task", "group"), None,
         False),
    Rule(ALIGNOPHILIA_PARTNERSHIP, "partnership_max_ei", weekly.EI, ("partnership",), None,
         True),
    Rule(ALIGNOPHILIA_SILO, "silo_max_outside_share", weekly.OUTSIDE, ("cluster",), None,
         True, strict=True),
    Rule(JOINHOLISM_PARTNERSHIP, "partnership_min_joint_share", weekly.JOINT,
         ("partnership",), None, False),
    Rule(pi.EXCLUSION, "exclusion_max_ratio", weekly.VOICE, (pi.SECTOR, pi.TIER), None, True,
         strict=True),
    Rule(pi.EXEMPTION, "exemption_min_rate", weekly.OVERDUE, (pi.TIER,), "high", False),
    Rule(pi.RESTRICTIVE, "restrictive_min_rate", weekly.DECLINED, (pi.TIER,), "low", False),
    Rule(pi.COST_BURDEN, "cost_min_ratio", weekly.HOURS, (pi.TIER,), "low", False),
)
PREVIEWED = frozenset(rule.threshold for rule in RULES)

Scope = tuple[str, str]  # (scope type, key)


@dataclass(frozen=True)
class Preview:
    rule: Rule
    current: float
    proposed: float
    now_flagged: frozenset[Scope]  # crossed under the values in force
    then_flagged: frozenset[Scope]  # crossed under the proposed values

    @property
    def added(self) -> list[Scope]:
        return sorted(self.then_flagged - self.now_flagged)

    @property
    def dropped(self) -> list[Scope]:
        return sorted(self.now_flagged - self.then_flagged)


def preview(rule: Rule, extremes: Iterable[tuple[str, str, float]], current: float,
            proposed: float) -> Preview:
    """`extremes`: each scope's lowest (or highest) reading over the weeks looked at."""
    now, then = set(), set()
    for scope_type, key, extreme in extremes:
        if rule.fires(extreme, current):
            now.add((scope_type, key))
        if rule.fires(extreme, proposed):
            then.add((scope_type, key))
    return Preview(rule, current, proposed, frozenset(now), frozenset(then))
