"""A member the latest map has not seen is placed at once, and says so (issue 15)."""

import pytest
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import Cluster, ClusterSnapshot
from coordinator.services.knowledge import compute as knowledge
from coordinator.services.knowledge.placement import placement
from coordinator.services.knowledge.profiles import update_profile
from tests.api_client import ApiClient, token_for


@pytest.fixture
def river(make):
    partnership = make.partnership(slug="river")
    people = {}
    for name, tags in [("Ada", ("hydrology", "flood modelling")),
                       ("Ben", ("hydrology", "flood modelling", "gis")),
                       ("Cy", ("hydrology", "gis")),
                       ("Dee", ("water law", "regulation")),
                       ("Eve", ("water law", "regulation", "policy")),
                       ("Fay", ("policy", "regulation"))]:
        people[name] = make.member(partnership, email=f"{name.lower()}@example.org",
                                   name=name, tags=tags)
    make.commit()
    knowledge.recompute(partnership, force=True)
    db.session.commit()
    return partnership, people


def _cluster_of(partnership, name_tag):
    snapshot = knowledge.latest_snapshot(partnership.id)
    return next(c for c in db.session.scalars(select(Cluster).where(
        Cluster.snapshot_id == snapshot.id)) if name_tag in c.top_tags)


def test_a_new_member_is_placed_provisionally_with_colleagues(client, auth, make, river):
    partnership, people = river
    newcomer = make.member(partnership, email="gus@example.org", name="Gus",
                           tags=("water law", "policy"))
    make.commit()
    found = placement(newcomer)
    assert found.provisional
    assert found.cluster == _cluster_of(partnership, "water law")
    assert [m.user.name for m, _ in found.neighbours][:1] == ["Eve"]  # law and policy both
    assert {m.user.name for m, _ in found.neighbours} <= {"Dee", "Eve", "Fay"}
    auth.login("gus@example.org")
    page = client.get(f"/p/river/members/{newcomer.id}").text
    assert "Provisionally in cluster" in page and "The next map" in page
    api = ApiClient(client, token_for(make, newcomer))
    answer = api.get(f"/api/v1/members/{newcomer.id}/placement").json
    assert answer["provisional"] is True
    assert answer["neighbours"][0]["member"]["name"] == "Eve"


def test_an_edited_profile_moves_at_once_and_the_next_map_decides(make, river):
    partnership, people = river
    cy = people["Cy"]
    assert placement(cy).cluster == _cluster_of(partnership, "hydrology")
    assert not placement(cy).provisional
    update_profile(cy, "Cy", ["water law", "regulation"], "")
    db.session.commit()
    moved = placement(cy)
    assert moved.provisional and moved.cluster == _cluster_of(partnership, "water law")
    knowledge.recompute(partnership, force=True)
    db.session.commit()
    settled = placement(cy)
    assert not settled.provisional
    assert settled.cluster == _cluster_of(partnership, "water law")


def test_a_snapshot_without_a_model_keeps_the_old_answer(make, river):
    partnership, people = river
    snapshot = knowledge.latest_snapshot(partnership.id)
    db.session.execute(ClusterSnapshot.__table__.update()
                       .where(ClusterSnapshot.id == snapshot.id).values(placement_model=None))
    db.session.commit()
    newcomer = make.member(partnership, email="gus@example.org", name="Gus", tags=("gis",))
    make.commit()
    found = placement(newcomer)
    assert (found.cluster, found.neighbours, found.provisional) == (None, [], False)
