"""The shell's command history: one line per command in a file (~/.stagecoach_history,
or $STAGECOACH_HISTORY), each command once, at its latest use (like HISTCONTROL=erasedups),
and handed to readline for arrow-key recall and Ctrl-R search."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

MAX_LINES = 1000


def history_path(env: Mapping[str, str]) -> Path:
    configured = env.get("STAGECOACH_HISTORY", "").strip()
    return Path(configured).expanduser() if configured else Path.home() / ".stagecoach_history"


class History:
    def __init__(self, path: Path | None, *, limit: int = MAX_LINES) -> None:
        self.path = path
        self.limit = limit
        self.lines: list[str] = []

    def load(self) -> None:
        if self.path is None or not self.path.is_file():
            return
        for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            self.add(line)

    def add(self, line: str) -> bool:
        """Remember `line` (True when it changed the history); passwords never come here."""
        line = line.strip()
        if not line:
            return False
        if self.lines and self.lines[-1] == line:
            return False
        if line in self.lines:
            self.lines.remove(line)
        self.lines.append(line)
        del self.lines[: -self.limit]
        return True

    def save(self) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text("".join(f"{line}\n" for line in self.lines), encoding="utf-8")
            os.chmod(self.path, 0o600)  # commands name deals and people
        except OSError:
            pass  # a read-only home must not stop the shell from quitting

    def to_readline(self, readline: ModuleType) -> None:
        readline.clear_history()
        for line in self.lines:
            readline.add_history(line)
