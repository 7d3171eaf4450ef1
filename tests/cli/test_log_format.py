"""How `serve` writes its logs: JSON lines for a collector, text for a person at a terminal
(STAGECOACH_LOG_FORMAT decides, else whether stderr is a terminal); a bad value stops
start-up naming the variable; a hidden value never appears, tracebacks included."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.cli import log_format
from bot.core.settings import Settings, SettingsError
from bot.slack.request_log import job_line


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _logging_put_back() -> Iterator[None]:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    yield
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


@pytest.mark.parametrize(
    ("environ", "stream", "expected"),
    [
        ({}, Terminal(), "text"),
        ({}, io.StringIO(), "json"),
        ({"STAGECOACH_LOG_FORMAT": "json"}, Terminal(), "json"),
        ({"STAGECOACH_LOG_FORMAT": " Text "}, io.StringIO(), "text"),
    ],
)
def test_the_format_follows_the_setting_else_the_terminal(
    environ: dict[str, str], stream: io.StringIO, expected: str
) -> None:
    log_format.configure(environ, stream=stream)
    job_line("scheduler tick", outcome="ok", seconds=0.0123, digests=2, request_id=None)
    line = stream.getvalue().strip()
    if expected == "json":
        assert json.loads(line)["job"] == "scheduler tick"
        assert json.loads(line)["duration_ms"] == 12.3
    else:
        assert line.endswith("INFO stagecoach.jobs: job scheduler tick ok 12.3 ms digests=2"), line


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"STAGECOACH_LOG_FORMAT": "xml"}, "STAGECOACH_LOG_FORMAT"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL"),
    ],
)
def test_a_bad_value_is_refused_naming_it(environ: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        log_format.configure(environ, stream=io.StringIO())


def test_tokens_secrets_and_the_database_password_are_hidden_even_in_tracebacks() -> None:
    stream = io.StringIO()
    log_format.configure({"STAGECOACH_LOG_FORMAT": "json"}, stream=stream)
    settings = Settings(
        database_url="postgresql://bot:s3cret-pw@db:5432/stagecoach",
        bot_token="xoxb-1-secret-token",
        signing_secret="abcdef0123456789abcdef0123456789",
        app_token="xapp-1-app-token",
    )
    log_format.hide_settings(settings)
    try:
        raise RuntimeError(f"token {settings.bot_token} refused")
    except RuntimeError:
        logging.getLogger("bot.test").exception(
            "connecting to %s with %s", settings.database_url, settings.signing_secret
        )
    text = stream.getvalue()
    assert "RuntimeError" in text and "[hidden]" in text
    for secret in ("s3cret-pw", "xoxb-1-secret-token", "abcdef0123456789abcdef0123456789", "xapp"):
        assert secret not in text
