"""A small inline map for tests, so that no test depends on the shipped maps' wording; and
the `map_file` fixture that writes one to a file (a pytest plugin, registered in
tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

# A compact map that loads and lints clean. Tests change one thing in it at a time.
GOOD_MAP = """\
id: tiny
title: Tiny B2B map
version: 1
lost_reasons: [No budget, Chose a competitor]
stages:
  - id: discovery
    name: Discovery
    owner: Sales
    entry: A buyer with a named problem agreed to a first call
    activities:
      - Run the discovery call with the champion
    exit:
      - id: pain
        text: Confirm the business pain with the champion
      - id: budget
        text: Confirm the budget range with the economic buyer
        evidence: Budget amount
      - id: notes
        text: Share the call notes with the sales engineer
        required: false
    probability: 10
    branches: [lose, nurture]
    playbook:
      - id: no_time
        objection: We have no time for this now
        category: timing
        explore:
          - "What would have to change for this to be urgent?"
        response: Offer a short call focused on the cost of waiting
        next_step: Book a 20-minute follow-up call
      - id: too_pricey
        objection: This looks expensive
        category: price
        explore:
          - "What are you comparing it with?"
        response: Walk through the return on the pain they named
        next_step: Send a one-page return estimate
  - id: proposal
    name: Proposal
    owner: Sales
    entry: The buyer confirmed pain and budget
    activities:
      - Send the proposal to the economic buyer
    exit:
      - id: signed
        text: Collect the signed order form
    probability: 60
    branches: [lose]
    playbook:
      - id: legal_review
        objection: Legal needs to review this first
        category: process
        explore:
          - "Who in legal reviews it, and how long do they take?"
        response: Offer our standard contract pack for early review
        next_step: Send the contract pack to legal
      - id: competitor_cheaper
        objection: A competitor is cheaper
        category: competition
        explore:
          - "What does their offer include?"
        response: Compare total cost over three years
        next_step: Send a side-by-side comparison
  - id: won
    name: Closed won
    owner: Sales
    entry: The order form is signed by both sides
    activities:
      - Hand the account over to customer success
    probability: 100
    won: true
  - id: lost
    name: Closed lost
    kind: lost
    owner: Sales
    entry: The buyer said no or stopped answering
    activities:
      - Record the loss reason in the deal
    probability: 0
    reopen: [discovery]
  - id: nurture
    name: Nurture
    kind: nurture
    owner: Marketing
    entry: The buyer asked us to come back later
    activities:
      - Send the quarterly product update to the buyer
    probability: 5
    reopen: [discovery]
"""

MapFile = Callable[..., Path]


@pytest.fixture
def map_file(tmp_path: Path) -> MapFile:
    """Write YAML text (GOOD_MAP by default) to a file and return its path."""

    def write(text: str = GOOD_MAP, *, name: str = "map.yml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
