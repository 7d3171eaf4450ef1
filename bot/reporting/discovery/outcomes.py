"""What won deals have that lost ones lack: each feature's rate among won and among lost
deals, kept only when both outcomes have enough deals and Fisher's exact test says the
difference is unlikely to be chance (bot.reporting.discovery.thresholds)."""

from __future__ import annotations

from bot.reporting.discovery.report import Difference, WonAgainstLost
from bot.reporting.discovery.significance import fisher_exact
from bot.reporting.discovery.thresholds import MAX_DIFFERENCES, MIN_DECIDED, SIGNIFICANT
from storage.discovery_outcomes import Outcomes


def won_against_lost(found: Outcomes) -> WonAgainstLost:
    won, lost = found.won, found.lost
    if won < MIN_DECIDED or lost < MIN_DECIDED:
        return WonAgainstLost(won, lost, False, 0, (), found.worked_won, found.worked_lost)
    differences = []
    tested = [f for f in found.features if min(f.of_won, f.of_lost) >= MIN_DECIDED]
    for feature in tested:
        of_won, of_lost = feature.of_won, feature.of_lost
        p_value = fisher_exact(
            feature.won, of_won - feature.won, feature.lost, of_lost - feature.lost
        )
        if p_value < SIGNIFICANT:
            differences.append(Difference(feature, of_won, of_lost, p_value))
    differences.sort(key=lambda d: (d.p_value, -abs(d.won_share - d.lost_share)))
    return WonAgainstLost(
        won,
        lost,
        enough=True,
        tested=len(tested),
        differences=tuple(differences[:MAX_DIFFERENCES]),
        worked_won=found.worked_won,
        worked_lost=found.worked_lost,
    )
