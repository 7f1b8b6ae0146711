"""Asking the mentor: find the lessons, build the prompt, stream the answer, keep the exchange."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from bot.core.actions import Act
from bot.core.clock import Clock
from bot.core.content import ContentSet, Item
from bot.core.db import SessionFactory
from bot.core.enrollment import active_enrollment, current_item
from bot.core.errors import UserError
from bot.core.members import Caller, find_member, get_or_create_member
from bot.core.messages import Choice, Message, MessageRef
from bot.core.metrics import NoMetrics
from bot.core.models import Question
from bot.core.ports import Metrics, Replier
from bot.core.services import ContentStore
from bot.core.text import storable
from bot.mentor.limits import (
    Limits,
    estimated_tokens,
    record_usage,
    refusal,
    release,
    reserve,
    save_answer,
    zone,
)
from bot.mentor.llm import ANSWER_MAX_TOKENS, AnswerFailed, AnswerStream, Usage
from bot.mentor.offline import NOTHING_FITS_FOOTER, OfflineAnswers
from bot.mentor.prompt import Prompt, Turn, build_prompt, cited_numbers, read_reply, strip_citations
from bot.mentor.report import report
from bot.mentor.retrieval import LessonIndex, Passage, query_terms

log = logging.getLogger(__name__)

TITLE = "Mentor"
# Follow-ups carry this many earlier exchanges of the same conversation, if recent enough.
MEMORY_TURNS = 3
MEMORY_WINDOW = timedelta(hours=12)
NOT_COUNTED = "This question did not count towards your questions for today."


@dataclass(frozen=True)
class Pacing:
    # Discord and Slack rate-limit edits; about one a second reads as a growing answer.
    edit_interval: float = 1.0


@dataclass(frozen=True)
class Source:
    number: int | None
    item: Item
    path_title: str

    @property
    def label(self) -> str:
        ref = f"[{self.number}] " if self.number is not None else ""
        return f"{ref}**{self.item.title}** ({self.path_title}, day {self.item.day})"


class MentorService:
    """The `Mentor` the core calls; answers with Claude when a key is set, else with quotes."""

    def __init__(
        self,
        db: SessionFactory,
        content: ContentStore,
        clock: Clock,
        answers: AnswerStream | None,
        limits: Limits | None = None,
        pacing: Pacing | None = None,
        default_timezone: str = "UTC",
        metrics: Metrics | None = None,
    ) -> None:
        self.db = db
        self.content = content
        self.clock = clock
        self.answers = answers or OfflineAnswers()
        self.limits = limits or Limits()
        self.pacing = pacing or Pacing()
        self.default_timezone = default_timezone
        self.metrics = metrics or NoMetrics()
        self._indexed: ContentSet | None = None
        self._index: LessonIndex | None = None
        self.index()
        # Rebuilt as soon as new content is swapped in, not when the next question waits on it.
        content.on_replace(lambda _: self.index())

    def index(self) -> LessonIndex:
        """The index of the content in use, rebuilt when new content is published."""
        content = self.content.current
        if self._index is None or self._indexed is not content:
            if self._index is not None:
                self._index.close()
            self._index, self._indexed = LessonIndex.build(content), content
        return self._index

    async def ask(self, caller: Caller, question: str, reply: Replier) -> None:
        question = storable(question)
        now = self.clock.now()
        conversation = conversation_of(caller)
        content = self.content.current
        async with self.db() as session, session.begin():
            member = await get_or_create_member(session, caller, self.clock, self.default_timezone)
            enrollment = await active_enrollment(session, member)
            history = await _history(session, member.id, conversation, now)
            previous = await _previous_question(session, member.id, conversation, now)
            member_id, zone_name = member.id, member.timezone
        member_zone = zone(zone_name)
        path = content.path(enrollment.path_id) if enrollment else None
        current = current_item(content, enrollment) if enrollment else None
        # A follow-up such as "and for images?" means little alone: search with the last question.
        passages = self.index().search(question, previous=previous)
        paths = list(content.paths.values())
        prompt = build_prompt(question, passages, history, path, current, paths)
        row = Question(
            member_id=member_id,
            conversation_id=conversation,
            question=question,
            model=self.answers.model,
            created_at=now,
        )
        answers, asked = self.answers, 0
        if answers.model is not None:
            row.input_tokens, row.output_tokens = estimated_tokens(prompt, ANSWER_MAX_TOKENS)
            async with self.db() as session, session.begin():
                row.id, today = await reserve(session, self.limits, row, member_zone)
            asked = today.asked
            if row.id is None:
                limited = refusal(self.limits, today, member_zone, zone_name, now)
                answers = OfflineAnswers(lead=limited, tail=None)
        if answers.model is None:
            # The member reads the quotes themselves: only the sentences that answer, from
            # lessons relevant enough, and none at all when nothing fits.
            passages = self.index().quotes(question, previous)
            prompt = build_prompt(question, passages, history, path, current, paths)

        ref = await reply.send(Message(title=TITLE, body=""))
        try:
            raw, usage = await self._stream(answers, prompt, reply, ref)
        except AnswerFailed as failure:
            log.warning("question from member %s not answered (%s)", member_id, failure.reason)
            if answers.model is not None:
                self.metrics.llm_error(failure.reason)
            if row.id is not None:
                async with self.db() as session, session.begin():
                    await release(session, row.id)
            await reply.edit(ref, _failed(failure.shown, failure, passages))
            return
        reading = read_reply(raw)
        answer = storable(reading.text.strip())
        sources = _sources(answer, prompt, content)
        offline = answers.model is None
        unsure = reading.unsure or (offline and not passages)
        row.answer, row.citations, row.unsure = answer, [s.item.id for s in sources], unsure
        row.topic = reading.topic or (_topic_of(question) if unsure else None)
        await self._keep(row, usage, counted=not offline)
        _log_answer(row)
        if answers.model is not None:
            for kind in ("input", "output", "cache_read", "cache_write"):
                self.metrics.llm_tokens(kind, getattr(usage, f"{kind}_tokens"))
        if offline and not passages:
            # Nothing to rate and nothing quoted: say so, and let a reply try other words.
            await reply.edit(
                ref, Message(title=TITLE, body=answer, footer=NOTHING_FITS_FOOTER, follow_up=True)
            )
            return
        left = max(self.limits.daily_quota - asked, 0)
        footer = (
            "Quoted from your lessons"
            if offline
            else f"Answered by Claude from your lessons · {left} of "
            f"{self.limits.daily_quota} questions left today"
        )
        await reply.edit(
            ref,
            Message(
                title=TITLE,
                body=answer if offline else _with_sources(answer, sources),
                footer=footer + " · reply here to ask a follow-up",
                choices=(
                    Choice("👍 Helpful", Act.FEEDBACK, f"{row.id}:up"),
                    Choice("👎 Not helpful", Act.FEEDBACK, f"{row.id}:down"),
                ),
                follow_up=True,
            ),
        )

    async def _keep(self, row: Question, usage: Usage, *, counted: bool) -> None:
        """Store the exchange. A counted question's tokens are written first, on their own, so
        the budget sees what Claude was paid for even if the answer cannot be saved."""
        row.input_tokens, row.output_tokens = usage.input_tokens, usage.output_tokens
        row.cache_read_tokens, row.cache_write_tokens = (
            usage.cache_read_tokens,
            usage.cache_write_tokens,
        )
        if not counted:
            row.model = None
            async with self.db() as session, session.begin():
                session.add(row)
                await session.flush()
            return
        async with self.db() as session, session.begin():
            await record_usage(session, row.id, usage)
        try:
            async with self.db() as session, session.begin():
                await save_answer(session, row)
        except SQLAlchemyError:
            log.exception("answer %s for member %s could not be saved", row.id, row.member_id)

    async def _stream(
        self, answers: AnswerStream, prompt: Prompt, reply: Replier, ref: MessageRef
    ) -> tuple[str, Usage]:
        """The whole reply and its usage, editing `ref` as it grows; AnswerFailed carries the
        text shown so far."""
        raw, usage = "", Usage()
        pace = _Pacer(self.pacing.edit_interval)
        try:
            async with contextlib.aclosing(answers.stream(prompt)) as parts:
                async for part in parts:
                    if isinstance(part, Usage):
                        usage = part
                        continue
                    raw += part
                    reading = read_reply(raw)
                    if not reading.pending and reading.text.strip() and pace.due():
                        await reply.edit(ref, Message(title=TITLE, body=reading.text))
            if not read_reply(raw).text.strip():
                raise AnswerFailed("empty", "Claude sent an empty answer. Please ask again.")
        except AnswerFailed as failure:
            failure.shown = read_reply(raw).text
            raise
        return raw, usage

    async def feedback(self, caller: Caller, value: str, reply: Replier) -> None:
        number, _, verdict = value.partition(":")
        if not number.isdigit() or verdict not in ("up", "down"):
            raise UserError("That button is no longer valid. Ask again with `/mentor ask`.")
        async with self.db() as session, session.begin():
            member = await find_member(session, caller)
            row = await session.get(Question, int(number))
            if row is None or member is None or row.member_id != member.id:
                raise UserError("Only the member who asked can rate an answer.")
            row.feedback = 1 if verdict == "up" else -1
            session.add(row)
        thanks = "Glad it helped!" if verdict == "up" else "Thanks: that helps improve the lessons."
        await reply.send(Message(body=thanks, private=True, follow_up=True))

    async def report(self) -> Message:
        async with self.db() as session:
            return await report(session, self.clock.now(), self.limits, self.answers.model)

    async def aclose(self) -> None:
        await self.answers.aclose()
        if self._index is not None:
            self._index.close()


def conversation_of(caller: Caller) -> str:
    """Where follow-ups belong: the platform's thread or DM, else the member's own line."""
    return caller.conversation_id or f"{caller.platform}:{caller.workspace_id}:{caller.user_id}"


def _recent(member_id: int, conversation: str, now: datetime) -> SelectOfScalar[Question]:
    """This member's exchanges in this conversation within the memory window, newest first:
    never another member's."""
    return (
        select(Question)
        .where(
            Question.member_id == member_id,
            Question.conversation_id == conversation,
            Question.created_at >= now - MEMORY_WINDOW,
        )
        .order_by(Question.created_at.desc(), Question.id.desc())
    )


async def _history(
    session: AsyncSession, member_id: int, conversation: str, now: datetime
) -> list[Turn]:
    """The recent exchanges Claude answered, oldest first, for the prompt."""
    rows = await session.exec(
        _recent(member_id, conversation, now).where(Question.model.is_not(None)).limit(MEMORY_TURNS)
    )
    turns = [Turn(r.question, strip_citations(r.answer)) for r in rows.all()]
    return [t for t in reversed(turns) if t.answer]


async def _previous_question(
    session: AsyncSession, member_id: int, conversation: str, now: datetime
) -> str:
    """The last question of the conversation, however it was answered: a follow-up is searched
    with it."""
    last = (await session.exec(_recent(member_id, conversation, now).limit(1))).first()
    return last.question if last else ""


def _sources(answer: str, prompt: Prompt, content: ContentSet) -> list[Source]:
    """The lessons the answer cites; quoted answers cite every lesson they quote."""
    found: dict[str, Source] = {}
    numbers = cited_numbers(answer)
    for number in numbers:
        if number == 0 and prompt.current is not None and prompt.path is not None:
            found.setdefault(prompt.current.id, Source(0, prompt.current, prompt.path.title))
        elif 1 <= number <= len(prompt.passages):
            passage = prompt.passages[number - 1]
            item = content.item(passage.item_id)
            if item is not None:
                found.setdefault(item.id, Source(number, item, passage.path_title))
    if not numbers:
        for passage in prompt.passages:
            item = content.item(passage.item_id)
            if item is not None:
                found.setdefault(item.id, Source(None, item, passage.path_title))
    return list(found.values())


def _with_sources(answer: str, sources: list[Source]) -> str:
    if not sources:
        return answer
    cited = any(s.number is not None for s in sources)
    heading = "📚 From your lessons: " if cited else "📚 Related lessons: "
    return f"{answer}\n\n{heading}" + " · ".join(s.label for s in sources[:4])


def _log_answer(row: Question) -> None:
    # Quoted answers cost nothing, so only Claude's are worth a line at INFO. The topic is
    # left out: it comes from the question's words, and forget-me cannot reach the log.
    log.log(
        logging.DEBUG if row.model is None else logging.INFO,
        "answer %s for member %s: model %s, input %d, output %d, cache read %d, "
        "cache write %d tokens%s",
        row.id,
        row.member_id,
        row.model or "none (quoted lessons)",
        row.input_tokens,
        row.output_tokens,
        row.cache_read_tokens,
        row.cache_write_tokens,
        # The topic can be the question's first words, so it stays out of the log.
        ", unsure" if row.unsure else "",
        extra={"member": row.member_id, "answer": row.id},
    )


def _failed(shown: str, failure: AnswerFailed, passages: list[Passage]) -> Message:
    lines = [shown.strip()] if shown.strip() else []
    lines.append(f"⚠️ {failure.member_message} {NOT_COUNTED}")
    lessons = {p.item_id: p.label for p in passages}
    if lessons:
        lines.append("Meanwhile, these lessons look relevant: " + " · ".join(lessons.values()))
    return Message(title=TITLE, body="\n\n".join(lines), follow_up=True)


def _topic_of(question: str) -> str:
    """A coverage gap's topic when the model named none: the question's first few words."""
    words = query_terms(question)[:3]
    return " ".join(words)[:64] if words else "general"


class _Pacer:
    """Says when the next edit is due: the first at once, then one per interval."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.last: float | None = None

    def due(self) -> bool:
        now = asyncio.get_running_loop().time()
        if self.last is None or now - self.last >= self.interval:
            self.last = now
            return True
        return False
