"""Where metrics go when nobody collects them: the `Metrics` port's default."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.core.ports import Metrics

__all__ = ["Metrics", "NoMetrics"]


class NoMetrics:
    """Drops every report: the ops server is off."""

    def command(self, name: str, outcome: str, seconds: float) -> None:
        pass

    def deliveries(self, outcomes: Mapping[str, int], lags: Sequence[float]) -> None:
        pass

    def queued(self, items: int, nudges: int) -> None:
        pass

    def llm_tokens(self, kind: str, count: int) -> None:
        pass

    def llm_error(self, reason: str) -> None:
        pass

    def tick(self, seconds: float) -> None:
        pass
