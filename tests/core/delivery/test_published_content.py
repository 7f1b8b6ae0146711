"""Members keep their place by item id when content is published under them: an edited item
arrives in its new form, a removed one is skipped, an item inserted before them never arrives."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from bot.core.content.loader import read_directory
from bot.core.publishing.publish import live, publish
from bot.core.publishing.sync import open_content
from bot.core.publishing.upload import Upload
from bot.settings import DEFAULT_CONTENT_DIR
from tests.core.delivery.conftest import World

DAY = timedelta(days=1)
Folder = dict[str, str]


async def _start(world: World) -> None:
    content, version = await open_content(
        world.services.db, read_directory(DEFAULT_CONTENT_DIR), world.clock
    )
    world.services.content.replace(content, version)


async def _publish_explorer(world: World, change: Callable[[Folder], None]) -> None:
    """Publish the explorer path folder after `change` edits its files (name -> text)."""
    prefix = "paths/explorer/"
    snapshot = (await live(world.services.db)).snapshot
    folder = {n[len(prefix) :]: t for n, t in snapshot.items() if n.startswith(prefix)}
    change(folder)
    upload = Upload("explorer", {f"explorer/{n}": t.encode() for n, t in folder.items()})
    result = await publish(
        world.services.db,
        upload,
        author="Mod (test)",
        actor="test:mod",
        clock=world.clock,
        content=world.services.content,
    )
    assert result.revision is not None, result.checked.problems


def _day(text: str) -> int:
    return int(re.search(r"^day: (\d+)$", text, re.M).group(1))


def _shift_days(folder: Folder, start: int, by: int) -> None:
    for name, text in list(folder.items()):
        if name.endswith(".md") and _day(text) >= start:
            folder[name] = re.sub(r"^day: \d+$", f"day: {_day(text) + by}", text, flags=re.M)


def _remove(item_id: str) -> Callable[[Folder], None]:
    def change(folder: Folder) -> None:
        name = next(n for n, t in folder.items() if f"\nid: {item_id}\n" in f"\n{t}")
        day = _day(folder.pop(name))
        _shift_days(folder, day + 1, -1)

    return change


def _insert_at(day: int, item_id: str) -> Callable[[Folder], None]:
    def change(folder: Folder) -> None:
        template = folder["02-try-ai.md"]
        _shift_days(folder, day, 1)
        text = template.replace("id: ex-try-ai", f"id: {item_id}").replace("day: 2", f"day: {day}")
        folder[f"{day:02}-inserted.md"] = text.replace(
            "title: Try AI engineering in an hour", "title: An inserted lesson"
        )

    return change


def _titles(world: World, user_id: str) -> list[str]:
    return [sent.title.split(": ", 1)[1] for sent in world.messenger.to(user_id)]


async def test_an_edited_item_arrives_in_its_new_form(world: World):
    """The next lesson is edited after the member joined: the DM carries the new title."""
    await _start(world)
    await world.join("ada", "explorer")
    await world.wait(DAY)
    await world.say("ada", "/mentor done")

    def retitle(folder: Folder) -> None:
        folder["02-try-ai.md"] = folder["02-try-ai.md"].replace(
            "title: Try AI engineering in an hour", "title: AI engineering, hands on"
        )

    await _publish_explorer(world, retitle)
    await world.wait(DAY)
    assert _titles(world, "ada")[-1] == "AI engineering, hands on"


async def test_a_removed_current_item_moves_the_member_to_the_next(world: World):
    """The member's open item is removed: today shows the one after it, and it is sent next."""
    await _start(world)
    await world.join("ada", "explorer")
    await world.wait(DAY)
    await world.say("ada", "/mentor done")  # current: ex-try-ai, not sent yet
    await _publish_explorer(world, _remove("ex-try-ai"))
    assert "Try ML engineering" in await world.say("ada", "/mentor today")
    await world.wait(DAY)
    assert [s.split(" ")[0] for s in _titles(world, "ada")] == ["Two", "Try"]
    assert "ML" in _titles(world, "ada")[-1]


async def test_a_removed_sent_item_is_skipped(world: World):
    """The item last sent is removed while open: the next DM is the item after it."""
    await _start(world)
    await world.join("ada", "explorer")
    await world.wait(2 * DAY)  # ex-two-careers and ex-try-ai sent, neither done
    await _publish_explorer(world, _remove("ex-try-ai"))
    await world.say("ada", "/mentor done")  # ex-two-careers
    assert "Try ML engineering" in await world.say("ada", "/mentor today")
    await world.wait(DAY)
    assert "ML" in _titles(world, "ada")[-1]
    assert "not on a path" not in await world.say("ada", "/mentor progress")


async def test_an_item_inserted_before_the_member_is_not_sent(world: World):
    """A lesson inserted at day 2 after the member passed it never reaches them."""
    await _start(world)
    await world.join("ada", "explorer")
    for _ in range(2):
        await world.wait(DAY)
        await world.say("ada", "/mentor done")
    await _publish_explorer(world, _insert_at(2, "ex-inserted"))
    await world.wait(2 * DAY)
    titles = _titles(world, "ada")
    assert "An inserted lesson" not in titles
    assert len(titles) == 4 and "ML" in titles[2]


async def test_an_item_inserted_ahead_of_the_member_is_sent_in_turn(world: World):
    """A lesson inserted after the member's place arrives when they reach it."""
    await _start(world)
    await world.join("ada", "explorer")
    await world.wait(DAY)
    await world.say("ada", "/mentor done")
    await _publish_explorer(world, _insert_at(3, "ex-inserted"))
    for _ in range(2):
        await world.wait(DAY)
        await world.say("ada", "/mentor done")
    assert _titles(world, "ada")[-1] == "An inserted lesson"
