"""What goes into a digest: pure selection, no database, no Flask.

A member digest holds up to five open tasks with room that fit the member's knowledge
(and why: the shared tags), up to three *bridge* tasks where the member would bring a
cluster, sector or required tag the team lacks, news on the tasks the member started or
joined since the last digest (grouped per task, newest first), and the member's due dates
in the next seven days. A coordinator digest holds new alerts and the open alerts by
severity. Nothing worth saying gives an empty digest, which is never sent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from coordinator.domain.balance.findings import SEVERITIES
from coordinator.domain.power.sectors import SECTOR_LABELS

MAX_FIT = 5
MAX_BRIDGE = 3
DUE_WITHIN_DAYS = 7


@dataclass(frozen=True)
class Reader:
    """The member the digest is for, and what they asked to receive."""

    member_id: int
    tags: frozenset[str]
    cluster: int | None
    sector: str | None
    fit_tasks: bool = True
    bridge_tasks: bool = True
    task_news: bool = True
    due_dates: bool = True


@dataclass(frozen=True)
class OpenTask:
    """An open or active task that still has room."""

    task_id: int
    title: str
    tags: frozenset[str]
    created_at: datetime
    team_ids: frozenset[int]  # everyone on it now
    team_tags: frozenset[str]  # tags the team members hold between them
    team_clusters: frozenset[int]
    team_sectors: frozenset[str]


@dataclass(frozen=True)
class NewsItem:
    """Something that happened on a task the reader started or joined."""

    task_id: int
    task_title: str
    kind: str  # joined, left, commented, completed, request (waiting for the reader)
    actor: str  # display name; "" when nobody in particular
    at: datetime


@dataclass(frozen=True)
class DueTask:
    task_id: int
    title: str
    due_on: date


@dataclass(frozen=True)
class FitPick:
    task: OpenTask
    shared: tuple[str, ...]  # the tags reader and task share, sorted


@dataclass(frozen=True)
class BridgePick:
    task: OpenTask
    reasons: tuple[str, ...]  # e.g. 'you hold "gis", which nobody on the team does'


@dataclass(frozen=True)
class TaskNews:
    task_id: int
    task_title: str
    items: tuple[NewsItem, ...]  # newest first


@dataclass(frozen=True)
class MemberDigest:
    fit: tuple[FitPick, ...] = ()
    bridge: tuple[BridgePick, ...] = ()
    news: tuple[TaskNews, ...] = ()  # the task with the newest item first
    due: tuple[DueTask, ...] = ()  # soonest first

    @property
    def empty(self) -> bool:
        return not (self.fit or self.bridge or self.news or self.due)


@dataclass(frozen=True)
class AlertLine:
    alert_id: int
    kind_label: str
    scope_label: str
    severity: str
    opened_at: datetime
    pattern: str = ""


@dataclass(frozen=True)
class CoordinatorDigest:
    new: tuple[AlertLine, ...] = ()  # opened since the last digest, most severe first
    open_by_severity: dict[str, tuple[AlertLine, ...]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.new and not any(self.open_by_severity.values())


def select_fit(reader: Reader, tasks: Iterable[OpenTask], since: datetime | None,
               limit: int = MAX_FIT) -> tuple[FitPick, ...]:
    """New tasks that match the reader's tags, the most shared tags first.

    Only tasks created after `since` (the last digest) count, so a task is offered once;
    with no earlier digest every task is new. Tasks the reader is already on are left out.
    """
    picks = [FitPick(task=task, shared=tuple(sorted(task.tags & reader.tags)))
             for task in tasks
             if reader.member_id not in task.team_ids
             and (since is None or task.created_at > since)
             and task.tags & reader.tags]
    picks.sort(key=lambda pick: pick.task.task_id)
    picks.sort(key=lambda pick: pick.task.created_at, reverse=True)
    picks.sort(key=lambda pick: len(pick.shared), reverse=True)
    return tuple(picks[:limit])


def sector_name(sector: str) -> str:
    """'civil society': the sector as it reads inside a sentence."""
    return SECTOR_LABELS.get(sector, sector.replace("_", " ")).lower()


def select_bridge(reader: Reader, tasks: Iterable[OpenTask], exclude: set[int],
                  limit: int = MAX_BRIDGE) -> tuple[BridgePick, ...]:
    """Tasks whose team lacks something the reader brings, and why.

    The reader must hold a required tag, so a bridge is work they can do, not just a
    different face. Bringing a required tag nobody on the team holds weighs most, then a
    new knowledge cluster, then a new sector. `exclude` holds the fit picks, so a task is
    never offered twice in one digest.
    """
    ranked = []
    for task in tasks:
        if reader.member_id in task.team_ids or task.task_id in exclude:
            continue
        held = task.tags & reader.tags
        if not held:
            continue
        missing = sorted(held - task.team_tags)
        new_cluster = reader.cluster is not None and reader.cluster not in task.team_clusters
        new_sector = reader.sector is not None and reader.sector not in task.team_sectors
        if not (missing or new_cluster or new_sector):
            continue
        reasons = [f'you hold "{tag}", which nobody on the team does' for tag in missing]
        if new_cluster:
            reasons.append("nobody on the team shares your knowledge cluster")
        if new_sector:
            reasons.append(f"nobody on the team is from your sector ({sector_name(reader.sector)})")
        ranked.append(((len(missing), new_cluster, new_sector),
                       BridgePick(task=task, reasons=tuple(reasons))))
    ranked.sort(key=lambda pair: pair[1].task.task_id)
    ranked.sort(key=lambda pair: pair[1].task.created_at, reverse=True)
    ranked.sort(key=lambda pair: pair[0], reverse=True)
    return tuple(pick for _, pick in ranked[:limit])


def group_news(items: Iterable[NewsItem], since: datetime | None,
               until: datetime) -> tuple[TaskNews, ...]:
    """What happened in (since, until], per task, the liveliest task first.

    The window is open at `since` because the previous digest already told of that
    instant, and closed at `until` because this one does.
    """
    per_task: dict[int, list[NewsItem]] = defaultdict(list)
    for item in items:
        if (since is None or item.at > since) and item.at <= until:
            per_task[item.task_id].append(item)
    news = []
    for task_id, task_items in per_task.items():
        task_items.sort(key=lambda item: item.at, reverse=True)
        news.append(TaskNews(task_id=task_id, task_title=task_items[0].task_title,
                             items=tuple(task_items)))
    news.sort(key=lambda entry: entry.task_id)
    news.sort(key=lambda entry: entry.items[0].at, reverse=True)
    return tuple(news)


def select_due(tasks: Iterable[DueTask], today: date,
               within: int = DUE_WITHIN_DAYS) -> tuple[DueTask, ...]:
    """Due dates from today to `within` days ahead, both ends included; overdue ones are
    left to the task pages, a digest is about what is coming."""
    last = today + timedelta(days=within)
    due = [task for task in tasks if today <= task.due_on <= last]
    return tuple(sorted(due, key=lambda task: (task.due_on, task.title, task.task_id)))


def member_digest(reader: Reader, open_tasks: Iterable[OpenTask], news: Iterable[NewsItem],
                  due: Iterable[DueTask], since: datetime | None, now: datetime, *,
                  today: date | None = None) -> MemberDigest:
    """Everything the reader asked for since their last digest; a section they turned off
    stays empty.

    Due dates count from `today`, the reader's local date; when not given it is
    `now.date()`, so pass `now` in the reader's time zone or pass `today`.
    """
    tasks = tuple(open_tasks)
    fit = select_fit(reader, tasks, since) if reader.fit_tasks else ()
    bridge = (select_bridge(reader, tasks, {pick.task.task_id for pick in fit})
              if reader.bridge_tasks else ())
    return MemberDigest(
        fit=fit,
        bridge=bridge,
        news=group_news(news, since, now) if reader.task_news else (),
        due=select_due(due, now.date() if today is None else today) if reader.due_dates else (),
    )


def severity_rank(severity: str) -> int:
    """0 for high, 1 for medium, 2 for low: the order a coordinator should read them."""
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")
    return len(SEVERITIES) - 1 - SEVERITIES.index(severity)


def coordinator_digest(alerts: Iterable[AlertLine],
                       since: datetime | None) -> CoordinatorDigest:
    """New alerts (opened after `since`) most severe first, and every alert given, which
    the caller limits to unresolved ones, by severity; each oldest first, because the
    longest-standing problem is the one most overdue for attention."""
    oldest_first = sorted(alerts, key=lambda alert: (alert.opened_at, alert.alert_id))
    unknown = {alert.severity for alert in oldest_first} - set(SEVERITIES)
    if unknown:
        raise ValueError(f"unknown severity {min(unknown)!r}")
    new = [alert for alert in oldest_first if since is None or alert.opened_at > since]
    new.sort(key=lambda alert: severity_rank(alert.severity))
    by_severity: dict[str, tuple[AlertLine, ...]] = {}
    for severity in reversed(SEVERITIES):
        lines = tuple(alert for alert in oldest_first if alert.severity == severity)
        if lines:
            by_severity[severity] = lines
    return CoordinatorDigest(new=tuple(new), open_by_severity=by_severity)
