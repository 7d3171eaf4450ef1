"""One typed line: a slash command for the app, or one of the shell's own commands
(`/as`, `/in`, `/click`, `/home`, `/shortcut`), which stand for what a Slack user does with the mouse,
`/lang`, for the language a person set in their Slack preferences,
`/scheduler`, which stands for the clock: what `serve` would post now, and `/group`, for
what a Slack admin does: who is in a user group."""

from __future__ import annotations

from bot.core.access import effective_role
from bot.shell.groups import define_group, learn_groups
from bot.shell.languages import run_lang
from bot.shell.reply import Reply
from bot.shell.session import ShellSession
from bot.shell.shortcuts import run_shortcut
from bot.views.counts import counted
from flows.i18n import _
from storage import queries

APP_COMMANDS = ("/deal",)  # the slash commands manifest.yml declares
SHELL_COMMANDS: dict[str, str] = {
    "/as": "/as <name>          act as someone else: ana, ben (reps), maria (their manager), ada (admin)",
    "/lang": "/lang [locale]      the Slack language of who you are, e.g. /lang tr-TR: what the app answers in",
    "/in": "/in #channel        move to a channel, and see what the app posted there (a handoff)",
    "/click": "/click <n|label>    click choice n (or the one labelled so) of the last message with choices",
    "/home": "/home               open the App Home tab",
    "/shortcut": "/shortcut save_as_evidence [text]  post text here (or take the last message) and save it as a deal's evidence",
    "/scheduler": "/scheduler [now]    run the scheduler once, as `stagecoach digest run [--now]` does",
    "/group": "/group @x-team [@a @b]  who is in a user group (a deal room invites its owning team's); a group only mentioned has nobody",
}


async def run_line(session: ShellSession, line: str) -> Reply:
    head, _sep, rest = line.strip().partition(" ")
    word, rest = head.lower(), rest.strip()
    if word == "/as":
        return await _act_as(session, rest)
    if word == "/lang":
        return run_lang(session, rest)
    if word == "/in":
        return _move_to(session, rest)
    if word == "/click":
        return await _click(session, rest)
    if word == "/home":
        return await session.open_home()
    if word == "/shortcut":
        return await run_shortcut(session, rest)
    if word == "/scheduler":
        return await _scheduler(session, rest)
    if word == "/group":
        return define_group(session, rest)
    if word in APP_COMMANDS:
        reply = await session.command(rest, command=word)
        learn_groups(session)  # `@impl-team` in /deal owners set: a group Slack knows
        return reply
    if word.startswith("/"):
        return Reply(problem=f"{head} is not a command here; try /deal help, or help")
    return Reply(problem="type what you would type in Slack, e.g. /deal help (help lists the rest)")


async def _act_as(session: ShellSession, name: str) -> Reply:
    person = session.act_as(name) if name else None
    if person is None:
        return Reply(problem="who? e.g. /as maria (names are letters, digits, . _ -)")
    said = f"you are now {person.name} ({person.real_name}, {await _role_now(session)})"
    news = session.new_in_dm()
    if news:
        said += "; new in your DM with the app: " + counted(
            len(news), "{count} message", "{count} messages"
        )
    here = session.new_in_channel()
    if here:
        said += f"; new in #{session.channel}: " + counted(
            len(here), "{count} message", "{count} messages"
        )
    return Reply(note=said, surfaces=news + here)


async def _role_now(session: ShellSession) -> str:
    """The role the app sees now (a /deal role change included), not the demo team's."""
    services, user_id = session.runtime.services, session.user.user_id
    async with services.db.read() as db:
        person = await queries.person(db, team_id=session.team_id, user_id=user_id)
    return effective_role(services, user_id, person).value


def _move_to(session: ShellSession, name: str) -> Reply:
    channel = session.move_to(name) if name else None
    if channel is None:
        return Reply(problem="where? e.g. /in #acme-deal")
    news = session.new_in_channel()
    said = f"you are now in #{channel}"
    if news:
        said += "; new here: " + counted(len(news), "{count} message", "{count} messages")
    return Reply(note=said, surfaces=news)


async def _scheduler(session: ShellSession, rest: str) -> Reply:
    if rest.lower() not in ("", "now"):
        return Reply(
            problem=_(
                "'{word}' is not a /scheduler option; /scheduler posts what is due, "
                "/scheduler now every digest of its current period too"
            ).format(word=rest)
        )
    return await session.run_scheduler(force=rest.lower() == "now")


async def _click(session: ShellSession, what: str) -> Reply:
    if what.isdigit():
        return await session.click(int(what))
    number = session.choice_number(what) if what else None
    if number is None:
        return Reply(problem=f"no choice matches {what!r}; give its number, e.g. /click 3")
    return await session.click(number)
