"""What `/deal <text>` parses to: each command's own typed arguments, the deal named as a
typed reference (bot.core.refs), and a refusal that says what is wrong and how to write it."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commands import COMMANDS, Command, CommandSpec, ParseError, parse
from bot.commands.admin import ROLE, TEAM, RoleArgs, TeamArgs
from bot.commands.deal_commands import (
    BIND,
    HISTORY,
    LIST,
    NEW,
    SHOW,
    UNBIND,
    ListArgs,
    NewArgs,
)
from bot.commands.digest import DIGEST, DigestList, DigestSubscribe, DigestUnsubscribe
from bot.commands.editing import EDIT, EditArgs
from bot.commands.feedback import FEEDBACK, FeedbackArgs, FeedbackDoneArgs, FeedbackListArgs
from bot.commands.help import HELP, HelpArgs
from bot.commands.map_commands import MAP, ActualMapArgs, MapArgs
from bot.commands.moves import (
    ADVANCE,
    DISQUALIFY,
    LOSE,
    NURTURE,
    OVERRIDE,
    REOPEN,
    NurtureArgs,
    ReasonArgs,
    ReopenArgs,
)
from bot.commands.notes import OBJECTION, PLAYBOOK, ObjectionArgs, PlaybookArgs
from bot.commands.onboard import ONBOARD, OnboardArgs
from bot.commands.owners import OWNERS, OwnerRemove, OwnerSet, OwnersList
from bot.commands.reporting import PLAN, STATS, PlanArgs, StatsArgs
from bot.commands.rooms import ROOM
from bot.commands.settings import SETTINGS, SettingsArgs
from bot.commands.ticks import TICK, UNTICK, TickArgs, UntickArgs
from bot.commands.validation import SEND_BACK, VALIDATE, SendBackArgs, ValidateArgs
from bot.commands.webhook import WEBHOOK, WebhookAddArgs, WebhookListArgs, WebhookRemoveArgs
from bot.commands.words import DealArgs, NoArgs
from bot.core.dates import FromToday
from bot.core.refs import CURRENT, DealName, DealNumber, deal_number
from bot.core.values import Amount
from bot.deals.editing import DealEdit
from bot.deals.feedback import Status
from bot.team.outcomes import Setting, TeamAction
from storage.models import Role

# text after `/deal` → the command it is, with its arguments
PARSED: list[tuple[str, CommandSpec[Any], object]] = [
    ("", SHOW, DealArgs(CURRENT)),
    ("#42", SHOW, DealArgs(DealNumber(42))),
    ("show", SHOW, DealArgs(CURRENT)),
    ("show acme corp", SHOW, DealArgs(DealName("acme corp"))),
    ("SHOW 42", SHOW, DealArgs(DealNumber(42))),
    ("new Acme Corp 50k", NEW, NewArgs("Acme Corp", Amount(50_000, None), None, True)),
    (
        "new Globex $1.2m <@U0DANA|dana>",
        NEW,
        NewArgs("Globex", Amount(1_200_000, "USD"), "U0DANA", True),
    ),
    ("new Initech 20000 EUR", NEW, NewArgs("Initech", Amount(20_000, "EUR"), None, True)),
    ("new", NEW, NewArgs()),
    ("edit", EDIT, EditArgs()),
    ("edit #7", EDIT, EditArgs(DealNumber(7))),
    ("edit amount 65k", EDIT, EditArgs(edit=DealEdit(amount="65k"))),
    (
        "edit #7 amount 65k EUR close 31 March 2027",
        EDIT,
        EditArgs(DealNumber(7), DealEdit(amount="65k EUR", close="31 March 2027")),
    ),
    ("edit name Acme Close Holdings", EDIT, EditArgs(edit=DealEdit(name="Acme Close Holdings"))),
    (
        "edit owner <@U0DANA|dana> currency eur",
        EDIT,
        EditArgs(edit=DealEdit(currency="eur", owner_id="U0DANA")),
    ),
    ("tick 1 3", TICK, TickArgs(CURRENT, ("1", "3"), {})),
    ('tick #7 1, 2="budget 50k"', TICK, TickArgs(DealNumber(7), ("1",), {"2": "budget 50k"})),
    ("untick #7 2", UNTICK, UntickArgs(DealNumber(7), ("2",))),
    ("advance", ADVANCE, DealArgs(CURRENT)),
    ("advance acme", ADVANCE, DealArgs(DealName("acme"))),
    ("playbook", PLAYBOOK, PlaybookArgs(CURRENT, None)),
    ("playbook too expensive", PLAYBOOK, PlaybookArgs(CURRENT, "too expensive")),
    ("playbook #3", PLAYBOOK, PlaybookArgs(DealNumber(3), None)),
    ("objection #3 we'd rather wait", OBJECTION, ObjectionArgs(DealNumber(3), "we'd rather wait")),
    ("lose chose a competitor", LOSE, ReasonArgs(CURRENT, "chose a competitor")),
    ("lose #2 price too high", LOSE, ReasonArgs(DealNumber(2), "price too high")),
    ("nurture #2 3m", NURTURE, NurtureArgs(DealNumber(2), FromToday(months=3))),
    ("disqualify no budget", DISQUALIFY, ReasonArgs(CURRENT, "no budget")),
    ("reopen", REOPEN, ReopenArgs(CURRENT, None)),
    ("reopen #4 demo", REOPEN, ReopenArgs(DealNumber(4), "demo")),
    ("override signed already", OVERRIDE, ReasonArgs(CURRENT, "signed already")),
    ("validate #12 3", VALIDATE, ValidateArgs(DealNumber(12), "3")),
    ("validate acme corp 3", VALIDATE, ValidateArgs(CURRENT, "3", "acme corp")),
    ("validate budget", VALIDATE, ValidateArgs(CURRENT, "budget")),  # an item id
    (
        "sendback acme 3 ask for 2 quotes",
        SEND_BACK,
        SendBackArgs(CURRENT, "3", "ask for 2 quotes", "acme"),
    ),
    (
        "sendback 3 ask the CFO, not IT",
        SEND_BACK,
        SendBackArgs(CURRENT, "3", "ask the CFO, not IT"),
    ),
    ("list", LIST, ListArgs("mine", None)),
    ("list team", LIST, ListArgs("team", None)),
    ("list stage Closed won", LIST, ListArgs("all", "Closed won")),
    ("history #9", HISTORY, DealArgs(DealNumber(9))),
    ("onboard", ONBOARD, OnboardArgs()),
    ("onboard Status", ONBOARD, OnboardArgs(status=True)),
    ("onboard <@U0SAM|sam>", ONBOARD, OnboardArgs(invite="U0SAM")),
    ("stats", STATS, StatsArgs(None)),
    ("stats last-quarter", STATS, StatsArgs("last-quarter")),
    ("plan 1.2m", PLAN, PlanArgs("1.2m", None)),
    ("plan 400k EUR month", PLAN, PlanArgs("400k EUR", "month")),
    (
        "feedback #3 add a security item",
        FEEDBACK,
        FeedbackArgs(DealNumber(3), "add a security item"),
    ),
    ("feedback list", FEEDBACK, FeedbackListArgs()),
    ("feedback LIST all", FEEDBACK, FeedbackListArgs(Status.ALL)),
    (
        "feedback done #4 merged the two demo items",
        FEEDBACK,
        FeedbackDoneArgs(4, "merged the two demo items"),
    ),
    ("bind acme", BIND, DealArgs(DealName("acme"))),
    ("unbind", UNBIND, NoArgs()),
    ("room", ROOM, DealArgs(CURRENT)),
    ("room #42", ROOM, DealArgs(DealNumber(42))),
    ("room Müşteri", ROOM, DealArgs(DealName("Müşteri"))),
    ("role <@U0DANA|dana> manager", ROLE, RoleArgs("U0DANA", Role.MANAGER)),
    ("role <@U0DANA|dana>   Manager ", ROLE, RoleArgs("U0DANA", Role.MANAGER)),
    ("role <@U0DANA|dana>", ROLE, RoleArgs("U0DANA")),
    ("role", ROLE, RoleArgs()),
    (
        "team <@U0MARIA> remove <@U0BEN> W0LEE",
        TEAM,
        TeamArgs("U0MARIA", TeamAction.REMOVE, ("U0BEN", "W0LEE")),
    ),
    ("team <@U0MARIA> Add <@U0BEN>", TEAM, TeamArgs("U0MARIA", TeamAction.ADD, ("U0BEN",))),
    ("team <@U0MARIA|maria>", TEAM, TeamArgs("U0MARIA")),
    ("team", TEAM, TeamArgs()),
    ("map", MAP, MapArgs()),
    ("map Actual", MAP, ActualMapArgs()),
    ("map actual 30d", MAP, ActualMapArgs("30d")),
    ("map actual all", MAP, ActualMapArgs("all")),  # one word: the period, as in stats
    ("map actual team", MAP, ActualMapArgs(None, "team")),
    ("map actual last-quarter All", MAP, ActualMapArgs("last-quarter", "all")),
    ("map actual owner <@U0ANA|ana>", MAP, ActualMapArgs(None, "owner", "U0ANA")),
    ("map actual 2026-Q1 owner <@U0ANA>", MAP, ActualMapArgs("2026-Q1", "owner", "U0ANA")),
    ("settings", SETTINGS, SettingsArgs()),
    ("settings map Extended v2", SETTINGS, SettingsArgs(Setting.MAP, "extended", 2)),
    ("settings tz Europe/Istanbul", SETTINGS, SettingsArgs(Setting.TIME_ZONE, "Europe/Istanbul")),
    ("settings currency eur", SETTINGS, SettingsArgs(Setting.CURRENCY, "eur")),
    ("digest list", DIGEST, DigestList()),
    ("digest unsubscribe <#C0SALES|sales>", DIGEST, DigestUnsubscribe("C0SALES")),
    (
        "digest subscribe <#C0SALES|sales> weekly 09:00",
        DIGEST,
        DigestSubscribe("C0SALES", "weekly", "09:00", "team", None),
    ),
    (
        "digest subscribe <#C0SALES> daily owner <@U0ANA|ana>",
        DIGEST,
        DigestSubscribe("C0SALES", "daily", None, "owner", "U0ANA"),
    ),
    ("owners", OWNERS, OwnersList()),
    (
        "owners set Sales (Account Executive) <#C0AE|ae> <!subteam^S0AE|@ae-team>",
        OWNERS,
        OwnerSet("Sales (Account Executive)", "C0AE", "S0AE"),
    ),
    ("owners REMOVE customer success", OWNERS, OwnerRemove("customer success")),
    # an owner quoted as a deal's name may be (found in use, issue #20): the quotes go
    (
        'owners set "Sales (Account Executive)" <#C0AE|ae>',
        OWNERS,
        OwnerSet("Sales (Account Executive)", "C0AE"),
    ),
    ("owners remove “Customer Success”", OWNERS, OwnerRemove("Customer Success")),
    ("owners remove Dunkin' Donuts", OWNERS, OwnerRemove("Dunkin' Donuts")),
    ("help", HELP, HelpArgs(None)),
    ("help Tick", HELP, HelpArgs("tick")),
    ("webhook list", WEBHOOK, WebhookListArgs()),
    ("webhook remove #2", WEBHOOK, WebhookRemoveArgs(2)),
    (
        "webhook add https://x.io/h?a=1,2 won, lost",
        WEBHOOK,
        WebhookAddArgs("https://x.io/h?a=1,2", ("won", "lost")),
    ),
]


@pytest.mark.parametrize(("text", "spec", "args"), PARSED, ids=[case[0] for case in PARSED])
def test_a_command_parses_to_its_own_typed_arguments(
    text: str, spec: CommandSpec[Any], args: object
) -> None:
    assert parse(text) == Command(spec, args)


def test_every_command_has_a_parse_case() -> None:
    assert {spec.name for _text, spec, _args in PARSED} == {spec.name for spec in COMMANDS}


REFUSED = [
    ("validate", "which item? give its number", "Usage: /deal validate [#deal] <n>"),
    (
        "validate 3 4",
        "validate takes one item number, not '4'",
        "Usage: /deal validate [#deal] <n>",
    ),
    (
        "sendback #2 3",
        "say what is missing after the item number",
        "Usage: /deal sendback [#deal] <n> <what is missing>",
    ),
    ("lose", "the reason is missing", "Usage: /deal lose [#deal] <reason>"),
    ("lose #2", "the reason is missing", "Usage: /deal lose [#deal] <reason>"),
    ("tick", "which items? give their numbers", "Usage: /deal tick [#deal] <n…> [n=evidence]"),
    ('untick 2="x"', "untick takes item numbers only", "Usage: /deal untick [#deal] <n…>"),
    (
        "new Acme @nobody",
        "'@nobody' is not a Slack user",
        "Usage: /deal new <name> [amount] [close <date>] [@owner]",
    ),
    ("list everything", "'everything' is not a list scope", LIST.usage_line),
    ("role @dana", "'@dana' is not a person", ROLE.usage_line),
    ("role <@U0DANA> boss", "'boss' is not a role", ROLE.usage_line),
    ("role manager <@U0DANA>", "the person comes first, then 'manager'", ROLE.usage_line),
    (
        "role <@U0DANA> manager <@U0SAM>",
        "role takes one person and one role; '<@U0SAM>' is too much",
        ROLE.usage_line,
    ),
    ("team maria", "'maria' is not a person", TEAM.usage_line),
    ("team <@U0MARIA> hire <@U0SAM>", "'hire' is neither add nor remove", TEAM.usage_line),
    ("team <@U0MARIA> <@U0SAM>", "add or remove? Say what to do with <@U0SAM>", TEAM.usage_line),
    ("team <@U0MARIA> add", "add needs at least one rep after it", TEAM.usage_line),
    (
        "team <@U0MARIA> add <@U0BEN> @sam",
        "'@sam' is not a person: mention each rep with @",
        TEAM.usage_line,
    ),
    ("team add <@U0MARIA> <@U0SAM>", "the person comes first, then 'add'", TEAM.usage_line),
    ("map now", "'now' is not a kind of map picture", MAP.usage_line),
    ("map actual 30d 90d", "'30d 90d' is not a period and a scope", MAP.usage_line),
    ("map actual 30d owner", "whose deals?", MAP.usage_line),
    ("map actual owner", "whose deals?", MAP.usage_line),
    ("map actual owner @ana", "'@ana' does not name a person", MAP.usage_line),
    ("digest subscribe sales daily", "'sales' is not a channel", DIGEST.usage_line),
    ("stats 30d 90d", "stats takes one period, not '30d 90d'", STATS.usage_line),
    (
        "advnce",
        "'advnce' is not a /deal command",
        "Usage: /deal <command> … — /deal help lists them",
    ),
]


@pytest.mark.parametrize(("text", "message", "usage"), REFUSED, ids=[case[0] for case in REFUSED])
def test_text_a_command_cannot_read_is_refused_with_its_usage(
    text: str, message: str, usage: str
) -> None:
    refused = parse(text)
    assert isinstance(refused, ParseError)
    assert (refused.message, refused.usage) == (message, usage)


def test_an_unknown_command_suggests_the_closest() -> None:
    refused = parse("advnce acme")
    assert isinstance(refused, ParseError) and refused.suggestion == "did you mean /deal advance?"


# -- deal references, generated -------------------------------------------------------------

NUMBERS = st.integers(min_value=0, max_value=10**12 - 1)
# What people call deals: letters of any script, digits, spaces and the punctuation of
# company names; a name that is all digits is a number, so it is left out.
NAMES = st.text(
    st.characters(categories=("L", "N", "Zs"), include_characters="&-.,'()"),
    min_size=1,
    max_size=40,
).filter(lambda name: name.strip() and deal_number(name) is None)
DEAL_ONLY = [SHOW, ADVANCE, HISTORY, BIND]


@given(number=NUMBERS, hashed=st.booleans(), spec=st.sampled_from(DEAL_ONLY))
def test_a_number_names_the_deal_by_number(
    number: int, hashed: bool, spec: CommandSpec[Any]
) -> None:
    text = f"{spec.name} {'#' if hashed else ''}{number}"
    assert parse(text) == Command(spec, DealArgs(DealNumber(number)))


@given(name=NAMES, spec=st.sampled_from(DEAL_ONLY))
def test_anything_else_names_the_deal_by_its_name(name: str, spec: CommandSpec[Any]) -> None:
    assert parse(f"{spec.name} {name}") == Command(spec, DealArgs(DealName(name.strip())))


@given(number=NUMBERS)
def test_a_bare_hash_number_shows_that_deal(number: int) -> None:
    assert parse(f"#{number}") == Command(SHOW, DealArgs(DealNumber(number)))


@given(number=NUMBERS, reason=NAMES)
def test_a_leading_hash_number_names_the_deal_before_free_text(number: int, reason: str) -> None:
    parsed = parse(f"lose #{number} {reason}")
    assert parsed == Command(LOSE, ReasonArgs(DealNumber(number), reason.strip()))


@given(reason=NAMES)
def test_free_text_without_a_hash_number_is_about_the_current_deal(reason: str) -> None:
    assert parse(f"disqualify {reason}") == Command(DISQUALIFY, ReasonArgs(CURRENT, reason.strip()))


# -- roles and teams, generated ---------------------------------------------------------------

WORDS = st.sampled_from(
    [
        "<@U0ANA>",
        "<@W0BEN|ben>",
        "@carl",
        "carl",
        "add",
        "Remove",
        "hire",
        "rep",
        "MANAGER",
        "admin",
        "boss",
        "#3",
    ]
)


@given(command=st.sampled_from(["role", "team"]), words=st.lists(WORDS, max_size=5))
def test_role_and_team_lines_parse_to_typed_values_or_say_what_is_wrong(
    command: str, words: list[str]
) -> None:
    parsed = parse(" ".join([command, *words]))
    if isinstance(parsed, ParseError):
        assert parsed.message and parsed.usage.startswith(f"Usage: /deal {command}")
        return
    args = parsed.args
    if isinstance(args, RoleArgs):
        assert args.role is None or isinstance(args.role, Role)
        people = [args.user] if args.user else []
    else:
        assert isinstance(args, TeamArgs)
        assert (args.action is None) == (not args.reps)
        people = [p for p in [args.manager, *args.reps] if p]
    assert all(person in ("U0ANA", "W0BEN") for person in people)
