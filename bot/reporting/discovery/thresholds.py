"""The smallest samples and the shares behind each finding and proposal. docs/discovery.md
says why each value was chosen; change them there and here together."""

from __future__ import annotations

# A share or a percentile of fewer cases than this is noise: no finding, no proposal.
MIN_SAMPLE = 10

# Flow: a move the map lacks is "used often" from this many moves and this share of the
# moves out of its stage.
OFTEN_MOVES = MIN_SAMPLE
OFTEN_SHARE = 0.10

# A stage is "almost always skipped" when this share of the deals that passed it went
# around it.
SKIPPED_SHARE = 0.80

# Time in stage: a target is re-proposed when most stays overrun it (median over target)
# or when even the slow stays take under this fraction of it (p90 below it).
LOOSE_TARGET = 0.5

# An item open at an override in this share of the won deals whose gate was recorded is
# proposed optional: the team wins without it.
OVERRIDDEN_IN_WON = 0.80

# Checklists: items ticked in one action in this share of the deals that ticked both;
# an item ticked last, on its own, in this share of the deals that ticked several.
TOGETHER_SHARE = 0.90
LAST_SHARE = 0.50

# Won against lost: each outcome needs this many deals, and a difference is shown below
# this two-sided p-value (Fisher's exact test); a strict bar, since many features are
# tested at once and one in a hundred passes 0.01 by chance.
MIN_DECIDED = MIN_SAMPLE
SIGNIFICANT = 0.01
MAX_DIFFERENCES = 8
