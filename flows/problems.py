"""Problems found in a map, located so that a sales-ops person can go and fix them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from flows.i18n import N_, _

Path = tuple[str | int, ...]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


# What a reader sees for each severity (the values are the code's, in English).
SEVERITY_WORDS = {Severity.ERROR: N_("error"), Severity.WARNING: N_("warning")}


def severity_word(severity: Severity) -> str:
    """ "error" or "warning" in the current language, as compilers print theirs."""
    return _(SEVERITY_WORDS[severity])


@dataclass(frozen=True, slots=True)
class Vagueness:
    """Why a checklist item or activity is vague, and how to say it better (flows.wording)."""

    reason: str
    hint: str


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a map: where, which field, what was found, what is allowed."""

    file: str
    line: int
    column: int
    path: Path
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR
    rule: str = ""

    @property
    def field(self) -> str:
        return format_path(self.path)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        field = self.field or _("(map)")
        text = f"{where}: {severity_word(self.severity)}: {field}: {self.message}"
        if self.rule:
            text += f" [{self.rule}]"
        return f"{text}\n    " + _("hint: {hint}").format(hint=self.hint) if self.hint else text


def format_path(path: Path) -> str:
    """`('stages', 2, 'exit', 0, 'text')` → `stages[2].exit[0].text`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


class MapError(Exception):
    """A map could not be loaded; `problems` lists every error found in one pass."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column))
        super().__init__("\n".join(str(problem) for problem in self.problems))
