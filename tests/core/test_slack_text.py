"""Reading Slack's text: its escaping undone exactly once, its markup read as structure."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.slack_text import as_text, from_slack


def slack_escaped(typed: str) -> str:
    """Slack's rule for what people type, written here on its own."""
    return typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@given(st.text())
def test_typed_text_comes_back_exactly_as_typed(typed: str) -> None:
    assert from_slack(slack_escaped(typed)) == typed


@given(st.text().filter(lambda t: "<" not in t))
def test_as_text_leaves_text_without_markup_alone(typed: str) -> None:
    assert as_text(typed) == typed


@pytest.mark.parametrize(
    ("wire", "command", "text"),
    [
        ("AT&amp;T Wireless 1000", "AT&T Wireless 1000", "AT&T Wireless 1000"),
        ("Acme 5k <@U02AB|dana>", "Acme 5k <@U02AB|dana>", "Acme 5k @dana"),
        ("Acme <@W02AB>", "Acme <@W02AB>", "Acme @W02AB"),
        ("digest <#C0SALES|sales>", "digest <#C0SALES|sales>", "digest #sales"),
        ("R&amp;D &lt;EU&gt; <!here>", "R&D <EU> @here", "R&D <EU> @here"),
        ("<!channel> and <!everyone>", "@channel and @everyone", "@channel and @everyone"),
        # a user group stays markup for the grammar (/deal owners set … @team)
        ("<!subteam^S01AB|@sales-team>", "<!subteam^S01AB|@sales-team>", "@sales-team"),
        ("<!subteam^S01AB>", "<!subteam^S01AB>", "@S01AB"),  # without its label: its id
        ("<!here|here>", "@here", "@here"),
        ("<!date^1392734382^{date}|Feb 18, 2014>", "Feb 18, 2014", "Feb 18, 2014"),
        ("see <https://x.io/a?b=1&amp;c=2>", "see https://x.io/a?b=1&c=2", None),
        ("<http://x.io|x.io> <mailto:a@b.co|a@b.co>", "x.io a@b.co", None),
        ("typed &amp;amp; and &amp;lt;", "typed &amp; and &lt;", None),  # typed entities stay
        ("&lt;@U02AB&gt; by hand", "<@U02AB> by hand", "@U02AB by hand"),
    ],
)
def test_slacks_markup_reads_as_people_see_it(wire: str, command: str, text: str | None) -> None:
    assert from_slack(wire) == command
    assert as_text(from_slack(wire)) == (text if text is not None else command)
