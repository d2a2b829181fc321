"""Shared balance pieces: windows, findings, wording and the partnership knowledge index."""

from datetime import UTC, date, datetime, timedelta

import pytest

from coordinator.domain.balance.findings import (
    ALIGNOPHILIA_TEAM,
    KINDS,
    Finding,
    Window,
    at_least,
    at_most,
    below,
    cluster_counts,
    cluster_name,
    counted,
    format_number,
    index_knowledge,
    joined_phrases,
    raise_severity,
    window_ending,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
WINDOW = window_ending(NOW, 28)  # (2026-02-01 12:00, 2026-03-01 12:00]


def test_window_ending_reaches_back_the_given_days():
    assert WINDOW == Window(datetime(2026, 2, 1, 12, 0, tzinfo=UTC), NOW)
    assert WINDOW.days == 28


@pytest.mark.parametrize(
    ("at", "inside"),
    [
        (WINDOW.start - SECOND, False),
        (WINDOW.start, False),  # the start belongs to the previous window
        (WINDOW.start + SECOND, True),
        (NOW - timedelta(days=14), True),
        (NOW, True),  # the end is included: something recorded at `now` counts
        (NOW + SECOND, False),
        (date(2026, 2, 1), False),  # a work log's day: start's date is outside
        (date(2026, 2, 2), True),
        (date(2026, 3, 1), True),
        (date(2026, 3, 2), False),
    ],
)
def test_window_membership(at, inside):
    assert (at in WINDOW) is inside


def test_a_date_window_holds_as_many_days_as_the_window():
    days = [date(2026, 1, 20) + timedelta(days=i) for i in range(60)]
    assert sum(day in WINDOW for day in days) == 28


def test_previous_window_ends_where_this_one_starts():
    previous = WINDOW.previous()
    assert previous == Window(datetime(2026, 1, 4, 12, 0, tzinfo=UTC), WINDOW.start)
    assert WINDOW.start in previous
    assert WINDOW.start not in WINDOW


@pytest.mark.parametrize("days", [0, -1])
def test_window_ending_refuses_empty_windows(days):
    with pytest.raises(ValueError, match="at least one day"):
        window_ending(NOW, days)


def test_window_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="cannot end before"):
        Window(NOW, NOW - SECOND)


@pytest.mark.parametrize(
    ("value", "threshold", "least", "most", "under"),
    [
        (0.2, 0.2, True, True, False),
        (0.3 - 0.1, 0.2, True, True, False),  # 0.19999999999999998 is 0.2 on paper
        (0.2 + 1e-12, 0.2, True, True, False),
        (0.2001, 0.2, True, False, False),
        (0.1999, 0.2, False, True, True),
        (-0.5, -0.5, True, True, False),
        (-0.5001, -0.5, False, True, True),
    ],
)
def test_threshold_comparisons_ignore_float_noise(value, threshold, least, most, under):
    assert at_least(value, threshold) is least
    assert at_most(value, threshold) is most
    assert below(value, threshold) is under


def test_finding_checks_kind_and_severity():
    finding = Finding(ALIGNOPHILIA_TEAM, "low", WINDOW, {}, {})
    assert (finding.member_ids, finding.task_ids, finding.cluster_ids) == ((), (), ())
    with pytest.raises(ValueError, match="unknown finding kind 'nope'"):
        Finding("nope", "low", WINDOW, {}, {})
    with pytest.raises(ValueError, match="unknown severity 'urgent'"):
        Finding(ALIGNOPHILIA_TEAM, "urgent", WINDOW, {}, {})


def test_kinds():
    assert KINDS == ("alignophilia_team", "alignophilia_partnership", "alignophilia_silo",
                     "joinholism_team", "joinholism_partnership")


@pytest.mark.parametrize(("severity", "raised"),
                         [("low", "medium"), ("medium", "high"), ("high", "high")])
def test_raise_severity(severity, raised):
    assert raise_severity(severity) == raised


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [(31.0, 1, "31"), (31.25, 1, "31.2"), (2.5, 1, "2.5"), (0.0, 1, "0"), (-0.01, 1, "0"),
     (28.0, 1, "28"), (0.125, 2, "0.12"), (1 / 3, 2, "0.33"), (10.05, 0, "10")],
)
def test_format_number(value, digits, text):
    assert format_number(value, digits) == text


@pytest.mark.parametrize(
    ("count", "singular", "plural", "text"),
    [(0, "meeting", None, "0 meetings"), (1, "meeting", None, "1 meeting"),
     (9, "meeting", None, "9 meetings"), (2, "activity", "activities", "2 activities"),
     (1, "activity", "activities", "1 activity")],
)
def test_counted(count, singular, plural, text):
    assert counted(count, singular, plural) == text


@pytest.mark.parametrize(
    ("parts", "text"),
    [([], ""), (["a"], "a"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b and c")],
)
def test_joined_phrases(parts, text):
    assert joined_phrases(parts) == text


def test_index_knowledge_leaves_out_unknowns_and_counts_holders_per_cluster():
    knowledge = index_knowledge(
        member_clusters={1: 10, 2: 10, 3: 20, 4: None, 5: 30},
        member_tags={1: ["gis", "law"], 2: ["gis"], 3: ("gis",), 4: ["law"], 6: ["soil"]},
        member_sectors={1: "business", 2: "business", 3: "academia", 4: None},
        cluster_labels={10: "gis, maps, data"})
    assert knowledge.member_clusters == {1: 10, 2: 10, 3: 20, 5: 30}
    assert knowledge.member_sectors == {1: "business", 2: "business", 3: "academia"}
    assert knowledge.tag_holders == {"gis": frozenset({1, 2, 3}), "law": frozenset({1, 4}),
                                     "soil": frozenset({6})}
    assert knowledge.tag_clusters == {"gis": {10: 2, 20: 1}, "law": {10: 1}, "soil": {}}
    assert knowledge.tag_ranking == {"gis": ((10, 2), (20, 1)), "law": ((10, 1),), "soil": ()}
    assert (knowledge.cluster_count, knowledge.sector_count) == (3, 2)
    assert cluster_counts([1, 2, 3, 4, 6], knowledge) == {10: 2, 20: 1}
    assert cluster_name(10, knowledge) == 'cluster "gis, maps, data"'
    assert cluster_name(20, knowledge) == "cluster 20"
    assert cluster_name(None, knowledge) == "no cluster"
