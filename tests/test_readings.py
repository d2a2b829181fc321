"""Stored weekly readings: written once per week and scope, frozen once the week is
over, rebuilt only on request, and the same numbers the charts used to compute."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from config import TestConfig
from coordinator import create_app
from coordinator.domain import weekly
from coordinator.domain.balance import series
from coordinator.extensions import db
from coordinator.models import Partnership, Reading
from coordinator.services import readings
from coordinator.services.balance.data import load_partnership
from coordinator.services.balance.thresholds import effective
from coordinator.services.evaluation import evaluate_partnership
from coordinator.services.power import data as power_data
from tests.databases import empty_tables

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)  # a Wednesday
DAY = timedelta(days=1)


def _rows(partnership_id, **where):
    stmt = select(Reading).where(Reading.partnership_id == partnership_id)
    for name, value in where.items():
        stmt = stmt.where(getattr(Reading, name) == value)
    return list(db.session.scalars(stmt.order_by(Reading.week, Reading.metric,
                                                 Reading.scope_type, Reading.scope_key)))


def _values(rows):
    return [(r.week, r.metric, r.scope_type, r.scope_key, r.value) for r in rows]


def test_weeks_start_on_monday_and_the_running_week_is_read_now():
    assert weekly.week_of(NOW).isoformat() == "2026-11-23"
    plan = weekly.weeks_until(NOW, 3)
    assert [w.isoformat() for w, _ in plan] == ["2026-11-09", "2026-11-16", "2026-11-23"]
    assert plan[0][1] == datetime(2026, 11, 15, 23, 59, 59, tzinfo=UTC)
    assert plan[-1][1] == NOW


@pytest.fixture
def river(make):
    partnership = make.partnership(slug="river")
    ina = make.member(partnership, email="ina@example.org", tags=("gis",))
    make.task(ina, title="Map the floodplain")
    make.commit()
    return partnership


def test_the_first_evaluation_fills_twelve_weeks_and_repeats_change_nothing(river):
    evaluate_partnership(river, NOW)
    db.session.commit()
    weeks = {r.week for r in _rows(river.id)}
    assert len(weeks) == readings.WEEKS
    before = _values(_rows(river.id))
    evaluate_partnership(river, NOW)
    evaluate_partnership(river, NOW + timedelta(hours=2))
    db.session.commit()
    assert _values(_rows(river.id)) == before
    count = db.session.scalar(select(func.count()).select_from(Reading).where(
        Reading.partnership_id == river.id, Reading.week == weekly.week_of(NOW)))
    assert count == len([r for r in before if r[0] == weekly.week_of(NOW)])


def test_a_past_week_never_changes_but_a_backfill_rebuilds_it(river, make):
    evaluate_partnership(river, NOW)
    evaluate_partnership(river, NOW + 7 * DAY)  # the next week: this one is frozen
    db.session.commit()
    this_week = weekly.week_of(NOW)
    db.session.execute(Reading.__table__.update().where(
        Reading.partnership_id == river.id, Reading.week == this_week,
        Reading.metric == weekly.OUTPUTS).values(value=99.0))
    db.session.commit()
    assert not readings.record(river.id, NOW, [])  # refused: a later week exists
    evaluate_partnership(river, NOW + DAY)  # an evaluation run late for a past moment
    db.session.commit()
    [kept] = _rows(river.id, week=this_week, metric=weekly.OUTPUTS)
    assert kept.value == 99.0
    readings.backfill(river, NOW + 7 * DAY)
    db.session.commit()
    [rebuilt] = _rows(river.id, week=this_week, metric=weekly.OUTPUTS)
    assert rebuilt.value == 0.0


def test_the_command_rebuilds_with_a_progress_bar(runner, river):
    result = runner.invoke(args=["backfill-readings", "--partnership", "river", "--weeks",
                                 "4", "--now", NOW.isoformat()])
    assert result.exit_code == 0, result.output
    assert "Rebuilding weekly readings" in result.output
    assert "over 4 weeks rebuilt for river" in result.output
    assert len({r.week for r in _rows(river.id)}) == 4
    missing = runner.invoke(args=["backfill-readings", "--partnership", "nowhere"])
    assert missing.exit_code != 0 and "no partnership 'nowhere'" in missing.output


# --- the demo: the stored numbers are the numbers the pages computed per request ---------

@pytest.fixture(scope="module")
def demo(_schema):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=_schema)
    runner = app.test_cli_runner()
    text = NOW.isoformat()
    assert runner.invoke(args=["seed-demo", "--now", text]).exit_code == 0
    assert runner.invoke(args=["recompute", "--partnership", "demo", "--now", text]
                         ).exit_code == 0
    with app.app_context():
        yield db.session.scalar(select(Partnership).where(Partnership.slug == "demo"))
        db.session.remove()
        empty_tables(db)
        db.engine.dispose()


def test_stored_readings_match_the_per_request_computation_on_the_demo(demo):
    # Seeding evaluates at the real time too; rebuilding as at NOW makes the weeks NOW's.
    readings.backfill(demo, NOW)
    db.session.commit()
    t = effective(demo)[0]
    plan = weekly.weeks_until(NOW, readings.WEEKS)
    moments = [at for _, at in plan]
    data = load_partnership(demo.id, NOW, t, history_days=readings.WEEKS * 7)
    window = t.partnership_window_days
    expected = {
        (weekly.EI, "partnership", "0"): series.ei_series(data.stints, data.knowledge,
                                                          moments, window),
        (weekly.JOINT, "partnership", "0"): series.joint_share_series(
            data.activities, data.logs, data.completions, moments, window),
        (weekly.OUTPUTS, "partnership", "0"): series.outputs_series(data.completions,
                                                                    moments),
    }
    for cluster in set(data.knowledge.member_clusters.values()):
        expected[(weekly.OUTSIDE, "cluster", str(cluster))] = series.outside_share_series(
            data.stints, data.knowledge, cluster, moments, window)
    for team in data.teams:
        expected[(weekly.TEAM_BLAU, team.scope_type, str(team.scope_id))] = \
            series.blau_series(team.stints, data.knowledge, moments, t.team_min_members)
        expected[(weekly.TEAM_JOINT, team.scope_type, str(team.scope_id))] = \
            series.joint_share_series(team.activities, team.logs, team.completions, moments,
                                      t.team_window_days)
    power = power_data.load_power(demo, NOW, t, history_days=readings.WEEKS * 7)
    results = [power_data.assess(power, at, t) for at in moments]
    expected[(weekly.LOWEST_VOICE, "partnership", "0")] = [
        weekly.lowest_voice_ratio(r, t) for r in results]
    for metric, pick in ((weekly.OVERDUE, lambda r: r.exemption.tables),
                         (weekly.DECLINED, lambda r: r.restrictive.tables)):
        for tier in ("high", "low"):
            expected[(metric, "tier", tier)] = [
                next((x.rate for x in pick(r).get("tier", ()) if x.group == tier
                      and x.reportable), None) for r in results]
    assert len(expected) > 40  # teams, groups, clusters and the whole partnership
    differing = []
    for (metric, scope_type, key), values in expected.items():
        _, stored = readings.series(demo.id, metric, scope_type, key, NOW)
        if any((a is None) != (b is None) or (a is not None and abs(a - b) > 1e-9)
               for a, b in zip(stored, values, strict=True)):
            differing.append((metric, scope_type, key, stored, values))
    assert not differing


def test_the_health_and_power_pages_read_what_the_evaluation_measured(demo):
    """The stored figures are the figures the pages measured per request, and a page
    reads them in one row instead of measuring again."""
    from coordinator.models import LatestFigures
    from coordinator.services import figures
    from coordinator.services.balance import history
    from coordinator.services.power import view

    evaluate_partnership(demo, NOW)
    db.session.commit()
    health, measured_at = figures.latest(demo.id, "health")
    assert measured_at == NOW
    assert health == history.measure_health(demo, NOW)
    assert health["clusters"] and health["work"]["activities"] > 0
    power, _ = figures.latest(demo.id, "power")
    assert power == view.measure_power(demo, NOW)
    assert set(power) == set(view.TEXTS)

    page = history.health(demo, NOW + DAY)
    assert page.measured_at == NOW and page.ei_now == health["ei"]
    assert [row.ties.cluster_id for row in page.clusters] == [
        row[0] for row in health["clusters"]]
    views, at = view.power_page(demo, NOW + DAY)
    assert at == NOW
    assert [v.reading for v in views] == [power[v.kind]["reading"] for v in views]

    # A shape this code does not know is measured afresh, not misread.
    db.session.get(LatestFigures, demo.id).version = figures.VERSION + 1
    db.session.flush()
    assert figures.latest(demo.id, "health") is None
    assert history.health(demo, NOW).measured_at == NOW
