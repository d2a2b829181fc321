"""Balance thresholds: defaults (see docs/coordinators.md), valid ranges, input checks."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True)
class Thresholds:
    """Every balance threshold of one partnership, with the documented defaults."""

    team_window_days: int = 28
    partnership_window_days: int = 90
    # New teams, groups and partnerships: formation is not churn, youth is not "no output".
    formation_days: int = 7
    min_age_days: int = 14
    # Alignophilia, team: normalised Blau ≤ max with ≥ min members (and a gap).
    team_min_members: int = 3
    team_max_blau: float = 0.2
    # Alignophilia, partnership: E-I index over knowledge clusters, and silos.
    partnership_max_ei: float = -0.5
    partnership_min_ties: int = 20
    partnership_ei_drop: float = 0.2
    silo_min_members: int = 5
    silo_min_ties: int = 10
    silo_max_outside_share: float = 0.1
    # Joinholism, team or working group.
    team_min_joint_hours: float = 4.0
    team_min_joint_share: float = 0.6
    team_high_churn: float = 1.0
    # Joinholism, partnership.
    partnership_min_joint_share: float = 0.5
    partnership_activities_per_completion: float = 5.0
    partnership_min_activities: int = 5
    # Power (docs/coordinators.md): groups are sectors and power tiers.
    power_window_days: int = 90
    power_min_cell: int = 5  # smaller groups are "too small to report"
    max_chance: float = 0.01  # a gap this likely by chance alone is not reported
    exclusion_min_member_share: float = 0.1
    exclusion_max_ratio: float = 0.33
    exclusion_min_events: int = 30
    decision_min_voices: int = 3
    exemption_rate_ratio: float = 2.0
    exemption_min_rate: float = 0.25
    exemption_min_tasks: int = 10
    restrictive_rate_ratio: float = 2.0
    restrictive_min_rate: float = 0.3
    restrictive_min_requests: int = 10
    cost_min_ratio: float = 1.5
    cost_min_hours: float = 50.0

    def as_dict(self) -> dict[str, int | float]:
        """Field name → value, ready to store as JSON."""
        return asdict(self)

    def pick(self, *names: str) -> dict[str, int | float]:
        """The named thresholds, as a finding records the ones it used."""
        return {name: getattr(self, name) for name in names}


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class ThresholdField:
    """How a settings form shows and checks one threshold (inclusive range)."""

    name: str
    label: str
    kind: type[int] | type[float]
    minimum: int | float
    maximum: int | float
    unit: str = ""
    help: str = ""  # one line: what the value means, in everyday words


def _field(name: str, label: str, kind: type, minimum: float, maximum: float, unit: str,
           help: str) -> ThresholdField:
    return ThresholdField(name, label, kind, minimum, maximum, unit, help)


FIELDS: tuple[ThresholdField, ...] = (
    _field("team_window_days", "Team window", int, 7, 365, "days",
           "How far back team and working-group measures look."),
    _field("partnership_window_days", "Partnership window", int, 7, 730, "days",
           "How far back partnership-wide measures look."),
    _field("formation_days", "Formation period of a new team", int, 0, 60, "days",
           "Joins in a team's first days are how it forms, not people coming and going; "
           "its make-up is judged after this."),
    _field("min_age_days", "Youngest team or partnership judged for output", int, 0, 180,
           "days", "Before this age, \"nothing finished yet\" means nothing, so no "
           "joinholism alert."),
    _field("team_min_members", "Smallest team judged for one-sided knowledge", int, 2, 100,
           "members", "Teams with fewer members (with a known cluster) are never judged."),
    _field("team_max_blau", "Team knowledge mix at or below", float, 0.0, 1.0,
           "0 to 1", "How mixed a team's knowledge clusters are: 0 means everyone from one "
           "cluster, 1 an even spread (normalised Blau index)."),
    _field("partnership_max_ei", "Clusters working apart: E-I index at or below", float,
           -1.0, 1.0, "−1 to +1", "−1 means every shared team stays inside one knowledge "
           "cluster, +1 that every one crosses clusters (Krackhardt–Stern E-I index)."),
    _field("partnership_min_ties", "Fewest pairs who shared a team, for that alert", int, 1,
           1_000_000, "pairs", "With fewer pairs of team-mates the index says too little."),
    _field("partnership_ei_drop", "E-I fall against the previous window", float, 0.01, 2.0,
           "index points", "How far the index must fall from one window to the next."),
    _field("silo_min_members", "Smallest cluster judged as a silo", int, 2, 1_000_000,
           "members", "Smaller knowledge clusters are never called silos."),
    _field("silo_min_ties", "Fewest team-mate pairs of a cluster, for a silo", int, 1,
           1_000_000, "pairs", "A cluster whose members have shared few teams has not "
           "shown a pattern yet."),
    _field("silo_max_outside_share", "Silo: share of team-mates from other clusters below",
           float, 0.0, 1.0, "share, 0 to 1", "0.1 means fewer than 1 in 10 of the cluster's "
           "team-mate pairs reach another cluster."),
    _field("team_min_joint_hours", "Team meeting time at or above", float, 0.0, 10_000.0,
           "person-hours", "Meeting length × attendees, over the team window."),
    _field("team_min_joint_share", "Team meeting share at or above", float, 0.0, 1.0,
           "share, 0 to 1", "Meeting person-hours over meeting plus logged work hours; "
           "0.6 means 60 % of the recorded time was spent together."),
    _field("team_high_churn", "Team turnover that raises severity", float, 0.0, 100.0,
           "per head", "Joins and leaves after formation over the mean team size; counts "
           "only when someone has left."),
    _field("partnership_min_joint_share", "Partnership meeting share at or above", float,
           0.0, 1.0, "share, 0 to 1", "As for teams, over the whole partnership."),
    _field("partnership_activities_per_completion",
           "Partnership meetings per finished task at or above", float, 1.0, 10_000.0,
           "meetings", "Joint activities (after teams' formation) per task completed in "
           "the window; with none completed, per one."),
    _field("partnership_min_activities", "Fewest meetings for a partnership joinholism "
           "alert", int, 1, 1_000_000, "meetings", "With fewer joint activities in the "
           "window the partnership is not judged."),
    _field("power_window_days", "Power window", int, 7, 730, "days",
           "How far back the power indicators look."),
    _field("power_min_cell", "Smallest group reported on its own", int, 2, 1000,
           "members", "Sectors and tiers with fewer members are never shown or judged, so "
           "no small organisation is singled out."),
    _field("max_chance", "Chance level", float, 0.001, 0.5, "probability",
           "A power gap or a fall in the E-I index this likely to arise by chance alone is "
           "not reported; 0.01 means 1 in 100, shared out over the comparisons made at once."),
    _field("exclusion_min_member_share", "Exclusion: groups with at least this share of "
           "members", float, 0.0, 1.0, "share, 0 to 1",
           "Smaller groups are not judged for missing voice."),
    _field("exclusion_max_ratio", "Exclusion: voice over fair share below", float, 0.0, 1.0,
           "ratio", "1 is a voice in proportion to the group's size; 0.33 is a third of it."),
    _field("exclusion_min_events", "Exclusion: fewest voice events", int, 1, 1_000_000,
           "comments and attendances", "With less deliberation the shares say too little."),
    _field("decision_min_voices", "Decision: fewest voices before it is judged", int, 1,
           1000, "people", "A decision nobody has discussed yet has excluded nobody."),
    _field("exemption_rate_ratio", "Exemption: a group's late rate at least this many "
           "times the others'", float, 1.0, 100.0, "times",
           "Late due-dated tasks of the high tier (or a sector) against the rest."),
    _field("exemption_min_rate", "Exemption: late rate at or above", float, 0.0, 1.0,
           "share, 0 to 1", "0.25 means a quarter of its due-dated tasks ran late."),
    _field("exemption_min_tasks", "Exemption: fewest due-dated tasks of the group judged",
           int, 2, 1_000_000, "tasks", "With fewer the rate says too little; the group it "
           "is compared with needs half as many."),
    _field("restrictive_rate_ratio", "Restrictive practice: a group's decline rate at "
           "least this many times the others'", float, 1.0, 100.0, "times",
           "Declined join requests of the low tier (or a sector) against the rest."),
    _field("restrictive_min_rate", "Restrictive practice: decline rate at or above", float,
           0.0, 1.0, "share, 0 to 1", "0.3 means 3 in 10 of its requests were declined."),
    _field("restrictive_min_requests", "Restrictive practice: fewest requests of the group "
           "judged", int, 2, 1_000_000, "requests", "With fewer decided requests the rate "
           "says too little; the group it is compared with needs half as many."),
    _field("cost_min_ratio", "Cost burden: share of hours over fair share at or above",
           float, 1.0, 100.0, "ratio", "1.5 means a group logs half as many hours again as "
           "its size would give it."),
    _field("cost_min_hours", "Cost burden: fewest logged hours", float, 0.0, 1_000_000.0,
           "hours", "With fewer hours logged in the window the shares say too little."),
)
FIELDS_BY_NAME = {f.name: f for f in FIELDS}


def parse_threshold(field: ThresholdField, raw: object) -> tuple[int | float | None, str | None]:
    """One user-typed value → (value, None) or (None, message for the field)."""
    whole = field.kind is int
    wanted = "Enter a whole number." if whole else "Enter a number."
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None, wanted
    try:
        number = float(raw.strip()) if isinstance(raw, str) else float(raw)
    except (ValueError, OverflowError):
        return None, wanted
    if not math.isfinite(number) or (whole and not number.is_integer()):
        return None, wanted
    if not field.minimum <= number <= field.maximum:
        low, high = _shown(field.minimum), _shown(field.maximum)
        return None, f"Enter a value from {low} to {high}."
    return (int(number) if whole else number), None


def _shown(bound: int | float) -> str:
    return str(int(bound)) if float(bound).is_integer() else str(bound)


def validate_thresholds(raw: Mapping[str, object], base: Thresholds = DEFAULT_THRESHOLDS
                        ) -> tuple[dict[str, int | float], dict[str, str]]:
    """Check user input: (every value, errors by field); absent fields keep `base`.

    Unknown keys are ignored. When errors is empty, `Thresholds(**values)` is valid.
    """
    values = base.as_dict()
    errors: dict[str, str] = {}
    for field in FIELDS:
        if field.name not in raw:
            continue
        value, error = parse_threshold(field, raw[field.name])
        if error is None:
            values[field.name] = value
        else:
            errors[field.name] = error
    return values, errors


def load_thresholds(stored: Mapping[str, object] | None) -> Thresholds:
    """Thresholds from a stored mapping; missing, unknown or invalid entries fall back."""
    values, errors = validate_thresholds(stored or {})
    for name in errors:
        values[name] = getattr(DEFAULT_THRESHOLDS, name)
    return Thresholds(**values)


def threshold_changes(old: Thresholds, new: Thresholds
                      ) -> dict[str, tuple[int | float, int | float]]:
    """Field → (old, new) for every threshold that differs, to record a settings change."""
    return {f.name: (getattr(old, f.name), getattr(new, f.name)) for f in fields(Thresholds)
            if getattr(old, f.name) != getattr(new, f.name)}

