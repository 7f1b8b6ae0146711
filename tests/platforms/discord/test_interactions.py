"""Commands, clicks, forms and autocomplete through discord.py against the stand-in Discord."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.core.commands import Command, Context, Kind, Param, build_actions, build_commands
from bot.core.messages import Message, Option, Select
from bot.settings import DEFAULT_CONTENT_DIR
from bot.testing.discord.payloads import MODERATOR_ROLE, User
from bot.testing.discord.server import FakeDiscord, labels, text
from bot.testing.fake_anthropic import FakeAnthropic, Reply
from tests.core.publishing.conftest import LESSON, retitled
from tests.platforms.discord.conftest import Bot, running_bot

ADA = User(1001, "Ada")
ADMIN = User(1002, "Grace", manage_guild=True)
ROLE = User(1003, "Mo", roles=(MODERATOR_ROLE,))
EPHEMERAL = 1 << 6


async def reply(fake: FakeDiscord, interaction) -> dict[str, Any]:
    return await fake.answer(interaction)


async def test_personal_replies_are_ephemeral_in_servers_and_kept_in_dms(bot: Bot, fake):
    """/mentor help in a channel only the caller sees; in a DM it stays in the history."""
    in_server = await reply(fake, await fake.slash(ADA, "mentor", "help"))
    in_dm = await reply(fake, await fake.slash(ADA, "mentor", "help", dm=True))
    assert in_server["flags"] & EPHEMERAL and not in_dm["flags"] & EPHEMERAL
    assert "mentorbot commands" in text(in_server) == text(in_dm)


async def test_options_are_joined_back_in_parameter_order(bot: Bot, fake):
    """Typed options become the line a text platform would have typed."""
    schedule = await fake.slash(
        ADA, "mentor", "schedule", days="mon-fri", timezone="Europe/Berlin", time="07:30"
    )
    saved = text(await reply(fake, schedule))
    assert "07:30 (Europe/Berlin) on weekdays (mon-fri)" in saved


async def test_autocomplete_suggests_paths_and_time_zones(bot: Bot, fake):
    """What the member typed so far narrows the suggestions, answered within the deadline."""
    paths = await fake.answered(await fake.autocomplete(ADA, "mentor", "join", "path", "ml"))
    assert paths.callbacks[0]["type"] == 8
    assert [c["value"] for c in paths.callbacks[0]["data"]["choices"]] == ["ml-engineer"]
    zones = await fake.answered(
        await fake.autocomplete(ADA, "mentor", "schedule", "timezone", "Europe/Berl")
    )
    assert {"name": "Europe/Berlin", "value": "Europe/Berlin"} in zones.callbacks[0]["data"][
        "choices"
    ]


async def test_moderators_have_manage_server_or_the_role_and_never_act_from_a_dm(bot: Bot, fake):
    """Manage Server or the moderator role may use /mentor-admin in a server; nobody from a DM,
    and other members are refused."""
    for user in (ADMIN, ROLE):
        assert "Community stats" in text(
            await reply(fake, await fake.slash(user, "mentor-admin", "stats"))
        )
    from_dm = await reply(fake, await fake.slash(ROLE, "mentor-admin", "stats", dm=True))
    assert "for moderators only" in text(from_dm)
    refused = await reply(fake, await fake.slash(ADA, "mentor-admin", "stats"))
    assert "for moderators only" in text(refused) and refused["flags"] & EPHEMERAL


async def test_forms_open_as_modals_and_come_back_by_custom_id(bot: Bot, fake):
    """/mentor schedule alone opens a form; its submission is read from the payload alone."""
    opened = await fake.answered(await fake.slash(ADA, "mentor", "schedule"))
    (callback,) = opened.callbacks
    assert callback["type"] == 9
    form = callback["data"]
    assert form["custom_id"] == "mf:schedule-set:"
    inputs = [row["component"]["custom_id"] for row in form["components"]]
    assert inputs == ["time", "timezone", "days"]
    values = {"time": "06:45", "timezone": "America/New_York", "days": "sat,sun"}
    saved = await reply(fake, await fake.submit(ADA, form["custom_id"], values))
    assert "06:45 (America/New_York) on weekends (sat, sun)" in text(saved)


async def test_a_lesson_dm_asks_about_itself_through_a_form(bot: Bot, fake):
    """Ask about this opens a form naming the lesson; the answer comes back with 👍/👎."""
    await reply(fake, await fake.slash(ADA, "mentor", "join", path="ai-engineer"))
    bot.clock.advance(timedelta(days=1))
    await bot.app.dispatcher.tick()
    (dm,) = fake.dms(ADA)
    opened = await fake.answered(await fake.click(ADA, int(dm["id"]), "Ask about this"))
    form = opened.callbacks[0]["data"]
    assert opened.callbacks[0]["type"] == 9 and form["custom_id"].startswith("mf:ask:")
    asked = await fake.submit(
        ADA, form["custom_id"], {"question": "what is a token?"}, int(dm["id"])
    )
    await fake.answered(asked)
    await fake.wait_for(lambda: "👍 Helpful" in labels(fake.original(asked)), "the answer")
    assert asked.callback_type == 4 and asked.edits


async def test_a_button_the_bot_never_saw_is_dispatched_by_its_custom_id(bot: Bot, fake):
    """A message from an earlier run (stored only at Discord) still works when clicked."""
    old = await fake.earlier_message({"Show where I am": "mb:today:"}, dm=ADA)
    answered = await reply(fake, await fake.click(ADA, old, "Show where I am"))
    assert "You are not on a path yet" in text(answered)


async def test_a_slow_answer_is_deferred_in_time_then_delivered(clean_env, fake, tmp_path: Path):
    """A command or click still working when the deadline nears is deferred, then its answer
    replaces the placeholder (or the clicked message, when it replaces)."""

    async def slow(ctx: Context) -> None:
        await asyncio.sleep(0.4)
        await ctx.reply.send(Message(body="done slowly", replace=ctx.args == "replace"))

    commands = [*build_commands(), Command("mentor", "slow", "a slow command", slow)]
    actions = {**build_actions(), "slow": slow}
    async with running_bot(fake, tmp_path, commands, actions) as running:
        running.adapter.client.interactions.defer_after = 0.1
        command = await fake.slash(ADA, "mentor", "slow")
        await fake.wait_for(lambda: command.edits, "the answer")
        assert command.callback_type == 5 and command.callbacks[0]["data"]["flags"] & EPHEMERAL
        assert "done slowly" in text(fake.original(command))

        clicked = await fake.earlier_message({"Go": "mb:slow:replace"})
        click = await fake.click(ADA, clicked, "Go")
        await fake.wait_for(lambda: click.edits, "the replacement")
        assert click.callback_type == 6
        assert "done slowly" in text(fake.messages[clicked])


async def test_attachments_choices_and_numbers_reach_the_handler(clean_env, fake, tmp_path):
    """Every kind of parameter becomes a typed option; the file arrives readable."""
    seen: dict[str, Any] = {}

    async def upload(ctx: Context) -> None:
        (file,) = ctx.attachments
        seen.update(args=ctx.args, name=file.name, data=await file.read())
        await ctx.reply.send(Message(body="uploaded"))

    params = (
        Param("archive", "the content archive", Kind.ATTACHMENT),
        Param("mode", "how", Kind.CHOICE, choices=("dry-run", "live")),
        Param("keep-days", "days to keep", Kind.INTEGER, required=False),
    )
    command = Command("mentor-admin", "upload", "upload content", upload, params, True)
    async with running_bot(fake, tmp_path, [*build_commands(), command]):
        archive = fake.upload("content.zip", b"PK\x03\x04zip", "application/zip")
        options = {"archive": archive, "mode": "live", "keep_days": 30}
        sent = await fake.slash(ADMIN, "mentor-admin", "upload", **options)
        assert "uploaded" in text(await reply(fake, sent))
    assert seen == {"args": "live 30", "name": "content.zip", "data": b"PK\x03\x04zip"}


async def test_a_select_brings_back_the_picked_option(clean_env, fake, tmp_path: Path):
    """A select's pick reaches the action handler as the option's value."""
    picked: list[str] = []

    async def menu(ctx: Context) -> None:
        options = (Option("AI", "ai-engineer"), Option("ML", "ml-engineer"))
        await ctx.reply.send(Message(body="Pick one", select=Select("pick", options)))

    async def pick(ctx: Context) -> None:
        picked.append(ctx.args)
        await ctx.reply.send(Message(body=f"picked {ctx.args}", replace=True))

    commands = [*build_commands(), Command("mentor", "menu", "a menu", menu)]
    async with running_bot(fake, tmp_path, commands, {**build_actions(), "pick": pick}):
        shown = await reply(fake, await fake.slash(ADA, "mentor", "menu"))
        chosen = await fake.answered(await fake.click(ADA, int(shown["id"]), "ml-engineer"))
        assert chosen.callback_type == 7
    assert picked == ["ml-engineer"]


async def test_failures_get_a_short_private_message_and_the_bot_carries_on(
    clean_env, fake, tmp_path: Path
):
    """A handler that raises, and a command this bot does not know, are both answered."""

    async def broken(ctx: Context) -> None:
        raise RuntimeError("a bug")

    commands = [*build_commands(), Command("mentor", "broken", "fails", broken)]
    async with running_bot(fake, tmp_path, commands):
        failed = await reply(fake, await fake.slash(ADA, "mentor", "broken"))
        assert "Something went wrong on my side" in text(failed) and failed["flags"] & EPHEMERAL
        unknown = await reply(fake, await fake.slash(ADA, "mentor", "teleport"))
        assert "not one I know" in text(unknown)
        assert "mentorbot commands" in text(
            await reply(fake, await fake.slash(ADA, "mentor", "help"))
        )


async def test_ask_is_deferred_at_once_and_claudes_answer_streams_in_by_edits(
    clean_env, fake, tmp_path: Path
):
    """/mentor ask acknowledges with "thinking…" before any work, then the deferred message
    grows edit by edit into the answer, which ends with its 👍/👎 buttons."""
    answer = "Tokens are the pieces a model reads [1]. Words often split into several [1]."
    async with FakeAnthropic(Reply(text=answer, chunk_chars=10, delay=0.02)) as anthropic:
        settings = {
            "ANTHROPIC_API_KEY": "test-key",
            "ANTHROPIC_BASE_URL": anthropic.base_url,
            "MENTORBOT_ASK_EDIT_INTERVAL": 0,
        }
        async with running_bot(fake, tmp_path, **settings):
            asked = await fake.slash(ADA, "mentor", "ask", question="what is a token?")
            await fake.answered(asked)
            await fake.wait_for(lambda: "👍 Helpful" in labels(fake.original(asked)), "answer")
    assert asked.callback_type == 5
    grown = [e["embeds"][0].get("description", "") for e in asked.edits]
    assert len(grown) >= 4
    assert grown[1] and all(answer.startswith(g) for g in grown[1:-1] if g)
    assert "Tokens are the pieces a model reads" in grown[-1]


async def test_a_moderator_publishes_a_lesson_file_and_confirms_with_a_button(bot: Bot, fake):
    """/mentor-admin publish with the file option: the check and a Publish button, privately;
    the click publishes the new revision."""
    lesson = retitled((DEFAULT_CONTENT_DIR / LESSON).read_text(), "Your first API call, revised")
    upload = fake.upload("03-ai-first-api-call.md", lesson.encode(), "text/markdown")
    publish = await fake.answered(await fake.slash(ADMIN, "mentor-admin", "publish", file=upload))
    assert publish.callback_type == 5  # publishing is slow: deferred at once
    await fake.wait_for(lambda: publish.edits, "the check")
    checked = fake.original(publish)
    assert "changed ai-first-api-call" in text(checked) and checked["flags"] & EPHEMERAL
    published = await reply(fake, await fake.click(ADMIN, int(checked["id"]), "Publish"))
    assert "Published as revision 2" in text(published)
    assert bot.app.services.content.current.item("ai-first-api-call").title.endswith("revised")


async def test_a_plain_dm_is_a_question_for_the_mentor(bot: Bot, fake):
    """Writing to the bot in a DM asks the mentor: the answer arrives in that DM, grows by
    edits, and ends with its 👍/👎 buttons; the bot's own DMs are not taken for questions."""
    channel = await fake.direct_message(ADA, "how do embeddings work?")
    await fake.wait_for(
        lambda: any("👍 Helpful" in labels(m) for m in fake.dms(ADA)), "the answer by DM"
    )
    (answer,) = fake.dms(ADA)
    assert answer["channel_id"] == str(channel)
    assert "Here is what your lessons say" in text(answer)
    edits = [r for r in fake.requests if r.method == "PATCH" and r.path.startswith("/channels/")]
    assert edits and all(r.body["allowed_mentions"] == {"parse": []} for r in edits)
