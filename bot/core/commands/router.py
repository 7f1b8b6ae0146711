"""One entry point for every adapter: commands, clicks and typed lines go in here."""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from sqlalchemy.exc import DBAPIError

from bot.core import audit
from bot.core.commands.base import Command, Context, Handler
from bot.core.errors import UserError
from bot.core.messages import Action, Attachment, Message
from bot.core.notices import tell_pending
from bot.core.ports import Caller, Replier
from bot.core.safety import guarded
from bot.core.services import Services
from bot.core.text import shown, storable

log = logging.getLogger(__name__)

OOPS = (
    "Something went wrong on my side and it has been logged. Please try again in a minute; "
    "nothing you did was lost."
)
# The database refused or did not answer: the transaction rolled back, so say so plainly.
SAVE_FAILED = (
    "I could not save that: the database did not take the change, so it is not stored. "
    "Please try again in a few minutes; the details are in the bot's log."
)


class Router:
    def __init__(
        self, services: Services, commands: list[Command], actions: dict[str, Handler]
    ) -> None:
        self.services = services
        self.commands = commands
        self._by_name = {(c.group, c.name): c for c in commands}
        self._actions = actions

    def find(self, group: str, name: str) -> Command | None:
        return self._by_name.get((group, name))

    async def text(self, caller: Caller, line: str, reply: Replier) -> None:
        """A typed command line such as `/mentor schedule 07:30 Europe/Berlin`."""
        head, _, rest = line.strip().partition(" ")
        group = head.removeprefix("/")
        name, _, args = rest.strip().partition(" ")
        await self.command(caller, group, name, args.strip(), reply)

    async def command(
        self,
        caller: Caller,
        group: str,
        name: str,
        args: str,
        reply: Replier,
        attachments: tuple[Attachment, ...] = (),
    ) -> None:
        reply = guarded(reply)
        caller, args = _storable(caller), storable(args)
        command = self.find(group, name.lower())
        if command is None:
            # What was typed is not a label: it could be anything, in any number of spellings.
            self._done(caller, "unknown", "unknown", 0.0)
            await reply.send(self._unknown(group, name))
            return
        if command.moderator and not caller.is_moderator:
            self._done(caller, f"/{command.group} {command.name}", "refused", 0.0)
            await self._audit_refusal(caller, f"/{group} {command.name}", args)
            await reply.send(
                Message(body=f"`/{group} {name}` is for moderators only.", private=True)
            )
            return
        usage = command.invocation if command.usage else None
        context = Context(caller, args, self.services, reply, attachments=attachments)
        await self._run(command.handler, context, f"/{command.group} {command.name}", usage)
        await tell_pending(self.services, caller, reply)

    async def action(self, caller: Caller, action: Action, reply: Replier) -> None:
        reply = guarded(reply)
        caller = _storable(caller)
        handler = self._actions.get(action.action)
        if handler is None:
            log.warning("unknown action %r from %s", action.action, caller.platform)
            self._done(caller, "unknown", "unknown", 0.0)
            await reply.send(
                Message(body="That button is no longer valid. Try `/mentor help`.", private=True)
            )
            return
        context = Context(
            caller,
            storable(action.value),
            self.services,
            reply,
            fields={name: storable(value) for name, value in action.fields.items()},
            attachments=action.attachments,
            origin=action.origin,
        )
        await self._run(handler, context, f"action {action.action}", None)

    async def _run(self, handler: Handler, context: Context, what: str, usage: str | None) -> None:
        caller, reply = context.caller, context.reply
        started = time.perf_counter()
        # Stays so only if the handler is cancelled (the bot is stopping).
        outcome = "cancelled"
        try:
            await handler(context)
            outcome = "ok"
        except UserError as error:
            outcome = "user_error"
            text = error.message
            shown_usage = error.usage or usage
            if shown_usage:
                text += f"\nUsage: `{shown_usage}`"
            await reply.send(Message(body=text, private=True))
        except Exception as error:
            outcome = "error"
            log.exception("%s failed for %s user %s", what, caller.platform, caller.user_id)
            text = SAVE_FAILED if isinstance(error, DBAPIError) else OOPS
            await reply.send(Message(body=text, private=True))
        finally:
            self._done(caller, what, outcome, time.perf_counter() - started)

    def _done(self, caller: Caller, what: str, outcome: str, seconds: float) -> None:
        """One log line and one metric per command or click; never what was typed after it."""
        self.services.metrics.command(what, outcome, seconds)
        log.info(
            "%s from %s user %s in %s: %s in %.3f s",
            what,
            caller.platform,
            caller.user_id,
            caller.workspace_id,
            outcome,
            seconds,
            extra={
                "platform": caller.platform,
                "workspace": caller.workspace_id,
                "user": caller.user_id,
                "command": what,
                "outcome": outcome,
                "seconds": round(seconds, 4),
            },
        )

    async def _audit_refusal(self, caller: Caller, command: str, args: str) -> None:
        """Moderator commands tried by others are on record too."""
        try:
            async with self.services.db() as session, session.begin():
                audit.record(
                    session,
                    self.services.clock,
                    audit.actor_of(caller),
                    command[:64],
                    args=args[:200],
                    outcome="refused: not a moderator",
                )
        except Exception:
            log.exception("could not write the audit entry for %s by %s", command, caller.user_id)

    def _unknown(self, group: str, name: str) -> Message:
        groups = {c.group for c in self.commands}
        group, name = shown(group), shown(name)
        if group not in groups:
            text = f"Unknown command `/{group}`. Commands start with `/mentor`; try `/mentor help`."
        elif not name:
            text = f"`/{group}` needs a command after it; try `/mentor help`."
        else:
            text = f"Unknown command `/{group} {name}`. Try `/mentor help` for the list."
        return Message(body=text, private=True)


def _storable(caller: Caller) -> Caller:
    """The caller with a display name the database can store, whatever the platform sent."""
    name = storable(caller.display_name)
    return caller if name == caller.display_name else replace(caller, display_name=name)
