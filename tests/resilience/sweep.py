"""Hypothesis settings for the bad-input sweeps: moderate by default so the suite stays fast;
STAGECOACH_SWEEP_EXAMPLES=2000 runs a deeper sweep locally."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings


def sweep(default_examples: int) -> settings:
    examples = int(os.environ.get("STAGECOACH_SWEEP_EXAMPLES", default_examples))
    return settings(
        max_examples=examples,
        deadline=None,  # each example is an HTTP round trip and two database snapshots
        # one app and one database serve every example: each example checks its own request
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
