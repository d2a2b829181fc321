"""The preview's lines are the alert rules' own comparisons."""

from coordinator.domain.balance.preview import RULES, preview
from coordinator.domain.balance.thresholds import DEFAULT_THRESHOLDS

BY_THRESHOLD = {rule.threshold: rule for rule in RULES}


def test_every_rule_names_a_real_threshold_and_one_line_each():
    assert all(hasattr(DEFAULT_THRESHOLDS, rule.threshold) for rule in RULES)
    assert len(BY_THRESHOLD) == len(RULES)


def test_at_most_and_at_least_include_the_line_below_and_above_do_not():
    blau = BY_THRESHOLD["team_max_blau"]
    assert blau.fires(0.2, 0.2) and not blau.fires(0.21, 0.2)
    joint = BY_THRESHOLD["team_min_joint_share"]
    assert joint.fires(0.6, 0.6) and not joint.fires(0.59, 0.6)
    silo = BY_THRESHOLD["silo_max_outside_share"]
    assert not silo.fires(0.1, 0.1) and silo.fires(0.09, 0.1)


def test_a_preview_lists_what_the_new_value_adds_and_drops():
    rule = BY_THRESHOLD["team_max_blau"]
    lowest = [("task", "1", 0.1), ("task", "2", 0.3), ("group", "3", 0.5)]
    looser = preview(rule, lowest, 0.2, 0.4)
    assert (len(looser.now_flagged), len(looser.then_flagged)) == (1, 2)
    assert looser.added == [("task", "2")] and looser.dropped == []
    stricter = preview(rule, lowest, 0.2, 0.05)
    assert stricter.dropped == [("task", "1")] and stricter.added == []
