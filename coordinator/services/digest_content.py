"""Load what a digest talks about, and select it with `domain.digest`.

A `Source` reads the partnership-wide parts (open tasks with their teams, clusters,
sectors) once, so sending thousands of digests does not read them thousands of times.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from ..domain import digest as dg
from ..domain.balance import PartnershipKnowledge
from ..extensions import db
from ..models import (
    Alert,
    DigestDelivery,
    Event,
    JoinRequest,
    Membership,
    Participation,
    Tag,
    Task,
    User,
    task_tags,
)
from .alerts import KIND_LABELS
from .balance_data import load_knowledge
from .digest_prefs import preference

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


def member_digest(member: Membership, since: datetime | None, now: datetime,
                  source: Source | None = None) -> dg.MemberDigest:
    source = source or Source(member.partnership_id)
    prefs = preference(member)
    reader = dg.Reader(member.id, source.member_tags().get(member.id, frozenset()),
                       source.clusters().get(member.id), source.sectors().get(member.id),
                       prefs.fit_tasks, prefs.bridge_tasks, prefs.task_news, prefs.due_dates)
    mine = [task_id for (task_id,) in db.session.execute(
        select(Participation.task_id).where(Participation.membership_id == member.id))]
    today = now.astimezone(ZoneInfo(prefs.timezone)).date()  # due dates are local days
    return dg.member_digest(reader, source.tasks_with_any(reader.tags),
                            _news(member, mine, since, now),
                            _due(mine), since, now, today=today)


def _news(member: Membership, task_ids: list[int], since: datetime | None,
          now: datetime) -> list[dg.NewsItem]:
    if not task_ids:
        return []
    titles = dict(db.session.execute(
        select(Task.id, Task.title).where(Task.id.in_(task_ids))).all())
    names = {}
    query = (select(Event.task_id, Event.kind, Event.actor_id, Event.subject_id,
                    Event.occurred_at)
             .where(Event.task_id.in_(task_ids), Event.kind.in_(NEWS_KINDS),
                    Event.occurred_at <= now))
    if since is not None:
        query = query.where(Event.occurred_at > since)
    events = db.session.execute(query).all()
    people = {e.actor_id or e.subject_id for e in events} - {None}
    if people:
        names = dict(db.session.execute(select(Membership.id, User.name)
                                        .join(User, User.id == Membership.user_id)
                                        .where(Membership.id.in_(people))).all())
    items = [dg.NewsItem(e.task_id, titles[e.task_id], NEWS_KINDS[e.kind],
                         names.get(e.actor_id or e.subject_id, ""), e.occurred_at)
             for e in events if (e.actor_id or e.subject_id) != member.id]
    waiting = db.session.execute(
        select(JoinRequest.task_id, User.name, JoinRequest.created_at)
        .join(Task, Task.id == JoinRequest.task_id)
        .join(Membership, Membership.id == JoinRequest.membership_id)
        .join(User, User.id == Membership.user_id)
        .where(Task.initiator_id == member.id, JoinRequest.status == "pending",
               JoinRequest.created_at <= now)).all()
    items += [dg.NewsItem(t, titles.get(t, ""), "request", name, at) for t, name, at in waiting]
    return items


def _due(task_ids: list[int]) -> list[dg.DueTask]:
    if not task_ids:
        return []
    return [dg.DueTask(i, title, due) for i, title, due in db.session.execute(
        select(Task.id, Task.title, Task.due_on).where(
            Task.id.in_(task_ids), Task.status.in_(LIVE), Task.due_on.is_not(None)))]


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


def since_for(delivery_due_at: datetime, frequency: str, last_sent: datetime | None
              ) -> datetime:
    """News since the last digest sent, or one period back for the first one."""
    return last_sent if last_sent is not None else delivery_due_at - PERIOD[frequency]
