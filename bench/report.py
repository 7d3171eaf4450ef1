"""Turning loop results into rows, a table, JSON, and the verdicts on issue #8's targets."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from bench.traffic import LoopResult

FLAT_TOLERANCE = 1.25  # 100k may cost at most this much more than 10k per request (noise)


@dataclass(frozen=True, slots=True)
class Row:
    backend: str
    deals: int
    target: str  # stagecoach, bolt-noop or floor
    kind: str  # show, advance, tick, noop
    concurrency: int
    n: int
    errors: int
    ack_p50_ms: float
    ack_p99_ms: float
    reply_p50_ms: float
    reply_p99_ms: float
    throughput_rps: float
    cpu_ms_per_req: float | None = None  # the server process's CPU time per request
    first_error: str | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """What one serve process showed: per backend and database size."""

    backend: str
    deals: int
    seed_s: float
    startup_s: float
    peak_rss_mb: float | None  # all its processes' peaks, added up
    target: str = "stagecoach"  # `stagecoach x2`: `serve --workers 2`


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def to_row(
    result: LoopResult,
    *,
    backend: str,
    deals: int,
    target: str,
    kind: str,
    concurrency: int,
    cpu_s: float | None = None,
) -> Row:
    acks = [s.ack_s * 1000 for s in result.samples]
    replies = [s.reply_s * 1000 for s in result.samples]
    return Row(
        backend=backend,
        deals=deals,
        target=target,
        kind=kind,
        concurrency=concurrency,
        n=len(result.samples),
        errors=result.errors,
        ack_p50_ms=round(percentile(acks, 0.5), 2),
        ack_p99_ms=round(percentile(acks, 0.99), 2),
        reply_p50_ms=round(percentile(replies, 0.5), 2),
        reply_p99_ms=round(percentile(replies, 0.99), 2),
        throughput_rps=round(len(result.samples) / result.wall_s, 1) if result.wall_s else 0.0,
        cpu_ms_per_req=round(cpu_s * 1000 / len(result.samples), 2)
        if cpu_s is not None and result.samples
        else None,
        first_error=result.first_error,
    )


COLUMNS = (
    ("backend", "backend", "<"),
    ("deals", "deals", ">"),
    ("target", "target", "<"),
    ("kind", "kind", "<"),
    ("concurrency", "conc", ">"),
    ("n", "n", ">"),
    ("errors", "err", ">"),
    ("ack_p50_ms", "ack p50", ">"),
    ("ack_p99_ms", "ack p99", ">"),
    ("reply_p50_ms", "reply p50", ">"),
    ("reply_p99_ms", "reply p99", ">"),
    ("throughput_rps", "req/s", ">"),
    ("cpu_ms_per_req", "cpu ms/req", ">"),
)


def table(rows: Sequence[Row]) -> str:
    """A Markdown table (times in ms)."""
    cells = [[str(getattr(row, key)) for key, _title, _align in COLUMNS] for row in rows]
    widths = [
        max(len(title), *(len(line[i]) for line in cells)) if cells else len(title)
        for i, (_key, title, _align) in enumerate(COLUMNS)
    ]
    head = "| " + " | ".join(t.ljust(w) for (_k, t, _a), w in zip(COLUMNS, widths, strict=True))
    rule = "|" + "|".join(
        "-" * (w + 1) + (":" if a == ">" else "-")
        for (_k, _t, a), w in zip(COLUMNS, widths, strict=True)
    )
    lines = [head + " |", rule + "|"]
    for line in cells:
        padded = [
            c.rjust(w) if a == ">" else c.ljust(w)
            for c, w, (_k, _t, a) in zip(line, widths, COLUMNS, strict=True)
        ]
        lines.append("| " + " | ".join(padded) + " |")
    return "\n".join(lines)


def blocks_table(blocks: Sequence[Block]) -> str:
    lines = [
        "| backend | deals | server | seed s | start-up s | peak RSS MB |",
        "|---|--:|---|--:|--:|--:|",
    ]
    for b in blocks:
        rss = f"{b.peak_rss_mb:.1f}" if b.peak_rss_mb is not None else "n/a"
        lines.append(
            f"| {b.backend} | {b.deals} | {b.target} | {b.seed_s:.1f} | {b.startup_s:.2f} | {rss} |"
        )
    return "\n".join(lines)


def _find(rows: Sequence[Row], **match: Any) -> Row | None:
    return next((r for r in rows if all(getattr(r, k) == v for k, v in match.items())), None)


Plans = dict[str, list[dict[str, Any]]]  # backend -> EXPLAINed statements (bench.plans)


def verdicts(
    rows: Sequence[Row], blocks: Sequence[Block], plans: Plans | None = None
) -> list[dict[str, Any]]:
    """Each target of issue #8, per backend at the largest size: holds or not, and the numbers."""
    found: list[dict[str, Any]] = []
    for backend, statements in (plans or {}).items():
        scans = [s["statement"][:60] for s in statements if not s["uses_index"]]
        found.append(
            _verdict(
                backend,
                f"every per-request statement uses an index ({len(statements)} statements)",
                not scans,
                "; ".join(scans) or "no scan",
            )
        )
    for backend in sorted({r.backend for r in rows}):
        sizes = sorted({r.deals for r in rows if r.backend == backend})
        big = sizes[-1]
        found += _speed_verdicts(rows, backend, big)
        found += _block_verdicts([b for b in blocks if b.backend == backend and b.deals == big])
        if len(sizes) > 1:
            found += _flat_verdicts(rows, backend, sizes[0], big)
    return found


def _verdict(backend: str, target: str, holds: bool, detail: str) -> dict[str, Any]:
    return {"backend": backend, "target": target, "holds": holds, "detail": detail}


def _speed_verdicts(rows: Sequence[Row], backend: str, deals: int) -> list[dict[str, Any]]:
    found = _issue_21_verdicts(rows, backend, deals)
    for conc, factor in ((1, 1.0), (20, 2.0)):
        show = _find(
            rows, backend=backend, deals=deals, target="stagecoach", kind="show", concurrency=conc
        )
        bolt = _find(rows, backend=backend, deals=deals, target="bolt-noop", concurrency=conc)
        if show and bolt:
            limit = bolt.ack_p50_ms * factor
            name = f"show reply p50 < {'' if factor == 1 else '2x '}bolt no-op ack p50 @c{conc} ({deals} deals)"
            detail = f"{show.reply_p50_ms} ms vs {bolt.ack_p50_ms} ms (limit {limit:.2f})"
            found.append(_verdict(backend, name, show.reply_p50_ms < limit, detail))
            if factor > 1:
                found.append(
                    _verdict(
                        backend,
                        f"stretch: show reply p50 < bolt no-op ack p50 @c{conc} ({deals} deals)",
                        show.reply_p50_ms < bolt.ack_p50_ms,
                        f"{show.reply_p50_ms} ms vs {bolt.ack_p50_ms} ms",
                    )
                )
    for row in rows:
        if (
            row.backend == backend
            and row.deals == deals
            and row.target == "stagecoach"
            and row.concurrency == 20
        ):
            found.append(
                _verdict(
                    backend,
                    f"{row.kind} reply p99 < 100 ms @c20 ({deals} deals)",
                    row.reply_p99_ms < 100 and row.errors == 0,
                    f"{row.reply_p99_ms} ms, {row.errors} errors",
                )
            )
    return found


def _issue_21_verdicts(rows: Sequence[Row], backend: str, deals: int) -> list[dict[str, Any]]:
    """Issue #21, for every server measured (`stagecoach x2` is `serve --workers 2`): a
    card by number or by name at 20 concurrent answers faster (p50) than bare Bolt acks a
    no-op, and shows, ticks and advances keep their p99 under 50 ms."""
    found = []
    bolt = _find(rows, backend=backend, deals=deals, target="bolt-noop", concurrency=20)
    for row in rows:
        if row.backend != backend or row.deals != deals or row.concurrency != 20:
            continue
        if not row.target.startswith("stagecoach"):
            continue
        if bolt and row.kind in ("show", "show_name"):
            found.append(
                _verdict(
                    backend,
                    f"#21 {row.target}: {row.kind} reply p50 < bolt no-op ack p50 @c20 ({deals} deals)",
                    row.reply_p50_ms < bolt.ack_p50_ms,
                    f"{row.reply_p50_ms} ms vs {bolt.ack_p50_ms} ms",
                )
            )
        if row.kind in ("show", "show_name", "tick", "advance"):
            found.append(
                _verdict(
                    backend,
                    f"#21 {row.target}: {row.kind} reply p99 < 50 ms @c20 ({deals} deals)",
                    row.reply_p99_ms < 50 and row.errors == 0,
                    f"{row.reply_p99_ms} ms, {row.errors} errors",
                )
            )
    return found


def _block_verdicts(blocks: Sequence[Block]) -> list[dict[str, Any]]:
    found = []
    for b in blocks:
        rss = b.peak_rss_mb
        if b.target != "stagecoach":  # several processes: issue #8's limit is for one
            continue
        found.append(
            _verdict(
                b.backend,
                f"peak RSS < 200 MB ({b.deals} deals)",
                rss is not None and rss < 200,
                f"{rss} MB",
            )
        )
        found.append(_verdict(b.backend, "start-up < 2 s", b.startup_s < 2, f"{b.startup_s:.2f} s"))
    return found


def _flat_verdicts(rows: Sequence[Row], backend: str, small: int, big: int) -> list[dict[str, Any]]:
    found = []
    for row in rows:
        if (
            row.backend != backend
            or row.deals != big
            or row.target != "stagecoach"
            or row.concurrency != 1
        ):
            continue
        before = _find(
            rows, backend=backend, deals=small, target="stagecoach", kind=row.kind, concurrency=1
        )
        if before:
            ratio = row.reply_p50_ms / before.reply_p50_ms if before.reply_p50_ms else math.inf
            found.append(
                _verdict(
                    backend,
                    f"{row.kind} cost flat {small} -> {big} deals (p50 @c1 within {FLAT_TOLERANCE}x)",
                    ratio <= FLAT_TOLERANCE,
                    f"{before.reply_p50_ms} -> {row.reply_p50_ms} ms ({ratio:.2f}x); "
                    f"server CPU {before.cpu_ms_per_req} -> {row.cpu_ms_per_req} ms/req",
                )
            )
    return found


def verdicts_text(found: Sequence[dict[str, Any]]) -> str:
    return "\n".join(
        f"[{'HOLDS' if v['holds'] else 'MISSES'}] {v['backend']}: {v['target']}: {v['detail']}"
        for v in found
    )


def as_json(
    rows: Sequence[Row], blocks: Sequence[Block], *, plans: Plans, **extra: Any
) -> dict[str, Any]:
    return {
        "rows": [asdict(r) for r in rows],
        "servers": [asdict(b) for b in blocks],
        "verdicts": verdicts(rows, blocks, plans),
        "plans": plans,
        **extra,
    }
