"""mentorbot: a mentoring bot for communities moving into AI and ML engineering."""

__version__ = "0.1.0"
