"""Load what a digest talks about, and select it with `domain.digests.content`.

A `Source` reads the partnership-wide parts (open tasks with their teams, clusters,
sectors) once, so sending thousands of digests does not read them thousands of times; an
`Activity` reads the members' own parts (their tasks, news, requests, due dates) for a
page of members at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Row, func, select
from sqlalchemy.orm import aliased

from coordinator.domain.balance.findings import PartnershipKnowledge
from coordinator.domain.digests import content as dg
from coordinator.extensions import db
from coordinator.models import (
    Alert,
    DigestDelivery,
    DigestPreference,
    Event,
    JoinRequest,
    Membership,
    Participation,
    Tag,
    Task,
    User,
    task_tags,
)
from coordinator.services.alerts import KIND_LABELS
from coordinator.services.balance.knowledge import load_knowledge
from coordinator.services.digests.preferences import preference

LIVE = ("open", "active")
NEWS_KINDS = {"joined": "joined", "left": "left", "commented": "commented",
              "task_completed": "completed"}
PERIOD = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


class Source:
    """One partnership's shared digest inputs, read on first use."""

    def __init__(self, partnership_id: int) -> None:
        self.partnership_id = partnership_id
        self._open: list[dg.OpenTask] | None = None
        self._loaded: tuple[PartnershipKnowledge, dict[int, frozenset[str]]] | None = None
        self._by_tag: dict[str, list[dg.OpenTask]] | None = None

    def tasks_with_any(self, tags: frozenset[str]) -> list[dg.OpenTask]:
        """Open tasks needing at least one of `tags`: the only ones that can fit or bridge
        (both need a tag in common), found without scanning every open task per member."""
        if self._by_tag is None:
            self._by_tag = defaultdict(list)
            for task in self.open_tasks():
                for tag in task.tags:
                    self._by_tag[tag].append(task)
        found = {t.task_id: t for tag in tags for t in self._by_tag.get(tag, ())}
        return list(found.values())

    def _knowledge(self) -> tuple[PartnershipKnowledge, dict[int, frozenset[str]]]:
        if self._loaded is None:
            self._loaded = load_knowledge(self.partnership_id)
        return self._loaded

    def member_tags(self) -> dict[int, frozenset[str]]:
        return self._knowledge()[1]

    def clusters(self) -> Mapping[int, int]:
        return self._knowledge()[0].member_clusters

    def sectors(self) -> Mapping[int, str]:
        return self._knowledge()[0].member_sectors

    def open_tasks(self) -> list[dg.OpenTask]:
        """Open and active tasks that still have room, with who is on them."""
        if self._open is None:
            rows = db.session.execute(
                select(Task.id, Task.title, Task.created_at)
                .where(Task.partnership_id == self.partnership_id, Task.status.in_(LIVE),
                       Task.filled < Task.capacity)).all()
            ids = [r.id for r in rows]
            required: dict[int, set[str]] = defaultdict(set)
            team: dict[int, set[int]] = defaultdict(set)
            for start in range(0, len(ids), 5000):
                chunk = ids[start:start + 5000]
                for task_id, name in db.session.execute(
                        select(task_tags.c.task_id, Tag.name)
                        .join(Tag, Tag.id == task_tags.c.tag_id)
                        .where(task_tags.c.task_id.in_(chunk))):
                    required[task_id].add(name)
                for task_id, member in db.session.execute(
                        select(Participation.task_id, Participation.membership_id)
                        .where(Participation.task_id.in_(chunk))):
                    team[task_id].add(member)
            tags, clusters, sectors = self.member_tags(), self.clusters(), self.sectors()
            self._open = [dg.OpenTask(
                task_id=r.id, title=r.title, tags=frozenset(required[r.id]),
                created_at=r.created_at, team_ids=frozenset(team[r.id]),
                team_tags=frozenset().union(*(tags.get(m, frozenset()) for m in team[r.id])),
                team_clusters=frozenset(clusters[m] for m in team[r.id] if m in clusters),
                team_sectors=frozenset(sectors[m] for m in team[r.id] if m in sectors))
                for r in rows]
        return self._open


class Activity:
    """What happened on the tasks of a set of members, read in a few set-wise queries so a
    batch of digests costs a handful of queries per page instead of several per member:
    their tasks, the news on them since `since`, requests waiting for them, due dates."""

    def __init__(self, member_ids: Iterable[int], since: datetime | None,
                 now: datetime) -> None:
        members = sorted(set(member_ids))
        self.tasks_of: dict[int, list[int]] = defaultdict(list)
        self.events: dict[int, list[Row]] = defaultdict(list)
        self.waiting: dict[int, list[tuple[int, str, str, datetime]]] = defaultdict(list)
        self.titles: dict[int, str] = {}
        self.due: dict[int, date] = {}
        self.names: dict[int, str] = {}
        if not members:
            return
        for member, task_id in db.session.execute(
                select(Participation.membership_id, Participation.task_id)
                .where(Participation.membership_id.in_(members))):
            self.tasks_of[member].append(task_id)
        task_ids = sorted({t for tasks in self.tasks_of.values() for t in tasks})
        for chunk in _chunks(task_ids):
            for task_id, title, status, due_on in db.session.execute(
                    select(Task.id, Task.title, Task.status, Task.due_on)
                    .where(Task.id.in_(chunk))):
                self.titles[task_id] = title
                if status in LIVE and due_on is not None:
                    self.due[task_id] = due_on
            query = (select(Event.task_id, Event.kind, Event.actor_id, Event.subject_id,
                            Event.occurred_at)
                     .where(Event.task_id.in_(chunk), Event.kind.in_(NEWS_KINDS),
                            Event.occurred_at <= now))
            if since is not None:
                query = query.where(Event.occurred_at > since)
            for event in db.session.execute(query):
                self.events[event.task_id].append(event)
        for task_id, title, initiator, name, at in db.session.execute(
                select(JoinRequest.task_id, Task.title, Task.initiator_id, User.name,
                       JoinRequest.created_at)
                .join(Task, Task.id == JoinRequest.task_id)
                .join(Membership, Membership.id == JoinRequest.membership_id)
                .join(User, User.id == Membership.user_id)
                .where(Task.initiator_id.in_(members), JoinRequest.status == "pending",
                       JoinRequest.created_at <= now)):
            self.waiting[initiator].append((task_id, title, name, at))
        people = sorted({e.actor_id or e.subject_id for events in self.events.values()
                         for e in events} - {None})
        for chunk in _chunks(people):
            self.names.update(db.session.execute(
                select(Membership.id, User.name).join(User, User.id == Membership.user_id)
                .where(Membership.id.in_(chunk))).all())

    def news(self, member_id: int) -> list[dg.NewsItem]:
        """News for one member, from the earliest `since` of the set: `dg.group_news` keeps
        what is newer than the member's own last digest."""
        items = []
        for task_id in self.tasks_of.get(member_id, ()):
            for e in self.events.get(task_id, ()):
                who = e.actor_id or e.subject_id
                if who != member_id:
                    items.append(dg.NewsItem(task_id, self.titles[task_id],
                                             NEWS_KINDS[e.kind], self.names.get(who, ""),
                                             e.occurred_at))
        items += [dg.NewsItem(task_id, title, "request", name, at)
                  for task_id, title, name, at in self.waiting.get(member_id, ())]
        return items

    def due_tasks(self, member_id: int) -> list[dg.DueTask]:
        return [dg.DueTask(t, self.titles[t], self.due[t])
                for t in self.tasks_of.get(member_id, ()) if t in self.due]


def _chunks(ids: list[int], size: int = 5000) -> Iterator[list[int]]:
    """Keeps IN lists under SQLite's bound-parameter limit."""
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def member_digest(member: Membership, since: datetime | None, now: datetime,
                  source: Source | None = None, activity: Activity | None = None,
                  prefs: DigestPreference | None = None) -> dg.MemberDigest:
    """`source`, `activity` and `prefs` come preloaded in a batch; else they are read."""
    source = source or Source(member.partnership_id)
    activity = activity or Activity([member.id], since, now)
    prefs = prefs or preference(member)
    reader = dg.Reader(member.id, source.member_tags().get(member.id, frozenset()),
                       source.clusters().get(member.id), source.sectors().get(member.id),
                       prefs.fit_tasks, prefs.bridge_tasks, prefs.task_news, prefs.due_dates)
    today = now.astimezone(ZoneInfo(prefs.timezone)).date()  # due dates are local days
    return dg.member_digest(reader, source.tasks_with_any(reader.tags),
                            activity.news(member.id), activity.due_tasks(member.id),
                            since, now, today=today)


def coordinator_digest(member: Membership, since: datetime | None) -> dg.CoordinatorDigest:
    rows = db.session.scalars(select(Alert).where(
        Alert.partnership_id == member.partnership_id, Alert.status != "resolved"))
    lines = [dg.AlertLine(a.id, KIND_LABELS.get(a.kind, a.kind), a.scope_label, a.severity,
                          a.opened_at, a.pattern) for a in rows]
    return dg.coordinator_digest(lines, since)


def last_sent(member_id: int, kind: str, due_before: datetime | None = None
              ) -> datetime | None:
    """When the member's last digest of this kind was put together (not when it was due:
    what happened in between was in it already)."""
    query = select(func.max(DigestDelivery.submitted_at)).where(
        DigestDelivery.membership_id == member_id, DigestDelivery.kind == kind,
        DigestDelivery.status == "sent")
    if due_before is not None:
        query = query.where(DigestDelivery.due_at < due_before)
    return db.session.scalar(query)


def last_sent_before(delivery_ids: list[int]) -> dict[int, datetime | None]:
    """`last_sent` for many planned rows in one query: each row's member and kind, before
    the row's own due time."""
    earlier = aliased(DigestDelivery)
    latest = (select(func.max(earlier.submitted_at))
              .where(earlier.membership_id == DigestDelivery.membership_id,
                     earlier.kind == DigestDelivery.kind, earlier.status == "sent",
                     earlier.due_at < DigestDelivery.due_at)
              .correlate(DigestDelivery).scalar_subquery())
    found: dict[int, datetime | None] = {}
    for chunk in _chunks(delivery_ids):
        found.update(db.session.execute(select(DigestDelivery.id, latest)
                                        .where(DigestDelivery.id.in_(chunk))).all())
    return found


def since_for(delivery_due_at: datetime, frequency: str, last_sent: datetime | None
              ) -> datetime:
    """News since the last digest sent, or one period back for the first one."""
    return last_sent if last_sent is not None else delivery_due_at - PERIOD[frequency]
