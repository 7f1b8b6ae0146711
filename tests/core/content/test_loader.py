"""Content validation: the shipped set is valid, and every mistake names its file and line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import hypothesis
import pytest
import yaml
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from bot.core.content import ContentError, ContentSet, load_content
from bot.core.content.schema import MAX_BODY_CHARS
from bot.settings import DEFAULT_CONTENT_DIR


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


def _first_item(root: Path, path_id: str = "ai-engineer") -> Path:
    return sorted((root / "paths" / path_id).glob("*.md"))[0]


def _problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_content(root)
    return [str(p) for p in caught.value.problems]


def test_shipped_content_is_valid(content: ContentSet):
    """The content in the repository loads with the AI, ML and explorer paths."""
    assert {"ai-engineer", "ml-engineer", "explorer"} <= set(content.paths)
    assert list(content.paths)[-1] == "explorer"


def test_broken_front_matter_names_file_and_line(copy: Path):
    """A YAML syntax error reports the file and the line it is on."""
    item = _first_item(copy)
    lines = item.read_text().splitlines()
    lines[3] = "day: [3"
    item.write_text("\n".join(lines) + "\n")
    problems = _problems(copy)
    assert any(f"{item.name}:" in p and "YAML syntax error" in p for p in problems)
    line = int(next(p for p in problems if "YAML" in p).split(":")[1])
    assert line == 4  # the line with the unclosed bracket


def test_unknown_field_is_reported_on_its_line(copy: Path):
    """A misspelt field is named, with the allowed fields, on the line where it stands."""
    item = _first_item(copy)
    text = item.read_text().replace("\nminutes:", "\nminuts:", 1)
    item.write_text(text)
    line = (
        text.splitlines().index(next(x for x in text.splitlines() if x.startswith("minuts:"))) + 1
    )
    problems = _problems(copy)
    assert f"{item.name}:{line}: unknown field 'minuts'" in "\n".join(problems)
    assert any("missing required field 'minutes'" in p for p in problems)


def test_wrong_value_says_what_is_allowed(copy: Path):
    """A kind other than lesson or project is explained."""
    item = _first_item(copy)
    item.write_text(item.read_text().replace("kind: lesson", "kind: essay", 1))
    assert any("kind:" in p and "'lesson' or 'project'" in p for p in _problems(copy))


def test_body_over_the_limit_is_refused(copy: Path):
    """A lesson body longer than the DM limit is reported with its length."""
    item = _first_item(copy)
    item.write_text(item.read_text() + "\n" + "x" * MAX_BODY_CHARS)
    assert any("the limit is 3500" in p for p in _problems(copy))


def test_missing_section_and_day_gap_are_reported(copy: Path):
    """A lesson without 'Check yourself' and a gap in days are both reported."""
    items = sorted((copy / "paths" / "ml-engineer").glob("*.md"))
    items[0].write_text(items[0].read_text().replace("## Check yourself", "## Quiz"))
    items[1].unlink()
    problems = "\n".join(_problems(copy))
    assert "missing section '## Check yourself'" in problems
    assert "day 2 is missing" in problems


def test_duplicate_ids_are_reported(copy: Path):
    """Two items with the same id are both named."""
    first, second = sorted((copy / "paths" / "ai-engineer").glob("*.md"))[:2]
    first_id = next(x for x in first.read_text().splitlines() if x.startswith("id:"))
    second_id = next(x for x in second.read_text().splitlines() if x.startswith("id:"))
    second.write_text(second.read_text().replace(second_id, first_id, 1))
    assert any("is already used by" in p for p in _problems(copy))


def test_quiz_weights_must_name_real_paths(copy: Path):
    """A quiz weight for a path that does not exist is an error."""
    quiz = copy / "quiz.yaml"
    quiz.write_text(quiz.read_text().replace("ai-engineer:", "ai-enginer:", 1))
    assert any("unknown path 'ai-enginer'" in p for p in _problems(copy))


def test_missing_directory_is_a_clear_error(tmp_path: Path):
    """Pointing at a directory that does not exist says so."""
    assert any("content directory not found" in p for p in _problems(tmp_path / "nope"))


def test_a_key_given_twice_is_reported_on_both_lines(copy: Path):
    """YAML keeps the last of two equal keys silently; the loader names the duplicate."""
    item = _first_item(copy)
    lines = item.read_text().splitlines()
    title = next(n for n, line in enumerate(lines) if line.startswith("title:"))
    lines.insert(title + 2, "title: Another title")
    item.write_text("\n".join(lines) + "\n")
    assert (
        f"{item.name}:{title + 3}: duplicate key 'title', first given on line {title + 1}"
        in "\n".join(_problems(copy))
    )


def test_a_duplicate_in_the_quiz_is_reported(copy: Path):
    """Duplicate keys are found in every YAML file, the quiz included."""
    quiz = copy / "quiz.yaml"
    text = quiz.read_text()
    quiz.write_text(text.replace("\nquestions:", "\nexplorer_margin: 2\nquestions:", 1))
    assert any("duplicate key 'explorer_margin'" in p for p in _problems(copy))


def test_a_date_that_does_not_exist_is_a_problem(copy: Path):
    """Well-formed YAML whose value cannot be built (30 February) is reported, not raised."""
    item = _first_item(copy)
    item.write_text(item.read_text().replace("\ntitle:", "\nwhen: 2026-02-30\ntitle:", 1))
    assert any("YAML value cannot be read" in p for p in _problems(copy))


PROBLEM = re.compile(r"^.+:\d+: \S")
YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)


CONTENTS = st.one_of(
    st.tuples(st.just("bytes"), st.binary(max_size=3000)),
    st.tuples(st.just("yaml"), YAML_VALUES),
    st.tuples(st.just("one line"), st.tuples(st.integers(0, 10_000), st.text(max_size=80))),
)


def _written(kind: str, payload, original: bytes, markdown: bool) -> bytes:
    """Random bytes; a random YAML document (as front matter in a lesson); or the original
    file with one line replaced by random text."""
    if kind == "bytes":
        return payload
    if kind == "yaml":
        text = yaml.safe_dump(payload, allow_unicode=True)
        return (f"---\n{text}---\n**Objective:** x\n" if markdown else text).encode()
    number, replacement = payload
    lines = original.decode().splitlines()
    lines[number % len(lines)] = replacement
    return "\n".join(lines).encode()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


FILES = {
    "lesson": "paths/ai-engineer/01-ai-role.md",
    "path": "paths/ai-engineer/path.yaml",
    "quiz": "quiz.yaml",
}


@hypothesis.settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.sampled_from(sorted(FILES)), contents=CONTENTS)
def test_any_file_contents_give_problems_never_a_crash(scratch: Path, which: str, contents):
    """Random bytes, random YAML shapes or one line changed: the content loads, or every
    problem names a file and a line; nothing else is raised."""
    target = scratch / FILES[which]
    original = target.read_bytes()
    target.write_bytes(_written(*contents, original, markdown=which == "lesson"))
    try:
        load_content(scratch)
    except ContentError as error:
        assert error.problems
        assert all(PROBLEM.match(str(problem)) for problem in error.problems), error.problems
    finally:
        target.write_bytes(original)


def _item_file(root: Path, item_id: str) -> Path:
    return next(f for f in (root / "paths").glob("*/*.md") if f"\nid: {item_id}\n" in f.read_text())


def _require(item: Path, *ids: str) -> int:
    """Writes `requires:` with the ids into the item's front matter; returns the line of the last."""
    lines = item.read_text().splitlines()
    at = lines.index("---", 1)
    lines[at:at] = ["requires:", *(f"  - {i}" for i in ids)]
    item.write_text("\n".join(lines) + "\n")
    return at + 1 + len(ids)


def test_requires_earlier_items_on_the_same_path_loads(copy: Path):
    """An item may require items of its own path from earlier days; the ids are kept in order."""
    _require(_item_file(copy, "ai-tokens-context"), "ai-first-api-call", "ai-role")
    item = load_content(copy).item("ai-tokens-context")
    assert item.requires == ("ai-first-api-call", "ai-role")


def test_requires_an_unknown_id_names_file_and_line(copy: Path):
    """A misspelt required id is reported on the line where it stands."""
    item = _item_file(copy, "ai-tokens-context")
    line = _require(item, "ai-role", "ai-frist-api-call")
    problems = _problems(copy)
    assert f"{item.name}:{line}: requires 'ai-frist-api-call', which is no item's id" in "\n".join(
        problems
    )


def test_requires_a_later_or_same_day_item_is_refused(copy: Path):
    """A required item on the same or a later day is named with both days."""
    first, second = load_content(copy).path("ai-engineer").items[:2]
    line = _require(first.source, second.id, first.id) - 1
    problems = "\n".join(_problems(copy))
    name = first.source.name
    assert f"{name}:{line}: requires '{second.id}' (day 2), but it must come on an earlier" in problems
    assert "earlier day than this item (day 1)" in problems
    assert f"{name}:{line + 1}: requires '{first.id}' (day 1)" in problems


def test_requires_an_item_of_another_path_is_refused(copy: Path):
    """Prerequisites stay on the item's own path, since a member follows one path at a time."""
    item = _item_file(copy, "ai-tokens-context")
    _require(item, "ml-statistics")
    assert any(
        "requires 'ml-statistics' from the ml-engineer path" in p for p in _problems(copy)
    )


def test_minutes_allow_a_project_of_several_days(copy: Path):
    """Estimates up to 600 minutes load; more is refused with the bound."""
    item = _item_file(copy, "ai-first-api-call")
    text = item.read_text()
    minutes = next(x for x in text.splitlines() if x.startswith("minutes:"))
    item.write_text(text.replace(minutes, "minutes: 600", 1))
    assert load_content(copy).item("ai-first-api-call").minutes == 600
    item.write_text(text.replace(minutes, "minutes: 601", 1))
    assert any("minutes:" in p and "600" in p for p in _problems(copy))
