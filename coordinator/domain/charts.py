"""Geometry of the small server-side SVG charts: a measure over time and its threshold."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 560, 200
LEFT, RIGHT, TOP, BOTTOM = 52, 40, 12, 28  # room for labels drawn larger on phones


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: float
    label: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: tuple[Point, ...]
    segments: tuple[str, ...]  # SVG path data, one per unbroken run of values
    threshold_y: float | None
    threshold: float | None
    y_ticks: tuple[tuple[float, str], ...]  # (y, label)
    x_labels: tuple[tuple[float, str], ...]  # (x, label)
    baseline_y: float

    @property
    def empty(self) -> bool:
        return not self.points

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def plot_right(self) -> int:
        return self.width - RIGHT


def _fmt(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def line_chart(values: Sequence[float | None], labels: Sequence[str],
               threshold: float | None = None, low: float | None = None,
               high: float | None = None, width: int = WIDTH, height: int = HEIGHT,
               every: int = 2) -> LineChart:
    """Place `values` (None: no data that week) on a chart whose y range holds the values,
    the threshold and any fixed `low`/`high` bounds; label every `every`-th x position,
    counting back from the last."""
    if len(values) != len(labels):
        raise ValueError("one label per value")
    known = [v for v in values if v is not None]
    span = known + ([threshold] if threshold is not None else [])
    lo = min([*span, low] if low is not None else span, default=0.0)
    hi = max([*span, high] if high is not None else span, default=1.0)
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    step = plot_w / max(len(values) - 1, 1)

    def y_of(value: float) -> float:
        return round(TOP + (hi - value) / (hi - lo) * plot_h, 1)

    points, segments, run = [], [], []
    for i, (value, label) in enumerate(zip(values, labels, strict=True)):
        x = round(LEFT + i * step, 1)
        if value is None:
            if run:
                segments.append(run)
            run = []
            continue
        point = Point(x, y_of(value), value, label)
        points.append(point)
        run.append(point)
    if run:
        segments.append(run)
    paths = tuple("M" + " L".join(f"{p.x} {p.y}" for p in seg) for seg in segments)
    ticks = tuple((y_of(v), _fmt(v)) for v in (hi, (hi + lo) / 2, lo))
    # Counted back from the last, which is always labelled, so no two labels crowd.
    last = len(labels) - 1
    x_labels = tuple((round(LEFT + i * step, 1), label) for i, label in enumerate(labels)
                     if (last - i) % every == 0)
    return LineChart(width, height, tuple(points), paths,
                     y_of(threshold) if threshold is not None else None, threshold, ticks,
                     x_labels, y_of(lo))
