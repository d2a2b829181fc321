"""Knowledge profiles: tags and a short bio per membership, edited and read.

Plain queries: the map's recompute and a provisional placement in the web process read
profiles the same way.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select

from coordinator.domain.knowledge.weights import Profile
from coordinator.errors import InvalidInputError
from coordinator.extensions import db
from coordinator.models import Membership, Participation, Tag, Task, membership_tags, task_tags
from coordinator.services.events import record_event
from coordinator.services.tags import ensure_tags, normalised


def update_profile(member: Membership, name: str, tags: list[str], bio: str) -> None:
    before = member.tag_names
    tags = normalised(tags)
    if not name.strip():
        raise InvalidInputError("Give your name.", field="name")
    member.user.name = name.strip()
    member.tags = ensure_tags(member.partnership_id, tags)
    member.bio = bio.strip()
    db.session.flush()
    record_event(member.partnership_id, "profile_updated", actor_id=member.id,
                 subject_id=member.id, data={"before": before, "after": tags})



def load_profiles(partnership_id: int, member_ids: Collection[int] | None = None
                  ) -> list[Profile]:
    """Declared tags, tags of tasks completed, and bio: of every member by id, or of
    `member_ids` (three queries either way)."""
    def only(column, statement):
        return statement if member_ids is None else statement.where(column.in_(member_ids))

    declared: dict[int, list[str]] = {}
    for member_id, name in db.session.execute(only(
            membership_tags.c.membership_id,
            select(membership_tags.c.membership_id, Tag.name)
            .join(Tag, Tag.id == membership_tags.c.tag_id)
            .where(Tag.partnership_id == partnership_id))):
        declared.setdefault(member_id, []).append(name)
    completed: dict[int, list[str]] = {}
    for member_id, name in db.session.execute(only(
            Participation.membership_id,
            select(Participation.membership_id, Tag.name)
            .join(Task, Task.id == Participation.task_id)
            .join(task_tags, task_tags.c.task_id == Task.id)
            .join(Tag, Tag.id == task_tags.c.tag_id)
            .where(Task.partnership_id == partnership_id, Task.status == "done"))):
        completed.setdefault(member_id, []).append(name)
    rows = db.session.execute(only(Membership.id, select(Membership.id, Membership.bio).where(
        Membership.partnership_id == partnership_id).order_by(Membership.id)))
    return [Profile(member_id, tuple(sorted(declared.get(member_id, ()))),
                    tuple(sorted(completed.get(member_id, ()))), bio or "")
            for member_id, bio in rows]
