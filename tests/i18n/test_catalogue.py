"""The Turkish catalogue against the code (docs/i18n.md): every message the code marks has a
Turkish translation that keeps what the code and Slack read in it ({placeholders}, Slack's
<@…> and <#…> tokens, code spans, :emoji: codes, line breaks), the shipped .mo says exactly
what the .po says, and nothing in it is fuzzy or left over from messages the code dropped.

Messages are found as `pybabel extract -F babel.cfg` finds them: with the same keywords and
the same extraction method (flows/i18n_extract.py, which also reads f-strings)."""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterator

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo, write_mo

from tests.i18n.sources import CATALOGUE, catalogue, said_in_code

PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# %-style, in argparse's messages (bot/cli/language.py): `%(prog)s`, `%s`, `%r`; not `%%`.
PERCENT = re.compile(r"%(?:\([a-z_]+\))?[srd]")
# Slack's own markup: a mention, a channel, `<!here>`, a link with its label. A usage
# hint such as `/deal tick <numbers>` is words for people and is translated.
SLACK_TOKEN = re.compile(r"<[@#!][^<>]*>|<(?:https?://|mailto:|\{)[^<>|]*\|[^<>]*>")
EMOJI = re.compile(r":[a-z0-9_+-]+:")


def entries() -> Iterator[Message]:
    return (message for message in catalogue() if message.id)


def forms(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if isinstance(value, tuple | list):
        return tuple(value)
    return (value,) if value else ()


def marks(text: str) -> dict[str, object]:
    """What a translation must keep as the English has it."""
    return {
        "placeholders": Counter(PLACEHOLDER.findall(text)),
        "%-placeholders": Counter(PERCENT.findall(text)),
        "Slack tokens": Counter(SLACK_TOKEN.findall(text)),
        "emoji": Counter(EMOJI.findall(text)),
        "backticks": text.count("`"),
        "line breaks": text.count("\n"),
    }


def differences(english: str, turkish: str) -> list[str]:
    want, got = marks(english), marks(turkish)
    return [f"{kind}: {want[kind]} vs {got[kind]}" for kind in want if want[kind] != got[kind]]


def test_the_extraction_finds_the_messages() -> None:
    said = said_in_code()
    assert len(said) > 1000
    assert said["Amount"].forms == ("Amount",)
    assert said["the last day"].forms == ("the last day", "the last {count} days")  # counted


def test_every_message_the_code_says_has_a_turkish_translation() -> None:
    missing = []
    for msgid, said in said_in_code().items():
        entry = catalogue().get(msgid)
        translated = forms(entry.string) if entry else ()
        if len(translated) < len(said.forms) or not all(translated):
            missing.append(f"{said.where}: {msgid!r}")
    assert not missing, f"{len(missing)} messages without Turkish:\n" + "\n".join(missing)


def test_counted_messages_are_counted_in_the_catalogue_too() -> None:
    wrong = [
        f"{said.where}: {said.forms} vs {forms(entry.id)}"
        for msgid, said in said_in_code().items()
        if (entry := catalogue().get(msgid)) is not None and forms(entry.id) != said.forms
    ]
    assert not wrong, "\n".join(wrong)


def test_translations_keep_what_the_code_and_slack_read() -> None:
    """A plural's singular may follow either English form ("the last day" → "son {count}
    gün": counted fills {count} in both); its other form follows the English plural."""
    wrong = []
    for entry in entries():
        english, turkish = forms(entry.id), forms(entry.string)
        for number, translated in enumerate(turkish):
            if not translated:
                continue  # missing: the test above names it
            candidates = english[number:] if number == 0 else english[-1:]
            found = [differences(source, translated) for source in candidates]
            if all(found):
                wrong.append(f"{english[0]!r} → {translated!r}: {'; '.join(found[0])}")
    assert not wrong, f"{len(wrong)} translations differ:\n" + "\n".join(wrong)


def test_counted_messages_have_both_forms() -> None:
    catalogue_forms = catalogue().num_plurals
    assert catalogue_forms == 2  # Plural-Forms: nplurals=2; plural=(n != 1)
    short = [
        repr(entry.id)
        for entry in entries()
        if entry.pluralizable and (len(forms(entry.string)) != 2 or not all(entry.string))
    ]
    assert not short, "\n".join(short)


def test_nothing_is_fuzzy_or_obsolete() -> None:
    assert not catalogue().fuzzy, "the header is marked fuzzy"
    assert [entry.id for entry in entries() if entry.fuzzy] == []
    assert list(catalogue().obsolete) == []  # `#~` entries


def test_every_entry_is_something_the_code_still_says() -> None:
    """What the code no longer says would be made obsolete by `pybabel update`."""
    said = said_in_code()
    left_over = [repr(entry.id) for entry in entries() if forms(entry.id)[0] not in said]
    assert not left_over, f"{len(left_over)} entries the code no longer says:\n" + "\n".join(
        left_over
    )


def test_the_shipped_mo_holds_what_the_po_says() -> None:
    compiled = io.BytesIO()
    write_mo(compiled, catalogue())
    compiled.seek(0)
    with CATALOGUE.with_suffix(".mo").open("rb") as shipped:
        assert _messages(read_mo(shipped)) == _messages(read_mo(compiled))


def _messages(catalog: Catalog) -> dict[tuple[str, ...], tuple[str, ...]]:
    return {forms(message.id): forms(message.string) for message in catalog}
