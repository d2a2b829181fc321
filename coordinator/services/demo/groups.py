"""The demo's working groups: founding, joins and leaves, and their meetings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from ..activity import ActivityInput, record_activity
from ..groups import create_group, join_group, leave_group
from .data.groups import (
    FORUM_JOINS,
    FORUM_LEAVES,
    FORUM_MEETING_TITLES,
    FORUM_MEETINGS_BEFORE,
    FORUM_MEETINGS_IN_WINDOW,
    GREEN_MEETINGS,
    GROUPS,
)
from .world import World, backdated

REGULAR_GROUP_CLUSTER = {"warning": "data", "funding": "pol", "quality": "eco"}

Add = Callable[..., None]  # add(days_ago, hour, kind, *args)


def seed_group(world: World, key: str, name: str, description: str, creator: str,
               founders: tuple[str, ...], created: int) -> None:
    """Found a group and play its calendar through the services, in time order."""
    world.ever_in[key] = {creator, *founders}
    script = [(world.at(created - 1 - i % 4, 9), next(world.seq), "join", (member,))
              for i, member in enumerate(founders)]
    script += _calendar(world, key, founders, created)
    with backdated(world.at(created, 9)):
        group = create_group(world.members[creator], name, description)
    world.groups[key] = group
    present = [creator]
    for when, _, kind, args in sorted(script, key=lambda step: step[:2]):
        if kind == "join":
            with backdated(when):
                join_group(group, world.members[args[0]])
            present.append(args[0])
            world.ever_in[key].add(args[0])
        elif kind == "leave":
            with backdated(when):
                leave_group(group, world.members[args[0]])
            present.remove(args[0])
        else:
            minutes, title, least, share = args
            size = min(len(present), max(least, round(share * len(present))))
            activity_kind = "workshop" if "Workshop" in title else "meeting"
            record_meeting(world, world.rng.sample(present, size), when, minutes,
                           activity_kind, title, working_group_id=group.id)


def record_meeting(world: World, people: list[str], when: datetime, minutes: int, kind: str,
                   title: str, **link) -> None:
    """Record a joint activity of `people`, entered by the first of them right after."""
    activity = record_activity(world.members[people[0]], ActivityInput(
        kind=kind, title=title[:160], occurred_at=when, duration_minutes=minutes,
        attendee_ids=[world.members[key].id for key in people], **link))
    activity.created_at = when + timedelta(minutes=minutes)


def _calendar(world: World, key: str, founders: tuple[str, ...], created: int) -> list:
    """Joins, leaves and meetings after the founding, by group."""
    steps: list = []

    def add(days_ago: int, hour: int, kind: str, *args) -> None:
        steps.append((world.at(days_ago, hour), next(world.seq), kind, args))

    if key == "forum":
        _forum_calendar(world, add)
    elif key == "green":
        _green_calendar(add)
    else:
        _regular_calendar(world, key, founders, created, add)
    return steps


def _forum_calendar(world: World, add: Add) -> None:
    """Joinholism: churn and long, crowded meetings in the window."""
    for member, day in FORUM_JOINS:
        add(day, 9, "join", member)
    for member, day in FORUM_LEAVES:
        add(day, 17, "leave", member)
    for i, day in enumerate(FORUM_MEETINGS_BEFORE + FORUM_MEETINGS_IN_WINDOW):
        title = FORUM_MEETING_TITLES[i % len(FORUM_MEETING_TITLES)]
        add(day, 14, "meeting", world.rng.choice((90, 120)), title, 8, 0.85)


def _green_calendar(add: Add) -> None:
    """The healthy contrast: one newcomer, short working sessions."""
    add(20, 9, "join", "tobias")
    for day in GREEN_MEETINGS:
        add(day, 10, "meeting", 60, "Green Streets working session", 5, 0.55)


def _regular_calendar(world: World, key: str, founders: tuple[str, ...], created: int,
                      add: Add) -> None:
    rng = world.rng
    cluster = REGULAR_GROUP_CLUSTER[key]
    outsiders = [k for k, row in world.info.items()
                 if cluster in row[3:5] and k not in world.ever_in[key]]
    for member, day in zip(rng.sample(outsiders, 2), (70, 45), strict=True):
        add(day, 9, "join", member)
    add(55, 17, "leave", rng.choice(founders))
    name = GROUPS[key][0]
    for day in range(created - 6, 28, -14):
        add(day, 10, "meeting", 60, f"{name} meeting", 4, 0.6)
    # One short meeting in the last 28 days: well under 4 joint person-hours.
    add(rng.randint(5, 25), 10, "meeting", 45, f"{name} check-in", 4, 0.0)
