"""Read a content directory, check every file, and report each problem with file and line."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.core.content.files import FileProblem, decode, read_bytes
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
QUIZ_FILE = "quiz.yaml"
PATH_FILE = "path.yaml"
# libyaml's loader when PyYAML was built with it: several times faster at start-up.
_FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE = "tag:yaml.org,2002:merge"


class DuplicateKey(yaml.constructor.ConstructorError):
    def __init__(self, key: str, first: yaml.Mark, again: yaml.Mark) -> None:
        super().__init__(None, None, f"duplicate key '{key[:64]}'", again)
        self.key = key
        self.first = first


class _Loader(_FastLoader):  # type: ignore[misc, valid-type]
    """The safe loader, refusing a key given twice (YAML itself would keep the last silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[str, yaml.Mark] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE:
                continue
            if key_node.value in seen:
                raise DuplicateKey(key_node.value, seen[key_node.value], key_node.start_mark)
            seen[key_node.value] = key_node.start_mark
        return super().construct_mapping(node, deep)



def load_content(root: Path) -> ContentSet:
    """The content set under `root`, or ContentError listing every problem found."""
    root = Path(root)
    if not root.is_dir():
        raise ContentError([Problem(root, 0, "content directory not found; check the path")])
    return load_files(read_directory(root), root)


def read_directory(root: Path) -> dict[str, bytes]:
    """The files the loader reads under `root`, by their relative path with '/' separators.

    Only regular files inside `root` are read (see `bot.core.content.files`); anything else
    (a folder named like a lesson, a FIFO, a link out of the directory or in a loop) is a
    problem with its file, and all of them are raised together as one ContentError.
    """
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    wanted = [root / QUIZ_FILE]
    for directory in sorted((root / "paths").glob("*/")):
        wanted += [directory / PATH_FILE, *sorted(directory.glob("*.md"))]
    for file in wanted:
        if not os.path.lexists(file):
            continue
        try:
            files[file.relative_to(root).as_posix()] = read_bytes(file, root)
        except FileProblem as problem:
            problems.append(Problem(file, problem.line, problem.message))
    if problems:
        raise ContentError(problems)
    return files


def load_files(files: Mapping[str, bytes], root: Path) -> ContentSet:
    """The content set held in `files` (relative path -> bytes, as `read_directory` gives);
    problems name each file as `root / relative path`."""
    problems: list[Problem] = []
    texts = _decode(files, root, problems)
    folders = sorted({name.split("/")[1] for name in texts if _in_path_folder(name)})
    paths = [p for folder in folders if (p := _load_path(root, folder, texts, problems))]
    if not paths:
        problems.append(Problem(root / "paths", 0, "no paths found; add paths/<id>/path.yaml"))
    quiz = _load_quiz(root / QUIZ_FILE, texts.get(QUIZ_FILE), problems)
    _check_ids_unique(paths, problems)
    _check_requires(paths, {root / name: text for name, text in texts.items()}, problems)
    if quiz is not None:
        _check_quiz_paths(root / QUIZ_FILE, quiz, {p.id for p in paths}, problems)
    if problems:
        raise ContentError(problems)
    assert quiz is not None
    # The fallback (explorer) path is listed last: the decided paths come first in menus.
    paths.sort(key=lambda path: path.id == quiz.fallback_path)
    return ContentSet(paths={p.id: p for p in paths}, quiz=quiz)


def _in_path_folder(name: str) -> bool:
    parts = name.split("/")
    return len(parts) == 3 and parts[0] == "paths"


def _decode(files: Mapping[str, bytes], root: Path, problems: list[Problem]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for name, data in files.items():
        try:
            texts[name] = decode(data)
        except FileProblem as problem:
            problems.append(Problem(root / name, problem.line, problem.message))
    return texts


def _load_path(
    root: Path, folder: str, texts: Mapping[str, str], problems: list[Problem]
) -> LearningPath | None:
    prefix = f"paths/{folder}/"
    meta_file = root / prefix / PATH_FILE
    meta_text = texts.get(prefix + PATH_FILE)
    if meta_text is None:
        problems.append(
            Problem(meta_file, 0, "missing path.yaml (id, title, summary, description)")
        )
        return None
    meta = _parse_yaml_model(meta_file, meta_text, 1, PathMeta, problems)
    item_names = sorted(n for n in texts if n.startswith(prefix) and n.endswith(".md"))
    items = [i for n in item_names if (i := _load_item(root / n, texts[n], folder, problems))]
    if meta is None:
        return None
    if meta.id != folder:
        problems.append(
            Problem(meta_file, 1, f"id '{meta.id}' must match its folder name '{folder}'")
        )
    if not items:
        problems.append(Problem(root / prefix, 0, "a path needs at least one lesson (NN-slug.md)"))
    items.sort(key=lambda item: item.day)
    _check_days(items, problems)
    return LearningPath(meta.id, meta.title, meta.summary, meta.description.strip(), tuple(items))


def _load_item(file: Path, text: str, path_id: str, problems: list[Problem]) -> Item | None:
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


def _check_requires(
    paths: list[LearningPath], texts: Mapping[Path, str], problems: list[Problem]
) -> None:
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
            line = _front_matter_line(texts[item.source], ("requires", index))
            problems.append(Problem(item.source, line, message))


def _load_quiz(file: Path, text: str | None, problems: list[Problem]) -> Quiz | None:
    if text is None:
        problems.append(Problem(file, 0, "missing quiz.yaml (the placement quiz)"))
        return None
    meta = _parse_yaml_model(file, text, 1, QuizMeta, problems)
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
        data = yaml.load(text, Loader=_Loader)
    except DuplicateKey as error:
        line = first_line + error.problem_mark.line
        first = first_line + error.first.line
        problems.append(Problem(file, line, f"{error.problem}, first given on line {first}"))
        return None
    except yaml.YAMLError as error:
        # The context mark is where the broken construct starts (an unclosed '[' or quote);
        # the problem mark is where the parser gave up, often the line after.
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        problems.append(
            Problem(file, line, f"YAML syntax error: {getattr(error, 'problem', error)}")
        )
        return None
    except (ValueError, OverflowError, RecursionError) as error:
        # Well-formed YAML whose value cannot be built, such as the date 2026-02-30.
        problems.append(Problem(file, first_line, f"YAML value cannot be read: {error}"))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(file, first_line, "expected 'key: value' lines"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        # Node positions are only needed to point at a problem, so compose only then.
        node = yaml.compose(text, Loader=_FastLoader)
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


def _front_matter_line(text: str, loc: tuple[Any, ...]) -> int:
    # Composed only when a problem needs pointing at, as in _parse_yaml_model.
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
