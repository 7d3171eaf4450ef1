"""The pages a browser sees while installing the app: the install page with its "Add to
Slack" link, and what the redirect back from Slack ends on. Plain HTML built here (Bolt's
own pages are English only), every string translated and escaped."""

from __future__ import annotations

import html

from flows.i18n import N_, _

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 36em; margin: 3em auto; padding: 0 1em; }}
a.add {{ display: inline-block; padding: .6em 1.2em; border-radius: 4px; background: #4a154b;
  color: #fff; text-decoration: none; font-weight: 600; }}
</style>
</head>
<body>
<h1>{title}</h1>
{body}
</body>
</html>
"""

# Why an install did not finish, by Bolt's reason, and what to do about it (English,
# marked: translated when the page is made).
_FAILURES = {
    "access_denied": N_("The install was cancelled in Slack; nothing was installed."),
    "invalid_browser": N_(
        "This browser did not start the install (its cookie is missing), so it cannot finish "
        "it. Start again from the install page in this browser."
    ),
    "invalid_state": N_(
        "This install link has expired or was already used. Start again from the install page."
    ),
    "missing_code": N_("Slack sent no authorisation code back. Start again from the install page."),
    "invalid_code": N_(
        "Slack did not accept the authorisation code (it expires after ten minutes and works "
        "once). Start again from the install page."
    ),
    "storage_error": N_(
        "The installation could not be saved: the database is not reachable right now. "
        "Try again in a minute."
    ),
}


def install_page(authorize_url: str) -> str:
    title = _("Install stagecoach")
    body = '<p>{what}</p>\n<p><a class="add" id="add-to-slack" href="{url}">{add}</a></p>'.format(
        what=html.escape(
            _(
                "stagecoach guides your sales reps through your sales process map in Slack. "
                "Add it to your workspace; whoever installs it becomes the workspace's "
                "first admin."
            )
        ),
        url=html.escape(authorize_url, quote=True),
        add=html.escape(_("Add to Slack")),
    )
    return _PAGE.format(title=html.escape(title), body=body)


def installed_page(team_name: str | None, *, first_admin: bool) -> str:
    title = _("stagecoach is installed")
    said = _("stagecoach is now in {team}. Type /deal help in any channel to start.").format(
        team=team_name or _("your workspace")
    )
    if first_admin:
        said += " " + _("You are its first admin: /deal settings shows what you can set.")
    return _PAGE.format(title=html.escape(title), body=f"<p>{html.escape(said)}</p>")


def failed_page(reason: str) -> str:
    title = _("stagecoach was not installed")
    known = _FAILURES.get(reason)
    said = (
        _(known)
        if known
        else _("The install did not finish ({reason}). Start again.").format(reason=reason)
    )
    return _PAGE.format(title=html.escape(title), body=f"<p>{html.escape(said)}</p>")
