"""The time-to-live memo behind the board's tag suggestions."""

from coordinator.domain.expiring import Expiring


def test_a_value_lasts_its_time_to_live_and_no_longer():
    memo = Expiring()
    assert memo.get("k", now=0) is None
    memo.put("k", ["water"], now=100, ttl=60)
    assert memo.get("k", now=159.9) == ["water"]
    assert memo.get("k", now=160) is None
    memo.put("k", ["soil"], now=160, ttl=60)
    assert memo.get("k", now=161) == ["soil"]


def test_a_full_memo_starts_afresh_rather_than_grow():
    memo = Expiring(max_entries=2)
    memo.put(1, "a", now=0, ttl=60)
    memo.put(2, "b", now=0, ttl=60)
    memo.put(2, "b2", now=0, ttl=60)  # a known key replaces, nothing is dropped
    assert (memo.get(1, now=1), memo.get(2, now=1)) == ("a", "b2")
    memo.put(3, "c", now=0, ttl=60)
    assert (memo.get(1, now=1), memo.get(3, now=1)) == (None, "c")
