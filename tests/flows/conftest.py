"""Helpers for the flows tests: GOOD_MAP (tests/support/maps.py) changed one thing at a
time, and where a problem is reported."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml

from flows.loader import parse_map
from flows.problems import MapError, Problem
from tests.support.maps import GOOD_MAP


def edited(mutate: Callable[[dict[str, Any]], object], *, text: str = GOOD_MAP) -> str:
    """GOOD_MAP (or `text`) with one change made to its data, dumped back to YAML."""
    data = yaml.safe_load(text)
    mutate(data)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def load_errors(text: str, *, file: str = "map.yml") -> list[Problem]:
    """The problems a map that must not load reports (fails the test if it loads)."""
    with pytest.raises(MapError) as caught:
        parse_map(text, file=file)
    return caught.value.problems


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line of `text` that contains `needle`."""
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)
