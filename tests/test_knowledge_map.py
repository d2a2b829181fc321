"""The knowledge map end to end without Redis: jobs run in-process after commits."""

import pytest
from sqlalchemy import func, select

from coordinator.extensions import db
from coordinator.models import Cluster, ClusterSnapshot, Membership, Partnership, RecomputeRun
from coordinator.services.dirty import mark_dirty, take_committed
from coordinator.services.joining import join_task
from coordinator.services.knowledge import compute as knowledge
from coordinator.services.knowledge.profiles import update_profile
from workers.knowledge import recompute_partnership


@pytest.fixture
def river(make):
    partnership = make.partnership(slug="river")
    people = {
        "ada": make.member(partnership, role="coordinator", email="ada@example.org",
                           name="Ada", tags=("hydrology", "flood modelling")),
        "ben": make.member(partnership, email="ben@example.org", name="Ben",
                           tags=("hydrology", "flood modelling", "gis")),
        "cy": make.member(partnership, email="cy@example.org", name="Cy",
                          tags=("hydrology", "gis")),
        "dee": make.member(partnership, email="dee@example.org", name="Dee",
                           tags=("water law", "regulation")),
        "eve": make.member(partnership, email="eve@example.org", name="Eve",
                           tags=("water law", "regulation", "policy")),
        "fay": make.member(partnership, email="fay@example.org", name="Fay",
                           tags=("policy", "regulation")),
        "gus": make.member(partnership, email="gus@example.org", name="Gus"),
    }
    make.commit()
    return partnership, people


def _snapshots(partnership_id):
    return db.session.scalar(select(func.count()).select_from(ClusterSnapshot).where(
        ClusterSnapshot.partnership_id == partnership_id))


def test_a_profile_change_recomputes_the_map(client, auth, river):
    partnership, people = river
    auth.login("gus@example.org")
    client.post("/p/river/profile", data={"name": "Gus", "tags": "gis, hydrology", "bio": ""})
    assert _snapshots(partnership.id) == 1
    snapshot = knowledge.latest_snapshot(partnership.id)
    assert snapshot.data_version == db.session.get(Partnership, partnership.id
                                                   ).recompute_requested_at
    assert snapshot.quality["clusters"] == 2
    labels = sorted(c.label for c in snapshot.clusters)
    assert labels[0].startswith("hydrology") or "hydrology" in labels[0]
    page = client.get(f"/p/river/members/{people['gus'].id}").text
    assert "Nearest colleagues by knowledge" in page
    assert "Cy" in page or "Ben" in page


def test_running_twice_changes_nothing(app, river):
    partnership, _ = river
    knowledge_stamp(partnership)
    first = recompute_partnership(partnership.id)
    second = recompute_partnership(partnership.id)
    assert (first["status"], second["status"]) == ("succeeded", "skipped")
    assert _snapshots(partnership.id) == 1
    statuses = db.session.scalars(select(RecomputeRun.status).order_by(RecomputeRun.id)).all()
    assert statuses == ["succeeded", "skipped"]


def test_cluster_ids_stay_stable_between_snapshots(app, river, make):
    partnership, people = river
    knowledge_stamp(partnership)
    recompute_partnership(partnership.id)
    before = {c.label: c.stable_id for c in knowledge.latest_snapshot(partnership.id).clusters}
    recompute_partnership(partnership.id, force=True)
    after = {c.label: c.stable_id for c in knowledge.latest_snapshot(partnership.id).clusters}
    assert before == after and sorted(after.values()) == [1, 2]


def test_a_crash_mid_write_keeps_the_previous_snapshot(app, river, monkeypatch):
    partnership, _ = river
    knowledge_stamp(partnership)
    recompute_partnership(partnership.id)
    original = knowledge._write

    def write_then_die(*args, **kwargs):
        original(*args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(knowledge, "_write", write_then_die)
    with pytest.raises(RuntimeError):
        recompute_partnership(partnership.id, force=True)
    db.session.expire_all()
    assert _snapshots(partnership.id) == 1
    assert db.session.scalar(select(func.count()).select_from(Cluster)) == 2
    run = db.session.scalar(select(RecomputeRun).order_by(RecomputeRun.id.desc()))
    assert (run.status, run.error) == ("failed", "RuntimeError: disk full")
    assert db.session.get(Partnership, partnership.id).recompute_lease_until is None


def test_map_page_and_status_for_coordinators(client, auth, river):
    partnership, _ = river
    knowledge_stamp(partnership)
    recompute_partnership(partnership.id)
    auth.login("ada@example.org")
    page = client.get("/p/river/knowledge/").text
    assert "2 clusters" in page and "Last run" in page and "succeeded" in page
    assert "<svg" in page and "Recompute now" in page
    response = client.post("/p/river/knowledge/recompute", follow_redirects=True)
    assert "Knowledge map recomputed." in response.text
    assert _snapshots(partnership.id) == 2
    auth.logout()
    auth.login("dee@example.org")
    member_page = client.get("/p/river/knowledge/").text
    assert "Last run" not in member_page and "Recompute now" not in member_page
    assert client.post("/p/river/knowledge/recompute").status_code == 403


def test_stale_map_says_so(client, auth, river, make):
    partnership, people = river
    knowledge_stamp(partnership)
    recompute_partnership(partnership.id)
    task = make.task(people["dee"], title="Draft the by-law")
    join_task(task, people["eve"], "law")  # a change made outside a request: nothing runs
    make.commit()
    auth.login("dee@example.org")
    assert "an update is on its way" in client.get("/p/river/knowledge/").text


def test_cluster_page_and_who_knows(client, auth, river, make):
    partnership, people = river
    knowledge_stamp(partnership)
    recompute_partnership(partnership.id)
    auth.login("dee@example.org")
    cluster = knowledge.latest_snapshot(partnership.id).clusters[0]
    page = client.get(f"/p/river/knowledge/clusters/{cluster.id}").text
    assert cluster.label in page
    ranked = client.get("/p/river/knowledge/who?tag=Regulation").text
    assert ranked.index("Dee") < ranked.index("Fay") or ranked.index("Eve") < ranked.index("Fay")
    assert "Ada" not in ranked.split("Ranked by")[1]
    assert "Nobody holds “origami”" in client.get("/p/river/knowledge/who?tag=origami").text


@pytest.mark.parametrize("size", [0, 1, 2])
def test_tiny_partnerships_get_a_sensible_snapshot(app, make, size):
    partnership = make.partnership()
    for n in range(size):
        make.member(partnership, tags=("gis",) if n % 2 == 0 else ())
    make.commit()
    knowledge_stamp(partnership)
    assert recompute_partnership(partnership.id)["status"] == "succeeded"
    snapshot = knowledge.latest_snapshot(partnership.id)
    assert snapshot.quality["members"] == size
    assert snapshot.quality["clusters"] == 0
    assert snapshot.quality["unclustered"] == size


def test_recompute_command_prints_a_summary(runner, river):
    result = runner.invoke(args=["recompute", "--partnership", "river"])
    assert result.exit_code == 0, result.output
    assert "2 clusters of 6 profiled members (1 unclustered)" in result.output
    assert "Stages: vectors" in result.output
    missing = runner.invoke(args=["recompute", "--partnership", "nope"])
    assert "no partnership with slug “nope”" in missing.output


def test_import_feeds_the_map(runner, make, tmp_path):
    make.partnership(slug="delta")
    make.commit()
    rows = ["email,name,organization,sector,tags,bio"]
    for n in range(12):
        tags = "hydrology;gis" if n < 6 else "water law;policy"
        rows.append(f"p{n}@example.org,Person {n},,,{tags},")
    csv = tmp_path / "people.csv"
    csv.write_text("\n".join(rows) + "\n")
    result = runner.invoke(args=["import-members", str(csv), "--partnership", "delta"])
    assert result.exit_code == 0, result.output
    partnership = db.session.scalar(select(Partnership).where(Partnership.slug == "delta"))
    snapshot = knowledge.latest_snapshot(partnership.id)
    assert snapshot is not None and snapshot.quality["clusters"] == 2


def knowledge_stamp(partnership) -> None:
    """Record that the partnership changed, as services do, without a request to run jobs."""
    mark_dirty(partnership.id)
    db.session.commit()
    take_committed()


def test_a_change_during_a_run_gets_one_more_run(app, river, monkeypatch):
    partnership, people = river
    knowledge_stamp(partnership)
    original = knowledge.load_profiles
    calls = []

    def load_then_someone_edits(partnership_id):
        profiles = original(partnership_id)
        if not calls:  # the first run has read its data when a profile changes
            with app.app_context():  # another request, with its own session
                update_profile(db.session.get(Membership, people["gus"].id), "Gus",
                               ["policy", "regulation"], "")
                db.session.commit()
        calls.append(partnership_id)
        return profiles

    monkeypatch.setattr(knowledge, "load_profiles", load_then_someone_edits)
    recompute_partnership(partnership.id)
    db.session.expire_all()
    triggers = db.session.scalars(select(RecomputeRun.trigger).order_by(RecomputeRun.id)).all()
    assert triggers == ["change", "follow-up"]
    assert _snapshots(partnership.id) == 2
    assert knowledge.is_current(db.session.get(Partnership, partnership.id))
