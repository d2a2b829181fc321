"""The four indicators of disruptive power dynamics, as hand-computed tables.

Unless a row says otherwise the partnership has 20 members (`TWENTY`): 5 low tier
(members 1-5, member share 0.25), 10 medium (6-15, 0.5) and 5 high (16-20, 0.25).
The power window is 90 days: (2026-08-25 12:00, 2026-11-23 12:00]; a bare date is in it
when 2026-08-25 < day ≤ 2026-11-23. The default thresholds are used throughout: minimum
cell 5 members; exclusion ≥ 10 % of members, ratio below 0.33, ≥ 30 voice events;
exemption 2×, ≥ 0.25, ≥ 5 tasks; restrictive 2×, ≥ 0.3, ≥ 5 requests; cost ≥ 1.5.
"""

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest

from coordinator.domain.balance.findings import window_ending
from coordinator.domain.balance.thresholds import Thresholds
from coordinator.domain.power.indicators import (
    COST_BURDEN,
    DECISION_VOICE,
    EXCLUSION,
    EXEMPTION,
    RESTRICTIVE,
    SECTOR,
    TIER,
    DecisionTask,
    DueTask,
    GroupShare,
    Rate,
    Voice,
    assess_decision_voice,
    assess_exclusion,
    assess_exemption,
    group_rates,
    group_shares,
    is_overdue,
    reportable_groups,
)
from coordinator.domain.power.practice import (
    Decision,
    Hours,
    assess_cost_burden,
    assess_restrictive,
)

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
TODAY = NOW.date()  # 2026-11-23
SECOND, DAY = timedelta(seconds=1), timedelta(days=1)
WINDOW = window_ending(NOW, 90)  # (2026-08-25 12:00, 2026-11-23 12:00]
START_DAY = WINDOW.start.date()  # 2026-08-25: outside for work logs
DEFAULTS = Thresholds()
# The edge tables check the arithmetic of ratios and rates on small counts; the guards
# against chance and tiny totals have tables of their own (test_power_sectors_and_chance).
ARITHMETIC = Thresholds(max_chance=1.0, cost_min_hours=0.0, exemption_min_tasks=5,
                        restrictive_min_requests=5)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


YESTERDAY = ago(1)


def tiers(low: int = 5, medium: int = 10, high: int = 5) -> dict[int, str]:
    """Members numbered from 1: the low tier first, then medium, then high."""
    ids = count(1)
    return {next(ids): tier
            for tier, size in (("low", low), ("medium", medium), ("high", high))
            for _ in range(size)}


TWENTY = tiers()


def members_of(groups: Mapping[int, str], group: str) -> list[int]:
    return sorted(m for m, g in groups.items() if g == group)


def deal(groups: Mapping[int, str], counts: Mapping[str, int]) -> list[int]:
    """counts[group] member ids, dealt round-robin over the group's members."""
    dealt = []
    for group, n in counts.items():
        people = members_of(groups, group)
        dealt += [people[i % len(people)] for i in range(n)]
    return dealt


def voices(groups: Mapping[int, str], counts: Mapping[str, int],
           at: datetime = YESTERDAY) -> list[Voice]:
    return [Voice(at, (m,)) for m in deal(groups, counts)]


def table(indicator, dimension: str) -> dict[str, GroupShare | Rate]:
    return {row.group: row for row in indicator.tables[dimension]}


# group_shares and group_rates ----------------------------------------------------------

# Members 1-5 low (exactly the minimum cell), 6-9 medium (one below it); member 99 has no
# group and is left out of both sides; "high" is asked for but has nobody.
#   grouped members 9: low 5/9, medium 4/9
#   amounts: low 2 + 4 = 6, medium 10 + 4 = 14, total 20 (member 99's 50 left out)
#   low    share 6/20 = 0.3, ratio 0.3 / (5/9) = 0.54; 5 ≥ 5, but hidden with medium: the
#          only hidden group's share would be 100 % minus low's
#   medium share 14/20 = 0.7, ratio 0.7 / (4/9) = 1.575, not reportable (4 < 5)
#   high   0 members, share 0, ratio None, not reportable
NINE = {1: "low", 2: "low", 3: "low", 4: "low", 5: "low",
        6: "medium", 7: "medium", 8: "medium", 9: "medium"}


@pytest.mark.parametrize(
    ("group", "members", "member_share", "amount", "share", "ratio", "reportable"),
    [
        ("high", 0, 0.0, 0, 0.0, None, False),
        ("low", 5, 5 / 9, 6, 0.3, 0.54, False),
        ("medium", 4, 4 / 9, 14, 0.7, 1.575, False),
    ],
)
def test_group_shares(group, members, member_share, amount, share, ratio, reportable):
    rows = group_shares(NINE, {1: 2, 2: 4, 6: 10, 7: 4, 99: 50}, 5, ("low", "medium", "high"))
    assert [r.group for r in rows] == ["high", "low", "medium"]  # sorted by name
    row = {r.group: r for r in rows}[group]
    assert (row.members, row.amount, row.reportable) == (members, amount, reportable)
    assert row.member_share == pytest.approx(member_share)
    assert row.share == pytest.approx(share)
    assert row.ratio == (None if ratio is None else pytest.approx(ratio))


@pytest.mark.parametrize(("sizes", "shown"), [
    ({"low": 5, "medium": 10, "high": 6}, {"low", "medium", "high"}),
    ({"low": 4, "medium": 10, "high": 6}, {"medium"}),  # one hidden: the next smallest too
    ({"low": 4, "medium": 3, "high": 6}, {"high"}),  # two hidden: they cover each other
    ({"low": 0, "medium": 10, "high": 6}, {"medium", "high"}),  # nobody to single out
    ({"low": 4}, set()),
])
def test_reportable_groups_hide_a_lone_small_group_behind_the_next_smallest(sizes, shown):
    assert reportable_groups(sizes, 5) == shown


def test_group_shares_without_members_or_amounts():
    assert group_shares({}, {}, 5) == ()
    assert group_shares({}, {1: 3}, 5, ("low",)) == (
        GroupShare("low", 0, 0.0, 0, 0.0, False),)
    # Nobody spoke: every share is 0, not a division by zero.
    rows = group_shares(NINE, {99: 7}, 5)
    assert [(r.group, r.share, r.ratio) for r in rows] == [("low", 0.0, 0.0),
                                                           ("medium", 0.0, 0.0)]


# Events per member: (1, hit), (1, miss), (2, hit) → low 2 of 3; (6, miss) → medium 0 of 1;
# member 10 is high with no events → rate None; member 99 has no group and is dropped.
@pytest.mark.parametrize(
    ("group", "members", "hits", "total", "rate", "reportable"),
    [
        ("high", 1, 0, 0, None, False),
        ("low", 5, 2, 3, 2 / 3, True),
        ("medium", 4, 0, 1, 0.0, False),
    ],
)
def test_group_rates(group, members, hits, total, rate, reportable):
    rates = group_rates({**NINE, 10: "high"},
                        [(1, True), (1, False), (2, True), (6, False), (99, True), (99, True)], 5)
    assert list(rates) == ["high", "low", "medium"]
    row = rates[group]
    assert (row.members, row.hits, row.total, row.reportable) == (
        members, hits, total, reportable)
    assert row.rate == (None if rate is None else pytest.approx(rate))


# 1. Exclusion --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("sizes", "counts", "found"),
    [
        # 400 events: low 33/400 = 0.0825, over 0.25 → 0.33 exactly: not below, no finding.
        ((5, 10, 5), {"low": 33, "medium": 267, "high": 100}, ()),
        # low 32/400 = 0.08, over 0.25 → 0.32 < 0.33.
        ((5, 10, 5), {"low": 32, "medium": 268, "high": 100}, ("low",)),
        # 14 members, low 5/14: 33/280 over 5/14 = 0.33 on paper, 0.32999999999999996 in
        # floats: equal within noise, so not below.
        ((5, 4, 5), {"low": 33, "medium": 100, "high": 147}, ()),
        ((5, 4, 5), {"low": 32, "medium": 101, "high": 147}, ("low",)),  # 0.32
        # Exactly 30 events and a silent low tier (ratio 0): a finding; high 10/30 → 1.33.
        ((5, 10, 5), {"low": 0, "medium": 20, "high": 10}, ("low",)),
        ((5, 10, 5), {"low": 0, "medium": 20, "high": 9}, ()),  # 29 events: too few
        # Member share exactly 5/50 = 0.10: a finding; high 5/30 over 0.1 → 1.67.
        ((5, 40, 5), {"low": 0, "medium": 25, "high": 5}, ("low",)),
        # 5/51 = 0.098 < 0.10: too small a share of the members to judge.
        ((5, 41, 5), {"low": 0, "medium": 25, "high": 5}, ()),
        # 4 low members (20 %), silent: under the minimum cell, too small to report.
        ((4, 11, 5), {"low": 0, "medium": 60, "high": 40}, ()),
        # Two silent tiers: both found, in the table's (name) order.
        ((5, 10, 5), {"low": 0, "medium": 30, "high": 0}, ("high", "low")),
    ],
)
def test_exclusion_edges(sizes, counts, found):
    thresholds = ARITHMETIC
    groups = tiers(*sizes)
    result = assess_exclusion({TIER: groups}, voices(groups, counts), NOW, thresholds)
    assert (result.kind, result.window) == (EXCLUSION, WINDOW)
    assert tuple(f.values["group"] for f in result.findings) == found
    rows = table(result, TIER)
    assert {g: r.amount for g, r in rows.items()} == {g: n for g, n in counts.items()}
    assert rows["low"].reportable == (sizes[0] >= 5)


def test_a_silent_group_under_the_minimum_cell_is_too_small_to_report():
    groups = tiers(4, 11, 5)
    result = assess_exclusion({TIER: groups}, voices(groups, {"medium": 60, "high": 40}),
                              NOW, DEFAULTS)
    low = table(result, TIER)["low"]
    # 4 members of 20 = 0.2 ≥ 0.1, voice 0 → ratio 0, yet not reportable: no finding.
    assert (low.members, low.amount, low.ratio, low.reportable) == (4, 0, 0.0, False)
    assert low.member_share == pytest.approx(0.2)
    assert result.findings == ()


def test_exclusion_counts_only_voices_in_the_window():
    # Low's 10 voices on the window's start are outside, so low is silent: 0 of 30.
    # Low's 3 voices a second after now are outside too.
    groups = TWENTY
    inside = voices(groups, {"medium": 20, "high": 10})
    at_start = voices(groups, {"low": 10}, at=WINDOW.start)
    late = voices(groups, {"low": 3}, at=NOW + SECOND)
    result = assess_exclusion({TIER: groups}, inside + at_start + late, NOW, DEFAULTS)
    assert table(result, TIER)["low"].amount == 0
    assert [(f.values["group"], f.values["voice_total"]) for f in result.findings] == [
        ("low", 30)]
    # The same 10 voices at now are inside: low 10/40 = 0.25 over 0.25 → ratio 1.
    at_now = voices(groups, {"low": 10}, at=NOW)
    result = assess_exclusion({TIER: groups}, inside + at_now, NOW, DEFAULTS)
    assert table(result, TIER)["low"].ratio == pytest.approx(1.0)
    assert result.findings == ()
    # One second after the start is inside.
    just_in = voices(groups, {"low": 10}, at=WINDOW.start + SECOND)
    assert assess_exclusion({TIER: groups}, inside + just_in, NOW, DEFAULTS).findings == ()


def test_exclusion_keeps_tables_below_the_minimum_events():
    # 29 events, low silent: no finding, but the table is still there.
    result = assess_exclusion({TIER: TWENTY}, voices(TWENTY, {"medium": 29}), NOW, DEFAULTS)
    assert result.findings == ()
    assert table(result, TIER)["medium"].share == 1.0


# Both dimensions, 20 members, 40 voices:
#   tier:   low 1-5, medium 6-15, high 16-20
#   sector: civil society 1, 2, 3, 6, 7; academia 4, 5, 13, 14, 15;
#           government 8-12; business 16-20
#   voices: members 4, 5 once each (2); 8-15 three times each (24); 16-19 three times
#           each and 20 twice (14); total 40
#   tier low: 2/40 = 0.05 over 0.25 → 0.2 (≥ 0.165: medium); medium 24/40 over 0.5 → 1.2;
#             high 14/40 over 0.25 → 1.4
#   sector civil society: 0/40 → ratio 0 (< 0.165: high); academia 2 + 9 = 11 → 1.1;
#             government 15 → 1.5; business 14 → 1.4
SECTORS_OF_TWENTY = {
    **dict.fromkeys((1, 2, 3, 6, 7), "civil_society"),
    **dict.fromkeys((4, 5, 13, 14, 15), "academia"),
    **dict.fromkeys(range(8, 13), "government"),
    **dict.fromkeys(range(16, 21), "business"),
}
FORTY = [Voice(ago(d), (m,)) for m, times in (
    [(4, 1), (5, 1)] + [(m, 3) for m in range(8, 16)] + [(m, 3) for m in range(16, 20)]
    + [(20, 2)]) for d in range(1, times + 1)]


def test_exclusion_judges_sectors_and_tiers():
    result = assess_exclusion({SECTOR: SECTORS_OF_TWENTY, TIER: TWENTY}, FORTY, NOW, DEFAULTS)
    assert len(FORTY) == 40
    sectors = table(result, SECTOR)
    assert {g: (r.amount, pytest.approx(r.ratio)) for g, r in sectors.items()} == {
        "academia": (11, 1.1), "business": (14, 1.4), "civil_society": (0, 0.0),
        "government": (15, 1.5)}
    assert {g: (r.amount, pytest.approx(r.ratio)) for g, r in table(result, TIER).items()} == {
        "high": (14, 1.4), "low": (2, 0.2), "medium": (24, 1.2)}

    society, low = result.findings
    assert (society.kind, society.severity, society.scope) == (
        EXCLUSION, "high", ("sector:civil_society", 0))
    assert society.window == WINDOW
    assert society.pattern == (
        "The civil society sector (25% of members) had 0% of the voice in deliberation (0 of 40 "
        "comments and meeting attendances in 90 days): 0.00 of a fair share.")
    assert society.values == {
        "dimension": SECTOR, "group": "civil_society", "members": 5, "member_share": 0.25,
        "voice": 0, "voice_share": 0.0, "ratio": 0.0, "voice_total": 40}
    assert "civil society sector are missing" in society.advice

    assert (low.kind, low.severity, low.scope) == (EXCLUSION, "medium", ("tier:low", 0))
    assert low.pattern == (
        "The low tier (25% of members) had 5% of the voice in deliberation (2 of 40 "
        "comments and meeting attendances in 90 days): 0.20 of a fair share.")
    assert low.values == {
        "dimension": TIER, "group": "low", "members": 5, "member_share": 0.25, "voice": 2,
        "voice_share": pytest.approx(0.05), "ratio": pytest.approx(0.2), "voice_total": 40}
    assert low.thresholds == {
        "exclusion_min_member_share": 0.1, "exclusion_max_ratio": 0.33,
        "exclusion_min_events": 30, "power_min_cell": 5, "max_chance": 0.01,
        "power_window_days": 90}
    assert (low.member_ids, low.task_ids) == ((), ())


@pytest.mark.parametrize(("chance", "found"), [(0.09, True), (0.08, False)])
def test_exclusion_is_not_reported_when_chance_could_explain_it(chance, found):
    """5 of 50 members (10 %) silent in 30 voice events: 0.9³⁰ = 4.2 % by chance alone.
    Both groups are compared, so each comparison gets half the chance level."""
    groups = {m: ("quiet" if m <= 5 else "loud") for m in range(1, 51)}
    voices = [Voice(ago(1 + i % 80), (6 + i % 45,)) for i in range(30)]
    result = assess_exclusion({SECTOR: groups}, voices, NOW,
                              Thresholds(max_chance=chance))
    assert [f.values["group"] for f in result.findings] == (["quiet"] if found else [])


def test_exclusion_total_leaves_out_members_without_a_group():
    # 20 grouped members speak 30 times (low 2: 2/30 = 0.067 over 0.25 → 0.27, a finding);
    # member 99, who belongs to no organisation, speaks 10 times and is in no table.
    spoken = voices(TWENTY, {"low": 2, "medium": 18, "high": 10})
    spoken += [Voice(ago(1), (99,))] * 10
    (finding,) = assess_exclusion({TIER: TWENTY}, spoken, NOW, ARITHMETIC).findings
    assert finding.values["voice_share"] == pytest.approx(2 / 30)
    assert finding.values["voice_total"] == 30
    assert "(2 of 30 comments" in finding.pattern


# Decision voice ------------------------------------------------------------------------

# Members → organisation → sector:
#   1 → 10 River Trust (civil society)   2 → 11 Acme (business)
#   3 → 12 City Council (government)     4 → 13 University (academia)
#   5 → 14 Farmers' Union (civil society) 99 → no organisation, no sector
# Critical: City Council (org 12) and the civil society sector.
MEMBER_ORGS = {1: 10, 2: 11, 3: 12, 4: 13, 5: 14}
MEMBER_SECTORS = {1: "civil_society", 2: "business", 3: "government", 4: "academia",
                  5: "civil_society"}
CRITICAL_ORGS = {12: "City Council"}
CRITICAL_SECTORS = ["civil_society"]
ONE_VOICE = Thresholds(decision_min_voices=1)  # the tables below name what is missing


@pytest.mark.parametrize(("voices", "created", "judged"), [
    ({1, 2, 4}, None, True),  # three voices, none from the City Council: judged
    ({2, 4}, None, False),  # two: the discussion has barely begun
    ({1, 2, 4}, ago(7), True),  # a week old, at the threshold
    ({1, 2, 4}, ago(7) + SECOND, False),  # opened a second later: still forming
])
def test_decision_voice_waits_for_deliberation(voices, created, judged):
    task = DecisionTask(7, "Close the weir", frozenset(voices), created)
    findings = assess_decision_voice([task], MEMBER_ORGS, MEMBER_SECTORS, CRITICAL_ORGS,
                                     CRITICAL_SECTORS, NOW, DEFAULTS)
    assert len(findings) == (1 if judged else 0)
    if judged:
        assert findings[0].values["missing_orgs"] == [12]
        assert findings[0].values["missing_sectors"] == []


@pytest.mark.parametrize(
    ("heard", "missing", "severity"),
    [
        ({2, 4}, ["City Council", "civil society sector"], "high"),
        (set(), [], None),  # nobody has spoken yet: no deliberation, nobody excluded
        ({99}, ["City Council", "civil society sector"], "high"),  # a voice of no one's
        ({3}, ["civil society sector"], "medium"),
        ({1, 2}, ["City Council"], "medium"),
        ({3, 5}, [], None),  # one voice from the critical sector is enough
        ({1, 3, 99}, [], None),
    ],
)
def test_decision_voice_names_what_is_missing(heard, missing, severity):
    task = DecisionTask(7, "Close the weir", frozenset(heard))
    findings = assess_decision_voice([task], MEMBER_ORGS, MEMBER_SECTORS, CRITICAL_ORGS,
                                     CRITICAL_SECTORS, NOW, ONE_VOICE)
    if not missing:
        assert findings == ()
        return
    (finding,) = findings
    assert (finding.kind, finding.severity, finding.scope) == (DECISION_VOICE, severity,
                                                              ("task", 7))
    assert (finding.values["missing"], finding.values["voices"]) == (missing, len(heard))
    assert (finding.task_ids, finding.member_ids) == ((7,), tuple(sorted(heard)))
    assert finding.window == WINDOW


def test_decision_voice_wording_and_order():
    tasks = [DecisionTask(1, "Close the weir", frozenset({4})),
             DecisionTask(2, "Budget", frozenset({98, 99})),
             DecisionTask(3, "Heard by all", frozenset({1, 2, 3}))]
    # Critical organisations are named by name order (Acme before City Council), then the
    # sectors, deduplicated and in key order.
    findings = assess_decision_voice(
        tasks, MEMBER_ORGS, MEMBER_SECTORS, {12: "City Council", 11: "Acme"},
        ["government", "civil_society", "civil_society"], NOW, ONE_VOICE)
    weir, budget = findings
    # Task 1 heard the University (academia) only: Acme, City Council, civil society and
    # government are all missing. Task 3 heard Acme, City Council and both sectors.
    assert weir.values["missing"] == ["Acme", "City Council", "civil society sector",
                                      "government sector"]
    assert weir.pattern == ('The decision "Close the weir" has heard 1 voice, none from: '
                            "Acme, City Council, civil society sector, government sector.")
    assert weir.advice == ("Invite Acme, City Council, civil society sector, government "
                           'sector to the decision on "Close the weir" before it closes.')
    assert budget.pattern.startswith('The decision "Budget" has heard 2 voices, none from:')
    assert budget.scope == ("task", 2)


def test_decision_voice_without_critical_stakeholders_finds_nothing():
    task = DecisionTask(1, "Close the weir", frozenset())
    assert assess_decision_voice([task], MEMBER_ORGS, MEMBER_SECTORS, {}, [], NOW,
                                 DEFAULTS) == ()


# 2. Exemption --------------------------------------------------------------------------

DUE = date(2026, 11, 1)


@pytest.mark.parametrize(
    ("due_on", "completed_on", "live", "overdue"),
    [
        (DUE, date(2026, 11, 2), False, True),  # completed a day late
        (DUE, DUE, False, False),  # completed on the due date
        (DUE, date(2026, 10, 30), False, False),  # completed early
        (DUE, None, True, True),  # still live past due
        (TODAY, None, True, False),  # due today, still live: not yet late
        (TODAY - DAY, None, True, True),  # due yesterday, still live
        (TODAY + DAY, None, True, False),
        (DUE, None, False, False),  # cancelled: neither live nor completed
    ],
)
def test_is_overdue(due_on, completed_on, live, overdue):
    assert is_overdue(DueTask(1, 1, due_on, completed_on, live), TODAY) is overdue


_ids = count(1)


def due_tasks(groups: Mapping[int, str], tier: str, late: int, total: int) -> list[DueTask]:
    """`total` live tasks started by the tier's members, the first `late` of them past due."""
    people = members_of(groups, tier)
    return [DueTask(next(_ids), people[i % len(people)],
                    TODAY - 10 * DAY if i < late else TODAY + 10 * DAY, None, True)
            for i in range(total)]


@pytest.mark.parametrize(
    ("high", "low", "severity"),
    [
        # (late, total) per tier → high rate, low rate
        ((2, 5), (1, 5), "medium"),  # 0.4 = 2 × 0.2 exactly
        ((4, 10), (2, 9), None),  # 0.4 < 2 × 0.222 = 0.444
        ((3, 10), (3, 20), "medium"),  # 0.3 = 2 × 0.15 exactly
        ((3, 10), (4, 25), None),  # 0.3 < 2 × 0.16 = 0.32
        ((2, 8), (0, 5), "medium"),  # 0.25 exactly, low 0
        ((2, 9), (0, 5), None),  # 0.222 < 0.25
        ((5, 5), (0, 5), "high"),  # 1.0, low 0: ≥ 4 × 0 and ≥ 0.5
        ((4, 8), (1, 8), "high"),  # 0.5 = 4 × 0.125 and ≥ 0.5
        ((3, 8), (1, 8), "medium"),  # 0.375 = 3 × 0.125: ≥ 2× but < 0.5
        ((5, 5), (5, 5), None),  # 1.0 < 2 × 1.0
        ((4, 4), (0, 5), None),  # 4 high-tier tasks: too few
        ((5, 5), (0, 3), "high"),  # 3 low-tier tasks: enough to compare with (⌈5 / 2⌉)
        ((5, 5), (0, 2), None),  # 2: too few
    ],
)
def test_exemption_edges(high, low, severity):
    tasks = due_tasks(TWENTY, "high", *high) + due_tasks(TWENTY, "low", *low)
    tasks += due_tasks(TWENTY, "medium", 6, 6)  # the medium tier is never compared
    result = assess_exemption(TWENTY, tasks, NOW, ARITHMETIC)
    rates = table(result, TIER)
    assert (rates["high"].hits, rates["high"].total) == high
    assert (rates["low"].hits, rates["low"].total) == low
    assert [f.severity for f in result.findings] == ([severity] if severity else [])


def test_exemption_ignores_a_high_tier_under_the_minimum_cell():
    groups = tiers(5, 11, 4)
    tasks = due_tasks(groups, "high", 5, 5) + due_tasks(groups, "low", 0, 5)
    result = assess_exemption(groups, tasks, NOW, DEFAULTS)
    high = table(result, TIER)["high"]
    assert (high.members, high.hits, high.total, high.rate, high.reportable) == (
        4, 5, 5, 1.0, False)
    assert result.findings == ()


def test_exemption_counts_live_tasks_and_those_completed_in_the_window():
    # High tier (members 16-20):
    #   1, 2  live, due 10 days ago                        counted, late
    #   3     completed 2026-08-26 (day after start), due 08-20   counted, late
    #   4     completed on its due date 2026-11-01          counted, on time
    #   5     live, due in 10 days                          counted, on time
    #   6     completed on the start day 2026-08-25, late    left out
    #   7     completed 2026-06-01, late                     left out
    #   8, 9  cancelled (not live, not completed), past due  left out
    #   → 3 late of 5 = 0.6
    # Low tier: 5 live tasks due in 10 days → 0 of 5. Member 99 (no tier): left out.
    # 0.6 ≥ 0.25 and ≥ 2 × 0 → a finding; ≥ 4 × 0 and ≥ 0.5 → high.
    past, future = TODAY - 10 * DAY, TODAY + 10 * DAY
    tasks = [
        DueTask(1, 16, past, None, True), DueTask(2, 17, past, None, True),
        DueTask(3, 18, date(2026, 8, 20), START_DAY + DAY, False),
        DueTask(4, 19, DUE, DUE, False),
        DueTask(5, 20, future, None, True),
        DueTask(6, 16, date(2026, 8, 20), START_DAY, False),
        DueTask(7, 17, date(2026, 5, 1), date(2026, 6, 1), False),
        DueTask(8, 18, past, None, False), DueTask(9, 19, past, None, False),
        *(DueTask(10 + i, 1 + i, future, None, True) for i in range(5)),
        DueTask(20, 99, past, None, True),
    ]
    result = assess_exemption(TWENTY, tasks, NOW, ARITHMETIC)
    assert (result.kind, result.window) == (EXEMPTION, WINDOW)
    assert result.tables[TIER] == (Rate("high", 5, 3, 5, True), Rate("low", 5, 0, 5, True),
                                   Rate("medium", 10, 0, 0, True))  # no medium tasks
    (finding,) = result.findings
    assert (finding.kind, finding.severity, finding.scope) == (
        EXEMPTION, "high", ("partnership", 0))
    assert finding.task_ids == (1, 2, 3)
    assert finding.values == {
        "high": {"members": 5, "hits": 3, "total": 5, "rate": 0.6},
        "low": {"members": 5, "hits": 0, "total": 5, "rate": 0.0}}
    assert finding.pattern == (
        "High-tier organisations let 3 of their 5 due-dated tasks run late (60%); "
        "low-tier organisations 0 of 5 (0%).")
    assert finding.thresholds == {
        "exemption_rate_ratio": 2.0, "exemption_min_rate": 0.25, "exemption_min_tasks": 5,
        "power_min_cell": 5, "max_chance": 1.0, "power_window_days": 90}


# 3. Restrictive practice ---------------------------------------------------------------

def requests(groups: Mapping[int, str], tier: str, declined: int, total: int,
             at: datetime = YESTERDAY) -> list[Decision]:
    """`total` decided join requests from the tier's members, the first `declined` declined."""
    return [Decision(m, at, i < declined)
            for i, m in enumerate(deal(groups, {tier: total}))]


@pytest.mark.parametrize(
    ("low", "high", "found"),
    [
        # (declined, decided) per tier → low rate, high rate
        ((2, 5), (1, 5), True),  # 0.4 = 2 × 0.2 exactly, ≥ 0.3
        ((2, 5), (2, 9), False),  # 0.4 < 2 × 0.222 = 0.444
        ((3, 10), (0, 5), True),  # 0.3 exactly
        ((2, 7), (0, 5), False),  # 0.286 < 0.3
        ((3, 10), (1, 5), False),  # 0.3 but < 2 × 0.2 = 0.4
        ((5, 5), (0, 5), True),
        ((4, 4), (0, 5), False),  # 4 low-tier requests: too few
        ((5, 5), (0, 3), True),  # 3 high-tier requests: enough to compare with
        ((5, 5), (0, 2), False),  # 2: too few
    ],
)
def test_restrictive_edges(low, high, found):
    decisions = requests(TWENTY, "low", *low) + requests(TWENTY, "high", *high)
    result = assess_restrictive(TWENTY, decisions, [], NOW, ARITHMETIC)
    rates = table(result, TIER)
    assert (rates["low"].hits, rates["low"].total) == low
    assert (rates["high"].hits, rates["high"].total) == high
    assert bool(result.findings) is found


def test_restrictive_ignores_a_low_tier_under_the_minimum_cell():
    groups = tiers(4, 11, 5)
    decisions = requests(groups, "low", 5, 5) + requests(groups, "high", 0, 5)
    result = assess_restrictive(groups, decisions, [], NOW, DEFAULTS)
    assert table(result, TIER)["low"].reportable is False
    assert result.findings == ()


def test_restrictive_counts_decisions_in_the_window_and_reports_approval_only_tasks():
    # Low:  3 declined + 2 accepted a day ago → 3 of 5 = 0.6;
    #       5 declined on the window's start: outside.
    # High: 1 declined at now (inside) + 4 accepted a day ago → 1 of 5 = 0.2;
    #       5 declined a second after now: outside.
    # 0.6 ≥ 0.3 and ≥ 2 × 0.2 = 0.4 → a finding.
    decisions = (requests(TWENTY, "low", 3, 5) + requests(TWENTY, "low", 5, 5, WINDOW.start)
                 + requests(TWENTY, "high", 1, 1, NOW) + requests(TWENTY, "high", 0, 4)
                 + requests(TWENTY, "high", 5, 5, NOW + SECOND))
    # Approval-only tasks by initiator: low 1, 2 yes, 3 no → 2 of 3; medium 6 no, 7 yes
    # → 1 of 2; high 16, 17 no → 0 of 2; member 99 (no tier) left out.
    approval = [(1, True), (2, True), (3, False), (6, False), (7, True), (16, False),
                (17, False), (99, True)]
    result = assess_restrictive(TWENTY, decisions, approval, NOW, ARITHMETIC)
    assert (result.kind, result.window) == (RESTRICTIVE, WINDOW)
    assert result.tables[TIER] == (Rate("high", 5, 1, 5, True), Rate("low", 5, 3, 5, True),
                                   Rate("medium", 10, 0, 0, True))  # no medium requests
    assert result.tables["approval_only"] == (
        Rate("high", 5, 0, 2, True), Rate("low", 5, 2, 3, True),
        Rate("medium", 10, 1, 2, True))
    (finding,) = result.findings
    assert (finding.kind, finding.severity, finding.scope) == (
        RESTRICTIVE, "medium", ("partnership", 0))
    assert finding.values == {
        "high": {"members": 5, "hits": 1, "total": 5, "rate": 0.2},
        "low": {"members": 5, "hits": 3, "total": 5, "rate": 0.6},
        "approval_only": {
            "high": {"members": 5, "hits": 0, "total": 2, "rate": 0.0},
            "low": {"members": 5, "hits": 2, "total": 3, "rate": pytest.approx(2 / 3)},
            "medium": {"members": 10, "hits": 1, "total": 2, "rate": 0.5}}}
    assert finding.pattern == (
        "Join requests from low-tier organisations were declined 3 of 5 times (60%); "
        "from high-tier ones 1 of 5 (20%).")
    assert finding.thresholds == {
        "restrictive_rate_ratio": 2.0, "restrictive_min_rate": 0.3,
        "restrictive_min_requests": 5, "power_min_cell": 5, "max_chance": 1.0,
        "power_window_days": 90}


# 4. Cost burden ------------------------------------------------------------------------

def burden(groups: Mapping[int, str], low_hours: float, rest_hours: float, low_starts: int,
           rest_starts: int):
    """Low-tier hours on member 1, the rest on the last member (high, or medium if no high);
    task starts likewise, all yesterday."""
    other = max(groups)
    hours = [Hours(1, TODAY - DAY, low_hours), Hours(other, TODAY - DAY, rest_hours)]
    starts = [(1, ago(1))] * low_starts + [(other, ago(1))] * rest_starts
    return assess_cost_burden(groups, hours, starts, NOW, ARITHMETIC)


@pytest.mark.parametrize(
    ("sizes", "low_hours", "rest_hours", "low_starts", "rest_starts", "ratio", "severity"),
    [
        # 20 members, low 5/20 = 0.25.
        ((5, 10, 5), 37.5, 62.5, 1, 4, 1.5, "medium"),  # 0.375 / 0.25 = 1.5; starts 0.2
        ((5, 10, 5), 37, 63, 1, 4, 1.48, None),  # 0.37 / 0.25 = 1.48
        ((5, 10, 5), 37.5, 62.5, 1, 3, 1.5, None),  # starts 1/4 = 0.25: not below
        ((5, 10, 5), 50, 50, 0, 4, 2.0, "medium"),  # starts 0
        ((5, 10, 5), 50, 50, 0, 0, 2.0, "medium"),  # no starts at all: share 0 < 0.25
        ((5, 10, 5), 75, 25, 1, 9, 3.0, "high"),  # 0.75 / 0.25 = 3 = 2 × 1.5
        ((5, 10, 5), 0, 0, 0, 0, 0.0, None),  # no hours
        # 13 members, low 5/13: 15/26 over 5/13 = 1.5 on paper, 1.4999999999999998 in
        # floats; starts 1/4 = 0.25 < 0.385.
        ((5, 4, 4), 15, 11, 1, 3, 1.5, "medium"),
        # 4 low members (0.2): 60/100 over 0.2 = 3, but under the minimum cell.
        ((4, 11, 5), 60, 40, 0, 4, 3.0, None),
    ],
)
def test_cost_burden_edges(sizes, low_hours, rest_hours, low_starts, rest_starts, ratio,
                           severity):
    result = burden(tiers(*sizes), low_hours, rest_hours, low_starts, rest_starts)
    low = table(result, TIER)["low"]
    assert low.ratio == pytest.approx(ratio)
    assert low.reportable == (sizes[0] >= 5)
    assert [f.severity for f in result.findings] == ([severity] if severity else [])


def test_cost_burden_window():
    # Low-tier hours: 30 on the start day 2026-08-25 (outside), 10 on 08-26, 5 today
    # 11-23, 20 tomorrow (outside) → 15. Medium: 45 yesterday. Total 60.
    # Low 15/60 = 0.25 over 0.25 → 1.0: no finding. Had the start day counted,
    # low would have 45/90 → 2.0.
    hours = [Hours(1, START_DAY, 30), Hours(2, START_DAY + DAY, 10), Hours(3, TODAY, 5),
             Hours(4, TODAY + DAY, 20), Hours(6, TODAY - DAY, 45)]
    # Starts: low 3 on the window's start (outside) and 1 at now; medium 4 a day ago
    # → low 1 of 5 = 0.2.
    starts = [(1, WINDOW.start)] * 3 + [(1, NOW)] + [(6, ago(1))] * 4
    result = assess_cost_burden(TWENTY, hours, starts, NOW, DEFAULTS)
    assert (result.kind, result.window) == (COST_BURDEN, WINDOW)
    hour_rows, start_rows = table(result, TIER), table(result, "initiations")
    assert {g: r.amount for g, r in hour_rows.items()} == {"high": 0, "low": 15,
                                                           "medium": 45}
    assert hour_rows["low"].ratio == pytest.approx(1.0)
    assert {g: r.amount for g, r in start_rows.items()} == {"high": 0, "low": 1, "medium": 4}
    assert start_rows["low"].share == pytest.approx(0.2)
    assert result.findings == ()


def test_cost_burden_shows_every_tier_even_when_empty():
    # No high-tier members: the row is there with 0 members, no ratio, not reportable.
    result = burden(tiers(5, 10, 0), 10, 10, 0, 1)
    assert [r.group for r in result.tables[TIER]] == ["high", "low", "medium"]
    assert [r.group for r in result.tables["initiations"]] == ["high", "low", "medium"]
    high = table(result, TIER)["high"]
    assert (high.members, high.member_share, high.ratio, high.reportable) == (
        0, 0.0, None, False)


def test_cost_burden_finding():
    # Low: 30 + 20 = 50 of 100 hours → 0.5 over 0.25 = 2.0 (< 3: medium); starts 1 of 10
    # → 0.1 < 0.25.
    hours = [Hours(1, TODAY, 30), Hours(2, TODAY - 5 * DAY, 20), Hours(16, TODAY, 50)]
    starts = [(1, ago(2))] + [(16, ago(3))] * 9
    result = assess_cost_burden(TWENTY, hours, starts, NOW, DEFAULTS)
    (finding,) = result.findings
    assert (finding.kind, finding.severity, finding.scope, finding.window) == (
        COST_BURDEN, "medium", ("partnership", 0), WINDOW)
    assert finding.values == {
        "hours_ratio": 2.0, "hours_share": 0.5, "member_share": 0.25, "hours": 50,
        "initiation_share": 0.1, "members": 5}
    assert finding.pattern == (
        "Low-tier organisations (5 members, 25%) logged 50% of the hours (50 of 100) but "
        "started 10% of the tasks in 90 days.")
    assert finding.advice.startswith(
        "Rebalance: low-tier organisations logged 50% of hours with 25% of members")
    assert finding.thresholds == {"cost_min_ratio": 1.5, "cost_min_hours": 50.0,
                                  "power_min_cell": 5, "power_window_days": 90}
