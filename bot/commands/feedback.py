"""`/deal feedback`: give feedback on the map (`[#deal] <text>`), or, for the map's owners,
read it (`list [open|done|all]`) and close an entry (`done <n> <note>`).

`list` and `done` are words of the command: feedback that begins with either is read as
them, and a mistyped one says so rather than record "list al" as feedback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.commands.spec import Answer, CommandSpec, Refused
from bot.commands.words import free_text, split_deal
from bot.core.context import Actor, Services
from bot.core.refs import DealRef
from bot.deals.feedback import Status
from bot.deals.feedback_giving import record_feedback
from bot.deals.feedback_owners import close_feedback, list_feedback
from flows.i18n import N_, _

_NUMBER = re.compile(r"#?(\d{1,9})")


@dataclass(frozen=True, slots=True)
class FeedbackArgs:
    ref: DealRef  # the deal it is given from: `#42` first, else the author's current one
    text: str


@dataclass(frozen=True, slots=True)
class FeedbackListArgs:
    status: Status = Status.OPEN


@dataclass(frozen=True, slots=True)
class FeedbackDoneArgs:
    number: int
    note: str


FeedbackCommand = FeedbackArgs | FeedbackListArgs | FeedbackDoneArgs


def parse_feedback(rest: str) -> FeedbackCommand | Refused:
    head, _sep, tail = rest.strip().partition(" ")
    word = head.lower()
    if word == "list":
        return _parse_list(tail.strip())
    if word == "done":
        return _parse_done(tail.strip())
    ref, text = split_deal(rest)
    if not text:
        return Refused(
            _("the feedback is missing"),
            _("write what should change in the map, e.g. {example}").format(
                example="/deal feedback demo needs a security review item"
            ),
        )
    return FeedbackArgs(ref, free_text(text))


def _parse_list(rest: str) -> FeedbackListArgs | Refused:
    if not rest:
        return FeedbackListArgs()
    try:
        return FeedbackListArgs(Status(rest.lower()))
    except ValueError:
        return Refused(
            _("'{word}' is not a kind of feedback to list").format(word=rest),
            _("write open (the default), done or all, e.g. /deal feedback list all"),
        )


def _parse_done(rest: str) -> FeedbackDoneArgs | Refused:
    head, _sep, note = rest.partition(" ")
    example = _("e.g. /deal feedback done 3 added a security review item to Demo")
    if not head:
        return Refused(_("done needs the number of the feedback and a note"), example)
    number = _NUMBER.fullmatch(head)
    if number is None or int(number.group(1)) == 0:
        return Refused(
            _("'{word}' is not a feedback number").format(word=head),
            _("the numbers are in /deal feedback list; {example}").format(example=example),
        )
    return FeedbackDoneArgs(int(number.group(1)), free_text(note))


async def _feedback(services: Services, actor: Actor, args: FeedbackCommand) -> Answer:
    if isinstance(args, FeedbackListArgs):
        return await list_feedback(services, actor, args.status)
    if isinstance(args, FeedbackDoneArgs):
        return await close_feedback(services, actor, args.number, args.note)
    return await record_feedback(services, actor, args.text, ref=args.ref)


FEEDBACK: CommandSpec[FeedbackCommand] = CommandSpec(
    "feedback",
    "/deal feedback [#deal] <text> · list [open|done|all] · done <n> <note>",
    N_(
        "Feedback on the process map for its owners (about the stage it names, or your "
        "deal's). Managers and admins: list it, and mark an entry done with a note (its "
        "author is told)"
    ),
    parse_feedback,
    _feedback,
    (
        "/deal feedback demo needs a security review item",
        "/deal feedback list",
        "/deal feedback done 3 added a security review item to Demo",
    ),
)
