"""How likely a gap between groups is by chance alone: exact tails, in plain Python.

The power indicators compare small counts (a dozen overdue tasks, thirty comments). A
ratio of two small rates swings widely by luck, so a gap is reported only when chance
alone would rarely produce one as large. Exact sums in log space keep this free of
scipy (the web process never loads it) and exact for the small counts where it matters;
large counts use the normal approximation, which is accurate there.
"""

from __future__ import annotations

import math

EXACT_UP_TO = 20_000  # terms summed exactly; beyond, the normal approximation


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def binomial_at_most(k: int, n: int, p: float) -> float:
    """P(X ≤ k) for X ~ Binomial(n, p)."""
    if n < 0 or not 0 <= k or not 0.0 <= p <= 1.0:
        raise ValueError("need n ≥ 0, k ≥ 0 and 0 ≤ p ≤ 1")
    if k >= n or p == 0.0:
        return 1.0
    if p == 1.0:
        return 0.0
    if n > EXACT_UP_TO:
        mean, sd = n * p, math.sqrt(n * p * (1 - p))
        return _normal_at_most((k + 0.5 - mean) / sd)
    log_p, log_q = math.log(p), math.log1p(-p)
    terms = [_log_choose(n, i) + i * log_p + (n - i) * log_q for i in range(k + 1)]
    return min(1.0, _sum_exp(terms))


def more_hits_by_chance(hits_a: int, total_a: int, hits_b: int, total_b: int) -> float:
    """One-sided Fisher exact test: P(group A gets ≥ hits_a of all hits by chance).

    The hits of both groups are shared out at random over their totals (hypergeometric);
    a small value means A's higher rate is unlikely to be luck.
    """
    if min(hits_a, total_a, hits_b, total_b) < 0 or hits_a > total_a or hits_b > total_b:
        raise ValueError("hits must lie between 0 and their total")
    hits, total = hits_a + hits_b, total_a + total_b
    top = min(hits, total_a)
    if hits_a > top or total == 0:
        return 1.0
    if top - hits_a > EXACT_UP_TO:
        mean = hits * total_a / total
        var = hits * total_a * total_b * (total - hits) / (total * total * max(total - 1, 1))
        return 1.0 - _normal_at_most((hits_a - 0.5 - mean) / math.sqrt(var)) if var else 1.0
    denominator = _log_choose(total, hits)
    terms = [_log_choose(total_a, i) + _log_choose(total_b, hits - i) - denominator
             for i in range(hits_a, top + 1) if hits - i <= total_b]
    return min(1.0, _sum_exp(terms)) if terms else 0.0


def _sum_exp(logs: list[float]) -> float:
    if not logs:
        return 0.0
    peak = max(logs)
    return math.exp(peak) * sum(math.exp(v - peak) for v in logs)


def _normal_at_most(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2))
