"""a workspace's language

`workspace_setting.language`: the language a workspace chose (`/deal settings language tr`)
for people whose Slack language stagecoach does not speak; empty: the map's (docs/i18n.md).

Revision ID: 5c1d8e3a7b42
Revises: 3b8e6d2a9c17
Create Date: 2026-12-07 15:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401  (autogenerate renders sqlmodel's column types)
from alembic import op

revision: str = "5c1d8e3a7b42"
down_revision: str | None = "3b8e6d2a9c17"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workspace_setting", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("workspace_setting", schema=None) as batch_op:
        batch_op.drop_column("language")
