"""What the lesson and sentence indexes share: how SQLite's FTS5 tokenizes, and how a question's
words become a query."""

from __future__ import annotations

# The Porter stemmer over Unicode words, accents folded: "models" finds "model".
TOKENIZER = "'porter unicode61 remove_diacritics 2'"


def any_of(weights: dict[str, int]) -> str:
    """An FTS5 query for any of the words, each quoted so a member's text is never FTS5 syntax;
    a word listed twice counts twice in bm25()."""
    return " OR ".join(f'"{term}"' for term, weight in weights.items() for _ in range(weight))
