"""Shared pieces of the balance measures (docs/coordinators.md): windows, findings and wording.

The measures live in `alignophilia.py`, `insularity.py` and `joinholism.py`; their
thresholds in `thresholds.py`. Every measure looks at a window that ends at an injected
`now`, and every alert-worthy result is a `Finding` of plain, JSON-safe values. The
partnership's knowledge index (clusters, sectors, tag holders) is built here once per
evaluation and shared by the alignophilia measures.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

ALIGNOPHILIA_TEAM = "alignophilia_team"
ALIGNOPHILIA_PARTNERSHIP = "alignophilia_partnership"
ALIGNOPHILIA_SILO = "alignophilia_silo"
JOINHOLISM_TEAM = "joinholism_team"
JOINHOLISM_PARTNERSHIP = "joinholism_partnership"
KINDS = (ALIGNOPHILIA_TEAM, ALIGNOPHILIA_PARTNERSHIP, ALIGNOPHILIA_SILO,
         JOINHOLISM_TEAM, JOINHOLISM_PARTNERSHIP)

SEVERITIES = ("low", "medium", "high")

# Measures are ratios of counts and user-typed decimals: a value that equals its
# threshold on paper may differ from it in the last bit, and must still count as equal.
EPSILON = 1e-9


def at_least(value: float, threshold: float) -> bool:
    """value ≥ threshold, tolerant of floating-point noise."""
    return value >= threshold - EPSILON


def at_most(value: float, threshold: float) -> bool:
    """value ≤ threshold, tolerant of floating-point noise."""
    return value <= threshold + EPSILON


def below(value: float, threshold: float) -> bool:
    """value < threshold, where a value equal to it within noise is not below."""
    return value < threshold - EPSILON


@dataclass(frozen=True)
class Window:
    """The stretch of time (start, end] a measure looks at: start excluded, end included.

    Consecutive windows share no instant. A bare `date` (a work log's day) is in the
    window when start's date < day ≤ end's date, so a 28-day window holds 28 days.
    """

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a window cannot end before it starts")

    def __contains__(self, at: date | datetime) -> bool:
        if isinstance(at, datetime):
            return self.start < at <= self.end
        return self.start.date() < at <= self.end.date()

    @property
    def days(self) -> float:
        """Length in days."""
        return (self.end - self.start) / timedelta(days=1)

    def previous(self) -> Window:
        """The window of the same length that ends where this one starts."""
        return Window(self.start - (self.end - self.start), self.start)


def window_ending(now: datetime, days: int) -> Window:
    """The window of `days` days that ends at `now`."""
    if days < 1:
        raise ValueError("a window lasts at least one day")
    return Window(now - timedelta(days=days), now)


@dataclass(frozen=True)
class Finding:
    """What an alert needs: the numbers, the thresholds, who and what is behind them.

    `values` and `thresholds` hold JSON-safe values only (string keys; numbers,
    strings, booleans, None and lists or dicts of those).
    """

    kind: str
    severity: str
    window: Window
    values: Mapping[str, object]
    thresholds: Mapping[str, float | int]
    member_ids: tuple[int, ...] = ()
    task_ids: tuple[int, ...] = ()
    cluster_ids: tuple[int, ...] = ()
    pattern: str = ""
    advice: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown finding kind {self.kind!r}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")


def raise_severity(severity: str) -> str:
    """One step up: low → medium → high (high stays high)."""
    index = SEVERITIES.index(severity)
    return SEVERITIES[min(index + 1, len(SEVERITIES) - 1)]


def format_number(value: float, digits: int = 1) -> str:
    """A number for people: at most `digits` decimals, no trailing zeros ("31", "2.5")."""
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """"1 meeting", "9 meetings"."""
    word = singular if count == 1 else (plural or singular + "s")
    return f"{count} {word}"


def joined_phrases(parts: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass(frozen=True)
class PartnershipKnowledge:
    """Partnership-wide index: who sits in which cluster and sector, who holds which tag."""

    member_clusters: Mapping[int, int]  # clustered members only
    member_sectors: Mapping[int, str]  # members whose sector is known
    tag_holders: Mapping[str, frozenset[int]]
    tag_clusters: Mapping[str, Mapping[int, int]]  # tag → cluster → holders in it
    tag_ranking: Mapping[str, tuple[tuple[int, int], ...]]  # (cluster, holders), most first
    cluster_count: int  # K: clusters in the snapshot
    sector_count: int  # sectors present in the partnership
    cluster_labels: Mapping[int, str]


def index_knowledge(member_clusters: Mapping[int, int | None],
                    member_tags: Mapping[int, Iterable[str]],
                    member_sectors: Mapping[int, str | None],
                    cluster_labels: Mapping[int, str] | None = None) -> PartnershipKnowledge:
    """Build the index once per partnership; None marks unclustered or sector-less members."""
    clusters = {m: c for m, c in member_clusters.items() if c is not None}
    holders: dict[str, set[int]] = defaultdict(set)
    for member, tags in member_tags.items():
        for tag in tags:
            holders[tag].add(member)
    tag_clusters = {tag: dict(Counter(clusters[m] for m in held if m in clusters))
                    for tag, held in holders.items()}
    ranking = {tag: tuple(sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])))
               for tag, counts in tag_clusters.items()}
    sectors = {m: s for m, s in member_sectors.items() if s is not None}
    return PartnershipKnowledge(
        member_clusters=clusters, member_sectors=sectors,
        tag_holders={tag: frozenset(held) for tag, held in holders.items()},
        tag_clusters=tag_clusters, tag_ranking=ranking,
        cluster_count=len(set(clusters.values())),
        sector_count=len(set(sectors.values())), cluster_labels=dict(cluster_labels or {}))


def cluster_counts(member_ids: Iterable[int], knowledge: PartnershipKnowledge) -> dict[int, int]:
    """Cluster → how many of the members sit in it (unclustered members left out)."""
    clusters = knowledge.member_clusters
    return dict(Counter(clusters[m] for m in member_ids if m in clusters))


def cluster_name(cluster: int | None, knowledge: PartnershipKnowledge) -> str:
    """'cluster "water, soil, rivers"', or 'cluster 7' when it has no label."""
    if cluster is None:
        return "no cluster"
    label = knowledge.cluster_labels.get(cluster)
    return f'cluster "{label}"' if label else f"cluster {cluster}"
