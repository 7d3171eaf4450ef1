"""A deal is found by its name whatever case, accents or Turkish i's the person types:
`MÜŞTERİ`, `musteri`, `mus` and `MUS` all find "Müşteri Görüşmesi" (storage.name_keys),
through signed Slack requests and the shell, on both backends; and the shell shows the name
as it was typed ("MÜŞTERI" is a misspelling in Turkish)."""

from __future__ import annotations

import itertools
import string
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.context import Actor, Services
from bot.core.outcomes import Ambiguous, NotFound
from bot.core.refs import DealName
from bot.deals.outcomes import Shown
from bot.deals.showing import show_deal
from bot.shell.session import ShellSession
from bot.views.text import render_text
from storage.name_keys import fold, name_key
from tests.support.deals import REP, expect, new_deal
from tests.support.harness import SlackHarness
from tests.support.slack import REP as SLACK_REP

CUSTOMER = "Müşteri Görüşmesi"


@pytest.mark.parametrize("typed", ["MÜŞTERİ", "musteri", "mus", "MUS", "Müşteri", "MÜŞTERI g"])
async def test_a_turkish_name_is_found_by_any_case_and_accent_over_slack(
    slack: SlackHarness, typed: str
) -> None:
    await slack.command(f"new {CUSTOMER} 50k", user=SLACK_REP)
    await slack.command("new Acme Corp 10k", user=SLACK_REP)  # the last deal: not the default

    answer = await slack.command(f"show {typed}", user=SLACK_REP)

    assert answer.status == 200
    assert render_text(answer.json["blocks"]).splitlines()[0] == f"{CUSTOMER} · Qualification"


@pytest.mark.parametrize("typed", ["MÜŞTERİ", "musteri", "mus"])
async def test_a_deal_renamed_by_edit_is_found_by_its_folded_new_name(
    slack: SlackHarness, typed: str
) -> None:
    """The edit once wrote the new name's lower case as its key: "musteri" missed it."""
    await slack.command("new Acme Corp 10k", user=SLACK_REP)
    await slack.command(f"edit name {CUSTOMER}", user=SLACK_REP)

    answer = await slack.command(f"show {typed}", user=SLACK_REP)

    assert render_text(answer.json["blocks"]).splitlines()[0] == f"{CUSTOMER} · Qualification"


async def test_a_folded_prefix_of_two_names_is_ambiguous_and_an_unknown_one_suggests(
    services: Services,
) -> None:
    await new_deal(services, REP, CUSTOMER)
    await new_deal(services, REP, "Musluk Tamiri")

    both = expect(await show_deal(services, REP, DealName("MUS")), Ambiguous)
    missing = expect(await show_deal(services, REP, DealName("MUSTERİ GORUSMSI")), NotFound)

    assert {row.name for row in both.candidates} == {CUSTOMER, "Musluk Tamiri"}
    assert missing.suggestions == [CUSTOMER]  # compared folded, shown as written


async def test_the_exact_name_wins_whatever_its_accents(services: Services) -> None:
    await new_deal(services, REP, "Café")
    await new_deal(services, REP, "Café Noir")

    shown = expect(await show_deal(services, REP, DealName("CAFE")), Shown)

    assert shown.card.name == "Café"


async def test_the_shell_shows_a_name_in_the_case_it_was_typed(session: ShellSession) -> None:
    await session.command(f"new {CUSTOMER} 50k")

    reply = await session.command("show MÜŞTERİ")

    shown = render_text(reply.surfaces[-1].blocks)
    assert shown.splitlines()[0] == f"{CUSTOMER} · Qualification"
    assert "MÜŞTERI" not in shown


# -- the property ------------------------------------------------------------------------

LETTERS = string.ascii_letters + "çğıöşüÇĞİÖŞÜéèêëàâäåãñøßłóíúÉÀÅÑØŁ"
WORD = st.text(alphabet=LETTERS, min_size=1, max_size=8)
NAME = st.lists(WORD, min_size=1, max_size=3).map(" ".join)


def _turkish_upper(text: str) -> str:
    return text.replace("i", "İ").replace("ı", "I").upper()


def _turkish_lower(text: str) -> str:
    return text.replace("I", "ı").replace("İ", "i").lower()


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


TEAMS = itertools.count()
VARIANTS = (str, str.upper, str.lower, _turkish_upper, _turkish_lower, _plain)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=NAME, data=st.data())
async def test_any_name_is_found_by_any_case_or_accent_variant_of_any_prefix(
    services: Services, name: str, data: st.DataObject
) -> None:
    team = f"TF{next(TEAMS)}"  # a fresh workspace for each example
    rep = Actor(team_id=team, user_id="UREP")
    card = await new_deal(services, rep, name)
    cut = data.draw(st.integers(1, len(name)), label="prefix length")
    typed = data.draw(st.sampled_from(VARIANTS), label="variant")(name[:cut])

    found = await services.deals.by_name(team, typed)

    assert [deal.id for deal in found.deals] == [card.deal_id], (name, typed)
    assert fold(found.deals[0].name) == found.deals[0].name_key == name_key(name)


@given(text=st.text(max_size=40), cut=st.integers(0, 40))
def test_the_fold_of_a_prefix_starts_the_fold_of_the_text(text: str, cut: int) -> None:
    # What lets a prefix be a range of the index: folding works character by character.
    folded = fold(text)
    if fold(text[:cut]) != " ".join(text[:cut].casefold().split()):  # not marks alone
        assert folded.startswith(fold(text[:cut]))
