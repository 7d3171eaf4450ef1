"""The pseudo-locale run: a whole week for people whose Slack language is the pseudo-locale
(flows/i18n.py: every translated string comes back accented, longer and bracketed). Any
plain English word left in what they were shown, outside the map's own text and the names
people typed, is a string that bypassed translation (or was translated too early, when its
module was imported); and the longer text must still fit Block Kit's limits, which the
stand-in checks on every call."""

from __future__ import annotations

import pytest
from babel import Locale

from flows.i18n import PSEUDO
from tests.i18n.said import map_texts, shown_texts, untranslated_words
from tests.i18n.scenario import PEOPLE, a_week
from tests.support.harness import SlackHarness

NAMES = {"Acme Corp", "Globex", "Initech", "50k budget"}
TYPED = {  # what people typed, echoed back as typed
    "the price is too high", "budget cut", "no budget at all", "the buyer signed early",
    "the demo stage needs a security review item", "frobnicate", "banana", "someday",
    "no such deal", "parsecs",
}  # fmt: skip
# Words that are not English prose: the product, units and codes, and the words of the
# /deal grammar, which a user types as they are in every language.
ALLOWED = {
    "stagecoach", "slack", "deal", "usd", "eur", "try", "kpi", "kpis", "csv", "json", "png",
    "utc",
}  # fmt: skip
# Dates: the pseudo-locale has no Babel data of its own, so bot.core.local_formats writes
# its dates with English CLDR data ("31 Mar 2027", "Mon 2 Mar 09:00"): month and weekday
# abbreviations, which a real language's data replaces.
_ENGLISH = Locale("en")
ALLOWED |= {
    name.casefold()
    for names in (_ENGLISH.months["format"]["abbreviated"], _ENGLISH.days["format"]["abbreviated"])
    for name in names.values()
}


@pytest.fixture
def pseudo_people(slack: SlackHarness) -> None:
    for person in PEOPLE:
        slack.standin.add_user(person, locale=PSEUDO)


@pytest.mark.usefixtures("pseudo_people")
async def test_nothing_reaches_a_pseudo_locale_user_untranslated(slack: SlackHarness) -> None:
    answers = await a_week(slack)
    data = map_texts(slack.services.catalog.current) | NAMES | TYPED
    shown = [*shown_texts(answers), *shown_texts([c.args for c in slack.standin.calls()])]
    leaks = {
        text: words
        for text in shown
        if (words := untranslated_words(text, data=data, allowed=ALLOWED))
    }
    assert not leaks, "\n".join(f"{words}: {text!r}" for text, words in leaks.items())
    assert slack.standin.violations == []
