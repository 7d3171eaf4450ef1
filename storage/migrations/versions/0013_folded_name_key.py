"""a deal's name key is folded: case, accents and the Turkish i's ignored

`deal.name_key` was the lower-cased name, so `/deal show MÜŞTERİ` and `mus` did not find
"Müşteri Görüşmesi". Keys are now folded (storage.name_keys); this revision recomputes
the key of every deal already stored, and the downgrade puts back the lower-cased names.

The fold is written out here as it stood when the revision was made: a migration must
give the same keys whenever it runs, whatever storage.name_keys becomes later (a change
there needs a revision of its own that recomputes them again).

Revision ID: 9df77622eeb3
Revises: 6c2f8e0d4a17
Create Date: 2026-12-07 06:00:00
"""

import unicodedata
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9df77622eeb3"
down_revision: str | None = "6c2f8e0d4a17"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY_LENGTH = 120
BATCH = 1000
_PLAIN_LETTERS = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ŀ": "l"})

DEAL = sa.table(
    "deal",
    sa.column("id", sa.Integer()),
    sa.column("name", sa.String()),
    sa.column("name_key", sa.String()),
)


def folded_key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    folded = " ".join(plain.translate(_PLAIN_LETTERS).split())
    return (folded or " ".join(name.casefold().split()))[:KEY_LENGTH]


def lowered_key(name: str) -> str:
    return name.lower()[:KEY_LENGTH]


def upgrade() -> None:
    _rekey(folded_key)


def downgrade() -> None:
    _rekey(lowered_key)


def _rekey(key: Callable[[str], str]) -> None:
    """Rewrite the keys that change, a batch of deals at a time (in id order)."""
    connection = op.get_bind()
    update = (
        DEAL.update()
        .where(DEAL.c.id == sa.bindparam("deal_id"))
        .values(name_key=sa.bindparam("new_key"))
    )
    after = 0
    while True:
        batch = connection.execute(
            sa.select(DEAL.c.id, DEAL.c.name, DEAL.c.name_key)
            .where(DEAL.c.id > after)
            .order_by(DEAL.c.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        changed = [
            {"deal_id": deal_id, "new_key": key(name)}
            for deal_id, name, stored in batch
            if key(name) != stored
        ]
        if changed:
            connection.execute(update, changed)
        after = batch[-1][0]
