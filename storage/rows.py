"""Model objects from plain rows, for the reads every request makes.

Loading a deal through the ORM (`select(Deal)` in a session) cost a card about as much
CPU as everything else in the read: the session's identity map, the ORM's compile and
loading steps. The hot reads select the table's columns with Core instead, and this
builds the objects the way the ORM's own loader does (the instance's attributes set
directly, no validation: the values come from the database).

The objects belong to no session. Nothing writes them back through the ORM: changes are
written with Core statements (see storage.deal_writes.save_deal). Reading through Core also
skips the session's autoflush: objects added to the session and not flushed yet are not
seen (no caller reads what it has just added; flush first if one ever must).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import Column
from sqlalchemy.orm import configure_mappers
from sqlmodel import SQLModel

Model = TypeVar("Model", bound=SQLModel)


class RowLoader(Generic[Model]):
    """The columns of `model`'s table, in order, and a way back from their values."""

    def __init__(self, model: type[Model]) -> None:
        mapper: Any = model.__mapper__  # type: ignore[attr-defined]
        self.columns: tuple[Column[Any], ...] = tuple(mapper.local_table.columns)
        self.width = len(self.columns)
        self._keys = tuple(mapper.get_property_by_column(column).key for column in self.columns)
        self._new = mapper.class_manager.new_instance
        self._configured = False

    def load(self, values: Sequence[Any]) -> Model:
        """The object whose columns hold `values` (in `columns` order)."""
        if not self._configured:
            # The ORM finishes its attributes when its mappers are configured, which its own
            # first query does. A process whose first read is this one (a name looked up
            # before any ORM query) got objects whose attributes raised AttributeError.
            configure_mappers()
            self._configured = True
        instance = self._new()
        instance.__dict__.update(zip(self._keys, values, strict=True))
        return instance  # type: ignore[no-any-return]
