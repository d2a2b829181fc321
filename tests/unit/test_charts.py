"""Chart geometry: where values, gaps and the threshold line land."""

import pytest

from coordinator.domain.charts import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, line_chart


def test_values_span_the_plot_and_the_threshold_sits_between():
    chart = line_chart([0.0, 0.5, 1.0], ["a", "b", "c"], threshold=0.25, low=0.0, high=1.0)
    xs = [p.x for p in chart.points]
    ys = [p.y for p in chart.points]
    assert xs == [LEFT, (LEFT + WIDTH - RIGHT) / 2, WIDTH - RIGHT]
    assert ys == [HEIGHT - BOTTOM, (TOP + HEIGHT - BOTTOM) / 2, TOP]
    assert chart.threshold_y == pytest.approx(TOP + 0.75 * (HEIGHT - TOP - BOTTOM), abs=0.1)
    assert chart.segments == (f"M{xs[0]} {ys[0]} L{xs[1]} {ys[1]} L{xs[2]} {ys[2]}",)


def test_missing_weeks_break_the_line_into_segments():
    chart = line_chart([0.2, None, 0.4, 0.6], list("abcd"), low=0.0, high=1.0)
    assert len(chart.points) == 3
    assert len(chart.segments) == 2
    assert chart.segments[0].count("L") == 0 and chart.segments[1].count("L") == 1


def test_the_range_stretches_to_show_a_threshold_outside_the_values():
    chart = line_chart([0.1, 0.2], ["a", "b"], threshold=-0.5)
    assert chart.threshold_y == HEIGHT - BOTTOM  # the lowest thing drawn
    assert chart.y_ticks[0][1] == "0.2" and chart.y_ticks[-1][1] == "-0.5"


def test_a_flat_series_still_gets_a_range_and_no_data_is_empty():
    flat = line_chart([3.0, 3.0], ["a", "b"])
    assert flat.points[0].y == flat.points[1].y
    assert TOP < flat.points[0].y < HEIGHT - BOTTOM
    assert line_chart([None, None], ["a", "b"]).empty


def test_labels_must_match_values():
    with pytest.raises(ValueError):
        line_chart([1.0], ["a", "b"])


def test_every_other_label_is_shown_counting_back_from_the_last():
    chart = line_chart([1.0] * 5, list("abcde"), every=2)
    assert [label for _, label in chart.x_labels] == ["a", "c", "e"]
    chart = line_chart([1.0] * 4, list("abcd"), every=2)
    assert [label for _, label in chart.x_labels] == ["b", "d"]  # never two side by side
