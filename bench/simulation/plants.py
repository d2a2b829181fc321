"""One known pattern per alert kind, planted in a healthy partnership from a known day.

Each plant returns the alert kind it should raise. The patterns are the ones the design
names: a homogeneous team missing knowledge held elsewhere, teams that stop crossing
clusters, a cluster that works only with itself, a team that meets for weeks without
output while people come and go, a partnership whose joint time swallows its work, and
the four power indicators.
"""

from __future__ import annotations

from .world import (
    CLUSTERS,
    DAY,
    Comment,
    Group,
    Log,
    Meeting,
    Organisation,
    Pace,
    Request,
    Stint,
    World,
    cluster_tag,
    healthy,
    on_team,
    run_task,
)


def team_alignophilia(world: World, onset: int, end: int) -> str:
    """A team of four from cluster 0 takes on a task that needs a cluster-2 tag nobody on
    it holds, and keeps it for the rest of the run."""
    rng, at = world.rng, world.day(onset)
    home = [m for m in world.members_at(at) if world.members[m].cluster == 0]
    team = rng.sample(home, 4)
    task = world.add_task(team[0], at, frozenset({cluster_tag(0, 0), cluster_tag(2, 1)}))
    for member in team[1:]:
        task.stints.append(Stint(member, at + rng.uniform(0.1, 2) * DAY))
    for day in range(onset + 2, end, 7):
        world.meetings.append(Meeting(world.day(day), 45, frozenset(team), task=task.id))
        for member in team:
            world.logs.append(Log(member, task.id, world.day(day + 1).date(), 3.0))
    return "alignophilia_team"


def partnership_alignophilia(world: World, onset: int, end: int) -> str:
    """From onset every new team is drawn from its initiator's cluster alone."""
    _replace_future(world, onset)
    healthy(world, onset, end, homophily=1.0)
    return "alignophilia_partnership"


def silo(world: World, onset: int, end: int) -> str:
    """Twelve people of a new field join (their own knowledge cluster) and take on tasks
    only among themselves."""
    rng = world.rng
    newcomers = [world.add_member(CLUSTERS, rng.randint(1, len(world.orgs)),
                                  world.day(onset)).id for _ in range(12)]
    for i in range(4):
        start = world.day(onset + 1 + 2 * i)
        team = rng.sample(newcomers, 4)
        task = world.add_task(team[0], start, frozenset({cluster_tag(CLUSTERS, 0)}))
        for member in team[1:]:
            task.stints.append(Stint(member, start + rng.uniform(0.1, 2) * DAY))
        for day in range(0, end - onset, 7):
            for member in team:
                world.logs.append(Log(member, task.id, (start + day * DAY).date(), 2.0))
    return "alignophilia_silo"


def team_joinholism(world: World, onset: int, end: int) -> str:
    """A new working group of six meets twice a week for two hours and logs almost no
    work; after its first week someone leaves and someone new joins every week."""
    rng, at = world.rng, world.day(onset)
    group = Group(len(world.groups) + 1, "Vision forum", at)
    present = world.members_at(at)
    group.stints = [Stint(m, at + rng.uniform(0, 2) * DAY) for m in rng.sample(present, 6)]
    world.groups[group.id] = group
    task = world.add_task(group.stints[0].member, at, frozenset(), group=group.id)
    for day in range(onset + 1, end, 3):
        moment = world.day(day)
        world.meetings.append(Meeting(moment, 120, frozenset(on_team(group, moment)),
                                      group=group.id))
    for day in range(onset + 8, end, 7):
        moment = world.day(day)
        leaving = rng.choice(on_team(group, moment))
        next(s for s in group.stints if s.member == leaving and s.left_at is None).left_at = moment
        newcomer = rng.choice([m for m in present if m not in on_team(group, moment)])
        group.stints.append(Stint(newcomer, moment + DAY))
        world.logs.append(Log(newcomer, task.id, moment.date(), 1.0))
    return "joinholism_team"


def partnership_joinholism(world: World, onset: int, end: int) -> str:
    """From onset the partnership meets instead of working: every week a half-day
    workshop with half the members and three team meetings a week, work logged drops to
    a fifth and nothing new is finished."""
    rng = world.rng
    _replace_future(world, onset)
    for task in world.tasks.values():
        if task.done_at is not None and task.done_at > world.day(onset):
            task.done_at = None
    world.logs = [log for log in world.logs
                  if log.on < world.day(onset).date() or rng.random() < 0.2]
    healthy(world, onset, end, Pace(log_days_per_week=0))
    for task in world.tasks.values():
        if task.created_at >= world.day(onset):
            task.done_at = None
    for day in range(onset, end, 7):
        present = world.members_at(world.day(day))
        world.meetings.append(Meeting(world.day(day + 2), 240,
                                      frozenset(rng.sample(present, len(present) // 2)),
                                      kind="workshop"))
        for task in list(world.tasks.values()):
            live = task.created_at <= world.day(day) and task.done_at is None
            if live and not task.decision:
                for offset in (0, 2, 4):
                    moment = world.day(day + offset)
                    world.meetings.append(Meeting(moment, 90, frozenset(on_team(task, moment)),
                                                  task=task.id))
    return "joinholism_partnership"


def exclusion(world: World, onset: int, end: int) -> str:
    """A new organisation of the 'other' sector brings a sixth of the members; its people
    are never invited to meetings and never commented on, so they are not heard."""
    org = Organisation(len(world.orgs) + 1, "Newcomers' network", "other", "low")
    world.orgs[org.id] = org
    count = len(world.members_at(world.day(onset))) // 5
    silent = {world.add_member(world.rng.randrange(CLUSTERS), org.id, world.day(onset)).id
              for _ in range(count)}
    world.comments = [c for c in world.comments if c.member not in silent]
    return "power_exclusion"


def decision_voice(world: World, onset: int, end: int) -> str:
    """A decision is discussed over a week by five people, none from the critical sector."""
    at = world.day(onset)
    speakers = [m for m in world.members_at(at)
                if world.sector(m) not in world.critical_sectors]
    chosen = world.rng.sample(speakers, 5)
    task = world.add_task(chosen[0], at, frozenset(), decision=True)
    for i, member in enumerate(chosen):
        world.comments.append(Comment(member, task.id, at + (0.5 + i) * DAY))
    return "power_decision_voice"


def exemption(world: World, onset: int, end: int) -> str:
    """From onset the high-tier organisations start tasks with a short deadline and let
    most of them run weeks late."""
    rng = world.rng
    high = [m for m in world.members_at(world.day(onset)) if world.tier(m) == "high"]
    for i in range(18):
        start = world.day(onset - 6 + i / 2)
        task = run_task(world, rng.choice(high), start, world.day(end), Pace())
        task.due_on = (start + 5 * DAY).date()
        task.done_at = start + 40 * DAY if rng.random() < 0.8 else start + 4 * DAY
        if task.done_at > world.day(end):
            task.done_at = None
    return "power_exemption"


def restrictive(world: World, onset: int, end: int) -> str:
    """From onset the low tier asks to join tasks twice a day and is mostly declined,
    while the high tier, asking as often, is let in."""
    rng = world.rng
    for day in range(onset, end):
        at = world.day(day + 0.5)
        present = world.members_at(at)
        tasks = [t for t in world.tasks.values() if t.created_at <= at
                 and (t.done_at is None or t.done_at > at)]
        for tier, declined in (("low", 0.8), ("low", 0.8), ("high", 0.1), ("high", 0.1)):
            asker = rng.choice([m for m in present if world.tier(m) == tier])
            world.requests.append(Request(asker, rng.choice(tasks).id, at,
                                          rng.random() < declined))
    return "power_restrictive"


def cost_burden(world: World, onset: int, end: int) -> str:
    """From onset the low tier does the work others start: its members log long days on
    other tiers' tasks, and it starts none of its own."""
    rng = world.rng
    _replace_future(world, onset)
    healthy(world, onset, end, initiators=lambda w, at: [
        m for m in w.members_at(at) if w.tier(m) != "low"])
    low = [m for m in world.members_at(world.day(onset)) if world.tier(m) == "low"]
    tasks = [t for t in world.tasks.values() if t.created_at >= world.day(onset - 14)]
    for day in range(onset, end):
        for member in rng.sample(low, len(low) // 2):
            world.logs.append(Log(member, rng.choice(tasks).id, world.day(day).date(), 6.0))
    return "power_cost_burden"


def _replace_future(world: World, onset: int) -> None:
    """Forget the healthy partnership's tasks from onset on (the plant draws its own)."""
    cut = world.day(onset)
    gone = {t.id for t in world.tasks.values() if t.created_at >= cut and t.group is None
            and not t.decision}
    world.tasks = {i: t for i, t in world.tasks.items() if i not in gone}
    world.meetings = [m for m in world.meetings if m.task not in gone]
    world.logs = [log for log in world.logs if log.task not in gone]
    world.comments = [c for c in world.comments if c.task not in gone]
    world.requests = [r for r in world.requests if r.task not in gone]


PLANTS = {
    "team alignophilia with a real gap": team_alignophilia,
    "partnership E-I drop": partnership_alignophilia,
    "a silo cluster": silo,
    "a team meeting without output, people coming and going": team_joinholism,
    "partnership joinholism": partnership_joinholism,
    "exclusion from deliberation": exclusion,
    "a decision without the critical sector": decision_voice,
    "exemption of the powerful": exemption,
    "restrictive joining practice": restrictive,
    "cost burden on the low tier": cost_burden,
}
