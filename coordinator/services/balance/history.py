"""Charts of the balance measures over time, for an alert's page and the health page.

Read from the stored weekly readings (services.readings): one row per week, so a chart
costs one query whatever the size of the partnership.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from coordinator.domain import weekly
from coordinator.domain.balance.findings import (
    ALIGNOPHILIA_PARTNERSHIP,
    ALIGNOPHILIA_SILO,
    ALIGNOPHILIA_TEAM,
    JOINHOLISM_PARTNERSHIP,
    JOINHOLISM_TEAM,
)
from coordinator.domain.balance.insularity import (
    ClusterTies,
    PartnershipAlignophilia,
    assess_partnership_alignophilia,
)
from coordinator.domain.balance.joinholism import assess_partnership_joinholism
from coordinator.domain.balance.joint_work import JointWork
from coordinator.domain.balance.thresholds import Thresholds
from coordinator.domain.charts import LineChart, line_chart
from coordinator.models import Alert, Partnership
from coordinator.services import figures, readings
from coordinator.services.balance.data import load_partnership
from coordinator.services.balance.thresholds import effective

WEEKS = readings.WEEKS


@dataclass(frozen=True)
class MeasureChart:
    title: str
    caption: str
    chart: LineChart


def week_labels(weeks: list[date]) -> list[str]:
    return [week.strftime("%d %b") for week in weeks]


def stored_chart(partnership_id: int, metric: str, scope_type: str, scope_key, now: datetime,
                 threshold: float | None, low: float | None = 0.0,
                 high: float | None = None) -> LineChart:
    weeks, values = readings.series(partnership_id, metric, scope_type, scope_key, now)
    return line_chart(values, week_labels(weeks), threshold, low, high)


def alert_chart(alert: Alert, partnership: Partnership, now: datetime) -> MeasureChart | None:
    """The alert's measure week by week, with the threshold it is judged against."""
    t = effective(partnership)[0]
    pid, scope = partnership.id, (alert.scope_type, alert.scope_id)
    if alert.kind == ALIGNOPHILIA_TEAM:
        return MeasureChart(
            "Knowledge diversity of the team (normalised Blau)",
            f"0 = everyone in one knowledge cluster, 1 = as mixed as possible. The alert "
            f"needs {t.team_max_blau:g} or less, together with a gap.",
            stored_chart(pid, weekly.TEAM_BLAU, *scope, now, t.team_max_blau, 0.0, 1.0))
    if alert.kind == JOINHOLISM_TEAM:
        return MeasureChart(
            f"Joint share over {t.team_window_days} days",
            f"Meeting person-hours as a share of all hours. The alert needs "
            f"{t.team_min_joint_share:g} or more with no task completed.",
            stored_chart(pid, weekly.TEAM_JOINT, *scope, now, t.team_min_joint_share,
                         0.0, 1.0))
    window = t.partnership_window_days
    if alert.kind == ALIGNOPHILIA_PARTNERSHIP:
        return ei_chart(pid, now, t)
    if alert.kind == ALIGNOPHILIA_SILO:
        return MeasureChart(
            "Share of the cluster's ties that reach other clusters",
            f"Ties are members who shared a team in the {window} days up to each week. "
            f"A silo has less than {t.silo_max_outside_share:.0%} outside.",
            stored_chart(pid, weekly.OUTSIDE, "cluster", alert.scope_id, now,
                         t.silo_max_outside_share, 0.0, 1.0))
    if alert.kind == JOINHOLISM_PARTNERSHIP:
        return joint_chart(pid, now, t)
    return None  # power alerts: their charts are on the power page


def ei_chart(partnership_id: int, now: datetime, t: Thresholds) -> MeasureChart:
    window = t.partnership_window_days
    return MeasureChart(
        "E-I index over knowledge clusters",
        f"−1 = members only share teams within their cluster, +1 = only across clusters; "
        f"{window}-day window. Alert at {t.partnership_max_ei:g} or below.",
        stored_chart(partnership_id, weekly.EI, "partnership", 0, now,
                     t.partnership_max_ei, -1.0, 1.0))


def joint_chart(partnership_id: int, now: datetime, t: Thresholds) -> MeasureChart:
    window = t.partnership_window_days
    return MeasureChart(
        "Joint share of the partnership's hours",
        f"Meeting person-hours over all hours, {window}-day window. Alert at "
        f"{t.partnership_min_joint_share:g} or above.",
        stored_chart(partnership_id, weekly.JOINT, "partnership", 0, now,
                     t.partnership_min_joint_share, 0.0, 1.0))


@dataclass(frozen=True)
class ClusterRow:
    ties: ClusterTies
    label: str
    silo: bool


@dataclass(frozen=True)
class WorkNow:
    """The partnership's joint work over its window, as the health page shows it."""

    joint_hours: float
    work_hours: float
    joint_share: float
    outputs: int
    activities: int


@dataclass(frozen=True)
class Health:
    ei: MeasureChart
    joint: MeasureChart
    outputs: MeasureChart
    clusters: list[ClusterRow]
    work: WorkNow
    ei_now: float | None
    ties_now: int
    measured_at: datetime


def health_figures(insular: PartnershipAlignophilia, work: JointWork,
                   labels: dict[int, str]) -> dict:
    """The health page's current figures as the evaluation stores them (services.figures):
    clusters by outside share, least first."""
    silos = {f.cluster_ids[0] for f in insular.silos}
    rows = sorted(insular.clusters, key=lambda r: (r.outside_share or 0.0))
    return {"ei": insular.current.value, "ties": insular.current.ties,
            "work": {"joint_hours": work.joint_hours, "work_hours": work.work_hours,
                     "joint_share": work.joint_share, "outputs": work.outputs,
                     "activities": work.activities},
            "clusters": [[r.cluster_id, r.members, r.internal, r.external,
                          labels.get(r.cluster_id, ""), r.cluster_id in silos]
                         for r in rows]}


def measure_health(partnership: Partnership, now: datetime) -> dict:
    """What an evaluation would store, measured now (before any evaluation has run)."""
    t = effective(partnership)[0]
    data = load_partnership(partnership.id, now, t)
    insular = assess_partnership_alignophilia(data.stints, data.knowledge, now, t)
    joint = assess_partnership_joinholism(data.activities, data.logs, data.completions, now,
                                          t, formed_at=data.formed_at)
    return health_figures(insular, joint.work, data.knowledge.cluster_labels)


def health(partnership: Partnership, now: datetime) -> Health:
    t = effective(partnership)[0]
    stored = figures.latest(partnership.id, "health")
    doc, measured_at = stored if stored else (measure_health(partnership, now), now)
    rows = [ClusterRow(ClusterTies(cluster_id, members, internal, external), label, silo)
            for cluster_id, members, internal, external, label, silo in doc["clusters"]]
    return Health(
        ei=ei_chart(partnership.id, now, t),
        joint=joint_chart(partnership.id, now, t),
        outputs=MeasureChart("Tasks completed per week", "Outputs: tasks marked done.",
                             stored_chart(partnership.id, weekly.OUTPUTS, "partnership", 0,
                                          now, None, 0.0)),
        clusters=rows, work=WorkNow(**doc["work"]), ei_now=doc["ei"], ties_now=doc["ties"],
        measured_at=measured_at)
