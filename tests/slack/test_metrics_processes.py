"""Several processes on one port (`serve --workers N`): with PROMETHEUS_MULTIPROC_DIR set,
each process writes its metrics there and any one's /metrics adds all of them up; a worker
that ended stops counting in the live gauges, its counters stay."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
WORKER = """
import sys
from bot.slack import metrics
metrics.REQUESTS.labels("command", "ok").inc(int(sys.argv[1]))
metrics.DB_POOL_IN_USE.labels("read").set(int(sys.argv[2]))
"""
SCRAPE = """
import sys
from bot.slack import metrics
for pid in sys.argv[1:]:
    metrics.process_exited(int(pid))
sys.stdout.write(metrics.exposition()[0].decode())
"""


def run(script: str, *args: str, directory: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    return subprocess.run(
        [sys.executable, "-c", script, *args], env=env, capture_output=True, text=True, check=True
    )


def scraped(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_every_process_counts_and_a_scrape_adds_them_up(tmp_path: Path) -> None:
    first = subprocess.Popen([sys.executable, "-c", WORKER, "3", "2"], env={
        **os.environ, "PYTHONPATH": str(ROOT), "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)
    })  # fmt: skip
    assert first.wait(60) == 0
    run(WORKER, "4", "5", directory=tmp_path)
    requests = ("stagecoach_requests_total", (("kind", "command"), ("outcome", "ok")))
    in_use = ("stagecoach_db_pool_in_use", (("pool", "read"),))

    both = scraped(run(SCRAPE, directory=tmp_path).stdout)
    assert both[requests] == 7 and both[in_use] == 7

    after_first_ended = scraped(run(SCRAPE, str(first.pid), directory=tmp_path).stdout)
    assert after_first_ended[requests] == 7 and after_first_ended[in_use] == 5
