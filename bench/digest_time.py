"""How long composing a digest takes over the seeded deals, when the digest code exists.

Digests (bot/digests/) are another engineer's work: the benchmark times
`compose_digest` for a whole-workspace weekly digest (every deal in scope, the heaviest
case) and reports a skip, with the reason, when that code is absent or not usable yet.
"""

from __future__ import annotations

import datetime as dt
import importlib
import time
from typing import Any

from bench.seed import Seeded
from bot.core.boot import open_services
from bot.core.settings import Settings

WINDOW = dt.timedelta(days=7)


async def digest_timing(database_url: str, seeded: Seeded) -> dict[str, Any]:
    try:
        compose = importlib.import_module("bot.digests.compose").compose_digest
        subscription_type = importlib.import_module("storage.digest_models").DigestSubscription
    except (ImportError, AttributeError) as exc:
        return {"skipped": f"no digest code to time ({exc})"}
    try:
        services = await open_services(Settings(database_url=database_url))
    except Exception as exc:  # e.g. the digest tables' migration is not in place yet
        return {"skipped": f"cannot open the services: {type(exc).__name__}: {exc}"}
    try:
        subscription = subscription_type(
            team_id=seeded.team_id,
            channel_id="C0BENCH001",
            frequency="weekly",
            at_time="09:00",
            tz="UTC",
            scope="all",
            created_by="U0BENCH000",
        )
        end = services.clock()
        started = time.monotonic()
        await compose(
            services, subscription=subscription, window_start=end - WINDOW, window_end=end
        )
        return {"deals": seeded.deals, "compose_s": round(time.monotonic() - started, 3)}
    except Exception as exc:  # work in progress elsewhere: report, never stop the benchmark
        return {"skipped": f"compose_digest failed: {type(exc).__name__}: {exc}"}
    finally:
        await services.close()
