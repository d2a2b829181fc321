"""Balance thresholds: the documented defaults, ranges, and validation of user input."""

from dataclasses import fields

import pytest

from coordinator.domain.balance.thresholds import (
    DEFAULT_THRESHOLDS,
    FIELDS,
    FIELDS_BY_NAME,
    Thresholds,
    load_thresholds,
    parse_threshold,
    threshold_changes,
    validate_thresholds,
)

DESIGN_DEFAULTS = {
    "team_window_days": 28,
    "partnership_window_days": 90,
    "team_min_members": 3,
    "team_max_blau": 0.2,
    "partnership_max_ei": -0.5,
    "partnership_min_ties": 20,
    "partnership_ei_drop": 0.2,
    "silo_min_members": 5,
    "silo_max_outside_share": 0.1,
    "team_min_joint_hours": 4.0,
    "team_min_joint_share": 0.6,
    "team_high_churn": 1.0,
    "partnership_min_joint_share": 0.5,
    "partnership_activities_per_completion": 5.0,
    "power_window_days": 90,
    "power_min_cell": 5,
    "exclusion_min_member_share": 0.1,
    "exclusion_max_ratio": 0.33,
    "exclusion_min_events": 30,
    "exemption_rate_ratio": 2.0,
    "exemption_min_rate": 0.25,
    "exemption_min_tasks": 10,
    "restrictive_rate_ratio": 2.0,
    "restrictive_min_rate": 0.3,
    "restrictive_min_requests": 10,
    "cost_min_ratio": 1.5,
    # Guards for new groups and tiny counts (a false alarm costs more than a late one).
    "formation_days": 7,
    "min_age_days": 14,
    "silo_min_ties": 10,
    "partnership_min_activities": 5,
    "max_chance": 0.01,
    "decision_min_voices": 3,
    "cost_min_hours": 50.0,
}


def test_defaults_are_the_documented_values():
    assert DEFAULT_THRESHOLDS.as_dict() == DESIGN_DEFAULTS
    assert Thresholds() == DEFAULT_THRESHOLDS


def test_thresholds_are_frozen():
    with pytest.raises(AttributeError):
        DEFAULT_THRESHOLDS.team_max_blau = 0.5  # type: ignore[misc]


def test_every_threshold_has_a_form_field_with_its_default_in_range():
    assert [f.name for f in FIELDS] == [f.name for f in fields(Thresholds)]
    assert set(FIELDS_BY_NAME) == set(DESIGN_DEFAULTS)
    for field in FIELDS:
        default = getattr(DEFAULT_THRESHOLDS, field.name)
        assert type(default) is field.kind
        assert field.minimum <= default <= field.maximum
        assert field.label
        assert field.unit, field.name  # the page shows every value with its unit
        assert field.help.endswith("."), field.name  # and one line on what it means


def test_pick_returns_the_named_thresholds():
    assert DEFAULT_THRESHOLDS.pick("team_max_blau", "team_min_members") == {
        "team_max_blau": 0.2, "team_min_members": 3}


@pytest.mark.parametrize(
    ("name", "raw", "value"),
    [
        ("team_max_blau", "0.3", 0.3),
        ("team_max_blau", " 0.25 ", 0.25),
        ("team_max_blau", "0", 0.0),  # lower bound, inclusive
        ("team_max_blau", "1", 1.0),  # upper bound, inclusive
        ("team_max_blau", 0.5, 0.5),
        ("team_max_blau", 1, 1.0),
        ("partnership_max_ei", "-1", -1.0),
        ("partnership_max_ei", "-0.75", -0.75),
        ("team_window_days", "7", 7),
        ("team_window_days", "365", 365),
        ("team_window_days", "28.0", 28),
        ("team_window_days", 14, 14),
        ("team_min_members", "2", 2),
        ("partnership_min_ties", "1e3", 1000),
        ("partnership_ei_drop", "0.01", 0.01),
        ("partnership_activities_per_completion", "1", 1.0),
    ],
)
def test_parse_threshold_accepts_values_in_range(name, raw, value):
    parsed, error = parse_threshold(FIELDS_BY_NAME[name], raw)
    assert (parsed, error) == (value, None)
    assert type(parsed) is FIELDS_BY_NAME[name].kind


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("team_max_blau", "1.01", "Enter a value from 0 to 1."),
        ("team_max_blau", "-0.01", "Enter a value from 0 to 1."),
        ("team_max_blau", "", "Enter a number."),
        ("team_max_blau", "   ", "Enter a number."),
        ("team_max_blau", "abc", "Enter a number."),
        ("team_max_blau", "0,3", "Enter a number."),
        ("team_max_blau", "nan", "Enter a number."),
        ("team_max_blau", "inf", "Enter a number."),
        ("team_max_blau", None, "Enter a number."),
        ("team_max_blau", True, "Enter a number."),
        ("team_max_blau", [0.2], "Enter a number."),
        ("partnership_max_ei", "-1.001", "Enter a value from -1 to 1."),
        ("team_window_days", "6", "Enter a value from 7 to 365."),
        ("team_window_days", "366", "Enter a value from 7 to 365."),
        ("team_window_days", "28.5", "Enter a whole number."),
        ("team_window_days", "twenty", "Enter a whole number."),
        ("team_window_days", 1e400, "Enter a whole number."),
        ("team_min_members", "1", "Enter a value from 2 to 100."),
        ("partnership_min_ties", "0", "Enter a value from 1 to 1000000."),
        ("partnership_ei_drop", "0", "Enter a value from 0.01 to 2."),
        ("partnership_activities_per_completion", "0.5", "Enter a value from 1 to 10000."),
    ],
)
def test_parse_threshold_rejects_with_a_message(name, raw, message):
    assert parse_threshold(FIELDS_BY_NAME[name], raw) == (None, message)


def test_validate_collects_values_and_errors_per_field():
    values, errors = validate_thresholds({
        "team_max_blau": "0.3", "team_window_days": "abc", "silo_min_members": "1",
        "unknown": "5"})
    assert errors == {"team_window_days": "Enter a whole number.",
                      "silo_min_members": "Enter a value from 2 to 1000000."}
    assert values == {**DESIGN_DEFAULTS, "team_max_blau": 0.3}


def test_validate_keeps_the_base_for_absent_fields():
    base = Thresholds(team_window_days=14)
    values, errors = validate_thresholds({"team_min_joint_share": "0.7"}, base)
    assert errors == {}
    assert Thresholds(**values) == Thresholds(team_window_days=14, team_min_joint_share=0.7)


def test_a_full_form_round_trips():
    form = {name: str(value) for name, value in DESIGN_DEFAULTS.items()}
    values, errors = validate_thresholds(form)
    assert errors == {}
    assert Thresholds(**values) == DEFAULT_THRESHOLDS


def test_load_thresholds_falls_back_per_field():
    stored = {"team_max_blau": 0.3, "team_window_days": "oops", "retired_setting": 1,
              "team_min_joint_hours": 6}
    loaded = load_thresholds(stored)
    assert loaded == Thresholds(team_max_blau=0.3, team_min_joint_hours=6.0)
    assert type(loaded.team_min_joint_hours) is float
    assert load_thresholds(None) == DEFAULT_THRESHOLDS


def test_threshold_changes_lists_old_and_new():
    new = Thresholds(team_max_blau=0.3, silo_min_members=8)
    assert threshold_changes(DEFAULT_THRESHOLDS, new) == {
        "team_max_blau": (0.2, 0.3), "silo_min_members": (5, 8)}
    assert threshold_changes(new, new) == {}
