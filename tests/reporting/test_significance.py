"""Fisher's exact test (bot.reporting.discovery.significance) against published values and
against the definition itself, summed table by table."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.reporting.discovery.significance import fisher_exact


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ((3, 1, 1, 3), 0.4857142857),  # Fisher's lady tasting tea
        ((8, 2, 1, 5), 0.0349650350),  # scipy.stats.fisher_exact's documented example
        ((1, 9, 11, 3), 0.0027594561),  # Wikipedia's worked example
        ((0, 10, 10, 0), 2 / math.comb(20, 10)),
        ((5, 5, 5, 5), 1.0),
    ],
)
def test_known_values(table: tuple[int, int, int, int], expected: float) -> None:
    assert fisher_exact(*table) == pytest.approx(expected, rel=1e-6)


def _by_definition(a: int, b: int, c: int, d: int) -> float:
    """Every table with the same margins, as unlikely as the observed one or less."""
    row, column, total = a + b, a + c, a + b + c + d

    def chance(x: int) -> float:
        return math.comb(row, x) * math.comb(total - row, column - x) / math.comb(total, column)

    observed = chance(a)
    tables = range(max(0, column - (total - row)), min(row, column) + 1)
    return min(1.0, sum(chance(x) for x in tables if chance(x) <= observed * (1 + 1e-7)))


counts = st.integers(min_value=0, max_value=40)


@given(counts, counts, counts, counts)
def test_agrees_with_the_definition_and_its_symmetries(a: int, b: int, c: int, d: int) -> None:
    p = fisher_exact(a, b, c, d)
    assert 0.0 <= p <= 1.0
    if a + b + c + d:
        assert p == pytest.approx(_by_definition(a, b, c, d), rel=1e-6, abs=1e-12)
    assert p == pytest.approx(fisher_exact(c, d, a, b), rel=1e-9)  # rows swapped
    assert p == pytest.approx(fisher_exact(a, c, b, d), rel=1e-9)  # transposed
