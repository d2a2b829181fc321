"""The power page: each indicator's groups against their fair share, its trend, and a
reading in plain language."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from coordinator.domain import weekly
from coordinator.domain.balance.thresholds import Thresholds
from coordinator.domain.charts import LineChart
from coordinator.domain.power import indicators as pi
from coordinator.domain.power.shares import GroupShare, Rate
from coordinator.models import Partnership
from coordinator.services import figures
from coordinator.services.balance.history import stored_chart
from coordinator.services.balance.thresholds import effective
from coordinator.services.power.data import PowerResults, assess, load_power


@dataclass(frozen=True)
class IndicatorView:
    kind: str
    title: str
    question: str
    reading: str
    tables: dict
    trend: LineChart
    trend_title: str
    flagged: bool


ROW_TYPES = {cls.__name__: cls for cls in (GroupShare, Rate)}


def _rate(indicator: pi.Indicator, group: str) -> Rate | None:
    return next((r for r in indicator.tables.get(pi.TIER, ()) if r.group == group), None)


def _low_hours_ratio(result: PowerResults) -> float | None:
    low = next((r for r in result.cost_burden.tables[pi.TIER] if r.group == "low"), None)
    return low.ratio if low is not None and low.reportable else None


def power_figures(current: PowerResults, t: Thresholds) -> dict:
    """Each indicator's reading, alert flag and tables now, as the evaluation stores them
    (services.figures)."""
    voice = weekly.lowest_voice_ratio(current, t)
    exemption, restrictive = current.exemption, current.restrictive
    readings = {
        pi.EXCLUSION: (_exclusion_reading(current, voice, t),
                       bool(current.exclusion.findings or current.decision_voice)),
        pi.EXEMPTION: (_pair_reading("Tasks started by high-tier organisations ran late",
                                     _rate(exemption, "high"), "low-tier ones",
                                     _rate(exemption, "low"), "overdue"),
                       bool(exemption.findings)),
        pi.RESTRICTIVE: (_pair_reading("Requests from low-tier organisations were declined",
                                       _rate(restrictive, "low"), "high-tier ones",
                                       _rate(restrictive, "high"), "declined"),
                         bool(restrictive.findings)),
        pi.COST_BURDEN: (_burden_reading(current, _low_hours_ratio(current)),
                         bool(current.cost_burden.findings)),
    }
    indicators = {pi.EXCLUSION: current.exclusion, pi.EXEMPTION: exemption,
                  pi.RESTRICTIVE: restrictive, pi.COST_BURDEN: current.cost_burden}
    return {kind: {"reading": reading, "flagged": flagged,
                   "tables": {dimension: [{"type": type(row).__name__, **asdict(row)}
                                          for row in rows]
                              for dimension, rows in indicators[kind].tables.items()}}
            for kind, (reading, flagged) in readings.items()}


def _tables(stored: dict) -> dict:
    return {dimension: tuple(ROW_TYPES[row["type"]](**{k: v for k, v in row.items()
                                                         if k != "type"}) for row in rows)
            for dimension, rows in stored.items()}


def measure_power(partnership: Partnership, now: datetime) -> dict:
    """What an evaluation would store, measured now (before any evaluation has run)."""
    t = effective(partnership)[0]
    return power_figures(assess(load_power(partnership, now, t), now, t), t)


# What each indicator asks, and the trend beside it: (metric, scope type, scope key,
# the threshold's field, the chart's top, the trend's title).
TEXTS = {
    pi.EXCLUSION: ("Exclusion from deliberation",
                   "Does each sector and tier get a voice (comments, meeting attendance) "
                   "in proportion to its members?",
                   (weekly.LOWEST_VOICE, "partnership", 0, "exclusion_max_ratio", 1.5),
                   "Lowest voice share over member share of a reportable group"),
    pi.EXEMPTION: ("Exemption from compliance",
                   "Do powerful partners keep the due dates they set as well as others do?",
                   (weekly.OVERDUE, pi.TIER, "high", "exemption_min_rate", 1.0),
                   "Overdue rate of tasks started by the high tier"),
    pi.RESTRICTIVE: ("Restrictive practice",
                     "Are join requests from less powerful partners declined more often?",
                     (weekly.DECLINED, pi.TIER, "low", "restrictive_min_rate", 1.0),
                     "Decline rate of requests from the low tier"),
    pi.COST_BURDEN: ("Cost burden",
                     "Do low-power partners carry more of the work than their share of "
                     "members?",
                     (weekly.HOURS, pi.TIER, "low", "cost_min_ratio", None),
                     "Low tier's share of hours over its share of members"),
}


def power_page(partnership: Partnership, now: datetime
               ) -> tuple[list[IndicatorView], datetime]:
    """Each indicator's view, and when its figures were measured."""
    t = effective(partnership)[0]
    stored = figures.latest(partnership.id, "power")
    doc, measured_at = stored if stored else (measure_power(partnership, now), now)
    views = []
    for kind, (title, question, trend, trend_title) in TEXTS.items():
        metric, scope_type, scope_key, field, high = trend
        views.append(IndicatorView(
            kind, title, question, doc[kind]["reading"], _tables(doc[kind]["tables"]),
            stored_chart(partnership.id, metric, scope_type, scope_key, now,
                         getattr(t, field), 0.0, high),
            trend_title, doc[kind]["flagged"]))
    return views, measured_at


def _exclusion_reading(result: PowerResults, lowest: float | None, t: Thresholds) -> str:
    if result.exclusion.findings:
        return " ".join(f.pattern for f in result.exclusion.findings)
    if lowest is None:
        return "Not enough voice events or groups large enough to report yet."
    return (f"Voice is spread fairly enough: the least-heard reportable group has "
            f"{lowest:.2f} of its fair share (the alert needs below "
            f"{t.exclusion_max_ratio:g}).")


def _pair_reading(head: str, first: Rate | None, other: str, second: Rate | None,
                  word: str) -> str:
    if not first or not second or first.rate is None or second.rate is None:
        return "Not enough tasks or requests in both tiers to compare yet."
    if not (first.reportable and second.reportable):
        return "One of the tiers is too small to report on its own."
    return (f"{head} {first.rate:.0%} of the time ({first.hits} of {first.total}); "
            f"{other} {second.rate:.0%} ({second.hits} of {second.total}) {word}.")


def _burden_reading(result: PowerResults, ratio: float | None) -> str:
    if result.cost_burden.findings:
        return result.cost_burden.findings[0].pattern
    if ratio is None:
        return "The low tier is too small to report, or nobody logged hours yet."
    return (f"The low tier logged {ratio:.2f} times its share of members' hours: "
            f"{'more' if ratio > 1 else 'no more'} than its share.")
