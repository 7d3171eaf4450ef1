"""Fisher's exact test on a 2×2 table, two-sided: the probability, with the table's row
and column totals fixed, of a table at least as unlikely as the one observed. Exact at
any sample size, so small samples need no approximation; log-factorials keep 10,000
deals in range. (A dozen lines do not justify scipy as a dependency.)"""

from __future__ import annotations

import math

_RELATIVE_TOLERANCE = 1e-7  # tables as likely as the observed one, up to rounding, count


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def fisher_exact(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p-value of the table [[a, b], [c, d]] (all counts ≥ 0)."""
    row, column, total = a + b, a + c, a + b + c + d
    if total == 0:
        return 1.0

    def log_p(x: int) -> float:
        return (
            _log_choose(row, x) + _log_choose(total - row, column - x) - _log_choose(total, column)
        )

    observed = log_p(a)
    low, high = max(0, column - (total - row)), min(row, column)
    found = sum(
        math.exp(log_p(x))
        for x in range(low, high + 1)
        if log_p(x) <= observed + _RELATIVE_TOLERANCE
    )
    return min(1.0, found)
