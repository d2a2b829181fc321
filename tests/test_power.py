"""Power in the app: alerts from the four indicators, the power and contingency pages, who
may see them, and the inputs behind them (decision tasks, critical stakeholders, scores)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import (
    Alert,
    ContingencyProfile,
    Organisation,
    Partnership,
    Task,
    utcnow,
)
from coordinator.services import activity
from coordinator.services.evaluation import evaluate_partnership, thresholds_for
from tests.test_desk import make_alert

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


@pytest.fixture
def delta(make):
    """Civil society (5 members, low tier) and government (6 members, high tier)."""
    p = make.partnership(slug="delta")
    residents = make.organisation(p, name="Residents", sector="civil_society",
                                  formal_authority=0, resource_control=0,
                                  discursive_legitimacy=1)
    ministry = make.organisation(p, name="Ministry", sector="government",
                                 formal_authority=2, resource_control=2,
                                 discursive_legitimacy=2)
    coordinator = make.member(p, role="coordinator", email="coord@example.org",
                              name="Cora", organisation=ministry)
    admin = make.member(p, role="admin", email="admin@example.org", name="Adam",
                        organisation=ministry)
    civil = [make.member(p, organisation=residents, name=f"Resident {n}",
                         email=f"r{n}@example.org") for n in range(5)]
    gov = [coordinator, admin] + [make.member(p, organisation=ministry, name=f"Official {n}",
                                              email=f"o{n}@example.org") for n in range(4)]
    make.commit()
    return p, residents, ministry, civil, gov


def test_members_get_403_on_the_power_and_contingency_pages(client, auth, delta):
    auth.login("r0@example.org")
    for url in ("/p/delta/desk/power", "/p/delta/desk/contingency"):
        assert client.get(url).status_code == 403
    assert client.post("/p/delta/desk/contingency", data={"urgency": "3"}).status_code == 403
    assert db.session.scalars(select(ContingencyProfile)).all() == []


def test_coordinators_read_the_power_page_with_small_groups_suppressed(client, auth, delta,
                                                                        make):
    p = delta[0]
    tiny = make.organisation(p, name="Tiny Co", sector="business")
    make.member(p, organisation=tiny, name="Lone Trader", email="lone@example.org")
    make.commit()
    auth.login("coord@example.org")
    page = client.get("/p/delta/desk/power").text
    assert "Exclusion from deliberation" in page and "Cost burden" in page
    assert "Too small to report" in page  # business: one member
    assert "Lone Trader" not in page


def test_a_decision_without_the_critical_sector_opens_a_power_alert_members_never_see(
        client, auth, delta, make):
    p, residents, ministry, civil, gov = delta
    partnership = db.session.get(Partnership, p.id)
    partnership.critical_sectors = ["civil_society"]
    task = make.task(gov[2], title="Choose the dyke route", is_decision=True)
    task.created_at = NOW - timedelta(days=8)  # a week of discussion
    for who, text in ((gov[3], "Route B is cheapest."), (gov[4], "Agreed."),
                      (gov[2], "Then B it is.")):
        activity.add_comment(task, who, text)
    make.commit()
    evaluate_partnership(db.session.get(Partnership, p.id), NOW)
    db.session.commit()
    alert = db.session.scalar(select(Alert).where(Alert.kind == "power_decision_voice"))
    assert (alert.scope_type, alert.scope_id) == ("task", task.id)
    assert "civil society sector" in alert.pattern
    assert "before it closes" in alert.advice
    # A resident speaks: the alert resolves itself at the next evaluation.
    activity.add_comment(task, civil[0], "Route B floods our street.")
    make.commit()
    evaluate_partnership(db.session.get(Partnership, p.id), NOW + timedelta(hours=1))
    db.session.commit()
    db.session.refresh(alert)
    assert alert.status == "resolved" and not alert.active
    assert "civil society sector" in alert.pattern  # the reading that raised it, kept
    assert alert.values["latest"]["text"] == (
        'The decision "Choose the dyke route" has heard 4 voices.')
    # Members see no power alert on the task page, open or not.
    alert.status, alert.active = "open", True
    db.session.commit()
    auth.login("r1@example.org")
    page = client.get(f"/p/delta/tasks/{task.id}").text
    assert "Choose the dyke route" in page
    assert "critical stakeholder" not in page and "A note on" not in page


def test_power_alerts_list_on_the_desk_with_their_own_kinds(client, auth, delta):
    p = delta[0]
    make_alert(p, kind="power_cost_burden", scope_type="partnership", label="Whole partnership",
               pattern="Low-tier organisations logged 61 % of hours with 22 % of members.")
    make_alert(p, kind="power_exclusion", scope_type="sector", scope_id=3,
               label="Civil society sector")
    db.session.commit()
    auth.login("coord@example.org")
    page = client.get("/p/delta/desk/?kind=power_cost_burden").text
    assert "Less powerful partners carry the work (power: cost burden)" in page
    assert "61 % of hours" in page
    assert "Civil society sector" not in page
    assert "Civil society sector" in client.get("/p/delta/desk/?scope=sector").text


def test_the_contingency_profile_is_read_kept_and_refuses_bad_scores(client, auth, delta):
    auth.login("coord@example.org")
    bad = client.post("/p/delta/desk/contingency", data={
        "environment": "0", "urgency": "6", "voluntariness": "x", "experience": "3",
        "diffusion": "3"})
    assert bad.status_code == 422
    assert bad.text.count("Choose a score from 1 to 5.") >= 5  # summary and per factor
    assert db.session.scalars(select(ContingencyProfile)).all() == []
    scores = {"environment": "4", "urgency": "2", "voluntariness": "5", "experience": "4",
              "diffusion": "4", "cost_benefit": "4"}
    assert client.post("/p/delta/desk/contingency", data=scores).status_code == 302
    page = client.get("/p/delta/desk/contingency").text
    assert "Power sharing is likely to pay off here" in page
    client.post("/p/delta/desk/contingency", data=scores | {"urgency": "5", "note": "flood"})
    rows = db.session.scalars(select(ContingencyProfile).order_by(ContingencyProfile.id)).all()
    assert [r.scores["urgency"] for r in rows] == [2, 5]  # both scorings kept
    assert rows[1].note == "flood"


def test_an_exigent_mission_tightens_joinholism_unless_set_by_hand(client, auth, delta):
    p = delta[0]
    auth.login("coord@example.org")
    scores = {"environment": "3", "urgency": "5", "voluntariness": "3", "experience": "3",
              "diffusion": "3", "cost_benefit": "3"}
    client.post("/p/delta/desk/contingency", data=scores)
    partnership = db.session.get(Partnership, p.id)
    assert thresholds_for(partnership).team_min_joint_share == 0.5
    settings = client.get("/p/delta/desk/thresholds").text
    assert "The mission is scored as exigent" in settings and "0.6 → " in settings
    client.post("/p/delta/desk/thresholds", data={"team_min_joint_share": "0.7"})
    db.session.expire_all()
    partnership = db.session.get(Partnership, p.id)
    assert thresholds_for(partnership).team_min_joint_share == 0.7  # overridden by hand
    assert thresholds_for(partnership).team_min_joint_hours == 3.0  # still tightened
    # Keeping a tightened threshold at its default is an override too.
    client.post("/p/delta/desk/thresholds", data={"team_min_joint_hours": "4"})
    db.session.expire_all()
    assert thresholds_for(db.session.get(Partnership, p.id)).team_min_joint_hours == 4.0
    client.post("/p/delta/desk/thresholds/reset")
    db.session.expire_all()
    assert thresholds_for(db.session.get(Partnership, p.id)).team_min_joint_hours == 3.0
    client.post("/p/delta/desk/contingency", data=scores | {"urgency": "2"})
    db.session.expire_all()
    assert thresholds_for(db.session.get(Partnership, p.id)).team_min_joint_hours == 4.0


def test_critical_sectors_can_only_name_sectors_of_the_partnership(client, auth, delta):
    auth.login("admin@example.org")
    response = client.post("/p/delta/admin/", data={
        "name": "Delta", "description": "", "critical_sectors": ["academia"]})
    assert response.status_code == 200 and "not a valid choice" in response.text
    db.session.expire_all()
    assert db.session.get(Partnership, delta[0].id).critical_sectors is None
    response = client.post("/p/delta/admin/", data={
        "name": "Delta", "description": "", "critical_sectors": ["civil_society"]})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Partnership, delta[0].id).critical_sectors == ["civil_society"]


def test_power_source_scores_outside_0_to_2_are_refused(client, auth, delta):
    auth.login("admin@example.org")
    residents = delta[1]
    response = client.post(f"/p/delta/admin/organisations/{residents.id}", data={
        "name": "Residents", "sector": "civil_society", "formal_authority": "3",
        "resource_control": "0", "discursive_legitimacy": "-1"})
    assert response.status_code == 200
    assert response.text.count("Not a valid choice") >= 2
    db.session.expire_all()
    org = db.session.get(Organisation, residents.id)
    assert (org.formal_authority, org.discursive_legitimacy) == (0, 1)


def test_an_organisation_is_flagged_critical_and_a_task_marked_as_decision(client, auth,
                                                                           delta):
    auth.login("admin@example.org")
    residents = delta[1]
    client.post(f"/p/delta/admin/organisations/{residents.id}", data={
        "name": "Residents", "sector": "civil_society", "formal_authority": "0",
        "resource_control": "0", "discursive_legitimacy": "1", "critical_stakeholder": "y"})
    db.session.expire_all()
    assert db.session.get(Organisation, residents.id).critical_stakeholder is True
    client.post("/p/delta/tasks/new", data={
        "title": "Agree the levy", "description": "", "tags": "", "capacity": "3",
        "join_policy": "open", "working_group_id": "0", "is_decision": "y"})
    assert db.session.scalar(select(Task.is_decision).where(Task.title == "Agree the levy"))


def test_ticking_a_critical_sector_re_evaluates_at_once(client, auth, delta, make):
    """No manual recompute: the decision alert appears when the admin saves the setting."""
    p, residents, ministry, civil, gov = delta
    task = make.task(gov[2], title="Choose the dyke route", is_decision=True)
    task.created_at = utcnow() - timedelta(days=8)
    for who in gov[2:5]:
        activity.add_comment(task, who, "Route B.")
    make.commit()
    assert db.session.scalar(select(Alert).where(Alert.kind == "power_decision_voice")) is None
    auth.login("admin@example.org")
    response = client.post("/p/delta/admin/", data={
        "name": "Delta", "description": "", "critical_sectors": ["civil_society"]})
    assert response.status_code == 302
    db.session.expire_all()
    alert = db.session.scalar(select(Alert).where(Alert.kind == "power_decision_voice"))
    assert alert is not None and alert.status == "open"
    assert (alert.scope_type, alert.scope_id) == ("task", task.id)


def test_a_decision_alert_names_people_of_the_missing_sector_to_invite(delta, make):
    p, residents, ministry, civil, gov = delta
    partnership = db.session.get(Partnership, p.id)
    partnership.critical_sectors = ["civil_society"]
    task = make.task(gov[2], title="Choose the dyke route", is_decision=True)
    task.created_at = NOW - timedelta(days=8)
    for who in gov[2:5]:
        activity.add_comment(task, who, "Route B.")
    make.commit()
    evaluate_partnership(db.session.get(Partnership, p.id), NOW)
    db.session.commit()
    alert = db.session.scalar(select(Alert).where(Alert.kind == "power_decision_voice"))
    invited = {s["member_id"] for s in alert.suggestions}
    assert invited and invited <= {m.id for m in civil}
    assert all("from the civil society sector, a critical stakeholder" in s["reasons"]
               for s in alert.suggestions)
    assert len(alert.suggestions) == min(5, len(civil))


@pytest.mark.parametrize(("role", "sees_tier"), [("member", False), ("coordinator", True),
                                                 ("admin", True)])
def test_power_tiers_are_shown_to_coordinators_and_admins_only(client, auth, make, role,
                                                                sees_tier):
    partnership = make.partnership(slug="tiers")
    board = make.organisation(partnership, name="Delta Water Board", sector="government",
                              formal_authority=2, resource_control=2)
    person = make.member(partnership, organisation=board, email="p@example.org")
    make.member(partnership, role=role, email="viewer@example.org")
    make.commit()
    auth.login("viewer@example.org")
    page = client.get(f"/p/tiers/members/{person.id}").get_data(as_text=True)
    assert "Delta Water Board" in page
    assert ("power tier" in page) is sees_tier
