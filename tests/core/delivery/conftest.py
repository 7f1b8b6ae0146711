"""A small world for delivery tests: real database, real commands, a fake platform DM endpoint."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from bot.core.clock import FixedClock
from bot.core.commands import Router, build_actions, build_commands
from bot.core.content import ContentSet
from bot.core.db import create_engine, session_factory, upgrade
from bot.core.delivery.dispatcher import Dispatcher, TickReport, pass_time
from bot.core.delivery.pacer import Pacer
from bot.core.members import Caller
from bot.core.messages import Action, Choice, Form, Message, MessageRef
from bot.core.models import Delivery, Enrollment, Member
from bot.core.ports import Outcome, Recipient, SendResult
from bot.core.services import ContentStore, Services
from bot.platforms.console.render import render
from bot.settings import DEFAULT_CONTENT_DIR

PLATFORM = "discord"


@dataclass
class Sent:
    user_id: str
    message: Message
    at: datetime

    @property
    def title(self) -> str:
        return self.message.title or ""


class FakeMessenger:
    """Stands in for the platform's DM endpoint: records each DM, answers as a test tells it."""

    platform = PLATFORM
    rate = None

    def __init__(self, clock: FixedClock) -> None:
        self.clock = clock
        self.keys: list[str] = []
        self.sent: list[Sent] = []
        self.attempts: list[Sent] = []
        self.answers: dict[str, list[SendResult | Exception]] = {}
        # Answers to the next DMs whoever they are for, before any per-member answer.
        self.next_answers: list[SendResult | Exception] = []

    def answer(self, user_id: str, *answers: SendResult | Exception) -> None:
        self.answers.setdefault(user_id, []).extend(answers)

    async def send_dm(self, to: Recipient, message: Message, key: str) -> SendResult:
        self.keys.append(key)
        attempt = Sent(to.user_id, message, self.clock.now())
        self.attempts.append(attempt)
        queued = self.next_answers or self.answers.get(to.user_id)
        answer = queued.pop(0) if queued else SendResult.sent()
        if isinstance(answer, Exception):
            raise answer
        if answer.outcome == Outcome.SENT:
            self.sent.append(attempt)
        return answer

    def to(self, user_id: str) -> list[Sent]:
        return [s for s in self.sent if s.user_id == user_id]


class Replies:
    """What a command answered, as text."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def send(self, message: Message) -> MessageRef:
        self.messages.append(message)
        return MessageRef(PLATFORM, "channel", str(len(self.messages)))

    async def edit(self, ref: MessageRef, message: Message) -> None:
        self.messages.append(message)

    async def form(self, form: Form) -> bool:
        return False

    @property
    def text(self) -> str:
        """What the member read, as the console shows it (local times in words)."""
        return "\n".join(render(m) for m in self.messages)


@dataclass
class World:
    engine: AsyncEngine
    services: Services
    clock: FixedClock
    messenger: FakeMessenger
    dispatcher: Dispatcher
    router: Router
    callers: dict[str, Caller] = field(default_factory=dict)

    @property
    def content(self) -> ContentSet:
        return self.services.content.current

    async def say(self, user_id: str, line: str) -> str:
        replies = Replies()
        replies.messages = await self.replies(user_id, line)
        return replies.text

    async def replies(self, user_id: str, line: str) -> list[Message]:
        """Every message the command answered with, in order."""
        caller = self.callers.setdefault(
            user_id, Caller(PLATFORM, "guild", user_id, f"member {user_id}")
        )
        replies = Replies()
        await self.router.text(caller, line, replies)
        return replies.messages

    async def click(self, user_id: str, choice: Choice) -> str:
        """The member clicks a button of a message they were sent."""
        caller = self.callers.setdefault(
            user_id, Caller(PLATFORM, "guild", user_id, f"member {user_id}")
        )
        replies = Replies()
        await self.router.action(caller, Action(choice.action, choice.value), replies)
        return replies.text

    async def join(self, user_id: str, path: str, schedule: str = "09:00 UTC") -> None:
        await self.say(user_id, f"/mentor schedule {schedule}")
        await self.say(user_id, f"/mentor join {path}")

    async def tick(self) -> TickReport:
        return await self.dispatcher.tick()

    async def wait(self, delta: timedelta) -> None:
        """Let time pass with the bot running: every due moment on the way gets its tick."""
        await pass_time(self.dispatcher, self.clock, delta)

    async def member(self, user_id: str) -> Member:
        async with self.services.db() as session:
            statement = select(Member).where(Member.user_id == user_id)
            return (await session.exec(statement)).one()

    async def deliveries(self, user_id: str) -> list[Delivery]:
        member = await self.member(user_id)
        async with self.services.db() as session:
            statement = (
                select(Delivery).where(Delivery.member_id == member.id).order_by(Delivery.id)
            )
            return list((await session.exec(statement)).all())

    async def enrollment(self, user_id: str) -> Enrollment:
        member = await self.member(user_id)
        async with self.services.db() as session:
            statement = select(Enrollment).where(Enrollment.member_id == member.id)
            return (await session.exec(statement.order_by(Enrollment.id.desc()))).first()


def make_dispatcher(
    engine: AsyncEngine,
    services: Services,
    clock: FixedClock,
    messenger: FakeMessenger,
    **options,
) -> Dispatcher:
    return Dispatcher(engine, services.content, clock, [messenger], **options)


@pytest.fixture
async def world(database_url: str, content: ContentSet, clock: FixedClock) -> AsyncIterator[World]:
    engine = create_engine(database_url)
    await upgrade(engine)
    services = Services(
        db=session_factory(engine),
        content=ContentStore(content, DEFAULT_CONTENT_DIR),
        clock=clock,
    )
    messenger = FakeMessenger(clock)
    # The pacer keeps the test clock's time, so a Retry-After runs out when the test says.
    pacer = Pacer(rates={}, monotonic=lambda: clock.now().timestamp())
    dispatcher = make_dispatcher(engine, services, clock, messenger, pacer=pacer)
    router = Router(services, build_commands(), build_actions())
    yield World(engine, services, clock, messenger, dispatcher, router)
    await engine.dispose()
