"""Partnership alignophilia: ties from shared teams, the E-I index, silos and findings."""

from datetime import UTC, datetime, timedelta

import pytest

from coordinator.domain.balance import insularity
from coordinator.domain.balance.findings import index_knowledge, window_ending
from coordinator.domain.balance.insularity import (
    ClusterTies,
    EIIndex,
    PartnershipAlignophilia,
    Stint,
    assess_partnership_alignophilia,
    cluster_tie_table,
    ei_index,
    insularity_conditions,
    is_silo,
    krackhardt_stern,
    ties_in_window,
)
from coordinator.domain.balance.thresholds import Thresholds

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY, SECOND = timedelta(days=1), timedelta(seconds=1)
WINDOW = window_ending(NOW, 90)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


@pytest.mark.parametrize(
    ("a", "b", "tied"),
    [
        ((ago(10), None), (ago(10), None), True),
        ((ago(50), ago(30)), (ago(30), None), False),  # one left as the other joined
        ((ago(50), ago(30) + SECOND), (ago(30), None), True),
        ((ago(200), ago(100)), (ago(150), ago(95)), False),  # together, but before the window
        ((ago(200), ago(90)), (ago(200), None), False),  # left on the window's start
        ((ago(200), ago(90) + SECOND), (ago(200), None), True),  # left just after it
        ((NOW, None), (ago(5), None), True),  # joined at now
        ((NOW + SECOND, None), (ago(5), None), False),  # joined after now
        ((ago(5), ago(5)), (ago(10), None), False),  # a stint of no length
        ((ago(40), ago(20)), (ago(60), ago(30)), True),
    ],
)
def test_ties_need_time_together_within_the_window(a, b, tied):
    stints = [Stint("t", 1, *a), Stint("t", 2, *b)]
    assert ties_in_window(stints, WINDOW) == ({(1, 2)} if tied else set())


def test_ties_are_unordered_pairs_counted_once():
    stints = [Stint("t1", 5, ago(9)), Stint("t1", 2, ago(9)), Stint("t1", 5, ago(3)),
              Stint(("group", 1), 2, ago(9)), Stint(("group", 1), 5, ago(9)),
              Stint("t2", 3, ago(9)), Stint(7, 4, ago(9))]
    assert ties_in_window(stints, WINDOW) == {(2, 5)}


@pytest.mark.parametrize(
    ("external", "internal", "expected"),
    [(0, 0, None), (5, 15, -0.5), (15, 5, 0.5), (0, 3, -1.0), (3, 0, 1.0), (7, 13, -0.3),
     (10, 10, 0.0), (4, 16, -0.6)],
)
def test_krackhardt_stern(external, internal, expected):
    assert krackhardt_stern(external, internal) == (
        None if expected is None else pytest.approx(expected))


def test_krackhardt_stern_refuses_negative_counts():
    with pytest.raises(ValueError):
        krackhardt_stern(-1, 2)


CLUSTERS = {1: 10, 2: 10, 3: 10, 4: 20, 5: 20, 6: 30}  # member 7 is unclustered


def test_ei_index_and_cluster_table():
    ties = {(1, 2), (1, 3), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (1, 7)}
    assert ei_index(ties, CLUSTERS) == EIIndex(external=2, internal=4, unclustered=2)
    assert ei_index(ties, CLUSTERS).value == pytest.approx(-1 / 3)
    assert cluster_tie_table(ties, CLUSTERS) == (
        ClusterTies(10, members=3, internal=3, external=1),
        ClusterTies(20, members=2, internal=1, external=2),
        ClusterTies(30, members=1, internal=0, external=1),
    )
    assert [row.outside_share for row in cluster_tie_table(ties, CLUSTERS)] == [0.25, 2 / 3,
                                                                                1.0]
    assert cluster_tie_table(set(), {1: 10}) == (ClusterTies(10, 1, 0, 0),)
    assert cluster_tie_table(set(), {1: 10})[0].outside_share is None


@pytest.mark.parametrize(
    ("members", "internal", "external", "silo"),
    [
        (5, 10, 1, True),  # 1/11 = 0.091 < 0.1
        (5, 9, 1, False),  # exactly 0.1: not below
        (5, 19, 2, True),  # 0.095
        (5, 18, 2, False),  # 0.1
        (5, 10, 0, True),
        (4, 10, 0, False),  # one member short
        (5, 0, 0, False),  # no ties at all: nothing to judge
        (50, 27, 3, False),  # 3 / 30 = 0.1 in floats too
    ],
)
def test_silo(members, internal, external, silo):
    assert is_silo(ClusterTies(1, members, internal, external), Thresholds()) is silo


def _result(current: tuple[int, int], previous: tuple[int, int]) -> PartnershipAlignophilia:
    return PartnershipAlignophilia(WINDOW, EIIndex(*current), EIIndex(*previous), ())


@pytest.mark.parametrize(
    ("current", "previous", "conditions"),
    [
        ((5, 15), (0, 0), ("low",)),  # EI -0.5 exactly, 20 ties exactly
        ((6, 14), (0, 0), ()),  # EI -0.4
        ((10, 30), (0, 0), ("low",)),  # -0.5 over 40 ties
        ((11, 29), (0, 0), ()),  # -0.45
        ((4, 15), (0, 0), ()),  # -0.58, but 19 ties
        ((4, 16), (0, 0), ("low",)),  # -0.6 over 20 ties
        ((8, 12), (10, 10), ("falling",)),  # 0.0 -> -0.2: fell by 0.2 exactly
        ((81, 119), (100, 100), ()),  # 0.0 -> -0.19
        ((11, 9), (13, 7), ("falling",)),  # 0.3 -> 0.1: 0.19999999999999998 in floats
        ((8, 12), (10, 9), ()),  # fell by more, but only 19 ties before
        ((5, 15), (7, 13), ("low", "falling")),  # -0.3 -> -0.5
        ((5, 15), (3, 17), ("low",)),  # -0.7 -> -0.5: it rose
    ],
)
def test_insularity_conditions(current, previous, conditions):
    assert insularity_conditions(_result(current, previous), Thresholds()) == conditions


@pytest.mark.parametrize(("chance", "turned"), [(0.0101, True), (0.0100, False)])
def test_a_recent_turn_needs_to_be_unlikely_by_chance(chance, turned):
    """New ties of the last 28 days against the 90 before: P(9 of 9 inside) = 0.6⁹."""
    thresholds = Thresholds(partnership_min_ties=4, max_chance=chance)
    result = assess_partnership_alignophilia(STINTS, KNOWLEDGE, NOW, thresholds)
    assert insularity.turned(result, thresholds) is turned
    if turned:
        assert result.finding.pattern.endswith(
            "; new ties in the last 28 days -1.00 over 9 ties, against -0.20 in the 90 days "
            "before.")


def test_drop_is_none_without_ties_on_either_side():
    assert _result((5, 15), (0, 0)).drop is None
    assert _result((0, 0), (5, 15)).drop is None
    assert _result((5, 15), (7, 13)).drop == pytest.approx(0.2)


# Cluster 1: members 1-6; cluster 2: 7-9; cluster 3: 10-11; member 12 unclustered.
KNOWLEDGE = index_knowledge(
    {**dict.fromkeys(range(1, 7), 1), 7: 2, 8: 2, 9: 2, 10: 3, 11: 3, 12: None}, {}, {},
    {1: "water, soil"})
STINTS = [
    # Now: t1 gives 3 ties inside cluster 1, t2 six more, t3 one inside cluster 2 and two
    # across 2-3, t4 one to the unclustered member; g1 repeats the pair 1-2.
    *(Stint("t1", m, ago(10)) for m in (1, 2, 3)),
    *(Stint("t2", m, ago(20)) for m in (4, 5, 6, 1)),
    *(Stint("t3", m, ago(30)) for m in (7, 8, 10)),
    Stint("t4", 9, ago(5)), Stint("t4", 12, ago(5)),
    Stint("g1", 1, ago(60)), Stint("g1", 2, ago(60), ago(1)),
    # The 90 days before: 1-7, 2-10 and 5-8 across, 3-4 inside.
    Stint("old", 1, ago(150), ago(100)), Stint("old", 7, ago(150), ago(100)),
    Stint("old2", 2, ago(170), ago(120)), Stint("old2", 10, ago(160), ago(130)),
    Stint("old3", 3, ago(100), ago(95)), Stint("old3", 4, ago(99), ago(91)),
    Stint("edge", 5, ago(120), ago(90)), Stint("edge", 8, ago(120), ago(90)),
]


def test_partnership_assessment_by_hand():
    thresholds = Thresholds(partnership_min_ties=4, silo_min_ties=9)
    result = assess_partnership_alignophilia(STINTS, KNOWLEDGE, NOW, thresholds)
    assert result.window == WINDOW
    assert result.current == EIIndex(external=2, internal=10, unclustered=1)
    assert result.previous == EIIndex(external=3, internal=1, unclustered=0)
    assert result.drop == pytest.approx(0.5 + 2 / 3)
    assert result.clusters == (ClusterTies(1, 6, 9, 0), ClusterTies(2, 3, 1, 2),
                               ClusterTies(3, 2, 0, 2))
    finding = result.finding
    assert finding is not None
    assert (finding.kind, finding.severity) == ("alignophilia_partnership", "high")
    assert finding.values == {
        "ei": pytest.approx(-2 / 3), "ties": 12, "external": 2, "internal": 10,
        "unclustered_ties": 1, "previous_ei": 0.5, "previous_ties": 4,
        "drop": pytest.approx(7 / 6), "conditions": ["low", "falling"],
        # Ties formed in the last 28 days: 9, all inside; in the 90 days before them 5
        # (2 across, 3 within): 9 of 9 inside at a rate of 3/5 has a chance of 0.6⁹ =
        # 0.0101, just over the 0.01 chance level, so this is no recent turn.
        "recent_ei": -1.0, "recent_ties": 9, "baseline_ei": pytest.approx(-0.2),
        "baseline_ties": 5}
    assert finding.thresholds == {"partnership_max_ei": -0.5, "partnership_min_ties": 4,
                                  "partnership_ei_drop": 0.2, "partnership_window_days": 90,
                                  "team_window_days": 28, "max_chance": 0.01}
    assert finding.pattern == ("E-I index -0.67 over 12 ties in 90 days (2 across clusters, "
                               "10 within); +0.50 over 4 ties before.")
    assert finding.advice.startswith("The indicator suggests the knowledge clusters")
    assert (finding.member_ids, finding.task_ids) == ((), ())
    [silo] = result.silos
    assert (silo.kind, silo.severity, silo.cluster_ids) == ("alignophilia_silo", "high", (1,))
    assert silo.member_ids == (1, 2, 3, 4, 5, 6)
    assert silo.values == {"cluster_id": 1, "members": 6, "ties": 9, "internal": 9,
                           "external": 0, "outside_share": 0.0}
    assert silo.thresholds["silo_min_ties"] == 9
    assert silo.pattern == ('cluster "water, soil" (6 members): 9 ties in 90 days, 0 (0%) to '
                            "other clusters.")


def test_default_thresholds_need_twenty_ties():
    result = assess_partnership_alignophilia(STINTS, KNOWLEDGE, NOW, Thresholds())
    assert result.finding is None
    assert result.silos == ()  # 9 ties: a silo needs 10 by default


@pytest.mark.parametrize(("minimum", "silo"), [(9, True), (10, False)])
def test_a_silo_needs_its_fewest_ties(minimum, silo):
    """One or two teams inside a cluster are no pattern: 9 ties against the minimum."""
    result = assess_partnership_alignophilia(STINTS, KNOWLEDGE, NOW,
                                             Thresholds(silo_min_ties=minimum))
    assert [s.cluster_ids for s in result.silos] == ([(1,)] if silo else [])


@pytest.mark.parametrize(("maximum", "severity"), [(0.1, None), (0.11, "medium")])
def test_a_silo_with_some_outside_ties_is_medium(maximum, severity):
    stints = [*STINTS, Stint("bridge", 6, ago(3)), Stint("bridge", 11, ago(3))]
    result = assess_partnership_alignophilia(stints, KNOWLEDGE, NOW,
                                             Thresholds(silo_max_outside_share=maximum))
    assert result.clusters[0] == ClusterTies(1, 6, 9, 1)  # 1 of 10 ties outside: 0.1
    assert [s.severity for s in result.silos] == ([severity] if severity else [])
    if severity:
        assert result.silos[0].values["outside_share"] == pytest.approx(0.1)
        assert result.silos[0].pattern == ('cluster "water, soil" (6 members): 10 ties in '
                                           "90 days, 1 (10%) to other clusters.")


def test_ties_by_window_match_each_window_counted_alone():
    import random
    from datetime import UTC, datetime, timedelta

    from coordinator.domain.balance.findings import Window
    from coordinator.domain.balance.insularity import (
        Stint,
        ties_by_window,
        ties_formed_in,
        ties_in_window,
    )

    rnd = random.Random(3)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for _ in range(50):
        stints = []
        for _ in range(rnd.randrange(40)):
            joined = base + timedelta(days=rnd.randrange(120))
            left = (None if rnd.random() < 0.4
                    else joined + timedelta(days=rnd.randrange(0, 60)))
            stints.append(Stint(("task", rnd.randrange(4)), rnd.randrange(12), joined, left))
        windows = [(Window(base + timedelta(days=s), base + timedelta(days=s + d)), formed)
                   for s, d, formed in ((60, 28, False), (32, 28, False), (74, 14, True),
                                        (46, 28, True))]
        expected = [_plain_ties(stints, w, formed) for w, formed in windows]
        assert ties_by_window(stints, windows) == expected
        assert [(ties_formed_in if formed else ties_in_window)(stints, w)
                for w, formed in windows] == expected


def _plain_ties(stints, window, formed):
    """The definition, pair by pair: on one team, both in the window, meeting each other,
    and (formed) the later join inside the window."""
    def meets(s):
        return s.joined_at <= window.end and (
            s.left_at is None or (s.left_at > window.start and s.left_at > s.joined_at))
    out = set()
    for i, x in enumerate(stints):
        for y in stints[i + 1:]:
            if x.team != y.team or x.member_id == y.member_id or not (meets(x) and meets(y)):
                continue
            start = max(x.joined_at, y.joined_at)
            ends = [s.left_at for s in (x, y) if s.left_at is not None]
            if ends and start >= min(ends):
                continue
            if formed and not (window.start < start <= window.end):
                continue
            out.add(tuple(sorted((x.member_id, y.member_id))))
    return out
