"""`/mentor start` (the placement quiz), `/mentor paths` and `/mentor join`."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.actions import Act
from bot.core.commands.base import Context
from bot.core.content import ContentSet, LearningPath
from bot.core.content.schema import QuizQuestion
from bot.core.enrollment import active_enrollment, current_item, enroll
from bot.core.errors import UserError
from bot.core.members import Member, get_or_create_member
from bot.core.messages import Choice, Message, Style
from bot.core.models import QuizAttempt
from bot.core.placement import place
from bot.core.schedule import schedule_of
from bot.core.text import shown
from bot.core.views import placement_message

JOIN_USAGE = "/mentor join <path>"


async def start(ctx: Context) -> None:
    services = ctx.services
    content = services.content.current
    async with services.db() as session, session.begin():
        member = await _member(ctx, session)
        for stale in await _open_attempts(session, member):
            await session.delete(stale)
        attempt = QuizAttempt(member_id=member.id, started_at=services.clock.now())
        session.add(attempt)
        await session.flush()
        attempt_id = attempt.id
    intro = (
        f"Welcome, {ctx.caller.display_name}! I'm your mentor for moving into AI work. "
        f"{len(content.quiz.questions)} quick questions place you on a path: AI engineer "
        "(build products on existing models), ML engineer (train and ship models), or a short "
        "Explorer path if you're undecided."
    )
    await ctx.reply.send(_question_message(content, attempt_id, 0, intro, replace=False))


async def answer(ctx: Context) -> None:
    """A click on a quiz option; the value is `<attempt>:<question>:<option>`."""
    try:
        attempt_id, question_id, option = ctx.args.split(":")
        attempt_id_int, option_int = int(attempt_id), int(option)
    except ValueError:
        raise UserError("That quiz answer could not be read; run `/mentor start` again.") from None
    services = ctx.services
    content = services.content.current
    quiz = content.quiz
    async with services.db() as session, session.begin():
        member = await _member(ctx, session)
        attempt = await session.get(QuizAttempt, attempt_id_int)
        if attempt is None or attempt.member_id != member.id or attempt.finished_at is not None:
            raise UserError("That quiz is over. Run `/mentor start` to take it again.")
        expected = next(
            (i for i, q in enumerate(quiz.questions) if q.id not in attempt.answers), None
        )
        question = quiz.question(question_id)
        if expected is None or question is None or quiz.questions[expected].id != question_id:
            position = expected or 0
            await ctx.reply.send(
                _question_message(
                    content,
                    attempt.id,
                    position,
                    "That question was already answered; here is the next one.",
                )
            )
            return
        if not 0 <= option_int < len(question.options):
            raise UserError("That is not one of the options; pick one of the numbered answers.")
        attempt.answers = {**attempt.answers, question_id: option_int}
        session.add(attempt)
        if expected + 1 < len(quiz.questions):
            message = _question_message(content, attempt.id, expected + 1)
        else:
            message = await _finish(ctx, session, member, attempt)
    await ctx.reply.send(message)


async def _finish(
    ctx: Context, session: AsyncSession, member: Member, attempt: QuizAttempt
) -> Message:
    content = ctx.services.content.current
    placement = place(content.quiz, attempt.answers)
    attempt.scores = placement.scores
    attempt.path_id = placement.path_id
    attempt.finished_at = ctx.services.clock.now()
    session.add(attempt)
    path = content.path(placement.path_id)
    if path is None:
        raise UserError(
            f"The quiz points to a path '{placement.path_id}' that does not exist; "
            "please tell a moderator."
        )
    current = await active_enrollment(session, member)
    if current is not None and current.path_id != path.id and content.path(current.path_id):
        old = content.path(current.path_id)
        reasons = "\n".join(f"• {r}" for r in placement.reasons)
        return Message(
            title=f"Your answers point to the {path.title} path",
            body=f"{reasons}\n\nYou are on the {old.title} path now. Your finished items stay "
            "finished if you switch.",
            choices=(
                Choice(f"Switch to {path.title}", Act.JOIN, path.id, Style.PRIMARY),
                Choice(f"Stay on {old.title}", Act.TODAY),
            ),
        )
    await enroll(session, member, path, ctx.services.clock)
    return placement_message(placement, path, schedule_of(member).describe())


async def paths(ctx: Context) -> None:
    content = ctx.services.content.current
    lines = [
        f"**{p.title}** (`{p.id}`): {p.summary} {p.lessons} lessons, {p.projects} projects."
        for p in content.paths.values()
    ]
    await ctx.reply.send(
        Message(
            title="Paths",
            body="\n".join(lines)
            + "\n\nJoin one with `/mentor join <path>`, or take the quiz with "
            "`/mentor start`.",
            choices=tuple(
                Choice(f"Join {p.title}", Act.JOIN, p.id) for p in content.paths.values()
            ),
        )
    )


async def join(ctx: Context) -> None:
    content = ctx.services.content.current
    path = find_path(content, ctx.args)
    async with ctx.services.db() as session, session.begin():
        member = await _member(ctx, session)
        enrollment = await enroll(session, member, path, ctx.services.clock)
        item = current_item(content, enrollment)
        schedule = schedule_of(member).describe()
    if item is None:
        next_step = (
            "You have already finished every item on it. `/mentor progress` shows your work."
        )
    else:
        next_step = (
            f"Up next: day {item.day}, **{item.title}**. Read it now with `/mentor today`; "
            f"new items arrive by DM at {schedule}."
        )
    await ctx.reply.send(
        Message(
            title=f"You're on the {path.title} path",
            body=f"{path.description}\n\n{next_step}",
            choices=(Choice("Read today's lesson", Act.TODAY, style=Style.PRIMARY),)
            if item
            else (),
        )
    )


def find_path(content: ContentSet, text: str) -> LearningPath:
    wanted = text.strip().lower()
    if not wanted:
        raise UserError("Name the path to join.", JOIN_USAGE)
    for path in content.paths.values():
        if wanted in (path.id, path.title.lower()):
            return path
    matches = [p for p in content.paths.values() if p.id.startswith(wanted)]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(f"`{p.id}`" for p in content.paths.values())
    raise UserError(f"There is no path called '{shown(text)}'. The paths are {known}.", JOIN_USAGE)


def _question_message(
    content: ContentSet, attempt_id: int, index: int, intro: str = "", *, replace: bool = True
) -> Message:
    """One quiz step; each answer's next step replaces the question that was clicked."""
    question: QuizQuestion = content.quiz.questions[index]
    total = len(content.quiz.questions)
    body = f"{intro}\n\n**{question.text}**" if intro else f"**{question.text}**"
    return Message(
        title=f"Placement quiz · question {index + 1} of {total}",
        body=body,
        choices=tuple(
            Choice(option.text, Act.QUIZ, f"{attempt_id}:{question.id}:{i}")
            for i, option in enumerate(question.options)
        ),
        replace=replace,
    )


async def _open_attempts(session: AsyncSession, member: Member) -> list[QuizAttempt]:
    statement = select(QuizAttempt).where(
        QuizAttempt.member_id == member.id, QuizAttempt.finished_at.is_(None)
    )
    return list((await session.exec(statement)).all())


async def _member(ctx: Context, session: AsyncSession) -> Member:
    return await get_or_create_member(
        session, ctx.caller, ctx.services.clock, ctx.services.default_timezone
    )
