"""Whom to invite into a homogeneous team: who qualifies, in which order, and why.

The partnership below, by hand. Clusters: 1 "rivers, soil", 2 "outreach, events",
3 "law, policy". CE is "community engagement".

    member  name  cluster  sector         tags              live tasks
    1       Una   1        business       hydrology         1   (team)
    2       Vic   1        academia       -                 1   (team)
    3       Wim   1        business       -                 1   (team)
    10      Bea   2        government     CE                0
    11      Cyd   2        government     CE                1
    12      Eve   1        business       CE                0   same cluster as the team
    13      Gus   -        civil_society  CE                0   no cluster
    14      Hal   3        academia       CE                3   BUSY_AT - 1
    15      Ivy   3        academia       CE, law           4   BUSY_AT: too busy
    16      Kim   2        government     -                 2   asked to join, declined
    17      Lou   2        government     hydrology         0   holds only what the team has
    19      Zed   3        academia       CE, law           0
    20      Ada   2        government     CE                0

Team {1, 2, 3} needs hydrology, CE and law: CE and law are missing and held outside, and
Kim's request was declined, so three gaps. The team spans two sectors: no sector gap.
"""

from datetime import UTC, datetime, timedelta

import pytest

from coordinator.domain.balance.alignophilia import (
    MISSING_TAG,
    SINGLE_SECTOR,
    TAG_ELSEWHERE,
    DeclinedRequest,
    Gap,
    TeamSnapshot,
    assess_team_alignophilia,
)
from coordinator.domain.balance.findings import index_knowledge
from coordinator.domain.balance.suggestions import (
    BUSY_AT,
    MAX_SUGGESTIONS,
    Suggestion,
    suggest_for_team,
)
from coordinator.domain.balance.thresholds import Thresholds

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
CE = "community engagement"
TEAM = frozenset({1, 2, 3})
LABELS = {1: "rivers, soil", 2: "outreach, events", 3: "law, policy"}
IN_2, IN_3 = 'works in cluster "outreach, events"', 'works in cluster "law, policy"'

CLUSTERS = {1: 1, 2: 1, 3: 1, 10: 2, 11: 2, 12: 1, 13: None, 14: 3, 15: 3, 16: 2, 17: 2,
            19: 3, 20: 2}
TAGS = {1: {"hydrology"}, 10: {CE}, 11: {CE}, 12: {CE}, 13: {CE}, 14: {CE}, 15: {CE, "law"},
        17: {"hydrology"}, 19: {CE, "law"}, 20: {CE}}
SECTORS = {1: "business", 2: "academia", 3: "business", 10: "government", 11: "government",
           12: "business", 13: "civil_society", 14: "academia", 15: "academia",
           16: "government", 17: "government", 19: "academia", 20: "government"}
NAMES = {1: "Una", 2: "Vic", 3: "Wim", 10: "Bea", 11: "Cyd", 12: "Eve", 13: "Gus", 14: "Hal",
         15: "Ivy", 16: "Kim", 17: "Lou", 19: "Zed", 20: "Ada"}
LIVE = {1: 1, 2: 1, 3: 1, 11: 1, 14: BUSY_AT - 1, 15: BUSY_AT, 16: 2}
KNOWLEDGE = index_knowledge(CLUSTERS, {m: frozenset(t) for m, t in TAGS.items()}, SECTORS,
                            LABELS)
MEMBER_TAGS = {m: frozenset(t) for m, t in TAGS.items()}
REQUIRED = frozenset({"hydrology", CE, "law"})
DECLINED = (DeclinedRequest(16, NOW - timedelta(days=2)),)


def measures(team=TEAM, required=REQUIRED, declined=DECLINED, knowledge=KNOWLEDGE):
    result = assess_team_alignophilia(TeamSnapshot(team, required, declined=declined),
                                      knowledge, NOW, Thresholds())
    assert result.finding is not None  # every team below is a finding, as in production
    return result


def suggest(result, team=TEAM, active=None, names=None, required=REQUIRED,
            knowledge=KNOWLEDGE, member_tags=None, **kwargs):
    return suggest_for_team(result, team, knowledge,
                            MEMBER_TAGS if member_tags is None else member_tags,
                            LIVE if active is None else active,
                            NAMES if names is None else names, required, **kwargs)


def test_the_hand_made_team_has_three_gaps():
    result = measures()
    assert result.gaps == (Gap(MISSING_TAG, CE), Gap(MISSING_TAG, "law"), Gap("declined_join", 16))
    assert result.finding.severity == "high"


def test_suggestions_in_order_with_reasons():
    people = suggest(measures(), limit=10)
    assert people == (
        Suggestion(16, "Kim", (IN_2, "asked to join and was declined", "2 live tasks"), 2),
        Suggestion(19, "Zed", (f'holds "{CE}" and "law"', IN_3, "no live tasks"), 0),
        Suggestion(20, "Ada", (f'holds "{CE}"', IN_2, "no live tasks"), 0),
        Suggestion(10, "Bea", (f'holds "{CE}"', IN_2, "no live tasks"), 0),
        Suggestion(11, "Cyd", (f'holds "{CE}"', IN_2, "1 live task"), 1),
        Suggestion(14, "Hal", (f'holds "{CE}"', IN_3, "3 live tasks"), BUSY_AT - 1),
    )


def test_at_most_max_suggestions_by_default():
    assert MAX_SUGGESTIONS == 5
    people = suggest(measures())
    assert [p.member_id for p in people] == [16, 19, 20, 10, 11]
    assert [p.member_id for p in suggest(measures(), limit=2)] == [16, 19]


def test_who_is_left_out():
    suggested = {p.member_id for p in suggest(measures(), limit=100)}
    assert suggested.isdisjoint(TEAM)
    assert 12 not in suggested  # the team's own cluster
    assert 13 not in suggested  # no cluster, and the team has no sector gap
    assert 15 not in suggested  # BUSY_AT live tasks
    assert 17 not in suggested  # holds only a required tag the team has


def test_as_dict():
    first = suggest(measures())[0]
    assert first.as_dict() == {
        "member_id": 16, "name": "Kim",
        "reasons": [IN_2, "asked to join and was declined", "2 live tasks"],
        "public_reasons": [IN_2], "active_tasks": 2}


@pytest.mark.parametrize(
    ("live", "reason"),
    [(0, "no live tasks"), (1, "1 live task"), (2, "2 live tasks"),
     (BUSY_AT - 1, f"{BUSY_AT - 1} live tasks"), (BUSY_AT, None), (BUSY_AT + 3, None)],
)
@pytest.mark.parametrize("member", [20, 16], ids=["holder", "declined"])
def test_busy_people_are_left_out(member, live, reason):
    people = suggest(measures(), active={**LIVE, member: live}, limit=100)
    found = {p.member_id: p for p in people}
    if reason is None:
        assert member not in found
    else:
        assert found[member].reasons[-1] == reason
        assert found[member].active_tasks == live


def test_declined_requesters_come_first_however_busy():
    people = suggest(measures(), active={**LIVE, 16: BUSY_AT - 1})
    assert [p.member_id for p in people][:2] == [16, 19]


def test_fewest_live_tasks_beats_more_wanted_tags():
    people = suggest(measures(), active={**LIVE, 19: 1}, limit=100)
    assert [p.member_id for p in people] == [16, 20, 10, 19, 11, 14]


def test_name_then_id_break_ties():
    names = {**NAMES, 20: "Bea"}  # Ada becomes a second Bea: the lower id goes first
    people = suggest(measures(), names=names, limit=100)
    assert [p.member_id for p in people][2:4] == [10, 20]


def test_people_without_a_name_are_left_out():
    names = {m: n for m, n in NAMES.items() if m not in (19, 16)}
    assert [p.member_id for p in suggest(measures(), names=names)] == [20, 10, 11, 14]


def test_declined_requester_who_also_holds_a_wanted_tag_says_both():
    tags = {**MEMBER_TAGS, 16: frozenset({"law"})}
    knowledge = index_knowledge(CLUSTERS, tags, SECTORS, LABELS)
    people = suggest(measures(knowledge=knowledge), knowledge=knowledge, member_tags=tags)
    assert people[0] == Suggestion(16, "Kim", ('holds "law"', IN_2,
                                               "asked to join and was declined",
                                               "2 live tasks"), 2)


def test_a_tag_held_mostly_elsewhere_is_wanted_but_not_from_the_team():
    # "gis": held by team member 1 and member 12 (cluster 1), and by 10, 11, 20 (cluster 2).
    tags = {**MEMBER_TAGS, 1: frozenset({"hydrology", "gis"}), 12: frozenset({"gis"}),
            10: frozenset({"gis"}), 11: frozenset({"gis"}), 20: frozenset({"gis"})}
    knowledge = index_knowledge(CLUSTERS, tags, SECTORS, LABELS)
    result = measures(required=frozenset({"gis"}), declined=(), knowledge=knowledge)
    assert result.gaps == (Gap(TAG_ELSEWHERE, "gis"),)
    people = suggest(result, knowledge=knowledge, member_tags=tags,
                     required=frozenset({"gis"}))
    assert [(p.member_id, p.reasons) for p in people] == [
        (20, ('holds "gis"', IN_2, "no live tasks")),
        (10, ('holds "gis"', IN_2, "no live tasks")),
        (11, ('holds "gis"', IN_2, "1 live task")),
    ]


# A business-only team whose required tag it holds itself: its one gap is its sector.
#
#     member  name  cluster  sector         tags        live tasks
#     30      Noor  1        academia       hydrology   0
#     31      Olga  1        business       hydrology   0   same cluster and sector
#     32      Piet  2        business       hydrology   1
#     33      Quin  2        civil_society  hydrology   0
#     34      Rosa  -        government     hydrology   2
#     35      Sam   1        -              hydrology   0   same cluster, sector unknown
#     36      Tess  2        civil_society  law         0   no required tag
SINGLE_TEAM = frozenset({1, 3, 131})  # 131: a third business member of cluster 1
S_CLUSTERS = {1: 1, 3: 1, 131: 1, 30: 1, 31: 1, 32: 2, 33: 2, 34: None, 35: 1, 36: 2}
S_TAGS = {1: frozenset({"hydrology"}), 131: frozenset({"hydrology"}),
          **{m: frozenset({"hydrology"}) for m in (30, 31, 32, 33, 34, 35)},
          36: frozenset({"law"})}
S_SECTORS = {1: "business", 3: "business", 131: "business", 30: "academia", 31: "business",
             32: "business", 33: "civil_society", 34: "government", 35: None,
             36: "civil_society"}
S_NAMES = {1: "Una", 3: "Wim", 131: "Xan", 30: "Noor", 31: "Olga", 32: "Piet", 33: "Quin",
           34: "Rosa", 35: "Sam", 36: "Tess"}
S_LIVE = {1: 1, 3: 1, 131: 1, 32: 1, 34: 2}
S_KNOWLEDGE = index_knowledge(S_CLUSTERS, S_TAGS, S_SECTORS, {1: "rivers, soil", 2: "outreach"})


def single_sector_suggestions(required):
    result = measures(SINGLE_TEAM, frozenset(required), (), S_KNOWLEDGE)
    people = suggest_for_team(result, SINGLE_TEAM, S_KNOWLEDGE, S_TAGS, S_LIVE, S_NAMES,
                              frozenset(required))
    return result, people


def test_a_sector_gap_alone_suggests_holders_of_any_required_tag_from_other_sectors():
    result, people = single_sector_suggestions({"hydrology"})
    assert result.gaps == (Gap(SINGLE_SECTOR, "business"),)
    assert [(p.member_id, p.reasons) for p in people] == [
        (30, ('holds "hydrology"', "from the academia sector", "no live tasks")),
        (33, ('holds "hydrology"', 'works in cluster "outreach"',
              "from the civil society sector", "no live tasks")),
        (32, ('holds "hydrology"', 'works in cluster "outreach"', "1 live task")),
        (34, ('holds "hydrology"', "from the government sector", "2 live tasks")),
    ]


def test_a_sector_gap_alone_without_the_required_tags_suggests_nobody():
    result, _ = single_sector_suggestions({"hydrology"})
    assert suggest_for_team(result, SINGLE_TEAM, S_KNOWLEDGE, S_TAGS, S_LIVE, S_NAMES) == ()


def test_with_a_missing_tag_too_only_that_tag_is_wanted():
    result, people = single_sector_suggestions({"hydrology", "law"})
    assert result.gaps == (Gap(MISSING_TAG, "law"), Gap(SINGLE_SECTOR, "business"))
    assert [(p.member_id, p.reasons) for p in people] == [
        (36, ('holds "law"', 'works in cluster "outreach"', "from the civil society sector",
              "no live tasks")),
    ]
