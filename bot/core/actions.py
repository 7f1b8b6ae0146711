"""The ids that buttons, selects and forms carry back to the core.

A `Choice(action=Act.DONE, …)` in a view and the handler registered for `Act.DONE` in
`bot.core.commands.registry` meet here, so an id can never be spelt two ways; a test checks
that every id has a handler. Adapters put the id and the choice's value in the platform's
custom id, so a button in a week-old DM still works after a restart.
"""

from enum import StrEnum


class Act(StrEnum):
    START = "start"
    QUIZ = "quiz"
    JOIN = "join"
    PATHS = "paths"
    TODAY = "today"
    DONE = "done"
    SNOOZE = "snooze"
    ASK_ABOUT = "ask-about"
    ASK = "ask"
    FEEDBACK = "feedback"
    PAUSE = "pause"
    RESUME = "resume"
    SCHEDULE = "schedule"
    SCHEDULE_SET = "schedule-set"
    FORGET = "forget"
    PUBLISH = "publish"
