"""The AI mentor: retrieval over the lessons, the prompt, and the model behind a small interface."""

from bot.mentor.limits import Limits
from bot.mentor.llm import AnswerFailed, AnswerStream, AnthropicOptions, Usage
from bot.mentor.offline import OfflineAnswers
from bot.mentor.retrieval import LessonIndex, Passage
from bot.mentor.service import MentorService, Pacing

__all__ = [
    "AnswerFailed",
    "AnswerStream",
    "AnthropicOptions",
    "LessonIndex",
    "Limits",
    "MentorService",
    "OfflineAnswers",
    "Pacing",
    "Passage",
    "Usage",
]
