"""The order jobs are queued in: nobody waits behind a big partnership for more than one
job."""

from coordinator.domain.fair_order import round_robin, smallest_first


def test_one_job_each_goes_smallest_first_and_ties_keep_their_order():
    sizes = {1: 2000, 2: 50, 3: 400, 4: 50, 5: 1200}
    assert smallest_first(sizes, [1, 2, 3, 4, 5]) == [2, 4, 3, 5, 1]
    assert smallest_first(sizes, [4, 2]) == [4, 2]
    assert smallest_first({}, [9, 8]) == [9, 8]  # no sizes known: as given


def test_several_jobs_each_take_turns():
    big, small, middle = ["b1", "b2", "b3", "b4"], ["s1"], ["m1", "m2"]
    order = round_robin([big, small, middle])
    assert order == ["b1", "s1", "m1", "b2", "m2", "b3", "b4"]
    # The small partnership's one job waits behind one job of the big one, not four.
    assert order.index("s1") - order.index("b1") == 1
    assert round_robin([]) == [] and round_robin([[], ["x"]]) == ["x"]


def test_falsy_jobs_are_kept():
    assert round_robin([[0, None], [""]]) == [0, "", None]
