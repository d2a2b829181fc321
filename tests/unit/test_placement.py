"""A provisional place is the map's own arithmetic: the same vector, the nearest centroid."""

import numpy as np
import pytest

from coordinator.domain.knowledge.placement import (
    Model,
    cosine,
    nearest_cluster,
    profile_vector,
)
from coordinator.domain.knowledge.vectors import Profile, build_vectors, centroids

PROFILES = [
    Profile(1, ("hydrology", "gis"), ("gis",), "Flood models for river deltas."),
    Profile(2, ("hydrology", "flood modelling"), (), "River delta flood models and maps."),
    Profile(3, ("water law", "regulation"), ("policy",), "Water law and permits."),
    Profile(4, ("regulation", "policy"), (), "Permits, policy and water law reform."),
    Profile(5, ("gis",), (), ""),
    Profile(6, (), (), "Community outreach."),
]


@pytest.fixture(scope="module")
def mapped():
    vectors = build_vectors(PROFILES)
    labels = np.array([0, 0, 1, 1, 0, -1])
    model = Model(vectors.tag_idf, vectors.bio_idf,
                  centroids(vectors, labels, {0: 7, 1: 8}, top=200))
    return vectors, model


def test_a_profile_is_weighed_exactly_as_the_map_weighs_it(mapped):
    vectors, model = mapped
    keys = vectors.column_keys()
    for row, profile in enumerate(PROFILES):
        expected = {keys[c]: float(v) for c, v in zip(
            vectors.matrix[row].indices, vectors.matrix[row].data, strict=True)}
        got = profile_vector(profile.tags, profile.completed_tags, profile.bio, model)
        assert got.keys() == expected.keys()
        assert all(abs(got[k] - expected[k]) < 1e-5 for k in expected)


def test_terms_the_map_never_saw_weigh_nothing(mapped):
    _, model = mapped
    assert profile_vector(("astronomy",), (), "Zygomorphic quasars", model) == {}
    assert nearest_cluster({}, model) == (None, 0.0)


def test_a_new_profile_goes_to_the_nearest_centroid(mapped):
    _, model = mapped
    lawyer = profile_vector(("water law",), (), "Permits and water law.", model)
    modeller = profile_vector(("hydrology", "gis"), (), "", model)
    assert nearest_cluster(lawyer, model)[0] == 8
    assert nearest_cluster(modeller, model)[0] == 7
    assert cosine(lawyer, model.centroids[8]) > cosine(lawyer, model.centroids[7])


def test_centroids_are_unit_vectors_cut_to_their_heaviest_terms(mapped):
    vectors, _ = mapped
    cut = centroids(vectors, np.array([0, 0, 1, 1, 0, -1]), {0: 7, 1: 8}, top=2)
    assert all(len(terms) == 2 for terms in cut.values())
    full = centroids(vectors, np.array([0, 0, 1, 1, 0, -1]), {0: 7, 1: 8}, top=1000)
    assert all(abs(sum(w * w for w in terms.values()) - 1) < 1e-4 for terms in full.values())


def test_tags_and_a_repetitive_bio_are_weighed_in_one_norm_as_the_map_weighs_them():
    profiles = [*PROFILES,
                Profile(7, ("gis",), ("gis", "gis"), "Flood flood flood maps, river maps."),
                Profile(8, ("policy",), (), "River flood policy and water law for deltas.")]
    vectors = build_vectors(profiles)
    model = Model(vectors.tag_idf, vectors.bio_idf, {})
    keys = vectors.column_keys()
    for row in (6, 7):
        expected = {keys[c]: float(v) for c, v in zip(
            vectors.matrix[row].indices, vectors.matrix[row].data, strict=True)}
        got = profile_vector(profiles[row].tags, profiles[row].completed_tags,
                             profiles[row].bio, model)
        assert got == pytest.approx(expected, abs=1e-5)
        assert sum(w * w for w in got.values()) == pytest.approx(1)
