"""Cutting a lesson's prose into the sentences a quote is made of."""

from __future__ import annotations

from bot.mentor.sentences import join, sentences, widen

SECTION = """\
**Objective:** Explain what an embedding is.

An **embedding** is a list of numbers, e.g. 384 of them. The model is trained so that texts \
with similar meaning end up close together. Give it a try.

```python
vecs = model.encode(texts)
print(vecs.shape)
```

**Three steps.**
1. **Retrieve:** embed the question,
   then search your store.
2. **Augment:** put the chunks in the prompt.

**Keep images small.** Smaller images start faster:
- start from a `-slim` base image
- add a `.dockerignore`
"""


def texts() -> list[str]:
    return [s.text for s in sentences(SECTION)]


def test_objective_line_labels_and_code_are_left_out():
    """The objective, a bold label standing alone and fenced code never become quotable."""
    found = " ".join(texts())
    assert "Objective" not in found and "encode" not in found
    assert "**Three steps.**" not in texts()


def test_sentences_split_at_their_ends_only():
    """ "e.g." does not end a sentence, a very short one joins its neighbour, and a bold lead-in
    stays with the sentence it introduces."""
    assert texts()[:2] == [
        "An **embedding** is a list of numbers, e.g. 384 of them.",
        "The model is trained so that texts with similar meaning end up close together. "
        "Give it a try.",
    ]
    assert "**Keep images small.** Smaller images start faster:" in texts()


def test_list_items_are_whole_with_their_wrapped_lines():
    """Numbered and bulleted items are one piece each, wrapped lines joined."""
    items = [s.text for s in sentences(SECTION) if s.is_item]
    assert items == [
        "**Retrieve:** embed the question, then search your store.",
        "**Augment:** put the chunks in the prompt.",
        "start from a `-slim` base image",
        "add a `.dockerignore`",
    ]


def test_a_sentence_ending_in_a_colon_brings_what_follows():
    """Widening "Smaller images start faster:" takes the list it introduces."""
    pieces = sentences(SECTION)
    lead = texts().index("**Keep images small.** Smaller images start faster:")
    run = widen(pieces, lead, least=10, limit=400)
    assert [pieces[n].text for n in run][1:] == [
        "start from a `-slim` base image",
        "add a `.dockerignore`",
    ]
    assert join([pieces[n] for n in run], run) == (
        "**Keep images small.** Smaller images start faster:\n"
        "- start from a `-slim` base image\n"
        "- add a `.dockerignore`"
    )


def test_a_gap_between_quoted_sentences_is_marked():
    """Sentences that do not follow each other are joined with an ellipsis."""
    pieces = sentences(
        "The first sentence is long enough to stand alone. The second sentence is long enough "
        "as well. The third sentence is long enough to stand too."
    )
    assert join([pieces[0], pieces[2]], [0, 2]) == (
        "The first sentence is long enough to stand alone. … "
        "The third sentence is long enough to stand too."
    )
