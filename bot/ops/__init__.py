"""Running the bot as a service: health and Prometheus metrics over HTTP."""

from bot.ops.health import HealthSources
from bot.ops.metrics import PrometheusMetrics
from bot.ops.server import OpsServer, OpsUnavailable

__all__ = ["HealthSources", "OpsServer", "OpsUnavailable", "PrometheusMetrics"]
