"""The `/deal` grammar, defined once as data: the parser, `/deal help`, the shell's tab
completion and the README's command table all read `COMMANDS`.

A command line is `/deal <subcommand> <rest>`; each subcommand parses its own rest, since
free text (reasons, objections) must keep its apostrophes and spacing.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flows.i18n import _

_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_CHANNEL = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$")
_DEAL_ID = re.compile(r"^#\d{1,12}$")
_AMOUNTISH = re.compile(r"^-?[$€£¥₺]?\d")


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed command: its name, the deal it names (if any) and its arguments."""

    command: str
    deal: str | None = None
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ParseError:
    message: str
    usage: str
    suggestion: str | None = None


Parser = Callable[[str], Parsed | ParseError]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    usage: str
    summary: str
    parse: Parser = field(repr=False)
    examples: tuple[str, ...] = ()
    group: str = "deals"


def user_id(token: str) -> str | None:
    """`<@U123|dana>` (as Slack escapes a mention) or a bare `U123` → `U123`."""
    match = _MENTION.match(token)
    if match:
        return match.group(1)
    return token if re.fullmatch(r"[UW][A-Z0-9]{2,}", token) else None


def channel_id(token: str) -> str | None:
    match = _CHANNEL.match(token)
    return match.group(1) if match else None


def split_deal(rest: str) -> tuple[str | None, str]:
    """A leading `#42` names the deal; the remainder is the command's own argument."""
    head, _sep, tail = rest.strip().partition(" ")
    if _DEAL_ID.match(head):
        return head, tail.strip()
    return None, rest.strip()


# -- per-command parsers -----------------------------------------------------------------


def _deal_only(name: str) -> Parser:
    def parse(rest: str) -> Parsed | ParseError:
        return Parsed(name, deal=rest.strip() or None)

    return parse


def _text(name: str, *, key: str, what: str, required: bool = True) -> Parser:
    def parse(rest: str) -> Parsed | ParseError:
        deal, text = split_deal(rest)
        if required and not text:
            return ParseError(_("{what} is missing").format(what=what), usage_of(name))
        return Parsed(name, deal=deal, args={key: text or None})

    return parse


def _parse_new(rest: str) -> Parsed | ParseError:
    """`<name words> [amount [CUR]] [@owner]`: the owner and amount are read off the end."""
    tokens = rest.split()
    owner = None
    if tokens and (tokens[-1].startswith(("<@", "@")) or user_id(tokens[-1])):
        owner = user_id(tokens[-1])
        if owner is None:
            return ParseError(
                _("'{token}' is not a Slack user").format(token=tokens[-1]),
                usage_of("new"),
                _("mention the owner with @, e.g. @dana"),
            )
        tokens = tokens[:-1]
    amount = None
    with_code = (
        len(tokens) > 2 and re.fullmatch(r"[A-Z]{3}", tokens[-1]) and _AMOUNTISH.match(tokens[-2])
    )
    if with_code:
        amount, tokens = " ".join(tokens[-2:]), tokens[:-2]
    elif len(tokens) > 1 and _AMOUNTISH.match(tokens[-1]):
        amount, tokens = tokens[-1], tokens[:-1]
    return Parsed("new", args={"name": " ".join(tokens) or None, "amount": amount, "owner": owner})


def _parse_ticks(name: str) -> Parser:
    def parse(rest: str) -> Parsed | ParseError:
        deal, text = split_deal(rest)
        items, evidence = _items_and_evidence(text)
        if not items and not evidence:
            return ParseError(
                _("which items? give their numbers"),
                usage_of(name),
                _("e.g. /deal {name} 1 3").format(name=name),
            )
        if name == "untick" and evidence:
            return ParseError(_("untick takes item numbers only"), usage_of(name))
        return Parsed(name, deal=deal, args={"items": items, "evidence": evidence})

    return parse


_ITEM_TOKEN = re.compile(r'(\w+)=("[^"]*"|\S+)|(\S+)')


def _items_and_evidence(text: str) -> tuple[list[str], dict[str, str]]:
    """`1 3 2="$50k budget"` → (["1", "3"], {"2": "$50k budget"}); commas also separate."""
    items: list[str] = []
    evidence: dict[str, str] = {}
    for match in _ITEM_TOKEN.finditer(text.replace(",", " ")):
        if match.group(1):
            evidence[match.group(1)] = match.group(2).strip('"')
        else:
            items.append(match.group(3))
    return items, evidence


def _parse_list(rest: str) -> Parsed | ParseError:
    words = rest.split()
    if not words:
        return Parsed("list", args={"scope": "mine"})
    if words[0] in ("mine", "team", "all") and len(words) == 1:
        return Parsed("list", args={"scope": words[0]})
    if words[0] == "stage" and len(words) > 1:
        return Parsed("list", args={"scope": "all", "stage": " ".join(words[1:])})
    return ParseError(_("'{text}' is not a list scope").format(text=rest.strip()), usage_of("list"))


def _parse_role(rest: str) -> Parsed | ParseError:
    words = rest.split()
    if len(words) != 2 or user_id(words[0]) is None:
        return ParseError(
            _("role needs a user and a role"), usage_of("role"), _("e.g. /deal role @dana manager")
        )
    return Parsed("role", args={"user": user_id(words[0]), "role": words[1]})


def _parse_team(rest: str) -> Parsed | ParseError:
    words = rest.split()
    if len(words) < 3 or user_id(words[0]) is None or words[1] not in ("add", "remove"):
        return ParseError(
            _("team needs a manager, add or remove, and reps"),
            usage_of("team"),
            _("e.g. /deal team @maria add @sam @lee"),
        )
    reps = [user_id(word) for word in words[2:]]
    if any(rep is None for rep in reps):
        return ParseError(_("mention each rep with @"), usage_of("team"))
    return Parsed("team", args={"manager": user_id(words[0]), "action": words[1], "reps": reps})


def _no_arguments(name: str) -> Parser:
    def parse(rest: str) -> Parsed | ParseError:
        if rest.strip():
            return ParseError(_("{name} takes no arguments").format(name=name), usage_of(name))
        return Parsed(name)

    return parse


def _parse_stats(rest: str) -> Parsed | ParseError:
    """One optional period; its value is checked by the use case (it needs today's date)."""
    words = rest.split()
    if len(words) > 1:
        return ParseError(
            _("stats takes one period, not '{text}'").format(text=rest.strip()),
            usage_of("stats"),
            _("e.g. /deal stats 30d, /deal stats last-quarter or /deal stats all"),
        )
    return Parsed("stats", args={"period": words[0] if words else None})


def _parse_plan(rest: str) -> Parsed | ParseError:
    """`<quota> [CUR] [month|quarter|year]`: the quota as amounts are written, e.g. 1.2m."""
    words = rest.split()
    if len(words) > 1 and re.fullmatch(r"[A-Z]{3}", words[1]):
        words = [f"{words[0]} {words[1]}", *words[2:]]
    if not words or len(words) > 2:
        return ParseError(
            _("plan needs a quota and, optionally, month, quarter or year"),
            usage_of("plan"),
            _("e.g. /deal plan 1.2m quarter"),
        )
    return Parsed("plan", args={"quota": words[0], "period": words[1] if len(words) > 1 else None})


def _parse_help(rest: str) -> Parsed | ParseError:
    return Parsed("help", args={"topic": rest.strip().lower() or None})


def _parse_onboard(rest: str) -> Parsed | ParseError:
    """Nothing: start or resume; `status`: progress of one's reps; `@user`: invite them."""
    words = rest.split()
    if not words:
        return Parsed("onboard", args={"mode": "resume"})
    if len(words) == 1 and words[0].lower() == "status":
        return Parsed("onboard", args={"mode": "status"})
    if len(words) == 1 and user_id(words[0]):
        return Parsed("onboard", args={"mode": "invite", "user": user_id(words[0])})
    return ParseError(
        _("'{text}' is neither status nor a @user").format(text=rest.strip()),
        usage_of("onboard"),
        _("e.g. /deal onboard, /deal onboard status or /deal onboard @sam"),
    )


def _parse_digest(rest: str) -> Parsed | ParseError:
    """`subscribe <#channel> daily|weekly [HH:MM] [team|all|owner @user]`, `unsubscribe
    <#channel>`, `list`; the values themselves are checked by bot.digests.subscribe."""
    action, *words = rest.split() or [""]
    action = action.lower()
    if action == "list" and not words:
        return Parsed("digest", args={"action": "list"})
    if action not in ("subscribe", "unsubscribe"):
        return ParseError(
            _("'{word}' is not a digest action").format(word=action)
            if action
            else _("digest needs an action"),
            usage_of("digest"),
            _("write subscribe, unsubscribe or list"),
        )
    channel = channel_id(words[0]) if words else None
    if channel is None:
        return ParseError(
            _("'{token}' is not a channel").format(token=words[0] if words else ""),
            usage_of("digest"),
            _("name the channel with #, picked from Slack's list, e.g. #sales"),
        )
    if action == "unsubscribe":
        if len(words) > 1:
            return ParseError(_("unsubscribe takes only the channel"), usage_of("digest"))
        return Parsed("digest", args={"action": action, "channel": channel})
    return _digest_schedule(channel, words[1:])


def _digest_schedule(channel: str, words: list[str]) -> Parsed | ParseError:
    if not words:
        return ParseError(_("daily or weekly?"), usage_of("digest"))
    args: dict[str, Any] = {"action": "subscribe", "channel": channel, "frequency": words[0]}
    rest = words[1:]
    if rest and re.fullmatch(r"[\d:.]+", rest[0]):
        args["time"], rest = rest[0], rest[1:]
    if rest in (["team"], ["all"], []):
        return Parsed("digest", args={**args, "scope": rest[0] if rest else "team"})
    if len(rest) == 2 and rest[0] == "owner" and user_id(rest[1]):
        return Parsed("digest", args={**args, "scope": "owner", "user": user_id(rest[1])})
    return ParseError(
        _("'{text}' is not a digest scope").format(text=" ".join(rest)),
        usage_of("digest"),
        _("write team (yours), all, or owner @dana"),
    )


def _parse_unbind(rest: str) -> Parsed | ParseError:
    if rest.strip():
        return ParseError(_("unbind takes no arguments"), usage_of("unbind"))
    return Parsed("unbind")


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "show",
        "/deal show [deal]",
        _("Show a deal's stage card (also plain /deal)"),
        _deal_only("show"),
        ("/deal show acme", "/deal show #42"),
    ),
    CommandSpec(
        "new",
        "/deal new <name> [amount] [@owner]",
        _("Create a deal at the map's first stage (no name: a form)"),
        _parse_new,
        ("/deal new Acme Corp 50k", "/deal new Globex $1.2m @dana"),
    ),
    CommandSpec(
        "tick",
        "/deal tick [#deal] <n…> [n=evidence]",
        _("Tick exit items by number; n=value records the evidence"),
        _parse_ticks("tick"),
        ("/deal tick 1 3", '/deal tick 2="budget 50k"'),
    ),
    CommandSpec(
        "untick",
        "/deal untick [#deal] <n…>",
        _("Untick exit items by number"),
        _parse_ticks("untick"),
        ("/deal untick 2",),
    ),
    CommandSpec(
        "advance",
        "/deal advance [deal]",
        _("Move to the next stage if every required item is ticked"),
        _deal_only("advance"),
        ("/deal advance", "/deal advance acme"),
    ),
    CommandSpec(
        "playbook",
        "/deal playbook [words]",
        _("Objection playbook of the stage, or the best answer to what the buyer said"),
        _text("playbook", key="words", what="", required=False),
        ("/deal playbook", "/deal playbook too expensive"),
    ),
    CommandSpec(
        "objection",
        "/deal objection [#deal] <text>",
        _("Record an objection heard on the deal"),
        _text("objection", key="text", what=_("the objection")),
        ("/deal objection we already use a competitor",),
    ),
    CommandSpec(
        "lose",
        "/deal lose [#deal] <reason>",
        _("Mark the deal lost, with one of the map's lost reasons"),
        _text("lose", key="reason", what=_("the reason")),
        ("/deal lose chose a competitor",),
    ),
    CommandSpec(
        "nurture",
        "/deal nurture [#deal] <date>",
        _("Park the deal until a re-engage date (YYYY-MM-DD, 30d, 6w, 3m)"),
        _text("nurture", key="until", what=_("the re-engage date")),
        ("/deal nurture 3m",),
    ),
    CommandSpec(
        "disqualify",
        "/deal disqualify [#deal] <reason>",
        _("Disqualify the deal, saying why"),
        _text("disqualify", key="reason", what=_("the reason")),
        ("/deal disqualify no budget this year",),
    ),
    CommandSpec(
        "reopen",
        "/deal reopen [#deal] [stage]",
        _("Bring a lost, disqualified or nurtured deal back"),
        _text("reopen", key="stage", what="", required=False),
        ("/deal reopen", "/deal reopen discovery"),
    ),
    CommandSpec(
        "override",
        "/deal override [#deal] <reason>",
        _("Managers: advance despite open items (audited)"),
        _text("override", key="reason", what=_("the reason")),
        ("/deal override customer signed the pilot terms already",),
    ),
    CommandSpec(
        "list",
        "/deal list [mine|team|all|stage <stage>]",
        _("Deals with stage, days in stage, open items and flags"),
        _parse_list,
        ("/deal list", "/deal list team", "/deal list stage proposal"),
    ),
    CommandSpec(
        "history",
        "/deal history [deal]",
        _("Timeline of moves, ticks and overrides"),
        _deal_only("history"),
        ("/deal history acme",),
    ),
    CommandSpec(
        "onboard",
        "/deal onboard [status|@user]",
        _(
            "Onboarding by DM: a tour of the map, a quiz, a practice deal (again: resume). "
            "status: your reps' progress. @user (their manager or an admin): send a new rep "
            "the tour, once"
        ),
        _parse_onboard,
        ("/deal onboard", "/deal onboard status", "/deal onboard @sam"),
    ),
    CommandSpec(
        "stats",
        "/deal stats [period]",
        _(
            "KPIs of your deals (managers: the team's; admins: all): conversion, time in "
            "stage, cycle, win rate, pipeline. Period: 30d, last-quarter, 2026-Q1, all… "
            "(default 90d)"
        ),
        _parse_stats,
        ("/deal stats", "/deal stats last-quarter", "/deal stats 2026-01-01..2026-03-31"),
    ),
    CommandSpec(
        "plan",
        "/deal plan <quota> [month|quarter|year]",
        _(
            "Reverse funnel: deals needed in each stage per period to make a quota, from "
            "measured conversions (default: quarter)"
        ),
        _parse_plan,
        ("/deal plan 1.2m quarter", "/deal plan $400k month"),
    ),
    CommandSpec(
        "feedback",
        "/deal feedback <text>",
        _("Feedback on the process map for its owners"),
        _text("feedback", key="text", what=_("the feedback")),
        ("/deal feedback demo needs a security review item",),
    ),
    CommandSpec(
        "bind",
        "/deal bind <deal>",
        _("Bind a deal to this channel: commands here need no deal name"),
        _deal_only("bind"),
        ("/deal bind acme",),
    ),
    CommandSpec("unbind", "/deal unbind", _("Unbind this channel's deal"), _parse_unbind),
    CommandSpec(
        "role",
        "/deal role @user rep|manager|admin",
        _("Admins: set someone's role"),
        _parse_role,
        ("/deal role @dana manager",),
        group="admin",
    ),
    CommandSpec(
        "team",
        "/deal team @manager add|remove @rep…",
        _("Admins: set who reports to a manager"),
        _parse_team,
        ("/deal team @maria add @sam @lee",),
        group="admin",
    ),
    CommandSpec(
        "map",
        "/deal map",
        _("The process map as a picture, with your open deals on it"),
        _no_arguments("map"),
        ("/deal map",),
    ),
    CommandSpec(
        "digest",
        "/deal digest subscribe #channel daily|weekly [HH:MM] [team|all|owner @user] · unsubscribe #channel · list",
        _(
            "Managers: post a daily or weekly digest (movement, stuck and idle deals, overrides, "
            "objections, funnel) to a channel at your local time; weekly is on Mondays"
        ),
        _parse_digest,
        (
            "/deal digest subscribe #sales weekly 09:00 team",
            "/deal digest unsubscribe #sales",
            "/deal digest list",
        ),
    ),
    CommandSpec(
        "help",
        "/deal help [command]",
        _("This help, or one command's"),
        _parse_help,
        ("/deal help tick",),
    ),
)

BY_NAME = {spec.name: spec for spec in COMMANDS}


def usage_of(name: str) -> str:
    return _("Usage: {usage}").format(usage=BY_NAME[name].usage)


def parse(text: str) -> Parsed | ParseError:
    """Parse what follows `/deal`. Empty text shows the current deal's card."""
    head, _sep, rest = text.strip().partition(" ")
    name = head.lower()
    if not name:
        return Parsed("show")
    spec = BY_NAME.get(name)
    if spec is None:
        if _DEAL_ID.match(head):  # `/deal #42` is `/deal show #42`
            return Parsed("show", deal=head)
        return _unknown(head)
    return spec.parse(rest)


def _unknown(word: str) -> ParseError:
    close = difflib.get_close_matches(word.lower(), list(BY_NAME), n=1, cutoff=0.6)
    return ParseError(
        _("'{word}' is not a /deal command").format(word=word),
        _("Usage: /deal <command> … — /deal help lists them"),
        _("did you mean /deal {name}?").format(name=close[0]) if close else None,
    )
