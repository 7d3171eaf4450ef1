"""The mapping files an import may be given, read into typed look-ups.

- stages (`--stages`): `crm_stage,stage`: a CRM's stage name (or id) → a stage id of the map.
  A HubSpot column names its stage "Label (Pipeline)"; a line may name it so, or by the label.
- reasons (`--reasons`): `imported_reason,reason`: a loss reason as the CRM wrote it → one of
  the map's lost reasons. Without a line, a reason is kept verbatim (never guessed).
- owners (`--owners`): `crm_owner,slack_user`: a CRM owner id, email or name → a Slack user
  id; `--default-owner U…` owns the deals whose owner is in neither (and the report says so).

A mistake in a mapping file names the file and line and stops the import before it reads
any history, so it changes nothing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.core.slack_ids import is_user_id
from bot.core.values import BadValue
from flows.i18n import _
from flows.schema import ProcessMap

_PIPELINE_SUFFIX = re.compile(r"^(?P<label>.+?) \([^()]*\)$")
STAGE_COLUMNS = ("crm_stage", "stage")
REASON_COLUMNS = ("imported_reason", "reason")
OWNER_COLUMNS = ("crm_owner", "slack_user")


class MappingError(ValueError):
    """A mapping file that cannot be used: the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Mappings:
    stages: dict[str, str] | None = None  # None: the files already use the map's stage ids
    stages_file: str = ""
    reasons: dict[str, str] = field(default_factory=dict)  # keyed by the folded reason
    owners: dict[str, str] = field(default_factory=dict)  # keyed by the folded owner
    default_owner: str | None = None

    def stage_of(self, name: str, process_map: ProcessMap) -> str | BadValue:
        """The map's stage for a CRM stage name: mapped, or already a stage id of the map."""
        name = name.strip()
        if self.stages is not None:
            label = _PIPELINE_SUFFIX.match(name)
            for key in (name, label["label"] if label else None):
                if key is not None and key.casefold() in self.stages:
                    return self.stages[key.casefold()]
        if process_map.has_stage(name):
            return name
        stages = ", ".join(s.id for s in process_map.stages)
        if self.stages is None:
            return BadValue(
                _("unknown stage '{stage}'; the {map} map has: {stages}").format(
                    stage=name, map=process_map.id, stages=stages
                ),
                "",
            )
        return BadValue(
            _(
                "stage '{stage}' is not in {file}; add a line '{stage},<stage id>' ({stages})"
            ).format(stage=name, file=self.stages_file, stages=stages),
            "",
        )

    def owner_of(self, owner: str) -> tuple[str | None, str | None] | BadValue:
        """(Slack id, the CRM owner if it went to the default owner) for a row's owner."""
        if not owner:
            return None, None
        mapped = self.owners.get(owner.casefold())
        if mapped:
            return mapped, None
        if is_user_id(owner):
            return owner, None
        if self.default_owner:
            return self.default_owner, owner
        return BadValue(
            _(
                "owner '{owner}' is not a Slack user id (U…); map it with --owners "
                "(crm_owner,slack_user) or name a --default-owner"
            ).format(owner=owner),
            "",
        )

    def mapped_reason(self, reason: str) -> str | None:
        return self.reasons.get(_fold(reason))


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def read_stages(file: str, lines: Iterable[str], process_map: ProcessMap) -> dict[str, str]:
    found: dict[str, str] = {}
    for line, crm, target in _pairs(file, lines, STAGE_COLUMNS):
        if not process_map.has_stage(target):
            raise MappingError(
                _(
                    "{file} line {line}: '{stage}' is not a stage of the {map} map ({stages})"
                ).format(
                    file=file,
                    line=line,
                    stage=target,
                    map=process_map.id,
                    stages=", ".join(s.id for s in process_map.stages),
                )
            )
        found[crm.casefold()] = target
    return found


def read_reasons(file: str, lines: Iterable[str], process_map: ProcessMap) -> dict[str, str]:
    known = {_fold(reason): reason for reason in process_map.lost_reasons}
    found: dict[str, str] = {}
    for line, imported, target in _pairs(file, lines, REASON_COLUMNS):
        if _fold(target) not in known:
            raise MappingError(
                _(
                    "{file} line {line}: '{reason}' is not a lost reason of the map ({known})"
                ).format(
                    file=file, line=line, reason=target, known="; ".join(process_map.lost_reasons)
                )
            )
        found[_fold(imported)] = known[_fold(target)]
    return found


def read_owners(file: str, lines: Iterable[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for line, crm, slack in _pairs(file, lines, OWNER_COLUMNS):
        if not is_user_id(slack):
            raise MappingError(
                _("{file} line {line}: '{user}' is not a Slack user id (U…)").format(
                    file=file, line=line, user=slack
                )
            )
        found[crm.casefold()] = slack
    return found


def check_default_owner(user: str | None) -> str | None:
    if user is not None and not is_user_id(user):
        raise MappingError(
            _("--default-owner '{user}' is not a Slack user id (U…)").format(user=user)
        )
    return user


def _pairs(
    file: str, lines: Iterable[str], columns: tuple[str, str]
) -> Iterable[tuple[int, str, str]]:
    reader = csv.DictReader(iter(lines))
    names = [str(name).strip() for name in reader.fieldnames or []]
    if not all(column in names for column in columns):
        raise MappingError(
            _("{file} line 1: the header must be {columns}").format(
                file=file, columns=",".join(columns)
            )
        )
    seen: dict[str, int] = {}
    for fields in reader:
        cleaned = {(key or "").strip(): (value or "").strip() for key, value in fields.items()}
        source, target = cleaned.get(columns[0], ""), cleaned.get(columns[1], "")
        if not source and not target:
            continue
        if not source or not target:
            raise MappingError(
                _("{file} line {line}: both {columns} are needed").format(
                    file=file, line=reader.line_num, columns=" and ".join(columns)
                )
            )
        first = seen.setdefault(source.casefold(), reader.line_num)
        if first != reader.line_num:
            raise MappingError(
                _("{file} line {line}: '{name}' is already mapped on line {first}").format(
                    file=file, line=reader.line_num, name=source, first=first
                )
            )
        yield reader.line_num, source, target
