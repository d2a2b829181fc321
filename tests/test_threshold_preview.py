"""Previewing thresholds from the stored readings: counts and names, nothing written."""

from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from coordinator.domain import weekly
from coordinator.extensions import db
from coordinator.models import Partnership, Reading, ThresholdChange, utcnow


@pytest.fixture
def river(make):
    partnership = make.partnership(slug="river")
    make.member(partnership, email="cora@example.org", name="Cora", role="coordinator")
    ina = make.member(partnership, email="ina@example.org", name="Ina")
    tasks = [make.task(ina, title=title) for title in ("Dykes", "Pumps", "Permits")]
    make.commit()
    this_week = weekly.week_of(utcnow())
    rows = []
    for task, lowest in zip(tasks, (0.1, 0.3, 0.5), strict=True):
        for back, value in ((0, lowest + 0.2), (3, lowest), (20, 0.0)):  # 20: too old
            rows.append({"partnership_id": partnership.id, "metric": weekly.TEAM_BLAU,
                         "scope_type": "task", "scope_key": str(task.id), "value": value,
                         "week": this_week - timedelta(weeks=back),
                         "measured_at": utcnow()})
    db.session.execute(insert(Reading), rows)
    db.session.commit()
    return partnership, tasks


def _post(client, **values):
    return client.post("/p/river/desk/thresholds", data={"action": "preview", **values})


def test_the_preview_counts_and_names_scopes_and_saves_nothing(client, auth, river):
    partnership, tasks = river
    auth.login("cora@example.org")
    page = _post(client, team_max_blau="0.4")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Preview over the last 12 weeks" in text and "Nothing was saved." in text
    preview = text[text.index('id="preview"'):]
    blau = preview[preview.index("0.2 → <strong>0.4</strong>"):].split("</tr>")[0]
    # Dykes (lowest 0.1) was past 0.2 already; Pumps (0.3) would be past 0.4; Permits
    # (0.5) past neither; a reading older than 12 weeks counts for nothing.
    assert "<td>1</td>" in blau and "<td>2</td>" in blau
    assert "New: Task &#34;Pumps&#34;." in blau and "Dykes" not in blau
    db.session.expire_all()
    assert db.session.get(Partnership, partnership.id).balance_thresholds is None
    assert db.session.scalar(select(func.count()).select_from(ThresholdChange)) == 0


def test_a_bad_value_gets_the_errors_saving_gives(client, auth, river):
    auth.login("cora@example.org")
    page = _post(client, team_max_blau="lots")
    assert page.status_code == 422
    saved = client.post("/p/river/desk/thresholds", data={"team_max_blau": "lots"})
    assert saved.status_code == 422
    error = 't-team_max_blau-error">'
    text, saved_text = page.get_data(as_text=True), saved.get_data(as_text=True)
    message = text.split(error)[1].split("<")[0]
    assert message and message == saved_text.split(error)[1].split("<")[0]
    assert "Preview over" not in text
