"""`stagecoach workspace delete T…`: delete everything a workspace left in the database
(deals, history, people, onboarding, digests, settings, tokens), after a confirmation: the
workspace id typed again, or `--yes` for scripts. Uninstalling the app keeps the data; this
is how an admin asks for it to go (docs/workspaces.md)."""

from __future__ import annotations

import argparse
import re
import sys
from typing import TextIO

from bot.cli import event_loop
from bot.cli.workspace import OK, CliError, fail, with_services
from bot.core.context import Services
from bot.team.installs import delete_workspace, workspace_rows
from flows.i18n import _

TEAM_ID = re.compile(r"T[A-Z0-9]{2,31}")
NOT_DELETED = 1


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("workspace", help=_("delete a workspace's data"))
    actions = parser.add_subparsers(dest="workspace_action", metavar="ACTION", required=True)
    deleting = actions.add_parser(
        "delete",
        help=_("delete everything a workspace left in the database, after a confirmation"),
    )
    deleting.add_argument("team_id", metavar="T…", help=_("the workspace's Slack team id"))
    deleting.add_argument(
        "--yes", action="store_true", help=_("do not ask: delete at once (for scripts)")
    )
    deleting.set_defaults(handler=run_delete)


def run_delete(args: argparse.Namespace) -> int:
    if not TEAM_ID.fullmatch(args.team_id):
        return fail(
            CliError(
                _("'{given}' is not a workspace id; it looks like T012AB3CD").format(
                    given=args.team_id
                )
            )
        )
    try:
        return event_loop.run(
            with_services(lambda services: _delete(services, args.team_id, yes=args.yes))
        )
    except CliError as error:
        return fail(error)


async def _delete(
    services: Services,
    team_id: str,
    *,
    yes: bool,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    out, given = stdout or sys.stdout, stdin or sys.stdin
    rows = {table: n for table, n in (await workspace_rows(services, team_id=team_id)).items() if n}
    if not rows:
        raise CliError(
            _("the database holds nothing of workspace {team}; nothing was deleted").format(
                team=team_id
            ),
            code=NOT_DELETED,
        )
    listed = ", ".join(f"{table} {n}" for table, n in sorted(rows.items()))
    print(_("Workspace {team} holds: {rows}.").format(team=team_id, rows=listed), file=out)
    if not yes:
        print(_("Type the workspace id ({team}) to delete all of it: ").format(team=team_id),
              end="", file=out, flush=True)  # fmt: skip
        if given.readline().strip() != team_id:
            raise CliError(_("not confirmed; nothing was deleted"), code=NOT_DELETED)
    deleted = await delete_workspace(services, team_id=team_id)
    total = sum(deleted.values())
    print(_("Deleted workspace {team}: {total} rows.").format(team=team_id, total=total), file=out)
    return OK
