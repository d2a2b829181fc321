"""Balance thresholds (design.md §4 defaults), their valid ranges and input validation."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True)
class Thresholds:
    """Every balance threshold of one partnership; the defaults are design.md's v1 values."""

    team_window_days: int = 28
    partnership_window_days: int = 90
    # Alignophilia, team: normalised Blau ≤ max with ≥ min members (and a gap).
    team_min_members: int = 3
    team_max_blau: float = 0.2
    # Alignophilia, partnership: E-I index over knowledge clusters, and silos.
    partnership_max_ei: float = -0.5
    partnership_min_ties: int = 20
    partnership_ei_drop: float = 0.2
    silo_min_members: int = 5
    silo_max_outside_share: float = 0.1
    # Joinholism, team or working group.
    team_min_joint_hours: float = 4.0
    team_min_joint_share: float = 0.6
    team_high_churn: float = 1.0
    # Joinholism, partnership.
    partnership_min_joint_share: float = 0.5
    partnership_activities_per_completion: float = 5.0
    # Power (design.md §4): groups are sectors and power tiers.
    power_window_days: int = 90
    power_min_cell: int = 5  # smaller groups are "too small to report"
    exclusion_min_member_share: float = 0.1
    exclusion_max_ratio: float = 0.33
    exclusion_min_events: int = 30
    exemption_rate_ratio: float = 2.0
    exemption_min_rate: float = 0.25
    exemption_min_tasks: int = 5
    restrictive_rate_ratio: float = 2.0
    restrictive_min_rate: float = 0.3
    restrictive_min_requests: int = 5
    cost_min_ratio: float = 1.5

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


FIELDS: tuple[ThresholdField, ...] = (
    ThresholdField("team_window_days", "Team window", int, 7, 365, "days"),
    ThresholdField("partnership_window_days", "Partnership window", int, 7, 730, "days"),
    ThresholdField("team_min_members", "Smallest team judged for homogeneity", int, 2, 100,
                   "members"),
    ThresholdField("team_max_blau", "Team knowledge diversity at or below (normalised Blau)",
                   float, 0.0, 1.0),
    ThresholdField("partnership_max_ei", "Partnership E-I index at or below", float,
                   -1.0, 1.0),
    ThresholdField("partnership_min_ties", "Fewest ties for an E-I alert", int, 1, 1_000_000,
                   "ties"),
    ThresholdField("partnership_ei_drop", "E-I fall against the previous window", float,
                   0.01, 2.0),
    ThresholdField("silo_min_members", "Smallest cluster judged as a silo", int, 2, 1_000_000,
                   "members"),
    ThresholdField("silo_max_outside_share", "Silo: share of ties outside the cluster below",
                   float, 0.0, 1.0),
    ThresholdField("team_min_joint_hours", "Team joint time at or above", float, 0.0, 10_000.0,
                   "person-hours"),
    ThresholdField("team_min_joint_share", "Team joint share at or above", float, 0.0, 1.0),
    ThresholdField("team_high_churn", "Team churn that raises severity", float, 0.0, 100.0),
    ThresholdField("partnership_min_joint_share", "Partnership joint share at or above",
                   float, 0.0, 1.0),
    ThresholdField("partnership_activities_per_completion",
                   "Partnership joint activities per completed task at or above", float,
                   1.0, 10_000.0, "activities"),
    ThresholdField("power_window_days", "Power window", int, 7, 730, "days"),
    ThresholdField("power_min_cell", "Smallest group reported on its own", int, 2, 1000,
                   "members"),
    ThresholdField("exclusion_min_member_share", "Exclusion: groups with at least this "
                   "share of members", float, 0.0, 1.0),
    ThresholdField("exclusion_max_ratio", "Exclusion: voice share over member share below",
                   float, 0.0, 1.0),
    ThresholdField("exclusion_min_events", "Exclusion: fewest voice events", int, 1,
                   1_000_000, "events"),
    ThresholdField("exemption_rate_ratio", "Exemption: high tier's overdue rate at least "
                   "this many times the low tier's", float, 1.0, 100.0),
    ThresholdField("exemption_min_rate", "Exemption: high tier's overdue rate at or above",
                   float, 0.0, 1.0),
    ThresholdField("exemption_min_tasks", "Exemption: fewest due-dated tasks per tier", int,
                   1, 1_000_000, "tasks"),
    ThresholdField("restrictive_rate_ratio", "Restrictive practice: low tier's decline rate "
                   "at least this many times the high tier's", float, 1.0, 100.0),
    ThresholdField("restrictive_min_rate", "Restrictive practice: low tier's decline rate "
                   "at or above", float, 0.0, 1.0),
    ThresholdField("restrictive_min_requests", "Restrictive practice: fewest requests per "
                   "tier", int, 1, 1_000_000, "requests"),
    ThresholdField("cost_min_ratio", "Cost burden: low tier's hours share over member share "
                   "at or above", float, 1.0, 100.0),
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

