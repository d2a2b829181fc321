"""Task fit: the required tags a member holds, in the task's order."""

import pytest

from coordinator.domain.knowledge.fit import Fit, task_fit


@pytest.mark.parametrize(
    ("required", "mine", "shared", "score", "label"),
    [
        ([], [], (), 0.0, "No tags required"),
        ([], ["gis"], (), 0.0, "No tags required"),
        (["gis"], [], (), 0.0, "You hold 0 of 1 required tags"),
        (["gis", "law"], ["water"], (), 0.0, "You hold 0 of 2 required tags"),
        (["gis", "law"], ["law"], ("law",), 0.5, "You hold 1 of 2 required tags"),
        (["a", "b", "c"], ["c", "a", "z"], ("a", "c"), 2 / 3, "You hold 2 of 3 required tags"),
        (["a", "b", "c", "d"], ["d"], ("d",), 0.25, "You hold 1 of 4 required tags"),
        (["a", "b"], ["b", "a", "b"], ("a", "b"), 1.0, "You hold 2 of 2 required tags"),
        (["gis"], ["GIS"], (), 0.0, "You hold 0 of 1 required tags"),
    ],
)
def test_task_fit(required, mine, shared, score, label):
    fit = task_fit(required, mine)
    assert fit == Fit(shared=shared, required=len(required))
    assert fit.score == score
    assert fit.label == label
