from bot.core.content.loader import load_content
from bot.core.content.model import ContentError, ContentSet, Item, LearningPath, Problem, Quiz

__all__ = ["ContentError", "ContentSet", "Item", "LearningPath", "Problem", "Quiz", "load_content"]
