"""`?pgbouncer=true` at the end of DATABASE_URL (storage/pgbouncer.py): read, taken off the
URL asyncpg sees, and anything else refused at start-up with what to write instead."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import make_url

from bot.core.settings import Settings, SettingsError
from storage.pgbouncer import behind_pgbouncer
from storage.urls import DatabaseUrlError, async_url

BASE = "postgresql://app:pw@pool:6432/stagecoach"
SAID = ("true", "1", "yes", "TRUE", "True")
UNSAID = ("false", "0", "no", "False")


@pytest.mark.parametrize("raw", SAID + UNSAID)
def test_the_flag_is_read_and_taken_off_the_url(raw: str) -> None:
    url, behind = behind_pgbouncer(async_url(f"{BASE}?sslmode=require&pgbouncer={raw}"))
    assert behind is (raw in SAID)
    assert dict(url.query) == {"sslmode": "require"}  # the rest is passed on untouched
    assert url.render_as_string(hide_password=False).startswith(
        "postgresql+asyncpg://app:pw@pool:6432/stagecoach"
    )


def test_without_the_flag_nothing_changes() -> None:
    url = async_url(BASE)
    assert behind_pgbouncer(url) == (url, False)


@given(raw=st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=12))
def test_any_other_value_stops_start_up_saying_what_to_write(raw: str) -> None:
    if raw.lower() in SAID + UNSAID:
        return
    env = {"DATABASE_URL": f"{BASE}?pgbouncer={raw}"}
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(env)
    assert "write pgbouncer=true" in str(refused.value)
    with pytest.raises(DatabaseUrlError):
        behind_pgbouncer(make_url(env["DATABASE_URL"]))
