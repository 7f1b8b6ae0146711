"""The `Metrics` port kept for Prometheus: counters and histograms named `mentorbot_*`.

Each process has its own registry (no module-level default), served at `/metrics` by the ops
server. Label values are fixed names (commands, outcomes, token kinds), never what a member
typed, so the number of series stays small.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)

DELIVERY_OUTCOMES = ("sent", "retry_later", "unreachable", "failed", "skipped")
TOKEN_KINDS = ("input", "output", "cache_read", "cache_write")
# Commands answer in milliseconds; /mentor ask streams for up to a minute.
COMMAND_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
# A DM goes out within a tick (30 s by default) of its time; hours mean workers are down.
LAG_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 3 * 3600, 12 * 3600, 86400)
TICK_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600)


class PrometheusMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self._commands = Counter(
            "mentorbot_commands",
            "Commands and clicks handled, by command and outcome",
            ["command", "outcome"],
            registry=r,
        )
        self._command_seconds = Histogram(
            "mentorbot_command_seconds",
            "Time from a command's arrival to its handler's end",
            ["command"],
            buckets=COMMAND_BUCKETS,
            registry=r,
        )
        self._deliveries = Counter(
            "mentorbot_deliveries", "Lesson DMs by recorded outcome", ["outcome"], registry=r
        )
        self._queued = Counter(
            "mentorbot_deliveries_queued", "Deliveries queued, by kind", ["kind"], registry=r
        )
        self._lag = Histogram(
            "mentorbot_delivery_lag_seconds",
            "Seconds a DM went out after the member's scheduled time",
            buckets=LAG_BUCKETS,
            registry=r,
        )
        self._tokens = Counter(
            "mentorbot_llm_tokens", "Tokens the mentor's model used, by kind", ["kind"], registry=r
        )
        self._llm_errors = Counter(
            "mentorbot_llm_errors",
            "Questions the model did not answer, by reason",
            ["reason"],
            registry=r,
        )
        self._tick = Histogram(
            "mentorbot_tick_seconds",
            "Duration of each delivery tick",
            buckets=TICK_BUCKETS,
            registry=r,
        )
        self._last_tick = Gauge(
            "mentorbot_last_tick_timestamp_seconds",
            "Unix time the last delivery tick ended",
            registry=r,
        )
        self.connected = Gauge(
            "mentorbot_platform_connected",
            "1 while the platform's connection is up",
            ["platform"],
            registry=r,
        )
        # Memory, CPU, open files and start time of this process (on Linux).
        ProcessCollector(namespace="mentorbot", registry=r)
        # Series that exist from the start read 0 instead of missing, so rates work at once.
        for outcome in DELIVERY_OUTCOMES:
            self._deliveries.labels(outcome)
        for kind in TOKEN_KINDS:
            self._tokens.labels(kind)
        for kind in ("item", "nudge"):
            self._queued.labels(kind)

    def command(self, name: str, outcome: str, seconds: float) -> None:
        self._commands.labels(name, outcome).inc()
        if outcome not in ("unknown", "refused"):
            self._command_seconds.labels(name).observe(seconds)

    def deliveries(self, outcomes: Mapping[str, int], lags: Sequence[float]) -> None:
        for outcome, count in outcomes.items():
            if count:
                self._deliveries.labels(outcome).inc(count)
        for lag in lags:
            self._lag.observe(max(lag, 0.0))

    def queued(self, items: int, nudges: int) -> None:
        if items:
            self._queued.labels("item").inc(items)
        if nudges:
            self._queued.labels("nudge").inc(nudges)

    def llm_tokens(self, kind: str, count: int) -> None:
        if count:
            self._tokens.labels(kind).inc(count)

    def llm_error(self, reason: str) -> None:
        self._llm_errors.labels(reason).inc()

    def tick(self, seconds: float) -> None:
        self._tick.observe(seconds)
        self._last_tick.set_to_current_time()

    def exposition(self) -> bytes:
        """Every metric in Prometheus' text format."""
        return generate_latest(self.registry)
