"""The buckets the running totals keep values in (storage.rollup_sql.bucket) are in value
order, on both backends: a percentile's rank is found by counting the buckets below it,
then an offset in its own (storage.bucket_ranks), which is exact only if no larger value
lies in a smaller bucket. And they stay few: 16 per unit below 1, 8 per doubling."""

from __future__ import annotations

from sqlalchemy import text

from storage.database import Database
from storage.rollup_sql import OCTAVES, bucket

EDGES = [2.0**k for k in range(-6, OCTAVES + 2)]
VALUES = sorted(
    {0.0, -1e-9, -3.5, 1e9, *EDGES, *(e * (1 - 1e-12) for e in EDGES), *(e * 1.37 for e in EDGES)}
)


async def buckets_of(db: Database, values: list[float]) -> list[int]:
    dialect = "sqlite" if db.is_sqlite else "postgresql"
    rows = " UNION ALL ".join(f"SELECT CAST({v!r} AS FLOAT) AS x" for v in values)
    query = f"SELECT {bucket(dialect, 'v.x')} FROM ({rows}) AS v ORDER BY v.x"
    async with db.read() as session:
        connection = await session.connection()
        return [int(row[0]) for row in await connection.execute(text(query))]


async def test_buckets_follow_the_values_and_stay_few(database: Database) -> None:
    found = await buckets_of(database, VALUES)
    assert found == sorted(found)  # in value order
    assert found[0] == -1 and found[-1] == 16 + 8 * OCTAVES  # negatives; the last holds the rest
    assert len(set(found)) <= 16 + 8 * OCTAVES + 2


async def test_each_doubling_has_eight_buckets(database: Database) -> None:
    steps = [1.0 + n / 64 for n in range(64)]  # 1 to 2 in 64 steps
    assert sorted(set(await buckets_of(database, steps))) == list(range(16, 24))
    below_one = [n / 64 for n in range(64)]
    assert sorted(set(await buckets_of(database, below_one))) == list(range(16))
