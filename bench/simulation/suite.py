"""The scenario suite: a healthy control and one planted case per alert kind, each a
partnership with half a year of history, then observed for 16 weeks with an evaluation
every simulated day."""

from __future__ import annotations

from dataclasses import dataclass

from coordinator.domain.balance.thresholds import Thresholds

from . import world as w
from .plants import PLANTS
from .replay import Life, open_kinds, replay

HISTORY_DAYS = 182  # before the observed weeks: windows and the previous window are full
WEEKS = 16
ONSET_DAY = 28  # planted patterns start in the fifth observed week


def partnership(seed: int, members: int, days: int) -> w.World:
    """A healthy partnership with its history, up to `days` into the observed weeks."""
    world = w.World(seed=seed)
    w.found(world, members)
    w.healthy(world, -HISTORY_DAYS, days)
    w.standing_groups(world, -HISTORY_DAYS, days)
    w.decisions(world, -HISTORY_DAYS, days)
    return world


@dataclass
class Outcome:
    case: str
    kind: str | None  # the kind the plant should raise; None for the control
    life: Life
    onset_day: int

    @property
    def raised(self) -> dict[str, int]:
        return open_kinds(self.life)

    @property
    def delay_days(self) -> int | None:
        """Days from onset to the first alert of the planted kind; None if never."""
        if self.kind is None:
            return None
        start = w.START + self.onset_day * w.DAY
        first = self.life.first(self.kind, start)
        return None if first is None else (first - start).days

    @property
    def other_alerts(self) -> int:
        """Alerts of other kinds than the planted one: false alarms around the case."""
        return sum(n for kind, n in self.raised.items() if kind != self.kind)

    def as_dict(self) -> dict:
        return {"case": self.case, "kind": self.kind, "raised": self.raised,
                "delay_days": self.delay_days, "other_alerts": self.other_alerts,
                "load": round(self.life.load(), 3)}


def run(case: str, seed: int = 1, members: int = 150, weeks: int = WEEKS,
        thresholds: Thresholds | None = None, onset_day: int = ONSET_DAY) -> Outcome:
    """One scenario: "control" or a key of PLANTS."""
    days = 7 * weeks
    world = partnership(seed, members, days)
    kind = None if case == "control" else PLANTS[case](world, onset_day, days)
    life = replay(world, 0, days, thresholds or Thresholds())
    return Outcome(case, kind, life, onset_day)


CASES = ("control", *PLANTS)
