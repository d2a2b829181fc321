"""The partnership's contingency profile: when does sharing power pay off? (Ran & Qi)

Coordinators score six factors 1–5. Power sharing helps a collaboration more when the
institutional environment cultivates collaboration, the mission is less exigent, the
network is voluntary, participants have power-sharing experience, power sources are
diffused, and the cost–benefit calculation is acceptable. Each score is read as
favourable, mixed or unfavourable for power sharing, with what to do about it.

An exigent mission (urgency 4 or 5) also tightens the joinholism thresholds: when time is
short, joint sessions that produce nothing cost more. A threshold a coordinator has set
by hand is left as set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from coordinator.domain.balance.thresholds import Thresholds


@dataclass(frozen=True)
class Factor:
    key: str
    label: str
    low: str  # what a 1 means
    high: str  # what a 5 means
    favours_sharing_when_high: bool
    advice_unfavourable: str
    advice_favourable: str


FACTORS: tuple[Factor, ...] = (
    Factor("environment", "Institutional environment",
           "rules and funders push partners to compete", "rules and funders reward working "
           "together", True,
           "Make room for collaboration locally: shared funding bids, joint reporting, and "
           "recognition for work done for the partnership.",
           "The environment supports sharing: use it, and let partners lead in turn."),
    Factor("urgency", "Urgency of the mission",
           "no deadline presses", "a crisis: results are needed now", False,
           "Time is short: keep joint sessions few and decisions small; let those with the "
           "knowledge act, and report back in writing.",
           "There is time to include everyone in deliberation: power sharing can pay off."),
    Factor("voluntariness", "Voluntary membership",
           "members were told to take part", "everyone chose to take part", True,
           "Mandated members need a reason to engage: show what they get out of it and "
           "keep their effort small and visible.",
           "People chose to be here: self-selection and shared leadership fit."),
    Factor("experience", "Experience with sharing power",
           "none of the partners has done it", "partners have shared power before", True,
           "Start with low-stakes shared decisions and make the rules of the game explicit.",
           "Build on the experience: rotate who leads and who decides."),
    Factor("diffusion", "Diffusion of power sources",
           "authority, money and legitimacy sit with one or two partners",
           "they are spread across many partners", True,
           "Power is concentrated: watch the power indicators closely, and give low-power "
           "partners a guaranteed voice in decisions.",
           "Power is spread: shared decisions are likely to hold."),
    Factor("cost_benefit", "Costs and benefits of taking part",
           "partners find the costs outweigh the benefits",
           "partners find the bargain clearly worth it", True,
           "Lower the cost of taking part (fewer meetings, written updates) and make the "
           "benefits visible.",
           "Partners find it worth it: keep the cost of taking part low to keep it so."),
)
FACTOR_KEYS = tuple(f.key for f in FACTORS)
EXIGENT_FROM = 4  # urgency score from which the mission counts as exigent
# Joinholism thresholds under an exigent mission: less joint time is tolerated.
EXIGENT_THRESHOLDS = {"team_min_joint_hours": 3.0, "team_min_joint_share": 0.5,
                      "partnership_min_joint_share": 0.4,
                      "partnership_activities_per_completion": 4.0}


def validate_scores(raw: Mapping[str, object]) -> tuple[dict[str, int], dict[str, str]]:
    """Each factor a whole number 1–5; (scores, errors by factor)."""
    scores, errors = {}, {}
    for factor in FACTORS:
        value = raw.get(factor.key)
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            errors[factor.key] = "Choose a score from 1 to 5."
            continue
        if not 1 <= number <= 5 or str(value).strip() != str(number):
            errors[factor.key] = "Choose a score from 1 to 5."
            continue
        scores[factor.key] = number
    return scores, errors


@dataclass(frozen=True)
class Reading:
    factor: Factor
    score: int
    favourability: int  # 1–5, 5 = most favourable to power sharing
    verdict: str  # "favourable", "mixed", "unfavourable"
    advice: str


def read_factor(factor: Factor, score: int) -> Reading:
    favourability = score if factor.favours_sharing_when_high else 6 - score
    verdict = ("favourable" if favourability >= 4 else
               "unfavourable" if favourability <= 2 else "mixed")
    advice = (factor.advice_unfavourable if verdict == "unfavourable" else
              factor.advice_favourable if verdict == "favourable" else
              "Neither helps nor hinders much: " + factor.advice_unfavourable[0].lower()
              + factor.advice_unfavourable[1:])
    return Reading(factor, score, favourability, verdict, advice)


@dataclass(frozen=True)
class Profile:
    readings: tuple[Reading, ...]
    mean: float
    overall: str

    @property
    def exigent(self) -> bool:
        return any(r.factor.key == "urgency" and r.score >= EXIGENT_FROM
                   for r in self.readings)


def read_profile(scores: Mapping[str, int]) -> Profile:
    readings = tuple(read_factor(f, scores[f.key]) for f in FACTORS)
    mean = sum(r.favourability for r in readings) / len(readings)
    if mean >= 3.5:
        overall = ("Power sharing is likely to pay off here: share decisions widely, let "
                   "members lead in turn, and keep the power indicators healthy.")
    elif mean >= 2.5:
        overall = ("Power sharing may pay off here, with care: share decisions where the "
                   "factors are favourable, and work on the unfavourable ones first.")
    else:
        overall = ("Power sharing is unlikely to pay off yet: keep decisions small and "
                   "fast, protect the weaker partners' voice, and work on the conditions "
                   "below before asking for more joint deliberation.")
    return Profile(readings, mean, overall)


def apply_exigency(thresholds: Thresholds, scores: Mapping[str, int] | None,
                   overridden: frozenset[str] = frozenset()) -> tuple[Thresholds,
                                                                      dict[str, tuple]]:
    """Thresholds under the profile; and what was tightened: name → (before, after)."""
    if not scores or scores.get("urgency", 0) < EXIGENT_FROM:
        return thresholds, {}
    changes = {}
    for name, value in EXIGENT_THRESHOLDS.items():
        if name in overridden:
            continue
        before = getattr(thresholds, name)
        if value < before:
            changes[name] = (before, value)
    return replace(thresholds, **{n: after for n, (_, after) in changes.items()}), changes
