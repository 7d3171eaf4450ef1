"""Is a checklist item or an activity specific and actionable? A heuristic, not a grammar.

The map's `locale` picks the language of the rules: Turkish (`tr`, `tr_TR`) has its own
lists in flows.wording_tr; every other locale is read as English (docs/maps.md).

The source article asks for steps a rep can act on: an instruction that starts with what the
rep does ("Confirm the budget with the economic buyer"), not a state ("Budget ok"), a hedge
("Maybe send a deck") or a catch-all ("Follow up as needed").
"""

from __future__ import annotations

import re

from flows import wording_tr
from flows.i18n import _
from flows.problems import Vagueness

__all__ = ["Vagueness", "is_action_verb", "vagueness"]

MIN_WORDS = 3

# Common imperative verbs of sales, marketing, delivery and support work. Words that are
# mostly nouns in a checklist ("budget", "demo", "contract") are left out on purpose.
ACTION_VERBS = frozenset(
    """
    accept access acknowledge add address adjust agree align allocate analyse analyze answer
    apply appoint approve archive arrange ask assemble assess assign attach attend audit
    authorize automate benchmark bill book brief build calculate call capture catalogue
    categorize celebrate certify change check choose clarify classify clean close coach
    collect combine commit communicate compare compile complete compute configure confirm
    connect consolidate consult contact continue convert coordinate copy correct countersign
    create cross-check customize deactivate debrief decide declare define delegate deliver
    demonstrate deploy describe design detail determine develop diagnose discover discuss
    dispatch distribute document double-check download draft drive email enable encourage
    engage enroll ensure enter escalate establish estimate evaluate examine exchange execute
    expand explain explore export extend fill finalize find fix flag follow forecast forward
    gather generate get give go grant greet handle hand help highlight hold host identify
    implement import improve include inform initiate input inspect install instrument
    integrate interview introduce invite invoice issue keep kick launch lead learn link list
    listen load locate log look maintain make manage map mark measure meet mention merge
    migrate model monitor name negotiate nominate note notify obtain offer onboard open
    order organize outline own pair pitch place plan post prepare present price print
    prioritize probe process procure produce propose prototype prove provide provision
    publish qualify quantify question quote raise rank reach read receive recommend
    reconcile record recruit redline refer refine register reject release remind remove
    renew replace reply report request require research reserve resolve respond restate
    review revise roll run save schedule score screen secure segment select send set settle
    share ship show shortlist sign size solve sort source specify sponsor stage start state
    submit suggest summarize supply support survey sync tailor take talk target teach test
    thank tick track train transfer translate triage trial tune update upgrade upload use
    validate verify visit walk warm watch welcome win work write anchor avoid bring buy
    bundle cancel challenge charge chase counter cross-sell earn equip frame gain grow hear
    hire invest join land leave mail meet move nudge observe pass pay phone ping position
    practice practise pull push put rehearse repeat retain return reward role-play sell
    shadow split step stop study tag tell trade turn upsell wait waive
    """.split()
)

# Prefixes that keep a verb a verb: re-engage, pre-qualify, co-sign, double-check.
VERB_PREFIXES = ("re-", "re", "pre-", "pre", "co-", "co", "double-", "cross-", "up", "out", "over")

# Word endings that (almost) only verbs have in English: prioritize, quantify.
VERB_SUFFIXES = ("ize", "ify")

VAGUE_WORDS = frozenset(
    [
        "maybe",
        "perhaps",
        "possibly",
        "probably",
        "etc",
        "etcetera",
        "stuff",
        "things",
        "thing",
        "various",
        "somehow",
        "something",
        "someday",
        "sometime",
        "whatever",
        "misc",
        "miscellaneous",
        "tbd",
        "tba",
    ]
)

VAGUE_PHRASES = (
    "as needed",
    "if needed",
    "as necessary",
    "if necessary",
    "as appropriate",
    "if possible",
    "when possible",
    "where possible",
    "and so on",
    "and so forth",
    "try to",
    "or something",
    "or so",
)

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_PUNCTUATION = "\"'“”‘’()[]{}:;,.!?*_"


def vagueness(text: str, *, locale: str = "en") -> Vagueness | None:
    """Why `text` is not a specific, actionable step in the map's language; None when it is."""
    if wording_tr.is_turkish(locale):
        return wording_tr.vagueness(text)
    words = _WORD.findall(text)
    lowered = " ".join(word.lower() for word in words)
    vague = sorted({word for word in lowered.split() if word in VAGUE_WORDS})
    vague += [phrase for phrase in VAGUE_PHRASES if f" {phrase} " in f" {lowered} "]
    if vague:
        return Vagueness(
            _("vague wording: {words}").format(words=", ".join(repr(word) for word in vague)),
            _("say exactly what is done and when it counts as done"),
        )
    if len(text.split()) < MIN_WORDS:
        return Vagueness(
            _("too short to act on ({count} words)").format(count=len(text.split())),
            _("say who does what, e.g. 'Confirm the budget with the economic buyer'"),
        )
    return _not_an_instruction(text.split()[0].strip(_PUNCTUATION), words=words)


def is_action_verb(word: str) -> bool:
    """True for an imperative verb from the list, or a word shaped like one."""
    word = word.lower().strip("'’-")
    if word in ACTION_VERBS:
        return True
    for prefix in VERB_PREFIXES:
        rest = word.removeprefix(prefix)
        if rest != word and len(rest) > 2 and rest in ACTION_VERBS:
            return True
    british = word[:-3] + "ize" if word.endswith("ise") else word
    return british in ACTION_VERBS or (len(word) > 5 and word.endswith(VERB_SUFFIXES))


def _not_an_instruction(first: str, *, words: list[str]) -> Vagueness | None:
    if is_action_verb(first):
        return None
    # "Budget confirmed by the CFO" states a result; the verb it hides makes the instruction.
    later = (_base_form(w.lower()) for w in words[1:] if w.lower().endswith("ed"))
    base = _base_form(first.lower()) or next((found for found in later if found), None)
    hint = (
        _("write it as an instruction: '{verb} ...'").format(verb=base.capitalize())
        if base
        else _("start with what the rep does, e.g. 'Confirm', 'Send', 'Schedule'")
    )
    return Vagueness(_("does not start with an action verb ('{word}')").format(word=first), hint)


def _base_form(word: str) -> str | None:
    """'confirmed' → 'confirm', 'identified' → 'identify', 'sending' → 'send'."""
    candidates = [word[:-3] + "y", word[:-2], word[:-1]] if word.endswith("ied") else []
    if word.endswith("ed"):
        candidates += [word[:-2], word[:-1], word[:-3]]
    if word.endswith("ing"):
        candidates += [word[:-3], word[:-3] + "e", word[:-4]]
    return next((c for c in candidates if c in ACTION_VERBS), None)
