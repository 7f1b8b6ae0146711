"""Read a content directory, check every file, and report each problem with file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.core.content.model import ContentError, ContentSet, Item, LearningPath, Problem, Quiz
from bot.core.content.schema import (
    LESSON_SECTIONS,
    MAX_BODY_CHARS,
    OBJECTIVE_PREFIX,
    PROJECT_SECTIONS,
    ItemMeta,
    PathMeta,
    QuizMeta,
)

M = TypeVar("M", bound=BaseModel)
# libyaml's loader when PyYAML was built with it: several times faster at start-up.
_FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_content(root: Path) -> ContentSet:
    """The content set under `root`, or ContentError listing every problem found."""
    problems: list[Problem] = []
    root = Path(root)
    if not root.is_dir():
        raise ContentError([Problem(root, 0, "content directory not found; check the path")])
    paths = [p for d in sorted((root / "paths").glob("*/")) if (p := _load_path(d, problems))]
    if not paths:
        problems.append(Problem(root / "paths", 0, "no paths found; add paths/<id>/path.yaml"))
    quiz = _load_quiz(root / "quiz.yaml", problems)
    _check_ids_unique(paths, problems)
    _check_requires(paths, problems)
    if quiz is not None:
        _check_quiz_paths(root / "quiz.yaml", quiz, {p.id for p in paths}, problems)
    if problems:
        raise ContentError(problems)
    assert quiz is not None
    # The fallback (explorer) path is listed last: the decided paths come first in menus.
    paths.sort(key=lambda path: path.id == quiz.fallback_path)
    return ContentSet(paths={p.id: p for p in paths}, quiz=quiz)


def _load_path(directory: Path, problems: list[Problem]) -> LearningPath | None:
    meta_file = directory / "path.yaml"
    if not meta_file.is_file():
        problems.append(
            Problem(meta_file, 0, "missing path.yaml (id, title, summary, description)")
        )
        return None
    meta = _parse_yaml_model(
        meta_file, meta_file.read_text(encoding="utf-8"), 1, PathMeta, problems
    )
    items = [
        i for f in sorted(directory.glob("*.md")) if (i := _load_item(f, directory.name, problems))
    ]
    if meta is None:
        return None
    if meta.id != directory.name:
        problems.append(
            Problem(meta_file, 1, f"id '{meta.id}' must match its folder name '{directory.name}'")
        )
    if not items:
        problems.append(Problem(directory, 0, "a path needs at least one lesson (NN-slug.md)"))
    items.sort(key=lambda item: item.day)
    _check_days(items, problems)
    return LearningPath(meta.id, meta.title, meta.summary, meta.description.strip(), tuple(items))


def _load_item(file: Path, path_id: str, problems: list[Problem]) -> Item | None:
    text = file.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        problems.append(Problem(file, 1, "file must start with '---' and YAML front matter"))
        return None
    end = text.find("\n---\n", 3)
    if end == -1:
        problems.append(Problem(file, 1, "front matter is not closed; add a line '---' after it"))
        return None
    front = text[4 : end + 1]
    body_start_line = front.count("\n") + 3
    meta = _parse_yaml_model(file, front, 2, ItemMeta, problems)
    if meta is None:
        return None
    body = text[end + 5 :].strip()
    _check_body(file, meta, body, body_start_line, problems)
    return Item(
        path_id=path_id,
        id=meta.id,
        kind=meta.kind,
        day=meta.day,
        title=meta.title,
        minutes=meta.minutes,
        objectives=tuple(meta.objectives),
        tags=tuple(meta.tags),
        deliverable=meta.deliverable,
        body=body,
        source=file,
        requires=tuple(meta.requires),
    )


def _check_body(
    file: Path, meta: ItemMeta, body: str, first_line: int, problems: list[Problem]
) -> None:
    if len(body) > MAX_BODY_CHARS:
        problems.append(
            Problem(
                file,
                first_line,
                f"body is {len(body)} characters; the limit is {MAX_BODY_CHARS}. "
                "Shorten it or split it into two days",
            )
        )
    lines = body.splitlines()
    if meta.kind == "lesson" and not body.startswith(OBJECTIVE_PREFIX):
        problems.append(
            Problem(file, first_line, f"a lesson body must start with '{OBJECTIVE_PREFIX}'")
        )
    required = LESSON_SECTIONS if meta.kind == "lesson" else PROJECT_SECTIONS
    found = [line.strip() for line in lines if line.startswith("## ")]
    for section in required:
        if section not in found:
            problems.append(
                Problem(
                    file,
                    first_line,
                    f"missing section '{section}' ({meta.kind}s need " + ", ".join(required) + ")",
                )
            )
    present = [s for s in found if s in required]
    if present != [s for s in required if s in present]:
        problems.append(
            Problem(file, first_line, "sections are out of order; use " + ", ".join(required))
        )


def _check_days(items: list[Item], problems: list[Problem]) -> None:
    seen: dict[int, Item] = {}
    for item in items:
        if item.day in seen:
            problems.append(
                Problem(
                    item.source, 2, f"day {item.day} is also used by {seen[item.day].source.name}"
                )
            )
        seen[item.day] = item
    for expected, day in enumerate(sorted(seen), start=1):
        if day != expected:
            problems.append(
                Problem(
                    seen[day].source,
                    2,
                    f"days must run 1, 2, 3… without gaps; day {expected} is missing",
                )
            )
            break


def _check_ids_unique(paths: list[LearningPath], problems: list[Problem]) -> None:
    seen: dict[str, Item] = {}
    for item in (item for path in paths for item in path.items):
        if item.id in seen:
            problems.append(
                Problem(item.source, 2, f"id '{item.id}' is already used by {seen[item.id].source}")
            )
        seen.setdefault(item.id, item)


def _check_requires(paths: list[LearningPath], problems: list[Problem]) -> None:
    """Each required id names an item on the same path, delivered on an earlier day."""
    by_id = {item.id: item for path in paths for item in path.items}
    for item in (item for path in paths for item in path.items):
        for index, wanted in enumerate(item.requires):
            required = by_id.get(wanted)
            if required is None:
                message = f"requires '{wanted}', which is no item's id; check the spelling"
            elif required.path_id != item.path_id:
                message = (
                    f"requires '{wanted}' from the {required.path_id} path; "
                    f"only items on the {item.path_id} path can be required here"
                )
            elif required.day >= item.day:
                message = (
                    f"requires '{wanted}' (day {required.day}), but it must come on an earlier "
                    f"day than this item (day {item.day}); reorder the days"
                )
            else:
                continue
            line = _front_matter_line(item.source, ("requires", index))
            problems.append(Problem(item.source, line, message))


def _load_quiz(file: Path, problems: list[Problem]) -> Quiz | None:
    if not file.is_file():
        problems.append(Problem(file, 0, "missing quiz.yaml (the placement quiz)"))
        return None
    meta = _parse_yaml_model(file, file.read_text(encoding="utf-8"), 1, QuizMeta, problems)
    if meta is None:
        return None
    ids = [q.id for q in meta.questions]
    for duplicate in {i for i in ids if ids.count(i) > 1}:
        problems.append(Problem(file, 1, f"question id '{duplicate}' is used twice"))
    return Quiz(meta.explorer_margin, meta.fallback_path, tuple(meta.questions))


def _check_quiz_paths(file: Path, quiz: Quiz, path_ids: set[str], problems: list[Problem]) -> None:
    if quiz.fallback_path not in path_ids:
        problems.append(Problem(file, 1, f"fallback_path '{quiz.fallback_path}' is not a path"))
    for question in quiz.questions:
        for option in question.options:
            for unknown in sorted(set(option.weights) - path_ids):
                problems.append(
                    Problem(
                        file,
                        1,
                        f"question '{question.id}': weights name unknown path "
                        f"'{unknown}' (known: {', '.join(sorted(path_ids))})",
                    )
                )


def _parse_yaml_model(
    file: Path, text: str, first_line: int, model: type[M], problems: list[Problem]
) -> M | None:
    try:
        data = yaml.load(text, Loader=_FastLoader)
    except yaml.YAMLError as error:
        # The context mark is where the broken construct starts (an unclosed '[' or quote);
        # the problem mark is where the parser gave up, often the line after.
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        problems.append(
            Problem(file, line, f"YAML syntax error: {getattr(error, 'problem', error)}")
        )
        return None
    if not isinstance(data, dict):
        problems.append(Problem(file, first_line, "expected 'key: value' lines"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        # Node positions are only needed to point at a problem, so compose only then.
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        for detail in error.errors():
            line = first_line + _line_of(node, detail["loc"])
            problems.append(Problem(file, line, _describe(detail, model)))
        return None


def _describe(detail: Any, model: type[BaseModel]) -> str:
    where = ".".join(str(part) for part in detail["loc"])
    if detail["type"] == "missing":
        return f"missing required field '{where}'"
    if detail["type"] == "extra_forbidden":
        allowed = ", ".join(model.model_fields)
        return f"unknown field '{where}'; allowed fields: {allowed}"
    message = detail["msg"].removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _front_matter_line(file: Path, loc: tuple[Any, ...]) -> int:
    # Read again only when a problem needs pointing at, as _parse_yaml_model composes only then.
    text = file.read_text(encoding="utf-8")
    front = text[4 : text.find("\n---\n", 3) + 1]
    return 2 + _line_of(yaml.compose(front, Loader=yaml.SafeLoader), loc)


def _line_of(node: Any, loc: tuple[Any, ...]) -> int:
    line = 0
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == part), None)
            if match is None:
                break
            line, node = match[0].start_mark.line, match[1]
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
            line = node.start_mark.line
        else:
            break
    return line
