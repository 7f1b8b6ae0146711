"""Daily delivery: each member's next item by DM at their own local time (docs/delivery.md).

The dispatcher lives in `bot.core.delivery.dispatcher`; it is not re-exported here because
enrollment and the commands import the light parts below, and the dispatcher imports them.
"""

from bot.core.delivery.plan import next_due, release_hold, reschedule
from bot.core.delivery.ports import Messenger, Outcome, Recipient, SendResult

__all__ = [
    "Messenger",
    "Outcome",
    "Recipient",
    "SendResult",
    "next_due",
    "release_hold",
    "reschedule",
]
