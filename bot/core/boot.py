"""Start-up shared by every entry point (serve, shell, say, CLI): settings → database
(migrated on first start) → the map catalogue → the use-case services."""

from __future__ import annotations

import logging

from bot.core.catalog import MapCatalog
from bot.core.context import Services
from bot.core.settings import Settings
from storage.database import Database
from storage.migrate import ensure_schema
from storage.rollup_backfill import reach_of

log = logging.getLogger(__name__)


class StartupError(RuntimeError):
    """Start-up cannot go on; the message is one line saying why and what to do."""


async def open_services(settings: Settings, *, workers: int = 1) -> Services:
    """`workers`: how many processes share the work (`serve --workers`): each keeps that
    share of the database connections one process would."""
    db = Database(settings.database_url, share=workers)
    if not await db.ping():
        await db.dispose()
        raise StartupError(
            f"cannot reach the database at DATABASE_URL={_safe(settings.database_url)}; "
            "check that it is running and the URL is right"
        )
    if await ensure_schema(db):
        log.info("database schema upgraded to the latest revision")
    if not (await reach_of(db)).done:  # reports read the history meanwhile: right, slower
        log.warning(
            "the all-time KPI totals do not hold every deal yet: run "
            "'stagecoach db backfill' (it resumes where it stopped; docs/kpis.md)"
        )
    catalog = MapCatalog.from_ref(settings.map_ref)
    await catalog.register(db)
    return Services(
        db=db,
        catalog=catalog,
        admins=settings.admins,
        report_queries=settings.report_queries,
        reporting_currency=settings.reporting_currency,
        webhook_allow_private=settings.webhook_allow_private,
    )


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparsable>"
