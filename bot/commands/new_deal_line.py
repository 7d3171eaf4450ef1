"""Reading `/deal new <name> [amount [CUR]] [close <date>] [@owner]` as a person writes it.

The owner, the expected close date and the amount are read off the end; the rest is the
name. `close` is a field word in lower case only, as in `/deal edit`: `Close Brothers` is a
name, and a name with a lower-case `close` inside it is written in quotes. Where a line could be
read two ways, the rules are (docs/written-values.md):

- A name in quotes is the name, whatever it holds: `"Project 2027" 50k`. Straight and curly
  double quotes (`"…"`, `“…”`, `„…“`, `«…»`) always quote; an unclosed one is refused.
  Single quotes (`'…'`, `‘…’`) quote only a name that begins with one and is closed by one
  ending a word; otherwise they are apostrophes and stay: `O'Brien`, `Dunkin' Donuts`.
- A lone word is a name, never an amount; `/deal new 50k` is refused as a name (creating).
- A one-word name that reads like an amount is a name when an amount follows: `3M 50k` is
  "3M" worth 50,000.
- A bare year-like number last (1900–2099, no currency, no k or m, no commas) belongs to
  the name: `Project 2027`. A round one (`Acme 2000`) could be either, so the line is asked
  about rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.commands.aliases import field_word
from bot.commands.spec import Refused
from bot.core.amounts_tr import SCALES, is_amount_tail
from bot.core.dates import Ambiguous, WrittenDate, read_date
from bot.core.values import Amount, BadValue, looks_like_amount, parse_amount
from flows.i18n import _
from storage.name_keys import fold

# An opening quote and the marks that may close it (people mix straight and curly ones).
DOUBLE_QUOTES = {'"': '"”“', "“": '”"', "„": '“”"', "«": "»"}
SINGLE_QUOTES = {"'": "'’", "‘": "’'"}
_YEAR_LIKE = re.compile(r"^(19|20)\d\d$")
CLOSE_WORD = "close"


@dataclass(frozen=True, slots=True)
class NameAndAmount:
    name: str
    amount: Amount | None
    certain: bool  # quoted, or an amount came after it: a name even if it reads like one


def read_name_and_amount(text: str, *, owner: str = "") -> NameAndAmount | Refused:
    """`text`: the line after `new`, its owner already taken off (`owner`: as it was
    written, for the examples an answer gives)."""
    quoted = split_quoted(text)
    if isinstance(quoted, Refused):
        return quoted
    if quoted is not None:
        name, tail = quoted
        amount = _amount_after_quotes(tail, name)
        return amount if isinstance(amount, Refused) else NameAndAmount(name, amount, True)
    return _unquoted(text.split(), owner)


def split_quoted(text: str) -> tuple[str, str] | Refused | None:
    """`"Project 2027" 50k` → ("Project 2027", "50k"); None when no quote opens the text."""
    stripped = text.strip()
    opening = stripped[:1]
    closers = DOUBLE_QUOTES.get(opening) or SINGLE_QUOTES.get(opening)
    if not closers:
        return None
    # the last closing mark that ends a word: `"Acme "Big" Deal" 50k` keeps its inner quotes
    ends = [
        i for i in range(1, len(stripped)) if stripped[i] in closers and _ends_word(stripped, i)
    ]
    if ends:
        return stripped[1 : ends[-1]], stripped[ends[-1] + 1 :].strip()
    if opening in SINGLE_QUOTES:
        return None  # an apostrophe: `'t Hooft`
    return Refused(
        _("the quote that opens {text} is not closed").format(text=stripped),
        _('close it after the name, e.g. /deal new "Project 2027" 50k'),
    )


def _ends_word(text: str, index: int) -> bool:
    return index + 1 == len(text) or text[index + 1].isspace()


def _amount_after_quotes(tail: str, name: str) -> Amount | None | Refused:
    words = tail.split()
    if not words:
        return None
    if len(words) > 3 or not looks_like_amount(words[0]) or not all(map(is_amount_tail, words[1:])):
        return Refused(
            _("after the quoted name comes only the amount and the owner, not '{tail}'").format(
                tail=tail
            ),
            _('e.g. /deal new "{name}" 50k @dana').format(name=name),
        )
    return _amount(tail)


def _unquoted(words: list[str], owner: str) -> NameAndAmount | Refused:
    """`Acme 50k EUR` → ("Acme", 50,000 EUR); a lone word is the name."""
    tail = _tail_length(words)
    if tail:  # `Acme 50k EUR`, `Acme 50 bin`, `Acme 1,2 milyon TL`
        name_words, amount_text = words[:-tail], " ".join(words[-tail:])
    elif len(words) > 1 and looks_like_amount(words[-1]) and not _YEAR_LIKE.match(words[-1]):
        name_words, amount_text = words[:-1], words[-1]
    elif len(words) > 1 and _YEAR_LIKE.match(words[-1]) and words[-1].endswith("00"):
        return _name_or_amount(words, owner)
    else:
        return NameAndAmount(" ".join(words), None, False)
    amount = _amount(amount_text)
    if isinstance(amount, Refused):
        return amount
    return NameAndAmount(" ".join(name_words), amount, True)


def _tail_length(words: list[str]) -> int:
    """How many last words are an amount with words after its number (a currency code,
    `TL`, `bin`, `milyon`): 3 (`1,2 milyon TL`: a scale word in the middle), 2, or 0 when
    there is none, or no name before it."""
    for length in (3, 2):
        start = len(words) - length
        if length == 3 and (start < 1 or fold(words[-2]) not in SCALES):
            continue
        tail = words[start + 1 :]
        if start >= 1 and looks_like_amount(words[start]) and all(map(is_amount_tail, tail)):
            return length
    return 0


def _amount(text: str) -> Amount | Refused:
    amount = parse_amount(text)
    return Refused(amount.message, amount.hint) if isinstance(amount, BadValue) else amount


def _name_or_amount(words: list[str], owner: str) -> Refused:
    """`Acme 2000`: a deal named 'Acme 2000', or 'Acme' worth 2,000? Asked, not guessed."""
    whole, name, number = " ".join(words), " ".join(words[:-1]), int(words[-1])
    then = f" {owner}" if owner else ""
    return Refused(
        _("did you mean a deal named '{whole}', or '{name}' worth {amount:,}?").format(
            whole=whole, name=name, amount=number
        ),
        _(
            'write /deal new "{whole}"{then} for the name, or /deal new {name} {short}{then} for the amount'
        ).format(whole=whole, name=name, short=f"{number / 1000:g}k", then=then),
    )


def split_close(text: str) -> tuple[str, WrittenDate | None] | Refused:
    """`Acme 50k close next friday` → ("Acme 50k", next Friday); the words after the last
    lower-case `close` are the date (outside a quoted name), and must read as one."""
    stripped = text.strip()
    quoted = split_quoted(stripped)
    tail = quoted[1] if isinstance(quoted, tuple) else stripped
    head = stripped[: len(stripped) - len(tail)]
    words = tail.split()
    closes = (i for i, word in enumerate(words[:-1]) if field_word(word) == CLOSE_WORD)
    at = max(closes, default=None)  # `close` or `kapanış`
    if at is None:
        return stripped, None
    written = read_date(" ".join(words[at + 1 :]))
    if isinstance(written, Ambiguous):
        return Refused(written.question, written.hint)
    if isinstance(written, BadValue):
        return Refused(
            written.message,
            _(
                "{hint}; a name with 'close' in it goes in quotes: /deal new \"Close call\" 50k"
            ).format(hint=written.hint),
        )
    return f"{head}{' '.join(words[:at])}".strip(), written
