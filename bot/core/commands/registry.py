"""Every command and clickable action, in the order help lists them."""

from __future__ import annotations

from bot.core.actions import Act
from bot.core.commands import account, admin, ask, learning, onboarding, publishing
from bot.core.commands.base import Command, Handler, Kind, Param, Suggest
from bot.core.commands.help import make_help

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
        Command(
            MENTOR,
            "join",
            "join a path (or switch to it)",
            onboarding.join,
            (Param("path", "the path to join", suggest=Suggest.PATHS),),
        ),
        Command(MENTOR, "today", "show your current lesson or project", learning.today),
        Command(
            MENTOR,
            "done",
            "mark the current item done, with a link for projects",
            learning.done,
            (Param("link", "a project's link: repository or demo", required=False),),
        ),
        Command(MENTOR, "progress", "your progress, streak and delivery status", learning.progress),
        Command(
            MENTOR,
            "schedule",
            "when lessons arrive, e.g. 07:30 Europe/Berlin mon-fri",
            account.schedule,
            (
                Param("time", "time of day, 24-hour HH:MM, e.g. 07:30", required=False),
                Param(
                    "timezone",
                    "IANA time zone, e.g. Europe/Berlin",
                    required=False,
                    suggest=Suggest.TIMEZONES,
                ),
                Param("days", "e.g. mon-fri, sat,sun or daily (default daily)", required=False),
            ),
        ),
        Command(MENTOR, "pause", "stop daily deliveries", account.pause),
        Command(MENTOR, "resume", "restart daily deliveries", account.resume),
        Command(
            MENTOR,
            "ask",
            "ask the mentor about your lessons",
            ask.ask,
            (Param("question", "your question, up to 1,500 characters"),),
            slow=True,
        ),
        Command(MENTOR, "forget-me", "delete everything stored about you", account.forget_me),
        Command(MENTOR, "help", "this list", make_help(commands)),
        Command(
            ADMIN,
            "validate",
            "check the content files and show a summary",
            admin.validate,
            moderator=True,
            slow=True,
        ),
        Command(
            ADMIN,
            "publish",
            "publish a lesson, quiz.yaml or a .zip of a path folder, after checking it",
            publishing.publish,
            (
                Param("file", "a .md lesson or project, a .yaml file, or a .zip", Kind.ATTACHMENT),
                Param(
                    "path",
                    "the path a new lesson joins",
                    required=False,
                    suggest=Suggest.PATHS,
                ),
            ),
            moderator=True,
            slow=True,
        ),
        Command(
            ADMIN,
            "preview",
            "see an item as members get it",
            publishing.preview,
            (Param("item", "the item's id", suggest=Suggest.ITEMS),),
            moderator=True,
        ),
        Command(
            ADMIN, "history", "content revisions, newest first", publishing.history, moderator=True
        ),
        Command(
            ADMIN,
            "rollback",
            "bring back an earlier revision's content",
            publishing.rollback,
            (Param("n", "the revision number, from history", Kind.INTEGER),),
            moderator=True,
            slow=True,
        ),
        Command(
            ADMIN,
            "stats",
            "members, paths, the completion funnel and the mentor's use, with a chart",
            admin.stats,
            moderator=True,
            slow=True,
        ),
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
    """Handlers for `Act` ids; the choice's value arrives as the context's args."""
    return {
        Act.START: onboarding.start,
        Act.QUIZ: onboarding.answer,
        Act.JOIN: onboarding.join,
        Act.PATHS: onboarding.paths,
        Act.TODAY: learning.today,
        Act.DONE: learning.done_item,
        Act.SNOOZE: account.snooze,
        Act.ASK_ABOUT: ask.ask_about,
        Act.ASK: ask.ask_submitted,
        Act.FEEDBACK: ask.feedback,
        Act.PAUSE: account.pause,
        Act.RESUME: account.resume,
        Act.SCHEDULE: account.schedule_form,
        Act.SCHEDULE_SET: account.schedule_submitted,
        Act.FORGET: account.forget_confirmed,
        Act.PUBLISH: publishing.publish_chosen,
    }
