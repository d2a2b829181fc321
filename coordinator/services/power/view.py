"""The power page: each indicator's groups against their fair share, its trend, and a
reading in plain language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from coordinator.domain import weekly
from coordinator.domain.balance.thresholds import Thresholds
from coordinator.domain.charts import LineChart
from coordinator.domain.power import indicators as pi
from coordinator.models import Partnership
from coordinator.services.balance.history import stored_chart
from coordinator.services.evaluation import thresholds_for
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


def _rate(indicator: pi.Indicator, group: str) -> pi.Rate | None:
    return next((r for r in indicator.tables.get(pi.TIER, ()) if r.group == group), None)


def _low_hours_ratio(result: PowerResults) -> float | None:
    low = next((r for r in result.cost_burden.tables[pi.TIER] if r.group == "low"), None)
    return low.ratio if low is not None and low.reportable else None


def power_page(partnership: Partnership, now: datetime) -> list[IndicatorView]:
    t = thresholds_for(partnership)
    current = assess(load_power(partnership, now, t), now, t)

    def trend(metric, scope_type, scope_key, threshold, high=None):
        return stored_chart(partnership.id, metric, scope_type, scope_key, now, threshold,
                            0.0, high)

    voice = weekly.lowest_voice_ratio(current, t)
    exemption = current.exemption
    high, low = _rate(exemption, "high"), _rate(exemption, "low")
    restrictive = current.restrictive
    r_high, r_low = _rate(restrictive, "high"), _rate(restrictive, "low")
    burden = _low_hours_ratio(current)
    return [
        IndicatorView(
            pi.EXCLUSION, "Exclusion from deliberation",
            "Does each sector and tier get a voice (comments, meeting attendance) in "
            "proportion to its members?",
            _exclusion_reading(current, voice, t), current.exclusion.tables,
            trend(weekly.LOWEST_VOICE, "partnership", 0, t.exclusion_max_ratio, high=1.5),
            "Lowest voice share over member share of a reportable group",
            bool(current.exclusion.findings or current.decision_voice)),
        IndicatorView(
            pi.EXEMPTION, "Exemption from compliance",
            "Do powerful partners keep the due dates they set as well as others do?",
            _pair_reading("Tasks started by high-tier organisations ran late", high,
                          "low-tier ones", low, "overdue"),
            exemption.tables,
            trend(weekly.OVERDUE, pi.TIER, "high", t.exemption_min_rate, high=1.0),
            "Overdue rate of tasks started by the high tier", bool(exemption.findings)),
        IndicatorView(
            pi.RESTRICTIVE, "Restrictive practice",
            "Are join requests from less powerful partners declined more often?",
            _pair_reading("Requests from low-tier organisations were declined", r_low,
                          "high-tier ones", r_high, "declined"),
            restrictive.tables,
            trend(weekly.DECLINED, pi.TIER, "low", t.restrictive_min_rate, high=1.0),
            "Decline rate of requests from the low tier", bool(restrictive.findings)),
        IndicatorView(
            pi.COST_BURDEN, "Cost burden",
            "Do low-power partners carry more of the work than their share of members?",
            _burden_reading(current, burden), current.cost_burden.tables,
            trend(weekly.HOURS, pi.TIER, "low", t.cost_min_ratio),
            "Low tier's share of hours over its share of members",
            bool(current.cost_burden.findings)),
    ]


def _exclusion_reading(result: PowerResults, lowest: float | None, t: Thresholds) -> str:
    if result.exclusion.findings:
        return " ".join(f.pattern for f in result.exclusion.findings)
    if lowest is None:
        return "Not enough voice events or groups large enough to report yet."
    return (f"Voice is spread fairly enough: the least-heard reportable group has "
            f"{lowest:.2f} of its fair share (the alert needs below "
            f"{t.exclusion_max_ratio:g}).")


def _pair_reading(head: str, first: pi.Rate | None, other: str, second: pi.Rate | None,
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
