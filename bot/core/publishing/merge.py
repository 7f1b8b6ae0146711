"""Where an upload's files go in the content set, and whether the result is valid as a whole.

An upload is laid over the live snapshot (every file's text) and the whole set is loaded by the
same loader as the content directory, so a lesson that breaks the quiz, a day that collides or
an id another path uses is caught before anything changes. What may be sent:

- one lesson or project file: it replaces the item with its id, or joins the path named with it;
- `quiz.yaml`, or a path's `path.yaml` alone;
- a path folder (`path.yaml` and its lessons): it replaces that path whole, so a lesson left out
  is removed;
- a content tree (`quiz.yaml`, `paths/<id>/…`) or several path folders: each path in it is
  replaced whole;
- a .zip of any of these.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.core.content import ContentError, ContentSet, Problem
from bot.core.content.loader import PATH_FILE, QUIZ_FILE, load_files
from bot.core.publishing.upload import Upload

Snapshot = dict[str, str]
_FOLDER = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_ID_LINE = re.compile(r"^id:[ \t]*[\"']?([^\s\"'#]+)", re.MULTILINE)


@dataclass(frozen=True)
class Changes:
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    # Changes that are not items: the quiz, a path's title or description, a path added.
    other: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed or self.other)


@dataclass
class Checked:
    """An upload checked against the live content: the problems, or the content it would make."""

    upload: Upload
    problems: list[Problem] = field(default_factory=list)
    snapshot: Snapshot | None = None
    content: ContentSet | None = None
    changes: Changes = field(default_factory=Changes)

    @property
    def ok(self) -> bool:
        return not self.problems and self.content is not None


def check(
    upload: Upload, live: Snapshot, content: ContentSet, path_id: str | None = None
) -> Checked:
    """Lay `upload` over the `live` snapshot and load the result; nothing is stored here."""
    checked = Checked(upload, list(upload.problems))
    if checked.problems:
        return checked
    if not upload.files:
        upload.refuse(None, "nothing to publish: no .md or .yaml file in it")
        return Checked(upload, list(upload.problems))
    merged = {name: text.encode() for name, text in live.items()}
    targets = _place(upload, merged, live, content, path_id)
    if upload.problems:
        return Checked(upload, list(upload.problems))
    try:
        new = load_files(merged, Path())
    except ContentError as error:
        checked.problems = _shown(error.problems, upload, targets)
        return checked
    checked.snapshot = {name: data.decode().removeprefix("\ufeff") for name, data in merged.items()}
    checked.content = new
    checked.changes = changes_between(content, new)
    return checked


def changes_between(old: ContentSet, new: ContentSet) -> Changes:
    before = {item.id: item for path in old.paths.values() for item in path.items}
    after = {item.id: item for path in new.paths.values() for item in path.items}
    other = [f"path {p}" for p in new.paths if p not in old.paths]
    other += [f"path {p} removed" for p in old.paths if p not in new.paths]
    other += [
        f"path {p} details"
        for p, path in new.paths.items()
        if p in old.paths and _path_details(old.paths[p]) != _path_details(path)
    ]
    if old.quiz != new.quiz:
        other.append("quiz")
    return Changes(
        added=tuple(i for i in after if i not in before),
        changed=tuple(i for i in after if i in before and _same(before[i]) != _same(after[i])),
        removed=tuple(i for i in before if i not in after),
        other=tuple(other),
    )


def retired_between(old: ContentSet, new: ContentSet) -> dict[str, dict[str, str | None]]:
    """For each path, the items that left it, each with the surviving item it came after."""
    retired: dict[str, dict[str, str | None]] = {}
    for path in old.paths.values():
        kept = new.path(path.id)
        if kept is None:
            continue
        after: str | None = None
        for item in path.items:
            if kept.item(item.id) is not None:
                after = item.id
            else:
                retired.setdefault(path.id, {})[item.id] = after
    return retired


def _same(item):
    return dataclasses.replace(item, source=Path())


def _path_details(path) -> tuple[str, str, str]:
    return (path.title, path.summary, path.description)


def _place(
    upload: Upload,
    merged: dict[str, bytes],
    live: Snapshot,
    content: ContentSet,
    path_id: str | None,
) -> dict[str, str]:
    """Put each upload file in `merged`; returns content path -> upload path for messages."""
    names = list(upload.files)
    top = None if _is_tree(names) else _common_folder(names)
    inner = {(name.split("/", 1)[1] if top else name): name for name in names}
    files = {relative: upload.files[original] for relative, original in inner.items()}
    layout = list(files)
    if _is_tree(layout):
        targets = {name: name for name in layout}
    elif all(name.count("/") == 1 for name in layout):
        targets = {f"paths/{name}": name for name in layout}
    elif all("/" not in name for name in layout) and PATH_FILE in files and len(files) > 1:
        folder = _path_id(files[PATH_FILE]) or top
        if folder is None:
            upload.refuse(inner[PATH_FILE], "path.yaml needs an 'id' line naming the path")
            return {}
        targets = {f"paths/{folder}/{name}": name for name in layout}
    elif all("/" not in name for name in layout):
        hint = path_id or (top if top in content.paths else None)
        return _place_loose(upload, files, inner, live, content, hint, merged)
    else:
        upload.refuse(
            None,
            "the layout is not one the bot knows: send a lesson file, quiz.yaml, a path folder "
            "(path.yaml and its lessons) or a content folder (quiz.yaml, paths/<id>/…)",
        )
        return {}
    # A path folder in the upload replaces the live one whole: a lesson left out is removed.
    for folder in {target.rsplit("/", 1)[0] + "/" for target in targets if target != QUIZ_FILE}:
        for name in [n for n in merged if n.startswith(folder)]:
            del merged[name]
    for target, name in targets.items():
        merged[target] = files[name]
    return {target: inner[name] for target, name in targets.items()}


def _place_loose(
    upload: Upload,
    files: Mapping[str, bytes],
    inner: Mapping[str, str],
    live: Snapshot,
    content: ContentSet,
    path_id: str | None,
    merged: dict[str, bytes],
) -> dict[str, str]:
    """Single files: each goes where its item, path or the quiz lives."""
    targets: dict[str, str] = {}
    item_files = _item_files(live)
    for name, data in files.items():
        shown = inner[name]
        if name == QUIZ_FILE:
            target = QUIZ_FILE
        elif name == PATH_FILE:
            folder = _path_id(data) or path_id
            if folder is None:
                upload.refuse(shown, "path.yaml needs an 'id' line naming the path")
                continue
            target = f"paths/{folder}/{PATH_FILE}"
        elif name.endswith(".md"):
            target = _item_target(upload, shown, name, data, content, path_id, live, item_files)
            if target is None:
                continue
            # An edited item keeps its place; its old file goes if the file name changed.
            old = item_files.get(_front_matter_id(data) or "")
            if old is not None and old != target:
                del merged[old]
        else:
            upload.refuse(
                shown, "only quiz.yaml, path.yaml and lesson or project files (.md) go here"
            )
            continue
        targets[target] = shown
        merged[target] = data
    return targets


def _item_target(
    upload: Upload,
    shown: str,
    name: str,
    data: bytes,
    content: ContentSet,
    path_id: str | None,
    live: Snapshot,
    item_files: Mapping[str, str],
) -> str | None:
    item_id = _front_matter_id(data)
    existing = content.item(item_id) if item_id else None
    if existing is not None:
        if path_id is not None and path_id != existing.path_id:
            upload.refuse(
                shown,
                f"id '{item_id}' is already used by the {existing.path_id} path "
                f"({item_files.get(existing.id, '?')}); ids are unique across paths, so choose "
                "another id",
                2,
            )
            return None
        return f"paths/{existing.path_id}/{name}"
    same_name = [p for p in content.paths if f"paths/{p}/{name}" in live]
    folder = path_id or (same_name[0] if len(same_name) == 1 else None)
    if folder is None:
        upload.refuse(
            shown,
            "a new item: say which path it joins (the path option in chat, --path on the "
            "command line), or send it inside its path folder",
        )
        return None
    if folder not in content.paths:
        known = ", ".join(content.paths)
        upload.refuse(shown, f"there is no path '{folder}'; the paths are {known}")
        return None
    return f"paths/{folder}/{name}"


def _is_tree(names: list[str]) -> bool:
    return bool(names) and all(n == QUIZ_FILE or _in_path_folder(n) for n in names)


def _in_path_folder(name: str) -> bool:
    parts = name.split("/")
    return len(parts) == 3 and parts[0] == "paths"


def _common_folder(names: list[str]) -> str | None:
    """The one folder every file sits in (an archived folder), if there is one."""
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) == 1 and all("/" in name for name in names):
        return tops.pop()
    return None


def _item_files(live: Snapshot) -> dict[str, str]:
    """Item id -> its file in the snapshot."""
    found: dict[str, str] = {}
    for name, text in live.items():
        if _in_path_folder(name) and name.endswith(".md"):
            item_id = _front_matter_id(text.encode())
            if item_id:
                found[item_id] = name
    return found


def _front_matter_id(data: bytes) -> str | None:
    """The `id:` line of a file's front matter, read without parsing the rest."""
    text = data.decode("utf-8", errors="replace")
    if not text.startswith("---"):
        return None
    end = text.find("\n---", 3)
    match = _ID_LINE.search(text[: end if end != -1 else len(text)])
    return match.group(1) if match else None


def _path_id(data: bytes) -> str | None:
    try:
        meta = yaml.safe_load(data.decode("utf-8", errors="replace"))
    except yaml.YAMLError:
        meta = None
    # Only a name the loader could accept becomes a folder; the loader explains the rest.
    if isinstance(meta, dict) and isinstance(meta.get("id"), str) and _FOLDER.match(meta["id"]):
        return meta["id"]
    return None


def _shown(problems: list[Problem], upload: Upload, targets: Mapping[str, str]) -> list[Problem]:
    """The loader's problems, naming uploaded files as the moderator sent them, those first."""
    mine, others = [], []
    for problem in problems:
        name = problem.file.as_posix()
        if name in targets:
            mine.append(dataclasses.replace(problem, file=upload.shown(targets[name])))
        else:
            others.append(problem)
    return mine + others
