"""The console: reads command lines from stdin and prints replies. The local user moderates.

It is the newcomer's demo (`make run` with no tokens) and the end-to-end test harness.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import re
import threading
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from bot.core.clock import OffsetClock
from bot.core.commands import Kind, Router
from bot.core.errors import UserError
from bot.core.messages import Action, Attachment, Form, Message, MessageRef
from bot.core.ports import Caller
from bot.core.publishing.upload import from_path, pack
from bot.core.text import shown
from bot.platforms.console.messenger import ConsoleMessenger
from bot.platforms.console.render import pickable, render, render_extras

PLATFORM = "console"
WAIT_USAGE = "/wait <duration>, for example /wait 1d, /wait 6h or /wait 1d12h"
# Far enough to watch a whole path arrive; every day on the way is one delivery tick.
MAX_WAIT = timedelta(weeks=52)
# ASCII digits only: "²" and "①" are digits to str.isdigit() but not to int().
_DURATION = re.compile(r"([0-9]+)([wdhms])")
_NUMBER = re.compile(r"[0-9]+")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}

# Moves the clock forward by the given time, doing on the way whatever falls due (the DMs).
PassTime = Callable[[timedelta], Awaitable[None]]


def parse_duration(text: str) -> timedelta:
    """A duration such as 1d12h, at most MAX_WAIT; ValueError saying what is wrong."""
    text = text.strip().lower()
    parts = _DURATION.findall(text)
    if not text or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"'{shown(text)}' is not a duration. Usage: {WAIT_USAGE}")
    too_far = f"/wait goes at most {MAX_WAIT.days // 7} weeks ahead at a time."
    total = timedelta()
    for number, unit in parts:
        # One piece at a time: a huge number would overflow timedelta, or even int().
        if len(number) > 6:
            raise ValueError(too_far)
        total += timedelta(**{_UNITS[unit]: int(number)})
        if total > MAX_WAIT:
            raise ValueError(too_far)
    return total


class ConsoleReplier:
    """Prints messages; remembers the newest choices so a typed number can pick one."""

    def __init__(self, out: TextIO, files_dir: Path | None = None) -> None:
        self._out = out
        # Files sent with a message (a stats chart) are written here and their path printed.
        self._files_dir = files_dir or Path.cwd()
        self._count = 0
        self._printed: dict[str, Message] = {}
        # An answer streaming in leaves its line open; whatever is printed next starts below it.
        self._open_line = False
        # What typing a number picks: the newest message's buttons and select options.
        self.choices: tuple[Action, ...] = ()
        # The last message invites a follow-up: a plain typed line continues the conversation.
        self.conversation_open = False

    async def send(self, message: Message) -> MessageRef:
        self._count += 1
        ref = MessageRef(PLATFORM, "console", str(self._count))
        self._printed[ref.message_id] = message
        self._remember(message)
        if not message.body and not message.choices and not message.footer:
            # The start of an answer that will grow by edits: print its title and wait for text.
            self._close_line()
            self._out.write(f"== {message.title} ==\n" if message.title else "")
            self._out.flush()
            self._open_line = True
        else:
            self.write(render(message))
        for file in message.files:
            target = self._files_dir / file.name
            target.write_bytes(file.data)
            self.write(f"(saved {file.name} to {target})")
        return ref

    async def form(self, form: Form) -> bool:
        # The console types its answers as command arguments instead.
        return False

    async def edit(self, ref: MessageRef, message: Message) -> None:
        before = self._printed.get(ref.message_id, Message(body=""))
        self._printed[ref.message_id] = message
        self._remember(message)
        if not message.body.startswith(before.body):
            self.write(render(message))
            return
        # A growing answer: print only what is new, as it arrives.
        self._out.write(message.body[len(before.body) :])
        self._open_line = True
        if (message.choices, message.footer) != (before.choices, before.footer):
            self._out.write("\n" + render_extras(message))
            self._close_line()
        self._out.flush()

    def prompt(self, text: str) -> None:
        self._close_line()
        self._out.write(text)
        self._out.flush()

    def write(self, text: str) -> None:
        self._close_line()
        self._out.write(text + "\n\n")
        self._out.flush()

    def _close_line(self) -> None:
        if self._open_line:
            self._out.write("\n\n")
            self._open_line = False

    def _remember(self, message: Message) -> None:
        picks = pickable(message)
        if picks:
            self.choices = picks
        self.conversation_open = message.follow_up


class ConsoleAdapter:
    """The local user is a member and a moderator; the DMs print in line."""

    platform = PLATFORM

    def __init__(
        self,
        router: Router,
        clock: OffsetClock,
        stdin: TextIO,
        stdout: TextIO,
        *,
        pass_time: PassTime | None = None,
        interactive: bool = False,
        files_dir: Path | None = None,
    ) -> None:
        self.router = router
        self.clock = clock
        self.stdin = stdin
        self.replier = ConsoleReplier(stdout, files_dir)
        self.messenger = ConsoleMessenger(self.replier.write, clock)
        self.pass_time = pass_time
        self.interactive = interactive
        self.caller = Caller(
            platform=PLATFORM,
            workspace_id="local",
            user_id="local",
            display_name=_local_name(),
            is_moderator=True,
            conversation_id="console",
        )

    def connected(self) -> bool:
        return True

    async def run(self, stop: asyncio.Event) -> None:
        """Read lines until /quit, end of input or `stop`; a line being handled finishes."""
        self.replier.write(
            "mentorbot console. Type /mentor help for commands, /mentor start to begin, "
            "/quit to leave."
        )
        lines = _read_lines(self.stdin)
        stopped = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                if self.interactive:
                    self.replier.prompt("> ")
                line = asyncio.ensure_future(lines.get())
                await asyncio.wait({line, stopped}, return_when=asyncio.FIRST_COMPLETED)
                if not line.done():
                    line.cancel()
                    return
                text = line.result()
                if text is None or not await self.handle(text.strip()):
                    return
        finally:
            stopped.cancel()
            if self.interactive:
                self.replier.write("")

    async def handle(self, line: str) -> bool:
        """Act on one line; False when the user asked to quit."""
        if not line:
            return True
        if line in ("/quit", "/exit"):
            return False
        if _NUMBER.fullmatch(line):
            await self._choose(int(line) if len(line) <= 6 else 0)
        elif line.split()[0] == "/wait":
            await self._wait(line.partition(" ")[2])
        elif line.startswith("/"):
            await self._command(line)
        elif self.replier.conversation_open:
            # Right after an answer, a plain line is a follow-up in the same conversation.
            await self.router.command(self.caller, "mentor", "ask", line, self.replier)
        else:
            self.replier.write(
                "Commands start with a slash, for example /mentor help, and questions go after "
                "/mentor ask. Type the number of an option to pick it."
            )
        return True

    async def _command(self, line: str) -> None:
        """A command line; for a command that takes a file, the first word is a local path."""
        head, _, rest = line.partition(" ")
        name, _, args = rest.strip().partition(" ")
        group = head.removeprefix("/")
        command = self.router.find(group, name.lower())
        takes_file = command is not None and any(p.kind == Kind.ATTACHMENT for p in command.params)
        if not takes_file or not args.strip():
            await self.router.text(self.caller, line, self.replier)
            return
        where, _, rest_args = args.strip().partition(" ")
        attachment = local_attachment(where)
        await self.router.command(
            self.caller, group, name, rest_args.strip(), self.replier, (attachment,)
        )

    async def announce(self, channel: str, message: Message) -> None:
        """New lessons, as they would be posted in the community's channel."""
        self.replier.write(f"[#{channel}]\n{render(message)}")

    async def _choose(self, number: int) -> None:
        choices = self.replier.choices
        if not 1 <= number <= len(choices):
            if choices:
                self.replier.write(f"Pick a number from 1 to {len(choices)}.")
            else:
                self.replier.write("There is nothing to choose right now; try /mentor help.")
            return
        choice = choices[number - 1]
        self.replier.choices = ()
        await self.router.action(self.caller, choice, self.replier)

    async def _wait(self, text: str) -> None:
        try:
            delta = parse_duration(text)
        except ValueError as error:
            self.replier.write(str(error))
            return
        target = self.clock.now() + delta
        self.replier.write(f"(time passes: it is now {target:%a %d %b %Y %H:%M} UTC)")
        if self.pass_time is None:
            self.clock.advance(delta)
        else:
            await self.pass_time(delta)


def _read_lines(stdin: TextIO) -> asyncio.Queue[str | None]:
    """Lines from `stdin`, read by a daemon thread: a blocked read never holds up the exit, so
    Ctrl-C or SIGTERM at the prompt ends the console at once. None marks the end of input."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def pump() -> None:
        try:
            for line in iter(stdin.readline, ""):
                loop.call_soon_threadsafe(queue.put_nowait, line)
        except (OSError, ValueError, UnicodeDecodeError):
            pass
        finally:
            # The loop may have closed already.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=pump, name="console-stdin", daemon=True).start()
    return queue


def local_attachment(where: str) -> Attachment:
    """A file or folder on this machine, sent as a chat attachment would be (a folder as .zip)."""
    path = Path(where).expanduser()
    if path.is_dir():

        async def read_folder() -> bytes:
            upload = await asyncio.to_thread(from_path, path)
            if upload.problems:
                lines = "\n".join(f"• {problem}" for problem in upload.problems)
                raise UserError(f"{path} cannot be published as it is:\n{lines}")
            return pack(upload.files)

        return Attachment(f"{path.name}.zip", 0, "application/zip", read_folder)
    exists = path.is_file()
    size = path.stat().st_size if exists else 0

    async def read_file() -> bytes:
        if not exists:
            raise UserError(f"There is no file {path}; give the path of a file or folder.")
        return await asyncio.to_thread(path.read_bytes)

    return Attachment(path.name, size, "application/octet-stream", read_file)


def _local_name() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "you"
