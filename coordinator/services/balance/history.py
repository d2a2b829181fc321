"""Charts of the balance measures over time, for an alert's page and the health page.

Recomputed from the event log on request (any metric, any window), over
the last twelve weeks, so a chart needs no stored history of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from coordinator.domain.balance import series
from coordinator.domain.balance.findings import (
    ALIGNOPHILIA_PARTNERSHIP,
    ALIGNOPHILIA_SILO,
    ALIGNOPHILIA_TEAM,
    JOINHOLISM_PARTNERSHIP,
    JOINHOLISM_TEAM,
)
from coordinator.domain.balance.insularity import ClusterTies, assess_partnership_alignophilia
from coordinator.domain.balance.joinholism import assess_partnership_joinholism
from coordinator.domain.balance.joint_work import JointWork
from coordinator.domain.charts import LineChart, line_chart
from coordinator.models import Alert, Partnership
from coordinator.services.balance.data import PartnershipData, load_partnership, load_team
from coordinator.services.evaluation import thresholds_for

WEEKS = 12


@dataclass(frozen=True)
class MeasureChart:
    title: str
    caption: str
    chart: LineChart


def _labels(moments: list[datetime]) -> list[str]:
    return [m.strftime("%d %b") for m in moments]


def _load(partnership: Partnership, now: datetime) -> tuple[PartnershipData, list[datetime]]:
    thresholds = thresholds_for(partnership)
    data = load_partnership(partnership.id, now, thresholds, history_days=WEEKS * 7)
    return data, series.weekly_moments(now, WEEKS)


def alert_chart(alert: Alert, partnership: Partnership, now: datetime) -> MeasureChart | None:
    """The alert's measure week by week, with the threshold it is judged against."""
    thresholds = thresholds_for(partnership)
    moments = series.weekly_moments(now, WEEKS)
    labels = _labels(moments)
    if alert.kind in (ALIGNOPHILIA_TEAM, JOINHOLISM_TEAM):
        team, knowledge = load_team(partnership.id, alert.scope_type, alert.scope_id, now,
                                    thresholds, history_days=WEEKS * 7)
        if team is None:
            return None
        if alert.kind == ALIGNOPHILIA_TEAM:
            values = series.blau_series(team.stints, knowledge, moments,
                                        thresholds.team_min_members)
            return MeasureChart(
                "Knowledge diversity of the team (normalised Blau)",
                f"0 = everyone in one knowledge cluster, 1 = as mixed as possible. The alert "
                f"needs {thresholds.team_max_blau:g} or less, together with a gap.",
                line_chart(values, labels, thresholds.team_max_blau, 0.0, 1.0))
        values = series.joint_share_series(team.activities, team.logs, team.completions,
                                           moments, thresholds.team_window_days)
        return MeasureChart(
            f"Joint share over {thresholds.team_window_days} days",
            f"Meeting person-hours as a share of all hours. The alert needs "
            f"{thresholds.team_min_joint_share:g} or more with no task completed.",
            line_chart(values, labels, thresholds.team_min_joint_share, 0.0, 1.0))
    if alert.kind not in (ALIGNOPHILIA_PARTNERSHIP, ALIGNOPHILIA_SILO, JOINHOLISM_PARTNERSHIP):
        return None  # power alerts: their charts are on the power page
    data, moments = _load(partnership, now)
    window = thresholds.partnership_window_days
    if alert.kind == ALIGNOPHILIA_PARTNERSHIP:
        return ei_chart(data, moments, thresholds.partnership_max_ei, window)
    if alert.kind == ALIGNOPHILIA_SILO:
        values = series.outside_share_series(data.stints, data.knowledge, alert.scope_id,
                                             moments, window)
        return MeasureChart(
            "Share of the cluster's ties that reach other clusters",
            f"Ties are members who shared a team in the {window} days up to each week. "
            f"A silo has less than {thresholds.silo_max_outside_share:.0%} outside.",
            line_chart(values, labels, thresholds.silo_max_outside_share, 0.0, 1.0))
    return joint_chart(data, moments, thresholds.partnership_min_joint_share, window)


def ei_chart(data: PartnershipData, moments: list[datetime], threshold: float,
             window: int) -> MeasureChart:
    values = series.ei_series(data.stints, data.knowledge, moments, window)
    return MeasureChart(
        "E-I index over knowledge clusters",
        f"−1 = members only share teams within their cluster, +1 = only across clusters; "
        f"{window}-day window. Alert at {threshold:g} or below.",
        line_chart(values, _labels(moments), threshold, -1.0, 1.0))


def joint_chart(data: PartnershipData, moments: list[datetime], threshold: float,
                window: int) -> MeasureChart:
    values = series.joint_share_series(data.activities, data.logs, data.completions, moments,
                                       window)
    return MeasureChart(
        "Joint share of the partnership's hours",
        f"Meeting person-hours over all hours, {window}-day window. Alert at {threshold:g} "
        f"or above.",
        line_chart(values, _labels(moments), threshold, 0.0, 1.0))


@dataclass(frozen=True)
class ClusterRow:
    ties: ClusterTies
    label: str
    silo: bool


@dataclass(frozen=True)
class Health:
    ei: MeasureChart
    joint: MeasureChart
    outputs: MeasureChart
    clusters: list[ClusterRow]
    work: JointWork
    ei_now: float | None
    ties_now: int


def health(partnership: Partnership, now: datetime) -> Health:
    thresholds = thresholds_for(partnership)
    data, moments = _load(partnership, now)
    window = thresholds.partnership_window_days
    insular = assess_partnership_alignophilia(data.stints, data.knowledge, now, thresholds)
    joint = assess_partnership_joinholism(data.activities, data.logs, data.completions, now,
                                          thresholds, formed_at=data.formed_at)
    silos = {f.cluster_ids[0] for f in insular.silos}
    rows = [ClusterRow(row, data.knowledge.cluster_labels.get(row.cluster_id, ""),
                       row.cluster_id in silos)
            for row in sorted(insular.clusters, key=lambda r: (r.outside_share or 0.0))]
    outputs = series.outputs_series(data.completions, moments)
    return Health(
        ei=ei_chart(data, moments, thresholds.partnership_max_ei, window),
        joint=joint_chart(data, moments, thresholds.partnership_min_joint_share, window),
        outputs=MeasureChart("Tasks completed per week", "Outputs: tasks marked done.",
                             line_chart(outputs, _labels(moments), None, 0.0)),
        clusters=rows, work=joint.work, ei_now=insular.current.value,
        ties_now=insular.current.ties)
