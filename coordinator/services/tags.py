"""Per-partnership knowledge tags."""

from sqlalchemy import func, select

from ..extensions import db
from ..models import Tag, membership_tags, task_tags
from .sql import insert_ignoring_conflicts


def ensure_tags(partnership_id: int, names: list[str]) -> list[Tag]:
    """Return Tag rows for already-normalised names, creating the missing ones."""
    if not names:
        return []
    existing = {
        tag.name: tag
        for tag in db.session.scalars(
            select(Tag).where(Tag.partnership_id == partnership_id, Tag.name.in_(names))
        )
    }
    missing = [name for name in names if name not in existing]
    if missing:
        # ON CONFLICT: someone else may add the same new tag at the same moment.
        db.session.execute(
            insert_ignoring_conflicts(Tag.__table__),
            [{"partnership_id": partnership_id, "name": name} for name in missing],
        )
        for tag in db.session.scalars(
            select(Tag).where(Tag.partnership_id == partnership_id, Tag.name.in_(missing))
        ):
            existing[tag.name] = tag
    return [existing[name] for name in names]


def popular_tags(partnership_id: int, limit: int = 200) -> list[str]:
    """Tag names in use, most used first, for suggestions."""
    uses = (
        select(membership_tags.c.tag_id.label("tag_id"))
        .union_all(select(task_tags.c.tag_id.label("tag_id")))
        .subquery()
    )
    rows = db.session.execute(
        select(Tag.name, func.count(uses.c.tag_id).label("n"))
        .outerjoin(uses, uses.c.tag_id == Tag.id)
        .where(Tag.partnership_id == partnership_id)
        .group_by(Tag.id, Tag.name)
        .order_by(func.count(uses.c.tag_id).desc(), Tag.name)
        .limit(limit)
    )
    return [name for name, _ in rows]
