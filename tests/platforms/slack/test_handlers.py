"""Slash commands, buttons, forms and events through the running Bolt app, answered in Slack."""

from __future__ import annotations

import asyncio
import itertools
import json
from pathlib import Path

from sqlmodel import select

from bot.core.commands import Context, Kind
from bot.core.commands.router import OOPS
from bot.core.messages import Message
from bot.core.models import Member
from bot.platforms.slack.handlers import AckFirst
from bot.settings import DEFAULT_CONTENT_DIR
from bot.testing.fake_anthropic import FakeAnthropic, Reply
from bot.testing.fake_slack import TEAM, FakeSlack, interaction_body
from tests.platforms.slack.conftest import (
    ADA,
    BOB,
    MOD,
    OWNER,
    Slack,
    buttons,
    running_slack,
    text_of,
)

# What each command needs after it to do its work; the rest run bare.
SAMPLE_ARGS = {"join": "ai-engineer", "ask": "what are embeddings?", "schedule": "07:30 UTC"}


async def member(slack: Slack, user_id: str) -> Member | None:
    async with slack.app.services.db() as session:
        return (await session.exec(select(Member).where(Member.user_id == user_id))).first()


def dm_posts(fake: FakeSlack, user_id: str) -> list[dict]:
    return [c.args for c in fake.called("chat.postMessage") if c.args["channel"] == user_id]


async def test_mentor_alone_shows_help(slack: Slack):
    """`/mentor` with nothing after it lists the commands, privately."""
    answer = await slack.reply(ADA)
    assert answer["response_type"] == "ephemeral"
    assert "/mentor start" in text_of(answer["blocks"])
    assert "For moderators" not in text_of(answer["blocks"])


async def test_mentor_admin_alone_shows_help_with_the_moderator_commands(slack: Slack):
    """`/mentor-admin` alone is help too; a moderator sees their commands in it."""
    answer = await slack.reply(MOD, command="/mentor-admin")
    assert "/mentor-admin stats" in text_of(answer["blocks"])


async def test_every_subcommand_answers_without_an_error(slack: Slack):
    """Each command of the shared declaration, typed after its slash command, gets an answer;
    one that takes a file asks for it in a modal."""
    for command in slack.app.router.commands:
        line = f"{command.name} {SAMPLE_ARGS.get(command.name, '')}".strip()
        if any(p.kind == Kind.ATTACHMENT for p in command.params):
            opened = len(slack.fake.called("views.open"))
            await slack.command(MOD, line, command=f"/{command.group}")
            await slack.fake.wait_for(lambda n=opened: slack.fake.called("views.open")[n:])
            continue
        answer = await slack.reply(MOD, line, command=f"/{command.group}")
        shown = text_of(answer["blocks"])
        assert "Unknown command" not in shown and OOPS[:30] not in shown, (line, shown)


async def test_the_quiz_is_answered_by_buttons_each_step_replacing_the_question(slack: Slack):
    """Every click replaces the question it answered; the last one places the member."""
    answer = await slack.reply(ADA, "start")
    steps = 0
    while "Placement quiz" in answer["text"]:
        url = await slack.click(ADA, buttons(answer["blocks"])[0])
        (answer,) = await slack.fake.wait_for(lambda url=url: slack.fake.posted(url))
        assert answer["replace_original"] is True
        steps += 1
    assert steps == len(slack.app.services.content.current.quiz.questions)
    assert "You're on the" in answer["text"]


async def test_a_new_members_zone_comes_from_their_slack_profile(slack: Slack):
    """The first command creates the member in the zone users.info reports."""
    await slack.reply(BOB, "start")
    found = await member(slack, BOB)
    assert found is not None and found.timezone == "Asia/Tokyo"
    assert found.display_name == "Bob"


async def test_schedule_alone_opens_a_modal_whose_answer_comes_back_where_asked(slack: Slack):
    """`/mentor schedule` opens a modal with the trigger; the saved schedule is told privately
    in the conversation the command came from."""
    url = await slack.command(ADA, "schedule")
    (opened,) = await slack.fake.wait_for(lambda: slack.fake.called("views.open"))
    assert opened.args["trigger_id"] == f"trigger.{ADA}"
    view = opened.args["view"]
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == [
        "time",
        "timezone",
        "days",
    ]
    await slack.submit(ADA, view, {"time": "06:45", "timezone": "Europe/Paris", "days": "mon-fri"})
    (answer,) = await slack.fake.wait_for(lambda: slack.fake.posted(url))
    assert "Schedule saved" in answer["text"]
    found = await member(slack, ADA)
    assert (found.delivery_time, found.timezone) == ("06:45", "Europe/Paris")


async def test_schedule_with_arguments_shows_the_next_lesson_as_a_slack_date(slack: Slack):
    """Times reach Slack as date tokens, which every reader sees in their own zone."""
    await slack.reply(ADA, "join ai-engineer")
    answer = await slack.reply(ADA, "schedule 07:30 Europe/Berlin mon-fri")
    assert "<!date^" in text_of(answer["blocks"]) and "{time}" in text_of(answer["blocks"])


async def test_moderator_commands_refuse_members_and_admit_listed_ids_and_owners(slack: Slack):
    """A member is told plainly; SLACK_MODERATOR_IDS and workspace owners get the answer."""
    refused = await slack.reply(ADA, "stats", command="/mentor-admin")
    assert "for moderators only" in refused["text"] + text_of(refused["blocks"])
    for moderator in (MOD, OWNER):
        answer = await slack.reply(moderator, "questions", command="/mentor-admin")
        assert "for moderators only" not in answer["text"] + text_of(answer["blocks"])


async def test_stats_with_their_chart_arrive_in_the_dm(slack: Slack):
    """A private answer cannot carry a file: the stats and their chart go to the moderator's
    DM, and the channel is told where."""
    note = await slack.reply(MOD, "stats", command="/mentor-admin")
    assert "our DM" in note["text"] + text_of(note["blocks"])
    (stats,) = dm_posts(slack.fake, MOD)
    assert stats["text"] == "Community stats"
    (chart,) = await slack.fake.wait_for(lambda: slack.fake.called("files.completeUploadExternal"))
    assert chart.args["channel_id"] == slack.fake.dm(MOD)
    ((name, data),) = slack.fake.uploads.values()
    assert name.endswith(".png") and data.startswith(b"\x89PNG")


async def test_the_home_tab_is_published_on_opening_and_after_a_change(slack: Slack):
    """app_home_opened publishes the welcome; joining a path republishes it with the path."""
    await slack.event({"type": "app_home_opened", "user": ADA, "tab": "home", "channel": "D1"})
    (first,) = await slack.fake.wait_for(lambda: slack.fake.called("views.publish"))
    assert first.args["user_id"] == ADA and first.args["view"]["type"] == "home"
    assert "Take the placement quiz" in text_of(first.args["view"]["blocks"])
    await slack.reply(ADA, "join ml-engineer")
    latest = await slack.fake.wait_for(lambda: slack.fake.called("views.publish")[1:])
    shown = text_of(latest[-1].args["view"]["blocks"])
    assert "Your ML engineer path" in shown and "0/" in shown and "Pause deliveries" in shown


async def test_a_home_tab_button_answers_in_the_dm(slack: Slack):
    """A click in the home tab has no conversation of its own: the answer arrives by DM."""
    await slack.reply(ADA, "join ai-engineer")
    await slack.event({"type": "app_home_opened", "user": ADA, "tab": "home"})
    published = await slack.fake.wait_for(lambda: slack.fake.called("views.publish"))
    today = buttons(published[-1].args["view"]["blocks"])[0]
    await slack.click(ADA, today, container={"type": "view", "view_id": "V1"})
    (lesson,) = await slack.fake.wait_for(lambda: dm_posts(slack.fake, ADA))
    assert lesson["text"].startswith("Day 1 · Lesson:")


async def test_a_click_on_a_dm_answers_in_that_dm(slack: Slack):
    """Mark done on a lesson in the DM answers in the DM, as a message of its own."""
    await slack.reply(ADA, "join ai-engineer")
    url = await slack.command(ADA, "today", channel_id="DADA", channel_name="directmessage")
    (lesson,) = await slack.fake.wait_for(lambda: slack.fake.called("chat.postMessage"))
    assert lesson.args["channel"] == "DADA" and slack.fake.posted(url) == []
    done = buttons(lesson.args["blocks"])[0]
    container = {"type": "message", "channel_id": "DADA", "message_ts": "1700000000.000001"}
    await slack.click(ADA, done, container=container)
    posts = await slack.fake.wait_for(lambda: slack.fake.called("chat.postMessage")[1:])
    assert posts[0].args["channel"] == "DADA" and "Marked" in text_of(posts[0].args["blocks"])


async def test_broadcast_mentions_never_reach_slack(slack: Slack):
    """Text a member typed that would notify everyone is made inert in every call."""
    for text in ("join <!channel>", "join <!here|here>", "join <!subteam^S1|@devs> @everyone"):
        await slack.reply(ADA, text)
    await slack.event({"type": "app_home_opened", "user": ADA, "tab": "home"})
    await slack.fake.wait_for(lambda: slack.fake.called("views.publish"))
    everything = json.dumps([c.args for c in slack.fake.calls]) + json.dumps(slack.fake.responses)
    for broadcast in ("<!channel", "<!here", "<!everyone", "<!subteam", "@everyone"):
        assert broadcast not in everything


async def test_ask_from_a_channel_streams_into_the_dm_about_once_an_interval(
    clean_env: None, tmp_path: Path, fake: FakeSlack
):
    """The answer grows in the member's DM by chat.update, paced by the edit interval; the
    channel is told privately where it is."""
    text = " ".join(f"Embeddings map text to vectors, part {n} [1]." for n in range(12))
    claude = FakeAnthropic(Reply(text=text, chunk_chars=20, delay=0.05))
    settings = {
        "ANTHROPIC_API_KEY": "test-key",
        "ANTHROPIC_BASE_URL": await claude.start(),
        "MENTORBOT_ASK_EDIT_INTERVAL": 0.4,
    }
    try:
        async with running_slack(tmp_path, fake, **settings) as slack:
            url = await slack.command(ADA, "ask what are embeddings?")
            finished = await fake.wait_for(
                lambda: [c for c in fake.called("chat.update") if buttons(c.args["blocks"])]
            )
    finally:
        await claude.close()
    (note,) = fake.posted(url)
    assert "our DM" in note["text"] + text_of(note["blocks"])
    (start,) = dm_posts(fake, ADA)
    updates = fake.called("chat.update")
    assert all(u.args["channel"] == fake.dm(ADA) for u in updates)
    assert len(updates) >= 3 and finished[0] is updates[-1]
    # The last edit (the finished answer) is not paced; every one before it is.
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(updates[:-1])]
    assert gaps and min(gaps) >= 0.35
    assert "part 11" in text_of(updates[-1].args["blocks"]) and start["text"] == "Mentor"


async def test_a_message_in_the_dm_is_a_question_for_the_mentor(slack: Slack):
    """A plain message in the bot's DM is answered there, as /mentor ask would."""
    await slack.event(
        {"type": "message", "channel_type": "im", "channel": "DADA", "user": ADA, "text": "rag?"}
    )
    (start,) = await slack.fake.wait_for(lambda: slack.fake.called("chat.postMessage"))
    assert start.args["channel"] == "DADA"
    answered = await slack.fake.wait_for(
        lambda: [c for c in slack.fake.called("chat.update") if buttons(c.args["blocks"])]
    )
    assert answered[0].args["channel"] == "DADA"
    assert "Helpful" in text_of(answered[0].args["blocks"])


async def test_a_file_shared_in_the_dm_becomes_an_attachment_read_with_the_bot_token(
    slack: Slack,
):
    """A shared file's bytes come from Slack with the bot token; with no command to take it the
    member is told how to send one."""
    file = slack.fake.add_file("content.zip", b"PK\x03\x04 lessons")
    attachment = slack.adapter.handlers.attachment(file)
    assert (attachment.name, attachment.size) == ("content.zip", len(b"PK\x03\x04 lessons"))
    assert await attachment.read() == b"PK\x03\x04 lessons"
    await slack.event(
        {
            "type": "message",
            "subtype": "file_share",
            "channel_type": "im",
            "channel": "DADA",
            "user": ADA,
            "text": "",
            "files": [file],
        }
    )
    (hint,) = await slack.fake.wait_for(lambda: slack.fake.called("chat.postMessage"))
    assert "file" in text_of(hint.args["blocks"])


async def test_a_file_from_a_forms_file_input_reaches_the_handler_as_an_attachment(
    clean_env: None, tmp_path: Path, fake: FakeSlack
):
    """A submitted modal's file input becomes an Attachment whose read() downloads the file;
    the answer goes to the member's DM."""
    received: list[bytes] = []

    async def upload(ctx: Context) -> None:
        received.extend([await a.read() for a in ctx.attachments])
        await ctx.reply.send(Message(body=f"got {len(received[0])} bytes for {ctx.args}"))

    file = fake.add_file("content.zip", b"PK\x03\x04 new lessons")
    async with running_slack(tmp_path, fake, actions={"upload": upload}) as slack:
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM},
            "user": {"id": MOD, "username": "mo", "team_id": TEAM},
            "view": {
                "id": "V9",
                "type": "modal",
                "callback_id": "upload",
                "private_metadata": json.dumps({"v": "v2"}),
                "state": {
                    "values": {"archive": {"archive": {"type": "file_input", "files": [file]}}}
                },
            },
        }
        assert (await slack.post(interaction_body(payload)))[0] == 200
        (answer,) = await fake.wait_for(lambda: dm_posts(fake, MOD))
    assert received == [b"PK\x03\x04 new lessons"]
    assert "got 16 bytes for v2" in text_of(answer["blocks"])


async def test_answers_wait_until_a_burst_is_acknowledged_but_not_forever():
    """Work after an acknowledgement starts once no request awaits its own (and a moment has
    passed), or after the patience runs out under a steady stream."""
    acks = AckFirst(patience=0.5, settle=0.01)
    first, second = acks.acknowledging(), acks.acknowledging()
    first.__enter__()
    second.__enter__()
    waiting = asyncio.create_task(acks.turn())
    first.__exit__(None, None, None)
    await asyncio.sleep(0.05)
    assert not waiting.done()
    second.__exit__(None, None, None)
    await asyncio.wait_for(waiting, 0.2)
    with acks.acknowledging():
        started = asyncio.get_running_loop().time()
        await acks.turn()
        assert asyncio.get_running_loop().time() - started >= 0.45


async def test_new_lessons_are_announced_in_the_configured_channel(slack: Slack):
    """The adapter posts an announcement for everyone in a channel, mentions made inert."""
    await slack.adapter.announce(
        "C0NEWS", Message(title="New lessons", body="<!channel> two new lessons", private=True)
    )
    (post,) = slack.fake.called("chat.postMessage")
    assert post.args["channel"] == "C0NEWS" and "New lessons" in post.args["text"]
    assert "<!channel" not in json.dumps(post.args)


def edited_lesson() -> bytes:
    lesson = DEFAULT_CONTENT_DIR / "paths" / "ai-engineer" / "01-ai-role.md"
    return lesson.read_bytes() + b"\nOne more paragraph, added by a moderator.\n"


async def test_publish_asks_for_its_file_in_a_modal_and_checks_what_was_sent(slack: Slack):
    """A slash command carries no file: /mentor-admin publish opens a modal with a file input,
    and the submitted file is checked and waits for the Publish button where the command was."""
    url = await slack.command(MOD, "publish", command="/mentor-admin")
    (opened,) = await slack.fake.wait_for(lambda: slack.fake.called("views.open"))
    view = opened.args["view"]
    kinds = {b["block_id"]: b["element"]["type"] for b in view["blocks"] if b["type"] == "input"}
    assert kinds == {"file": "file_input", "path": "plain_text_input"}
    file = slack.fake.add_file("01-ai-role.md", edited_lesson())
    state = {
        "file": {"file": {"type": "file_input", "files": [file]}},
        "path": {"path": {"type": "plain_text_input", "value": None}},
    }
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM},
        "user": {"id": MOD, "username": "mo", "team_id": TEAM},
        "view": {**view, "id": "V2", "state": {"values": state}},
    }
    assert (await slack.post(interaction_body(payload)))[0] == 200
    (checked,) = await slack.fake.wait_for(lambda: slack.fake.posted(url))
    assert checked["text"] == "01-ai-role.md is valid"
    assert [b["text"]["text"] for b in buttons(checked["blocks"])] == ["Publish", "Cancel"]


async def test_a_file_shared_in_the_dm_with_its_command_is_published_from_there(slack: Slack):
    """A file with `mentor-admin publish` as its message runs the command with the file."""
    file = slack.fake.add_file("01-ai-role.md", edited_lesson())
    await slack.event(
        {
            "type": "message",
            "subtype": "file_share",
            "channel_type": "im",
            "channel": "DMOD",
            "user": MOD,
            "text": "mentor-admin publish",
            "files": [file],
        }
    )
    (checked,) = await slack.fake.wait_for(lambda: slack.fake.called("chat.postMessage"))
    assert checked.args["channel"] == "DMOD" and checked.args["text"] == "01-ai-role.md is valid"


async def test_members_asking_to_publish_are_refused_without_a_modal(slack: Slack):
    """The modal is for moderators; anyone else is told plainly, and no modal opens."""
    refused = await slack.reply(ADA, "publish", command="/mentor-admin")
    assert "for moderators only" in refused["text"] + text_of(refused["blocks"])
    assert slack.fake.called("views.open") == []
