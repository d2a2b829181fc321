"""What a measure reads now, in a sentence, for alerts whose measure is back within its
threshold: the desk shows it beside the reading that raised the alert."""

from __future__ import annotations

from coordinator.domain.balance.alignophilia import TeamAlignophilia
from coordinator.domain.balance.findings import PartnershipKnowledge, cluster_name, counted
from coordinator.domain.balance.insularity import ClusterTies, EIIndex
from coordinator.domain.balance.joinholism import activities_phrase, person_hours
from coordinator.domain.balance.joint_work import JointWork


def joint_reading(work: JointWork) -> str:
    """"2 meetings, 6 person-hours and 40 work hours; 1 task completed in 28 days …"."""
    days = int(work.window.days + 1e-9)
    done = counted(work.outputs, "task") + " completed" if work.outputs else "nothing completed"
    return (f"{activities_phrase(work)}, {person_hours(work.joint_hours)} against "
            f"{work.work_hours:g} work hours (meeting share {work.joint_share:.0%}); {done} in "
            f"{days} days.")


def mix_reading(measures: TeamAlignophilia) -> str:
    gaps = len(measures.gaps)
    return (f"{counted(measures.members, 'active member')}; knowledge mix "
            f"{measures.blau:.2f} (0 is one cluster, 1 an even spread); "
            f"{counted(gaps, 'gap') if gaps else 'no gap'} in what the team needs.")


NOT_JUDGED = ("Not judged now: the task is finished, or the team has fewer members with a "
              "profile than the smallest team judged.")


def silo_reading(row: ClusterTies, knowledge: PartnershipKnowledge, days: int) -> str:
    share = row.outside_share
    outside = "no ties yet" if share is None else f"{row.external} ({share:.0%}) to other clusters"
    return (f"{cluster_name(row.cluster_id, knowledge).capitalize()} "
            f"({counted(row.members, 'member')}): {counted(row.ties, 'tie')} in {days} days, "
            f"{outside}.")


def ei_reading(index: EIIndex, days: int) -> str:
    if index.value is None:
        return f"No ties between members in {days} days."
    return (f"E-I index {index.value:+.2f} over {counted(index.ties, 'tie')} in {days} days "
            f"({index.external} across clusters, {index.internal} within).")
