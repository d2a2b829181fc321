"""Team alignophilia: normalised Blau, coverage, knowledge held elsewhere, gaps, findings.

The partnership below, by hand (K = 4 clusters, 4 sectors):

    member  cluster  sector         tags
    1       1        business       gis, water, data
    2       1        business       water
    3       1        business       water
    4       1        business       -
    5       1        academia       gis
    6       2        government     law, gis, data
    7       2        government     law, gis, data
    8       2        government     law
    9       3        academia       hydrology
    10      3        academia       hydrology, gis
    11      4        civil_society  finance
    12      -        -              ethics
"""

from datetime import UTC, datetime, timedelta

import pytest

from coordinator.domain.balance.alignophilia import (
    DECLINED_JOIN,
    MISSING_TAG,
    SINGLE_SECTOR,
    TAG_ELSEWHERE,
    Coverage,
    DeclinedRequest,
    Gap,
    TagHolding,
    TeamSnapshot,
    assess_team_alignophilia,
    declined_from_other_clusters,
    find_gaps,
    gap_severity,
    knowledge_elsewhere,
    single_sector,
    tag_coverage,
)
from coordinator.domain.balance.findings import index_knowledge, window_ending
from coordinator.domain.balance.thresholds import Thresholds

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY, SECOND = timedelta(days=1), timedelta(seconds=1)
WINDOW = window_ending(NOW, 28)
TEAM_A = frozenset({1, 2, 3, 4})

KNOWLEDGE = index_knowledge(
    member_clusters={1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 2, 7: 2, 8: 2, 9: 3, 10: 3, 11: 4,
                     12: None},
    member_tags={1: ["gis", "water", "data"], 2: ["water"], 3: ["water"], 4: [], 5: ["gis"],
                 6: ["law", "gis", "data"], 7: ["law", "gis", "data"], 8: ["law"],
                 9: ["hydrology"], 10: ["hydrology", "gis"], 11: ["finance"], 12: ["ethics"]},
    member_sectors={**dict.fromkeys([1, 2, 3, 4], "business"), 5: "academia",
                    **dict.fromkeys([6, 7, 8], "government"), 9: "academia", 10: "academia",
                    11: "civil_society", 12: None},
    cluster_labels={1: "water, soil, rivers", 2: "law, policy, governance"})


@pytest.mark.parametrize(
    ("required", "covered", "missing", "share"),
    [
        (set(), (), (), 1.0),
        ({"water"}, ("water",), (), 1.0),
        ({"water", "gis", "law"}, ("gis", "water"), ("law",), 2 / 3),
        ({"water", "gis", "data", "law", "ethics", "space"}, ("data", "gis", "water"),
         ("ethics", "law", "space"), 0.5),
        ({"finance"}, (), ("finance",), 0.0),
    ],
)
def test_tag_coverage(required, covered, missing, share):
    coverage = tag_coverage(required, TEAM_A, KNOWLEDGE)
    assert coverage == Coverage(covered, missing)
    assert coverage.share == pytest.approx(share)


def test_knowledge_elsewhere_lists_other_clusters_per_required_tag():
    holdings = knowledge_elsewhere({"water", "gis", "law", "ethics", "space", "data"}, TEAM_A,
                                   1, KNOWLEDGE)
    assert holdings == (
        TagHolding("data", team_holders=1, outside_holders=2, home_holders=1,
                   other_clusters=((2, 2),)),
        TagHolding("ethics", 0, 1, 0, ()),  # held only by unclustered member 12
        TagHolding("gis", 1, 4, 2, ((2, 2), (3, 1))),  # 1 and 5 at home, 6 7 and 10 away
        TagHolding("law", 0, 3, 0, ((2, 3),)),
        TagHolding("space", 0, 0, 0, ()),
        TagHolding("water", 3, 0, 3, ()),
    )
    assert [h.mostly_elsewhere for h in holdings] == [True, False, False, True, False, False]


def test_knowledge_elsewhere_names_the_top_five_other_clusters():
    # Cluster c (0-7) has c + 1 members, all holding "x"; the team sits in cluster 7.
    members = {100 * c + i: c for c in range(8) for i in range(c + 1)}
    knowledge = index_knowledge(members, dict.fromkeys(members, ["x"]), {})
    [holding] = knowledge_elsewhere({"x"}, frozenset({700, 701}), 7, knowledge)
    assert holding == TagHolding("x", team_holders=2, outside_holders=34, home_holders=8,
                                 other_clusters=((6, 7), (5, 6), (4, 5), (3, 4), (2, 3)))
    assert not holding.mostly_elsewhere


@pytest.mark.parametrize(
    ("home", "others", "mostly"),
    [(0, (), False), (0, ((2, 1),), True), (2, ((2, 2),), False), (2, ((2, 3), (3, 1)), True),
     (5, ((2, 4),), False)],
)
def test_mostly_elsewhere_needs_another_cluster_ahead_of_the_teams(home, others, mostly):
    assert TagHolding("t", 0, 0, home, others).mostly_elsewhere is mostly


def test_knowledge_elsewhere_without_a_team_cluster_counts_every_cluster_as_other():
    holdings = knowledge_elsewhere({"gis"}, frozenset({12}), None, KNOWLEDGE)
    assert holdings == (TagHolding("gis", 0, 5, 0, ((1, 2), (2, 2), (3, 1))),)
    assert holdings[0].mostly_elsewhere


@pytest.mark.parametrize(
    ("members", "expected"),
    [({1, 2, 3, 4}, "business"), ({1, 5}, None), ({1, 12}, "business"), ({12}, None),
     (set(), None), ({6, 7, 8}, "government")],
)
def test_single_sector_team_in_a_multi_sector_partnership(members, expected):
    assert single_sector(members, KNOWLEDGE) == expected


def test_single_sector_partnership_has_no_single_sector_teams():
    knowledge = index_knowledge({1: 1, 2: 1}, {}, {1: "business", 2: "business"})
    assert single_sector({1, 2}, knowledge) is None


def test_declined_from_other_clusters_in_the_window():
    declined = [
        DeclinedRequest(6, NOW - 3 * DAY),  # cluster 2: counts
        DeclinedRequest(6, NOW - 2 * DAY),  # same requester again: once
        DeclinedRequest(5, NOW - DAY),  # the team's own cluster
        DeclinedRequest(12, NOW - DAY),  # unclustered
        DeclinedRequest(9, WINDOW.start),  # on the window's start: outside
        DeclinedRequest(10, WINDOW.start + SECOND),  # just inside
        DeclinedRequest(8, NOW),  # at now: inside
        DeclinedRequest(7, NOW + SECOND),  # after now
        DeclinedRequest(11, NOW - DAY),  # has joined since: left out
    ]
    team = TEAM_A | {11}
    assert declined_from_other_clusters(declined, team, 1, KNOWLEDGE, WINDOW) == (6, 8, 10)


def test_find_gaps_counts_each_gap_once():
    coverage = Coverage(("data", "water"), ("ethics", "law", "space"))
    holdings = knowledge_elsewhere({"water", "law", "ethics", "space", "data"}, TEAM_A, 1,
                                   KNOWLEDGE)
    assert find_gaps(coverage, holdings, "business", (6, 10)) == (
        Gap(TAG_ELSEWHERE, "data"), Gap(MISSING_TAG, "ethics"), Gap(MISSING_TAG, "law"),
        Gap(SINGLE_SECTOR, "business"), Gap(DECLINED_JOIN, 6), Gap(DECLINED_JOIN, 10))
    assert find_gaps(Coverage(("water",), ()), holdings[-1:], None, ()) == ()


@pytest.mark.parametrize(("gaps", "severity"),
                         [(1, "low"), (2, "medium"), (3, "high"), (4, "high"), (9, "high")])
def test_severity_grows_with_the_number_of_gaps(gaps, severity):
    assert gap_severity(gaps) == severity


def test_gap_severity_needs_a_gap():
    with pytest.raises(ValueError):
        gap_severity(0)


def test_team_finding_carries_values_thresholds_people_and_pattern():
    team = TeamSnapshot(TEAM_A, frozenset({"water", "gis", "law", "data"}), task_ids=(41,),
                        declined=(DeclinedRequest(6, NOW - 3 * DAY),))
    result = assess_team_alignophilia(team, KNOWLEDGE, NOW, Thresholds())
    assert (result.members, result.clustered_members, result.blau) == (4, 4, 0.0)
    assert (result.team_cluster, result.team_cluster_members, result.sector) == (1, 4, "business")
    finding = result.finding
    assert finding is not None
    assert (finding.kind, finding.severity, finding.window) == ("alignophilia_team", "high",
                                                                WINDOW)
    assert (finding.member_ids, finding.task_ids, finding.cluster_ids) == ((1, 2, 3, 4), (41,),
                                                                           (1,))
    assert finding.thresholds == {"team_max_blau": 0.2, "team_min_members": 3,
                                  "team_window_days": 28, "formation_days": 7}
    assert finding.values == {
        "blau": 0.0, "members": 4, "clustered_members": 4, "clusters_in_partnership": 4,
        "team_cluster": 1, "team_cluster_members": 4, "coverage": 0.75, "missing_tags": ["law"],
        "knowledge_elsewhere": [
            {"tag": "data", "team_holders": 1, "outside_holders": 2, "home_holders": 1,
             "mostly_elsewhere": True, "other_clusters": [[2, 2]]},
            {"tag": "gis", "team_holders": 1, "outside_holders": 4, "home_holders": 2,
             "mostly_elsewhere": False, "other_clusters": [[2, 2], [3, 1]]},
            {"tag": "law", "team_holders": 0, "outside_holders": 3, "home_holders": 0,
             "mostly_elsewhere": True, "other_clusters": [[2, 3]]},
            {"tag": "water", "team_holders": 3, "outside_holders": 0, "home_holders": 3,
             "mostly_elsewhere": False, "other_clusters": []}],
        "single_sector": "business", "partnership_sectors": 4, "declined_requester_ids": [6],
        "gaps": [{"kind": "tag_held_elsewhere", "subject": "data"},
                 {"kind": "missing_tag", "subject": "law"},
                 {"kind": "single_sector", "subject": "business"},
                 {"kind": "declined_join", "subject": 6}],
        "gap_count": 4}
    assert finding.pattern == (
        '4 active members; all 4 with a profile in cluster "water, soil, rivers" '
        '(knowledge mix 0.00, where 0 is one cluster and 1 an even spread); required tag '
        '"data" is held mostly in cluster "law, policy, '
        'governance" (2 holders, 1 in the team\'s cluster); no member holds required tag '
        '"law", held by 3 members outside the team, most in cluster "law, policy, governance"; '
        "every member with a known sector is from the business sector, in a partnership of 4 "
        "sectors; a join request from a member of another cluster declined in 28 days.")
    assert finding.advice.startswith("The indicator suggests this team draws on one knowledge")


@pytest.mark.parametrize(
    ("members", "required", "severity"),
    [
        ({1, 2, 3, 5}, {"water"}, None),  # homogeneous, but nothing is lost: no finding
        ({1, 2, 3, 5}, {"law"}, "low"),  # one missing tag held elsewhere
        ({1, 2, 3, 5}, {"ethics"}, "low"),  # held only by an unclustered member: still a gap
        ({1, 2, 3, 5}, {"space"}, None),  # missing, but nobody has it to offer
        ({1, 2, 3}, {"water"}, "low"),  # single sector in a multi-sector partnership
        ({1, 2, 3}, {"law", "hydrology"}, "high"),
    ],
)
def test_homogeneity_alone_is_never_a_finding(members, required, severity):
    team = TeamSnapshot(frozenset(members), frozenset(required))
    finding = assess_team_alignophilia(team, KNOWLEDGE, NOW, Thresholds()).finding
    assert (finding.severity if finding else None) == severity


@pytest.mark.parametrize(
    ("members", "minimum", "found"),
    [
        ({1, 2, 3}, 3, True),  # exactly the minimum
        ({1, 2}, 3, False),  # one short
        ({1, 2, 12}, 3, False),  # three active, but only two with a cluster
        ({1, 2, 3, 12}, 3, True),
        ({1, 2, 3}, 4, False),
        ({1, 2, 3, 4}, 4, True),
    ],
)
def test_minimum_team_size(members, minimum, found):
    team = TeamSnapshot(frozenset(members), frozenset({"law"}))
    result = assess_team_alignophilia(team, KNOWLEDGE, NOW, Thresholds(team_min_members=minimum))
    assert (result.finding is not None) is found


# K = 10 clusters: cluster 0 holds members 100-109, cluster 1 holds 200-201, clusters 2-9
# one member each (302-309); "law" is held only by 302, outside every team below.
TEN_CLUSTERS = index_knowledge(
    member_clusters={**{100 + i: 0 for i in range(10)}, 200: 1, 201: 1,
                     **{300 + c: c for c in range(2, 10)}},
    member_tags={302: ["law"]}, member_sectors={})


@pytest.mark.parametrize(
    ("home", "away", "maximum", "blau", "found"),
    [
        (10, 1, 0.2, 20 / 121 / 0.9, True),  # 0.184: below
        (9, 1, 0.2, 0.2, True),  # (1 - 0.82) / 0.9 = 0.2 exactly
        (8, 1, 0.2, 2 / 9, False),  # 0.222: just above
        (9, 1, 0.199, 0.2, False),  # the threshold moved just below the measure
        (9, 2, 0.2, (1 - (81 + 4) / 121) / 0.9, False),
        (3, 0, 0.0, 0.0, True),  # one cluster only, threshold 0
    ],
)
def test_blau_threshold(home, away, maximum, blau, found):
    members = frozenset({100 + i for i in range(home)} | {200 + i for i in range(away)})
    team = TeamSnapshot(members, frozenset({"law"}))
    result = assess_team_alignophilia(team, TEN_CLUSTERS, NOW, Thresholds(team_max_blau=maximum))
    assert result.blau == pytest.approx(blau)
    assert (result.finding is not None) is found


def test_mixed_team_pattern_names_the_share_of_its_cluster():
    members = frozenset({100 + i for i in range(9)} | {200})
    team = TeamSnapshot(members, frozenset({"law"}))
    finding = assess_team_alignophilia(team, TEN_CLUSTERS, NOW, Thresholds()).finding
    assert finding is not None
    assert finding.pattern == (
        "10 active members; 9 of the 10 with a profile in cluster 0 (knowledge mix 0.20, "
        "where 0 is one cluster and 1 an even spread); "
        'no member holds required tag "law", held by 1 member outside the team, most in '
        "cluster 2.")


def test_team_window_bounds_the_declined_requests():
    def finding_with(at: datetime, days: int):
        team = TeamSnapshot(frozenset({1, 2, 3, 5}), frozenset({"water"}),
                            declined=(DeclinedRequest(6, at),))
        return assess_team_alignophilia(team, KNOWLEDGE, NOW,
                                        Thresholds(team_window_days=days)).finding

    assert finding_with(NOW - 28 * DAY + SECOND, 28) is not None
    assert finding_with(NOW - 28 * DAY, 28) is None
    assert finding_with(NOW - 28 * DAY, 29) is not None
