"""`/deal digest preview`: the digest a subscription would post, under a line saying it
was posted nowhere (bot.views.digest builds the digest itself)."""

from __future__ import annotations

from bot.digests.content import DigestPreview
from bot.views.blocks import context
from bot.views.digest import digest_message, scope_text
from bot.views.message import Message
from flows.i18n import _


def preview_message(preview: DigestPreview, *, chart_in_dm: bool = True) -> Message:
    """The digest as a subscription would post it, under a line saying it was posted
    nowhere (and, in Slack, where its chart went)."""
    digest = preview.digest
    chart = (
        _(" Its funnel chart follows in your direct messages.")
        if digest.funnel and chart_in_dm
        else ""
    )
    notice = _preview_notice(digest.frequency).format(
        scope=scope_text(digest.scope, digest.scope_user_id), chart=chart
    )
    posted = digest_message(digest)
    return Message(text=f"{notice} {posted.text}", blocks=[context(notice), *posted.blocks])


def _preview_notice(frequency: str) -> str:
    """A whole sentence per frequency: "daily" is the word a user types, not one to show."""
    if frequency == "daily":
        return _(
            "Preview: the daily digest a subscription for {scope} would post now. Nothing "
            "was posted to a channel.{chart}"
        )
    return _(
        "Preview: the weekly digest a subscription for {scope} would post now. Nothing "
        "was posted to a channel.{chart}"
    )
