"""Every command and clickable action, in the order help lists them."""

from __future__ import annotations

from bot.core.commands import account, admin, ask, learning, onboarding
from bot.core.commands.base import Command, Handler
from bot.core.commands.help import make_help
from bot.core.schedule import SCHEDULE_USAGE

MENTOR = "mentor"
ADMIN = "mentor-admin"


def build_commands() -> list[Command]:
    commands: list[Command] = []
    # help lists this very list, so it is filled in after the help command captures it.
    commands += [
        Command(
            MENTOR, "start", "take the placement quiz and get placed on a path", onboarding.start
        ),
        Command(MENTOR, "paths", "list the paths", onboarding.paths),
        Command(MENTOR, "join", "join a path (or switch to it)", onboarding.join, "<path>"),
        Command(MENTOR, "today", "show your current lesson or project", learning.today),
        Command(
            MENTOR,
            "done",
            "mark the current item done, with a link for projects",
            learning.done,
            "[link]",
        ),
        Command(MENTOR, "progress", "your progress, streak and delivery status", learning.progress),
        Command(
            MENTOR,
            "schedule",
            "when lessons arrive, e.g. 07:30 Europe/Berlin mon-fri",
            account.schedule,
            SCHEDULE_USAGE.removeprefix("/mentor schedule "),
        ),
        Command(MENTOR, "pause", "stop daily deliveries", account.pause),
        Command(MENTOR, "resume", "restart daily deliveries", account.resume),
        Command(MENTOR, "ask", "ask the mentor about your lessons", ask.ask, "<question>"),
        Command(MENTOR, "forget-me", "delete everything stored about you", account.forget_me),
        Command(MENTOR, "help", "this list", make_help(commands)),
        Command(
            ADMIN,
            "validate",
            "check the content files and show a summary",
            admin.validate,
            moderator=True,
        ),
        Command(ADMIN, "publish", "publish new content", admin.coming("publish"), moderator=True),
        Command(
            ADMIN,
            "preview",
            "preview an item before publishing",
            admin.coming("preview"),
            "<item>",
            moderator=True,
        ),
        Command(
            ADMIN,
            "history",
            "list published content versions",
            admin.coming("history"),
            moderator=True,
        ),
        Command(
            ADMIN,
            "rollback",
            "go back to an earlier content version",
            admin.coming("rollback"),
            "<version>",
            moderator=True,
        ),
        Command(ADMIN, "stats", "members, paths and completions", admin.stats, moderator=True),
        Command(
            ADMIN,
            "questions",
            "mentor usage, feedback and the topics it was unsure about",
            ask.questions,
            moderator=True,
        ),
    ]
    return commands


def build_actions() -> dict[str, Handler]:
    """Handlers for `Choice.action` ids; the choice's value arrives as the context's args."""
    return {
        "quiz": onboarding.answer,
        "join": onboarding.join,
        "paths": onboarding.paths,
        "today": learning.today,
        "done": learning.done,
        "forget": account.forget_confirmed,
        "feedback": ask.feedback,
    }
