"""`/mentor ask` in the core: input checks, and a clear word when no mentor is wired in."""

from __future__ import annotations

from bot.core.commands import Router, build_actions, build_commands
from bot.core.members import Caller
from bot.core.messages import Message, MessageRef
from bot.core.services import Services

CALLER = Caller("console", "local", "u1", "Uma")


class Replies:
    def __init__(self) -> None:
        self.bodies: list[str] = []

    async def send(self, message: Message) -> MessageRef:
        self.bodies.append(message.body)
        return MessageRef("test", "c", str(len(self.bodies)))

    async def edit(self, ref: MessageRef, message: Message) -> None:
        self.bodies.append(message.body)


async def _ask(services: Services, question: str) -> str:
    replies = Replies()
    router = Router(services, build_commands(), build_actions())
    await router.command(CALLER, "mentor", "ask", question, replies)
    return replies.bodies[-1]


async def test_empty_question_gets_the_usage(services: Services):
    """`/mentor ask` with nothing after it says to add a question and shows the usage."""
    answer = await _ask(services, "   ")
    assert "Ask a question after the command" in answer and "/mentor ask <question>" in answer


async def test_question_of_invisible_characters_is_refused(services: Services):
    """Zero-width spaces, joiners, a byte order mark and a Hangul filler are no question."""
    answer = await _ask(services, "\u200b\u200d\ufeff\u3164\u2800\u0301")
    assert "Ask a question after the command" in answer


async def test_long_question_is_refused_with_the_limit(services: Services):
    """Over 1,500 characters is refused, saying both the limit and the question's length."""
    answer = await _ask(services, "x" * 1501)
    assert "at most 1,500 characters" in answer and "1,501" in answer


async def test_without_a_mentor_the_member_is_told(services: Services):
    """A bot wired without a mentor says questions cannot be answered, instead of failing."""
    assert "not set up" in await _ask(services, "What is RAG?")
