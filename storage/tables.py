"""Every table of stagecoach on one metadata.

The deal tables (storage.models) and the digest tables (storage.digest_models) each
register themselves on SQLModel.metadata when imported; the digest tables build on the
deal module, never the other way round. Whatever needs every table at once (migrations,
create_all, Core statements that look tables up by name) imports this module.
"""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlmodel import SQLModel

from storage import (
    approval_models,
    digest_models,
    feedback_models,
    handoff_models,
    models,
    onboarding_models,
    rollup_models,
    room_models,
    webhook_models,
    workspace_models,
)
from storage.rollup_triggers import install_on

METADATA: MetaData = SQLModel.metadata
MODULES = (
    models,
    onboarding_models,
    digest_models,
    feedback_models,
    room_models,
    handoff_models,
    workspace_models,
    approval_models,
    webhook_models,
    rollup_models,
)  # imported for their tables

# the all-time totals' triggers, made with the tables (storage.rollup_triggers)
install_on(METADATA)
