"""Digest content as tables: fit and bridge picks, news per task, due dates, the member
digest's toggles and the coordinator digest.

NOW is the moment of this digest, SINCE the moment of the previous one a week earlier.
"""

from datetime import UTC, datetime, timedelta

import pytest

from coordinator.domain.digests.content import (
    MAX_BRIDGE,
    MAX_FIT,
    AlertLine,
    CoordinatorDigest,
    DueTask,
    MemberDigest,
    NewsItem,
    OpenTask,
    Reader,
    coordinator_digest,
    group_news,
    member_digest,
    select_bridge,
    select_due,
    select_fit,
    severity_rank,
)

NOW = datetime(2026, 11, 23, 7, tzinfo=UTC)
SINCE = NOW - timedelta(days=7)
TODAY = NOW.date()
SECOND = timedelta(seconds=1)
ME = 1


def reader(tags=("gis", "soil", "water"), cluster=3, sector="civil_society", **toggles):
    return Reader(member_id=ME, tags=frozenset(tags), cluster=cluster, sector=sector, **toggles)


def task(task_id, tags=("gis",), created=NOW - timedelta(days=1), team=(2,),
         team_tags=None, team_clusters=(3,), team_sectors=("civil_society",)):
    """A task whose team, by default, already holds all its tags and matches the reader's
    cluster and sector, so it is never a bridge unless a test says otherwise."""
    return OpenTask(task_id=task_id, title=f"Task {task_id}", tags=frozenset(tags),
                    created_at=created, team_ids=frozenset(team),
                    team_tags=frozenset(tags if team_tags is None else team_tags),
                    team_clusters=frozenset(team_clusters), team_sectors=frozenset(team_sectors))


def ids(picks):
    return [pick.task.task_id for pick in picks]


# ---- fit ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tasks", "expected"),
    [
        ([], []),
        ([task(1, tags=("roads",))], []),  # nothing shared
        ([task(1, team=(2, ME))], []),  # already on it
        ([task(1, tags=())], []),  # no tags required: no reason to call it a fit
        # more shared tags first, whatever the age
        ([task(1, tags=("gis",), created=NOW - SECOND),
          task(2, tags=("gis", "soil"), created=SINCE + SECOND),
          task(3, tags=("gis", "soil", "water", "roads"), created=SINCE + 2 * SECOND)],
         [3, 2, 1]),
        # same number shared: newest first
        ([task(1, created=NOW - timedelta(days=3)), task(2, created=NOW - timedelta(days=1)),
          task(3, created=NOW - timedelta(days=2))], [2, 3, 1]),
        # same number and age: lowest task_id first
        ([task(9), task(4), task(6)], [4, 6, 9]),
    ],
)
def test_select_fit_filters_and_ranks(tasks, expected):
    assert ids(select_fit(reader(), tasks, SINCE)) == expected


def test_select_fit_shared_tags_are_sorted_and_only_the_shared_ones():
    (pick,) = select_fit(reader(), [task(1, tags=("water", "roads", "gis"))], SINCE)
    assert pick.shared == ("gis", "water")


@pytest.mark.parametrize(
    ("created", "since", "included"),
    [
        (SINCE - SECOND, SINCE, False),
        (SINCE, SINCE, False),  # the previous digest already saw this instant
        (SINCE + SECOND, SINCE, True),
        (datetime(2020, 1, 1, tzinfo=UTC), None, True),  # no previous digest: all tasks
    ],
)
def test_select_fit_only_tasks_created_since_the_last_digest(created, since, included):
    assert ids(select_fit(reader(), [task(1, created=created)], since)) == ([1] if included else [])


def test_select_fit_keeps_the_best_five():
    tasks = [task(i, tags=("gis", "soil") if i % 2 else ("gis",), created=NOW - i * SECOND)
             for i in range(1, 11)]
    assert MAX_FIT == 5
    assert ids(select_fit(reader(), tasks, SINCE)) == [1, 3, 5, 7, 9]
    assert ids(select_fit(reader(), tasks, SINCE, limit=2)) == [1, 3]


# ---- bridge -------------------------------------------------------------------------------

MISSING_GIS = 'you hold "gis", which nobody on the team does'
MISSING_SOIL = 'you hold "soil", which nobody on the team does'
NEW_CLUSTER = "nobody on the team shares your knowledge cluster"
NEW_SECTOR = "nobody on the team is from your sector (civil society)"


@pytest.mark.parametrize(
    ("bridge_task", "me", "reasons"),
    [
        (task(1), reader(), None),  # the team has it all already
        (task(1, tags=("roads",), team_tags=(), team_clusters=(), team_sectors=()),
         reader(), None),  # the reader holds no required tag
        (task(1, team=(2, ME), team_tags=(), team_clusters=(), team_sectors=()),
         reader(), None),  # already on it
        (task(1, team_tags=()), reader(), (MISSING_GIS,)),
        (task(1, tags=("soil", "gis", "roads"), team_tags=("roads",)), reader(),
         (MISSING_GIS, MISSING_SOIL)),
        (task(1, team_clusters=(4,)), reader(), (NEW_CLUSTER,)),
        (task(1, team_sectors=("business",)), reader(), (NEW_SECTOR,)),
        (task(1, team_sectors=()), reader(sector="academia"),
         ("nobody on the team is from your sector (academia)",)),
        # strongest reason first
        (task(1, team_tags=(), team_clusters=(4,), team_sectors=("government",)), reader(),
         (MISSING_GIS, NEW_CLUSTER, NEW_SECTOR)),
        # an unclustered or sector-less reader brings no new cluster or sector
        (task(1, team_clusters=(), team_sectors=()), reader(cluster=None, sector=None), None),
        (task(1, team_clusters=(), team_sectors=()), reader(cluster=None),
         (NEW_SECTOR,)),
    ],
)
def test_select_bridge_reasons(bridge_task, me, reasons):
    picks = select_bridge(me, [bridge_task], set())
    if reasons is None:
        assert picks == ()
    else:
        assert [pick.reasons for pick in picks] == [reasons]


def test_select_bridge_ranks_missing_tags_then_cluster_then_sector():
    tasks = [
        task(1, team_sectors=("business",), created=NOW - SECOND),  # sector only
        task(2, team_clusters=(4,), created=NOW - 2 * SECOND),  # cluster only
        task(3, team_clusters=(4,), team_sectors=(), created=NOW - 3 * SECOND),  # both
        task(4, team_tags=(), created=NOW - 4 * SECOND),  # one missing tag
        task(5, tags=("gis", "soil"), team_tags=(), created=NOW - 5 * SECOND),  # two
    ]
    picks = select_bridge(reader(), tasks, set(), limit=len(tasks))
    assert ids(picks) == [5, 4, 3, 2, 1]


@pytest.mark.parametrize(
    ("tasks", "expected"),
    [
        ([task(1, team_tags=(), created=NOW - timedelta(days=2)),
          task(2, team_tags=(), created=NOW - timedelta(days=1))], [2, 1]),  # newest first
        ([task(7, team_tags=()), task(3, team_tags=())], [3, 7]),  # then task_id
    ],
)
def test_select_bridge_ties(tasks, expected):
    assert ids(select_bridge(reader(), tasks, set())) == expected


def test_select_bridge_keeps_three_and_skips_excluded_tasks():
    tasks = [task(i, team_tags=(), created=NOW - i * SECOND) for i in range(1, 7)]
    assert MAX_BRIDGE == 3
    assert ids(select_bridge(reader(), tasks, set())) == [1, 2, 3]
    assert ids(select_bridge(reader(), tasks, {1, 3})) == [2, 4, 5]


def test_select_bridge_ignores_since():
    old = task(1, team_tags=(), created=SINCE - timedelta(days=30))
    assert ids(select_bridge(reader(), [old], set())) == [1]


# ---- news ---------------------------------------------------------------------------------


def news(task_id, at, kind="commented", actor="Ada"):
    return NewsItem(task_id=task_id, task_title=f"Task {task_id}", kind=kind, actor=actor, at=at)


@pytest.mark.parametrize(
    ("at", "since", "included"),
    [
        (SINCE - SECOND, SINCE, False),
        (SINCE, SINCE, False),  # told in the previous digest
        (SINCE + SECOND, SINCE, True),
        (NOW, SINCE, True),  # told now
        (NOW + SECOND, SINCE, False),  # for the next digest
        (datetime(2020, 1, 1, tzinfo=UTC), None, True),
        (NOW + SECOND, None, False),
    ],
)
def test_group_news_window(at, since, included):
    grouped = group_news([news(1, at)], since, NOW)
    assert [entry.task_id for entry in grouped] == ([1] if included else [])


def test_group_news_groups_per_task_newest_first():
    a = news(1, NOW - timedelta(hours=5), "joined", "Ada")
    b = news(2, NOW - timedelta(hours=1), "completed", "")
    c = news(1, NOW - timedelta(hours=2), "commented", "Bo")
    d = news(3, NOW - timedelta(hours=1), "request", "Cy")  # ties with task 2's newest
    e = news(1, NOW - timedelta(hours=9), "left", "Di")
    grouped = group_news([a, b, c, d, e], SINCE, NOW)
    assert [(entry.task_id, entry.task_title) for entry in grouped] == [
        (2, "Task 2"), (3, "Task 3"), (1, "Task 1")]
    assert grouped[2].items == (c, a, e)


def test_group_news_empty():
    assert group_news([], SINCE, NOW) == ()


# ---- due dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due_on", "included"),
    [
        (TODAY - timedelta(days=1), False),  # overdue: not news
        (TODAY, True),
        (TODAY + timedelta(days=7), True),
        (TODAY + timedelta(days=8), False),
    ],
)
def test_select_due_window(due_on, included):
    due = DueTask(task_id=1, title="Report", due_on=due_on)
    assert select_due([due], TODAY) == ((due,) if included else ())


def test_select_due_soonest_then_title_then_id():
    later = DueTask(1, "Alpha", TODAY + timedelta(days=3))
    beta = DueTask(2, "Beta", TODAY + timedelta(days=1))
    alpha = DueTask(3, "Alpha", TODAY + timedelta(days=1))
    alpha_again = DueTask(4, "Alpha", TODAY + timedelta(days=1))
    assert select_due([later, beta, alpha_again, alpha], TODAY) == (
        alpha, alpha_again, beta, later)


def test_select_due_within():
    due = DueTask(1, "Report", TODAY + timedelta(days=2))
    assert select_due([due], TODAY, within=1) == ()
    assert select_due([due], TODAY, within=2) == (due,)


# ---- member digest ------------------------------------------------------------------------

OPEN = (
    task(1, tags=("gis", "soil")),  # fit, and a bridge too were it not a fit
    task(2, team_tags=(), created=SINCE - timedelta(days=1)),  # old: only a bridge
)
NEWS = (news(1, NOW - SECOND),)
DUE = (DueTask(5, "Report", TODAY + timedelta(days=2)),)


def test_member_digest_has_every_section():
    digest = member_digest(reader(), OPEN, NEWS, DUE, SINCE, NOW)
    assert ids(digest.fit) == [1]
    assert ids(digest.bridge) == [2]
    assert [entry.task_id for entry in digest.news] == [1]
    assert digest.due == DUE
    assert not digest.empty


def test_member_digest_never_repeats_a_fit_task_as_bridge():
    fit_and_bridge = task(1, team_tags=())
    digest = member_digest(reader(), [fit_and_bridge], (), (), SINCE, NOW)
    assert ids(digest.fit) == [1]
    assert digest.bridge == ()
    # with fit tasks turned off, it is offered as a bridge
    digest = member_digest(reader(fit_tasks=False), [fit_and_bridge], (), (), SINCE, NOW)
    assert (digest.fit, ids(digest.bridge)) == ((), [1])


@pytest.mark.parametrize(
    ("toggle", "section"),
    [
        ("fit_tasks", "fit"),
        ("bridge_tasks", "bridge"),
        ("task_news", "news"),
        ("due_dates", "due"),
    ],
)
def test_member_digest_respects_toggles(toggle, section):
    full = member_digest(reader(), OPEN, NEWS, DUE, SINCE, NOW)
    digest = member_digest(reader(**{toggle: False}), OPEN, NEWS, DUE, SINCE, NOW)
    assert getattr(digest, section) == ()
    for other in ("fit", "bridge", "news", "due"):
        if other != section:
            assert getattr(digest, other) == getattr(full, other)


def test_member_digest_with_everything_off_is_empty():
    off = reader(fit_tasks=False, bridge_tasks=False, task_news=False, due_dates=False)
    digest = member_digest(off, OPEN, NEWS, DUE, SINCE, NOW)
    assert digest == MemberDigest()
    assert digest.empty


def test_member_digest_with_nothing_to_say_is_empty():
    assert member_digest(reader(), [], [], [], SINCE, NOW).empty
    stale = member_digest(reader(), [task(1, created=SINCE)], [news(1, SINCE)],
                          [DueTask(1, "Old", TODAY - timedelta(days=1))], SINCE, NOW)
    assert stale.empty


def test_member_digest_accepts_one_shot_iterables():
    digest = member_digest(reader(), iter(OPEN), iter(NEWS), iter(DUE), SINCE, NOW)
    assert (ids(digest.fit), ids(digest.bridge)) == ([1], [2])


def test_member_digest_due_dates_count_from_the_readers_day():
    in_eight_days = (DueTask(1, "Report", TODAY + timedelta(days=8)),)
    assert member_digest(reader(), (), (), in_eight_days, SINCE, NOW).due == ()
    digest = member_digest(reader(), (), (), in_eight_days, SINCE, NOW,
                           today=TODAY + timedelta(days=1))
    assert digest.due == in_eight_days


# ---- coordinator digest -------------------------------------------------------------------


def alert(alert_id, severity, opened_at):
    return AlertLine(alert_id=alert_id, kind_label="Joinholism", scope_label="Team",
                     severity=severity, opened_at=opened_at)


OLD_LOW = alert(1, "low", SINCE - timedelta(days=3))
OLD_HIGH = alert(2, "high", SINCE - timedelta(days=2))
AT_SINCE = alert(3, "medium", SINCE)
NEW_LOW = alert(4, "low", SINCE + timedelta(days=1))
NEW_HIGH_LATE = alert(5, "high", SINCE + timedelta(days=3))
NEW_HIGH_EARLY = alert(6, "high", SINCE + timedelta(days=2))
NEW_MEDIUM = alert(7, "medium", SINCE + timedelta(days=4))
ALERTS = (OLD_LOW, OLD_HIGH, AT_SINCE, NEW_LOW, NEW_HIGH_LATE, NEW_HIGH_EARLY, NEW_MEDIUM)


def test_severity_rank():
    assert [severity_rank(s) for s in ("high", "medium", "low")] == [0, 1, 2]
    with pytest.raises(ValueError, match="unknown severity"):
        severity_rank("urgent")


def test_coordinator_digest_new_most_severe_then_oldest():
    digest = coordinator_digest(ALERTS, SINCE)
    assert digest.new == (NEW_HIGH_EARLY, NEW_HIGH_LATE, NEW_MEDIUM, NEW_LOW)


def test_coordinator_digest_open_by_severity_oldest_first():
    digest = coordinator_digest(ALERTS, SINCE)
    assert list(digest.open_by_severity) == ["high", "medium", "low"]
    assert digest.open_by_severity == {
        "high": (OLD_HIGH, NEW_HIGH_EARLY, NEW_HIGH_LATE),
        "medium": (AT_SINCE, NEW_MEDIUM),
        "low": (OLD_LOW, NEW_LOW),
    }


def test_coordinator_digest_without_a_previous_digest_all_are_new():
    digest = coordinator_digest(ALERTS, None)
    assert digest.new == (OLD_HIGH, NEW_HIGH_EARLY, NEW_HIGH_LATE, AT_SINCE, NEW_MEDIUM,
                          OLD_LOW, NEW_LOW)


@pytest.mark.parametrize(
    ("alerts", "new", "severities"),
    [
        ((OLD_LOW,), (), ["low"]),  # nothing new, but still open: worth a digest
        ((AT_SINCE,), (), ["medium"]),  # opened exactly at since is not new
        ((NEW_HIGH_LATE, OLD_HIGH), (NEW_HIGH_LATE,), ["high"]),
    ],
)
def test_coordinator_digest_omits_empty_severities(alerts, new, severities):
    digest = coordinator_digest(alerts, SINCE)
    assert digest.new == new
    assert list(digest.open_by_severity) == severities
    assert not digest.empty


def test_coordinator_digest_empty():
    digest = coordinator_digest([], SINCE)
    assert digest == CoordinatorDigest()
    assert digest.empty


def test_coordinator_digest_refuses_unknown_severity():
    with pytest.raises(ValueError, match="unknown severity 'urgent'"):
        coordinator_digest([alert(1, "urgent", NOW)], SINCE)
