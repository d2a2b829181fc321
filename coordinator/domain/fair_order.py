"""The order background jobs are queued in, so that no partnership waits behind a big one
for more than one job (workers take jobs first in, first out)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from itertools import chain, zip_longest
from typing import TypeVar

T = TypeVar("T")
_GAP = object()


def smallest_first(sizes: Mapping[Hashable, int], ids: Iterable[Hashable]) -> list:
    """One job per partnership: the smallest first, so a small partnership's job never
    waits behind a big one's, and the big ones go last, where they delay nobody. Ties
    keep the order given."""
    ordered = list(ids)
    position = {key: i for i, key in enumerate(ordered)}
    return sorted(ordered, key=lambda key: (sizes.get(key, 0), position[key]))


def round_robin(queues: Sequence[Sequence[T]]) -> list[T]:
    """Several jobs per partnership: each partnership's first job, then each one's
    second, and so on, so a partnership with one job waits behind at most one job of any
    other."""
    return [job for job in chain.from_iterable(zip_longest(*queues, fillvalue=_GAP))
            if job is not _GAP]
