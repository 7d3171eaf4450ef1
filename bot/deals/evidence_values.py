"""Reading an evidence value as the map types it (docs/maps.md, "Evidence"): the same rule
for `/deal tick 2="…"`, the evidence form and the shell, so a value that one refuses the
others refuse too.

A value is kept as text, in one canonical spelling per type: a number without grouping
commas, money as the deal amounts are written (in the deal's currency unless the value
names one), a date as YYYY-MM-DD, a person as a Slack mention, a URL with its scheme, a
choice as the map spells it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from dateutil import parser as date_parser

from bot.core.dates_tr import turkish_in_english
from bot.core.slack_ids import user_id
from bot.core.slack_text import as_text
from bot.core.values import BadValue, parse_amount
from flows.caseless import caseless
from flows.i18n import _
from flows.schema import Evidence, EvidenceType

MAX_EVIDENCE = 500
_NUMBER = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
# Turkish writes 2,5 and 1.250,75: a decimal comma, read only where no English reading
# exists (1,500 stays fifteen hundred; docs/written-values.md).
_DECIMAL_COMMA = re.compile(r"^-?(\d{1,3}(\.\d{3})+,\d+|\d+,(\d{1,2}|\d{4,}))$")
_MONTH_WORD = re.compile(r"[A-Za-z]{3,}")
_YEAR = re.compile(r"\b\d{4}\b")


def read_evidence_value(
    evidence: Evidence, raw: str, *, currency: str | None = None
) -> str | BadValue:
    """The value to record for `raw`, or what is wrong with it; `currency`: the deal's, for
    money that names none (a proposal of "48k" on a deal in euros is 48,000 EUR)."""
    text = " ".join(raw.split())
    if not text:
        return BadValue(
            _("{prompt} is empty").format(prompt=evidence.prompt),
            _("write it in words, up to {most} characters").format(most=MAX_EVIDENCE)
            if evidence.type is EvidenceType.TEXT
            else _("give the value, e.g. {example}").format(example=example_for(evidence)),
        )
    if len(text) > MAX_EVIDENCE:
        return BadValue(
            _("{prompt} is too long").format(prompt=evidence.prompt),
            _("give it in up to {most} characters").format(most=MAX_EVIDENCE),
        )
    if evidence.type is EvidenceType.CHOICE:
        return _choice(evidence, text)
    if evidence.type is EvidenceType.MONEY:
        return _money(text, currency)
    return READERS[evidence.type](text)


def _text(text: str) -> str | BadValue:
    return as_text(text)  # a mention in it reads as the name it shows


def _number(text: str) -> str | BadValue:
    digits = None
    if _NUMBER.fullmatch(text):
        digits = text.replace(",", "")
    elif _DECIMAL_COMMA.fullmatch(text):
        digits = text.replace(".", "").replace(",", ".")
    if digits is not None:
        try:
            number = Decimal(digits)
        except InvalidOperation:  # cannot happen after the patterns; refused all the same
            number = None
        if number is not None:
            return f"{number:f}"
    return BadValue(
        _("'{text}' is not a number").format(text=text),
        _("write digits, e.g. 12, 1,500 or 2.5"),
    )


def _money(text: str, currency: str | None) -> str | BadValue:
    amount = parse_amount(text)
    if isinstance(amount, BadValue):
        return amount
    figure = f"{Decimal(str(amount.value)).normalize():,f}"
    code = amount.currency or currency
    return f"{figure} {code}" if code else figure


def _date(text: str) -> str | BadValue:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    # "15 Jan 2027" or "Jan 15, 2027": a month written as a word is never ambiguous;
    # "03/04/2027" is (March or April?), so digits alone must be YYYY-MM-DD. The year is
    # asked for: "15 Jan" could be last January or the next. Turkish months too:
    # "15 Ocak 2027" (bot.core.dates_tr).
    english = turkish_in_english(" ".join(text.lower().split()))
    if _MONTH_WORD.search(english) and _YEAR.search(english):
        read = {_parsed(english, default) for default in _DEFAULTS}
        found = read.pop() if len(read) == 1 else None
        if found is not None:  # the text alone fixed every part
            return found
    return BadValue(
        _("'{text}' is not a date I can read").format(text=text),
        _(
            "write it as YYYY-MM-DD or with the month's name and the year, e.g. 2027-01-15 or 15 Jan 2027"
        ),
    )


# Two defaults that differ in every part: a date the text does not fully give ("March
# 2027", "Monday 2027") reads differently with each, and is refused rather than guessed.
_DEFAULTS = (dt.datetime(2000, 1, 1), dt.datetime(2001, 2, 2))


def _parsed(text: str, default: dt.datetime) -> str | None:
    try:
        return date_parser.parse(text, default=default).date().isoformat()
    except (ValueError, OverflowError):
        return None


def _person(text: str) -> str | BadValue:
    found = user_id(text)
    if found is None:
        return BadValue(
            _("'{text}' does not name someone in this workspace").format(text=text),
            _("mention them with @, e.g. @dana"),
        )
    return f"<@{found}>"


def _url(text: str) -> str | BadValue:
    # Slack's `<https://…|label>` in a command was read at the edge (bot.core.slack_text)
    url = text
    if "://" not in url:
        url = f"https://{url}"
    try:
        parts = urlsplit(url)
    except ValueError:  # "https://[": an unclosed IPv6 bracket
        parts = None
    if parts and parts.scheme in ("http", "https") and "." in parts.netloc and " " not in url:
        return url
    return BadValue(
        _("'{text}' is not a web address").format(text=text),
        _("paste the link, e.g. https://example.com/signed-order.pdf"),
    )


def _choice(evidence: Evidence, text: str) -> str | BadValue:
    wanted = caseless(text)
    for option in evidence.options:
        if caseless(option) == wanted:
            return option
    return BadValue(
        _("'{text}' is not one of the choices for {prompt}").format(
            text=text, prompt=evidence.prompt
        ),
        _("pick one of: {options}").format(options=", ".join(evidence.options)),
    )


# Money (it takes the deal's currency) and a choice (the map's options) are read above.
READERS: dict[EvidenceType, Callable[[str], str | BadValue]] = {
    EvidenceType.TEXT: _text,
    EvidenceType.NUMBER: _number,
    EvidenceType.DATE: _date,
    EvidenceType.PERSON: _person,
    EvidenceType.URL: _url,
}

EXAMPLES: dict[EvidenceType, str] = {  # translated where shown (example_for)
    EvidenceType.TEXT: "…",
    EvidenceType.NUMBER: "12",
    EvidenceType.MONEY: "50k",
    EvidenceType.DATE: "2027-01-15",
    EvidenceType.PERSON: "@dana",
    EvidenceType.URL: "https://example.com/order.pdf",
}


def example_for(evidence: Evidence) -> str:
    """A value this evidence would accept, to show in a hint."""
    if evidence.type is EvidenceType.CHOICE:
        return evidence.options[0]
    return _(EXAMPLES[evidence.type])
