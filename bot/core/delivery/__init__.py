"""Daily delivery: each member's next item by DM at their own local time (docs/delivery.md).

The dispatcher lives in `bot.core.delivery.dispatcher`; it is not re-exported here because
enrollment and the commands import the light parts below, and the dispatcher imports them.
"""

from bot.core.delivery.plan import release_hold, reschedule

__all__ = ["release_hold", "reschedule"]
