"""Per-partnership knowledge tags."""

import time

from sqlalchemy import func, select

from ..domain.expiring import Expiring
from ..domain.tags import MAX_TAGS, TagError, normalise_tag
from ..errors import InvalidInputError
from ..extensions import db
from ..models import Tag, membership_tags, task_tags
from .sql import insert_ignoring_conflicts


def normalised(names: list[str], field: str = "tags") -> list[str]:
    """Tags in their one normal form, without repeats, in the order given; a tag that
    cannot be one is refused naming `field`."""
    seen: dict[str, None] = {}
    try:
        for name in names:
            seen.setdefault(normalise_tag(name), None)
    except TagError as refused:
        raise InvalidInputError(str(refused).capitalize() + ".", field=field) from None
    if len(seen) > MAX_TAGS:
        raise InvalidInputError(f"Give at most {MAX_TAGS} tags.", field=field)
    return list(seen)


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
    # Counted per tag through the (tag_id, ...) indexes rather than by joining every use.
    uses = (select(func.count()).select_from(membership_tags)
            .where(membership_tags.c.tag_id == Tag.id).scalar_subquery()
            + select(func.count()).select_from(task_tags)
            .where(task_tags.c.tag_id == Tag.id).scalar_subquery())
    return list(db.session.scalars(
        select(Tag.name).where(Tag.partnership_id == partnership_id)
        .order_by(uses.desc(), Tag.name).limit(limit)))


_suggestions = Expiring()


def suggested_tags(partnership_id: int, limit: int, ttl: float) -> list[str]:
    """popular_tags as this process last counted them, at most `ttl` seconds ago (0: now).

    Counting every use of every tag cost each board request ~25 ms at 100,000 tasks,
    for a datalist of suggestions that need not be exact to the second."""
    if ttl <= 0:
        return popular_tags(partnership_id, limit)
    key, now = (str(db.engine.url), partnership_id, limit), time.monotonic()
    names = _suggestions.get(key, now)
    if names is None:
        names = popular_tags(partnership_id, limit)
        _suggestions.put(key, names, now, ttl)
    return list(names)
