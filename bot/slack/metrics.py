"""What `GET /metrics` shows, in Prometheus' text format (prometheus_client): every metric
the app keeps, defined once here, and the exposition. docs/operations.md lists each one,
its labels and the panels worth drawing from them.

Several processes (`serve --workers N`) share one port, and a scrape reaches one of them:
with PROMETHEUS_MULTIPROC_DIR set (before the first import of prometheus_client, by
whoever starts the workers), each process writes its values to files there and every
scrape adds all of them up (prometheus_client's multiprocess mode). Gauges say how their
processes' values combine (`multiprocess_mode`). A supervisor calls `process_exited(pid)`
when a worker ends, and empties the directory before a deployment starts.

Updating a metric costs about a microsecond (a lock and an add): the request path makes a
handful per request. Label values come from short fixed lists, never from what a user
typed, so the series stay few.
"""

from __future__ import annotations

import os
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
# Slack wants the acknowledgement within 3 s; users feel every 100 ms.
ACK_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
WORK_BUCKETS = (*ACK_BUCKETS, 10.0, 30.0, 60.0)

REQUESTS = Counter(
    "stagecoach_requests",
    "Requests from Slack, by kind and outcome, counted when their work (after-ack too) ends",
    ["kind", "outcome"],
)
REQUEST_SECONDS = Histogram(
    "stagecoach_request_seconds",
    "From a request's arrival until its work, after-ack replies included, is done",
    ["kind", "outcome"],
    buckets=WORK_BUCKETS,
)
ACK_SECONDS = Histogram(
    "stagecoach_ack_seconds",
    "From a request's arrival until its HTTP answer (Slack's acknowledgement) is ready",
    ["kind"],
    buckets=ACK_BUCKETS,
)
JOBS = Counter(
    "stagecoach_background_jobs",
    "Work run after an acknowledgement, by job and outcome",
    ["job", "outcome"],
)
JOB_SECONDS = Histogram(
    "stagecoach_background_job_seconds",
    "How long work run after an acknowledgement took",
    ["job"],
    buckets=WORK_BUCKETS,
)
JOBS_RUNNING = Gauge(
    "stagecoach_background_jobs_running",
    "After-ack work started and not finished: the app's only queue (there is no outbox)",
    multiprocess_mode="livesum",
)
WEB_API_CALLS = Counter(
    "stagecoach_web_api_calls", "Slack Web API calls made, by method", ["method"]
)
WEB_API_ERRORS = Counter(
    "stagecoach_web_api_errors",
    "Web API calls that failed in the end, by method and Slack's error (or what cut it off)",
    ["method", "error"],
)
WEB_API_RATELIMITED = Counter(
    "stagecoach_web_api_ratelimited",
    "HTTP 429 answers from the Web API, each one, including those the client retried",
    ["method"],
)
WEB_API_SECONDS = Histogram(
    "stagecoach_web_api_seconds",
    "How long a Web API call took, retries included",
    ["method"],
    buckets=WORK_BUCKETS,
)
DB_POOL_IN_USE = Gauge(
    "stagecoach_db_pool_in_use",
    "Database connections checked out of the pool, by pool",
    ["pool"],
    multiprocess_mode="livesum",
)
DB_POOL_CAPACITY = Gauge(
    "stagecoach_db_pool_capacity",
    "The most connections the pool opens (pool_size + max_overflow)",
    ["pool"],
    multiprocess_mode="livesum",
)
DB_POOL_WAIT_SECONDS = Histogram(
    "stagecoach_db_pool_wait_seconds",
    "Checkouts that found every connection of the pool in use, and how long they waited",
    ["pool"],
    buckets=ACK_BUCKETS,
)
SCHEDULER_TICKS = Counter(
    "stagecoach_scheduler_ticks", "Scheduler ticks, by result (ok, failed)", ["result"]
)
SCHEDULER_TICK_SECONDS = Histogram(
    "stagecoach_scheduler_tick_seconds", "How long a scheduler tick took", buckets=WORK_BUCKETS
)
SCHEDULER_LAST_TICK = Gauge(
    "stagecoach_scheduler_last_tick_timestamp_seconds",
    "When a scheduler tick last ended (Unix time): lag is time() minus this",
    multiprocess_mode="max",
)
SCHEDULER_LAG_SECONDS = Histogram(
    "stagecoach_scheduler_lag_seconds",
    "From a digest's time until a replica claimed it",
    ["kind"],
    buckets=(1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 900.0, 3600.0),
)
SCHEDULER_CLAIMED = Counter(
    "stagecoach_scheduler_claimed", "Digests and nudges this replica claimed", ["kind"]
)
SCHEDULER_DELIVERIES = Counter(
    "stagecoach_scheduler_deliveries",
    "What became of claimed work: posted, retrying, refused, unknown, not ours, dropped, crashed",
    ["kind", "delivery"],
)

WEBHOOK_DELIVERIES = Counter(
    "stagecoach_webhook_deliveries",
    "Webhook posts, by what became of them: delivered, retrying, dead, taken_over",
    ["verdict"],
)
WEBHOOK_OUTBOX = Gauge(
    "stagecoach_webhook_outbox",
    "Webhook outbox rows not delivered, by status (pending, sending, dead), every workspace's",
    ["status"],
    multiprocess_mode="max",  # every replica reads the same table: not a sum
)


def exposition() -> tuple[bytes, str]:
    """The text a scrape gets, and its content type: this process's metrics, or (multiprocess
    mode) every worker's, added up."""
    if os.environ.get(MULTIPROCESS_DIR):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def process_exited(pid: int) -> None:
    """For the supervisor of `serve --workers N`: a worker ended, so its live gauges (pool in
    use, jobs running) stop counting. Its counters stay, as they should."""
    if os.environ.get(MULTIPROCESS_DIR):
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


def forget_earlier_processes() -> None:
    """For the supervisor, before its workers start: the files of an earlier deployment's
    processes would otherwise be added to this one's counts (multiprocess mode only)."""
    directory = os.environ.get(MULTIPROCESS_DIR)
    if directory:
        for stale in Path(directory).glob("*.db"):
            stale.unlink(missing_ok=True)
