"""A usage in the reader's language (bot/commands/usage_words.py): what a user types stays
as it is, what stands for their own words is translated (the pseudo-locale brackets it)."""

from __future__ import annotations

import pytest

from bot.commands.usage_words import shown_usage
from flows.i18n import PSEUDO, pseudo, using_locale


@pytest.mark.parametrize(
    ("usage", "shown"),
    [
        ("/deal lose [#deal] <reason>", f"/deal lose [#{pseudo('deal')}] <{pseudo('reason')}>"),
        ("/deal show [deal]", f"/deal show [{pseudo('deal')}]"),
        # the keyword `stage` is typed; `<stage>` is the user's stage
        ("/deal list [mine|team|all] [stage <stage>]", f"/deal list [mine|team|all] [stage <{pseudo('stage')}>]"),
        # `owner` is typed before a person; `@user` is the person
        ("[team|all|owner @user]", f"[team|all|owner @{pseudo('user')}]"),
        ("currency <code|none> | language <en|tr|default>", f"currency <{pseudo('code')}|none> | language <en|tr|default>"),
        ("/deal tick [#deal] <n…> [n=evidence]", f"/deal tick [#{pseudo('deal')}] <n…> [n={pseudo('evidence')}]"),
        ("/deal sendback <n> <what is missing>", f"/deal sendback <n> <{pseudo('what is missing')}>"),
    ],
)  # fmt: skip
def test_placeholders_are_translated_and_typed_words_stay(usage: str, shown: str) -> None:
    with using_locale(PSEUDO):
        assert shown_usage(usage) == shown


def test_english_usage_is_the_spec_as_written() -> None:
    usage = "/deal owners [set <owner> <#channel> [@group] | remove <owner>]"
    assert shown_usage(usage) == usage
