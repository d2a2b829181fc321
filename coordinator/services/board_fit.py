"""The board's default order, "fit": tasks I could join first, best fit to my tags, then
newest; read in three parts so the first pages sort only the tasks that share a tag with
me instead of every live task."""

from sqlalchemy import Select, and_, case, func, literal, not_, select, union_all

from ..extensions import db
from ..models import Membership, Participation, Task, WaitlistEntry, membership_tags, task_tags


def by_fit(stmt: Select, member: Membership, offset: int, limit: int | None) -> Select:
    """`limit` tasks of `stmt` (filtered) from `offset` on, in fit order.

    The order is (could I join it, fit, id), fit being how many of my tags a task has.
    Only a task sharing a tag with me has fit > 0: those tasks (10,000 of 100,000 in
    bench/board.py) are placed and sorted by fit; the others, on either side of "could I join
    it", come newest first straight from the (partnership_id, id, status) index. Each
    part stops after offset + limit rows (the page is within their heads), only their
    ids are sorted together, and only the page's rows are read whole. A full task or one
    of my own fits me well but needs nothing from me, so it must not push the joinable
    ones off the first page."""
    my_tags = select(membership_tags.c.tag_id).where(
        membership_tags.c.membership_id == member.id)
    fits = (select(task_tags.c.task_id, func.count().label("fit"))
            .where(task_tags.c.tag_id.in_(my_tags)).group_by(task_tags.c.task_id)
            .cte("fits"))
    fitting = select(task_tags.c.task_id).where(task_tags.c.tag_id.in_(my_tags))
    on_it = select(Participation.task_id).where(Participation.membership_id == member.id)
    waiting = select(WaitlistEntry.task_id).where(WaitlistEntry.membership_id == member.id)
    open_to_me = and_(Task.status.in_(("open", "active")), Task.filled < Task.capacity,
                      Task.id.not_in(on_it), Task.id.not_in(waiting))
    window = None if limit is None else offset + limit
    placed = _placed(stmt, fits, case((open_to_me, 0), else_=2))
    # One part for both sides: its first `window` rows hold the first `window` of part 0
    # and, after them, as many of part 2 as the page can need.
    parts = [select(placed.c.task_id.label("id"), placed.c.part, placed.c.fit)
             .where(placed.c.part.is_not(None))
             .order_by(placed.c.part, placed.c.fit.desc(), placed.c.task_id.desc())
             .limit(window)]
    for part, joinable in ((1, open_to_me), (3, not_(open_to_me))):
        parts.append(stmt.with_only_columns(Task.id, literal(part).label("part"),
                                            literal(0).label("fit"))
                     .where(joinable, Task.id.not_in(fitting))
                     .order_by(Task.id.desc()).limit(window))
    # SQLite takes ORDER BY and LIMIT in a compound's member only inside a subquery.
    head = union_all(*(select(part.subquery()) for part in parts)).subquery("head")
    page = (select(head).order_by(head.c.part, head.c.fit.desc(), head.c.id.desc())
            .offset(offset).limit(limit).subquery("page"))
    return (stmt.join(page, page.c.id == Task.id)
            .order_by(page.c.part, page.c.fit.desc(), Task.id.desc()))


def _placed(stmt: Select, fits, place) -> Select:
    """The tasks sharing a tag with me, the filters let through: id, fit, part (0 or 2;
    NULL for one the filters leave out), materialized so each is placed once."""
    if db.session.get_bind().dialect.name == "sqlite":
        # Each looked up by its id: SQLite's planner, without statistics, would scan
        # every live task and probe fits for each.
        looked_up = (stmt.with_only_columns(place).where(Task.id == fits.c.task_id)
                     .scalar_subquery())
        placed = select(fits.c.task_id, fits.c.fit, looked_up.label("part"))
    else:
        # A join: PostgreSQL plans it from its statistics, where the lookup above costs
        # so much on paper (every IN inside counted per row) that JIT compiles it (1 s).
        placed = (stmt.with_only_columns(fits.c.task_id, fits.c.fit, place.label("part"))
                  .join(fits, fits.c.task_id == Task.id))
    return placed.cte("placed").prefix_with("MATERIALIZED")
