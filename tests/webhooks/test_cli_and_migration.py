"""`stagecoach webhooks failed | retry | deliver` on a database of its own, and a map
migration's stage moves written to the outbox in its batch's transaction."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlmodel import select

from bot.cli import main
from bot.core.catalog import MapCatalog
from bot.core.context import Services
from bot.deals.map_migration import MigrationRequest, migrate
from bot.webhooks.endpoints import add_webhook
from bot.webhooks.outcomes import WebhookAdded
from flows.loader import load_shipped, parse_map
from flows.stage_mapping import StageMapping
from storage.database import Database
from storage.migrate import upgrade
from storage.webhook_models import WebhookOutbox
from tests.support.deals import ADMIN, REP, default_map_v2_source, expect, new_deal
from tests.support.webhook_deals import walk
from tests.support.webhook_receiver import Receiver


async def test_failed_lists_dead_letters_and_retry_resends_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'hooks.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("STAGECOACH_WEBHOOK_ATTEMPTS", "1")
    monkeypatch.setenv("STAGECOACH_WEBHOOK_ALLOW_PRIVATE", "1")
    receiver = Receiver(answer=lambda n: 503 if n == 0 else 200)
    hook = await receiver.start()
    db = Database(url)
    await upgrade(db)
    catalog = MapCatalog.from_ref("default")
    await catalog.register(db)
    services = Services(
        db=db, catalog=catalog, admins=frozenset({ADMIN.user_id}), webhook_allow_private=True
    )
    try:
        expect(await add_webhook(services, ADMIN, url=hook, events=()), WebhookAdded)
        deal_id, events = await walk(services, REP, "Acme", ["advanced", "lost"])
        cli = asyncio.to_thread  # each command runs its own event loop

        assert await cli(main, ["webhooks", "deliver", "--once"]) == 0
        assert await cli(main, ["webhooks", "failed"]) == 0
        listed = capsys.readouterr().out
        assert f"deal #{deal_id} advanced" in listed and "HTTP 503" in listed
        assert "1 try, last: HTTP 503" in listed
        assert "1 later event of the deal waits behind it" in listed
        dead = listed.split()[0]
        assert await cli(main, ["webhooks", "retry"]) == 2
        assert await cli(main, ["webhooks", "retry", "999"]) == 1
        assert "1 of those numbers is no dead letter" in capsys.readouterr().err
        # one good number beside a wrong one: all or nothing, so still a dead letter
        assert await cli(main, ["webhooks", "retry", dead, "999"]) == 1
        assert "none was queued" in capsys.readouterr().err
        assert await cli(main, ["webhooks", "failed"]) == 0
        assert f"deal #{deal_id} advanced" in capsys.readouterr().out
        assert await cli(main, ["webhooks", "retry", "--all"]) == 0
        assert "1 dead letter queued to be sent again" in capsys.readouterr().out
        assert await cli(main, ["webhooks", "deliver", "--once"]) == 0

        assert [one.event["type"] for one in receiver.deduped()] == events
        assert await cli(main, ["webhooks", "failed"]) == 0
        assert "no dead letters" in capsys.readouterr().out
    finally:
        await receiver.close()
        await services.close()


def test_retry_with_numbers_and_all_says_they_do_not_go_together(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Found in use (issue #20): `retry --all 1` was told to name the dead letters or --all."""
    assert main(["webhooks", "retry", "--all", "1"]) == 2
    assert "not both" in capsys.readouterr().err


async def test_a_map_migration_writes_its_stage_moves_to_the_outbox(services: Services) -> None:
    await add_webhook(services, ADMIN, url="https://crm.example.com/h", events=("migrated",))
    moved = await new_deal(services, REP, "Acme")  # in qualify, renamed on version 2
    source = default_map_v2_source()
    request = MigrationRequest(
        source=load_shipped("default"),
        target=parse_map(source, file="default@2"),
        target_yaml=source,
        mapping=StageMapping({"qualify": "qualification"}),
        actor_id=ADMIN.user_id,
    )

    await migrate(services, request)

    async with services.db.read() as session:
        rows = list((await session.exec(select(WebhookOutbox))).all())
    assert [(row.deal_id, row.kind) for row in rows] == [(moved.deal_id, "migrated")]
    assert '"from_stage": "qualify", "to_stage": "qualification"' in rows[0].payload
