"""How `stagecoach serve` (and `digest run`) write their logs: one JSON object a line for a
log collector, or readable text for a person at a terminal.

STAGECOACH_LOG_FORMAT=json|text chooses; unset, it is text when stderr is a terminal and
JSON otherwise. LOG_LEVEL sets the level. A record's `fields` (bot.slack.request_log puts
the request's id, team, user, verb, outcome and times there) become the JSON line's keys.

Secrets never reach a line: the settings' tokens, signing secret and database password are
replaced wherever they appear, tracebacks included (`hide`); the database's errors carry no
statement parameters (storage.database); the Slack libraries, which log whole payloads and
request bodies at DEBUG, are kept at INFO whatever LOG_LEVEL says. docs/operations.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import sys
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from sqlalchemy.engine import make_url

from bot.core.settings import Settings, SettingsError
from flows.i18n import _

FORMAT_ENV = "STAGECOACH_LOG_FORMAT"
FORMATS = ("json", "text")
HIDDEN = "[hidden]"
# The least each library logs at, whatever LOG_LEVEL says: below it they write request and
# response bodies (messages, evidence, modal values), statements and their parameters.
CHATTY_LIBRARIES = {
    "slack_bolt": logging.INFO,
    "slack_sdk": logging.INFO,
    "aiohttp": logging.INFO,
    "asyncio": logging.INFO,
    "sqlalchemy": logging.WARNING,  # INFO is every SQL statement
    "aiosqlite": logging.WARNING,
    "asyncpg": logging.WARNING,
    "transitions": logging.WARNING,  # INFO is a line for every state a deal leaves or enters
}
_secrets: set[str] = set()


def hide(values: Iterable[str | None]) -> None:
    """Never write these (tokens, secrets, passwords) in a log line."""
    _secrets.update(value for value in values if value and len(value) >= 4)


def hide_settings(settings: Settings) -> None:
    """Every setting named a token or a secret (today's and any added later), and the
    database password."""
    hide(
        value
        for field in dataclasses.fields(settings)
        if ("token" in field.name or "secret" in field.name)
        and isinstance(value := getattr(settings, field.name), str)
    )
    hide([make_url(settings.database_url).password])


def _scrubbed(text: str) -> str:
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, HIDDEN)
    return text


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,  # `serve --workers N` writes N processes' lines to one stream
        }
        line.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return _scrubbed(json.dumps(line, ensure_ascii=False, default=str))


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", None)
        if fields:
            record.msg, record.args = _readable(fields), None
        return _scrubbed(super().format(record))


def _readable(fields: Mapping[str, Any]) -> str:
    """`request command/tick refused 12.1 ms (ack 3.0 ms) team=T… user=U… id=…`."""
    what = fields.get("job") or "/".join(
        str(part) for part in (fields.get("kind"), fields.get("verb")) if part
    )
    head = f"{fields.get('event')} {what} {fields.get('outcome')} {fields.get('duration_ms')} ms"
    if fields.get("ack_ms") is not None:
        head += f" (ack {fields['ack_ms']} ms)"
    said = {"event", "job", "kind", "verb", "outcome", "duration_ms", "ack_ms"}
    rest = [f"{key}={value}" for key, value in fields.items() if key not in said and value]
    return " ".join([head, *rest])


def chosen_format(environ: Mapping[str, str], stream: TextIO) -> str:
    wanted = environ.get(FORMAT_ENV, "").strip().lower()
    if wanted in FORMATS:
        return wanted
    if wanted:
        raise SettingsError(_("{name} must be json or text").format(name=FORMAT_ENV))
    return "text" if stream.isatty() else "json"


def _level(environ: Mapping[str, str], default: str) -> int:
    name = environ.get("LOG_LEVEL", default).strip().upper()
    level = logging.getLevelNamesMapping().get(name)
    if level is None:
        raise SettingsError(_("LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR"))
    return level


def configure(
    environ: Mapping[str, str], *, default_level: str = "INFO", stream: TextIO | None = None
) -> logging.Handler:
    """Send every log record to `stream` (stderr) in the chosen format; the handler.
    A bad STAGECOACH_LOG_FORMAT or LOG_LEVEL raises SettingsError."""
    stream = stream or sys.stderr
    level = _level(environ, default_level)
    handler = logging.StreamHandler(stream)
    use_json = chosen_format(environ, stream) == "json"
    handler.setFormatter(JsonFormatter() if use_json else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name, least in CHATTY_LIBRARIES.items():
        logging.getLogger(name).setLevel(max(level, least))
    return handler
