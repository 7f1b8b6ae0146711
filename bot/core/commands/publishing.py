"""`/mentor-admin publish|preview|history|rollback`: moderators change the content from chat.

A publish is checked first and shown with every problem, or with what it would change and a
Publish button; only the click stores it. Each attempt is in the audit log.
"""

from __future__ import annotations

from bot.core import audit
from bot.core.commands.base import Context
from bot.core.errors import UserError
from bot.core.publishing.publish import publish as publish_upload
from bot.core.publishing.publish import rollback as rollback_to
from bot.core.publishing.revisions import history as revision_history
from bot.core.publishing.upload import MAX_ARCHIVE_BYTES, Upload, from_bytes, kb
from bot.core.publishing.views import (
    CONFIRM,
    cancelled_message,
    confirm_message,
    history_message,
    preview_message,
    published_message,
    refused_messages,
    rolled_back_message,
    unchanged_message,
)

PUBLISH_USAGE = "/mentor-admin publish <file> [path]"
ROLLBACK_USAGE = "/mentor-admin rollback <n>"
PREVIEW_USAGE = "/mentor-admin preview <item>"
HISTORY_SHOWN = 20


async def publish(ctx: Context) -> None:
    """Check the attached file; a valid one waits for the Publish button."""
    services = ctx.services
    path_id = _path_named(ctx)
    upload = await _upload(ctx)
    result = await publish_upload(
        services.db,
        upload,
        author=audit.author_of(ctx.caller),
        actor=audit.actor_of(ctx.caller),
        clock=services.clock,
        path_id=path_id,
        content=services.content,
        apply=False,
    )
    checked = result.checked
    if checked.problems:
        for message in refused_messages(checked):
            await ctx.reply.send(message)
    elif checked.changes.empty:
        await ctx.reply.send(unchanged_message(upload.name))
    else:
        token = services.uploads.hold(_who(ctx), upload, path_id, services.clock.now())
        await ctx.reply.send(confirm_message(checked, token))


async def publish_chosen(ctx: Context) -> None:
    """Publish or Cancel under a checked upload."""
    services = ctx.services
    choice, _, token = ctx.args.partition(":")
    if not ctx.caller.is_moderator:
        await _refused(ctx, "content-publish")
    pending = services.uploads.take(token, _who(ctx), services.clock.now())
    if pending is None:
        raise UserError(
            "That upload is no longer waiting (it was handled, or is over 30 "
            "minutes old). Send it again with `/mentor-admin publish`."
        )
    if choice != CONFIRM:
        await _audit(ctx, "content-publish", upload=pending.upload.name, outcome="cancelled")
        await ctx.reply.send(cancelled_message(pending.upload.name))
        return
    result = await publish_upload(
        services.db,
        pending.upload,
        author=audit.author_of(ctx.caller),
        actor=audit.actor_of(ctx.caller),
        clock=services.clock,
        path_id=pending.path_id,
        content=services.content,
    )
    if result.revision is not None:
        await ctx.reply.send(published_message(result.revision, replace=True))
    elif result.checked.problems:
        # Someone published in between and the upload no longer fits on top of it.
        for message in refused_messages(result.checked):
            await ctx.reply.send(message)
    else:
        await ctx.reply.send(unchanged_message(pending.upload.name))


async def preview(ctx: Context) -> None:
    services = ctx.services
    wanted = ctx.args.strip()
    content = services.content.current
    item = content.item(wanted) if wanted else None
    await _audit(ctx, "content-preview", item=wanted[:64], outcome="shown" if item else "unknown")
    if item is None:
        raise UserError(
            f"There is no item '{wanted[:64]}'. Item ids are in each file's front matter, "
            "for example `ai-embeddings`."
            if wanted
            else "Name the item to preview.",
            PREVIEW_USAGE,
        )
    path = content.path(item.path_id)
    assert path is not None
    await ctx.reply.send(preview_message(item, path))


async def history(ctx: Context) -> None:
    async with ctx.services.db() as session:
        rows = await revision_history(session, HISTORY_SHOWN)
    await ctx.reply.send(history_message(rows))


async def rollback(ctx: Context) -> None:
    text = ctx.args.strip()
    if not text.isdigit() or int(text) < 1:
        raise UserError(
            "Give the revision number to go back to (see `/mentor-admin history`).", ROLLBACK_USAGE
        )
    version = int(text)
    stored = await rollback_to(
        ctx.services.db,
        version,
        author=audit.author_of(ctx.caller),
        actor=audit.actor_of(ctx.caller),
        clock=ctx.services.clock,
        content=ctx.services.content,
    )
    await ctx.reply.send(rolled_back_message(stored, version))


async def _upload(ctx: Context) -> Upload:
    if not ctx.attachments:
        await _audit(ctx, "content-publish", outcome="no file attached")
        raise UserError(
            "Attach the file to publish: a lesson or project (.md), quiz.yaml, a path's "
            "path.yaml, or a .zip of a path folder.",
            PUBLISH_USAGE,
        )
    if len(ctx.attachments) > 1:
        raise UserError("Send one file at a time, or put several in one .zip.", PUBLISH_USAGE)
    attachment = ctx.attachments[0]
    if attachment.size > MAX_ARCHIVE_BYTES:
        # Refused before downloading it.
        upload = Upload(attachment.name)
        upload.refuse(
            None, f"the file is {kb(attachment.size)}; the limit is {kb(MAX_ARCHIVE_BYTES)}"
        )
        return upload
    return from_bytes(attachment.name, await attachment.read())


def _path_named(ctx: Context) -> str | None:
    """The path a new lesson joins, if named after the command."""
    paths = ctx.services.content.current.paths
    names = {a.name for a in ctx.attachments}
    words = [w for w in ctx.argv if w not in names]
    if not words:
        return None
    if len(words) == 1 and words[0] in paths:
        return words[0]
    raise UserError(
        f"There is no path '{' '.join(words)[:64]}'. The paths are {', '.join(paths)}.",
        PUBLISH_USAGE,
    )


async def _refused(ctx: Context, action: str) -> None:
    await _audit(ctx, action, outcome="refused: not a moderator")
    raise UserError("Publishing is for moderators only.")


async def _audit(ctx: Context, action: str, **detail: str) -> None:
    async with ctx.services.db() as session, session.begin():
        audit.record(session, ctx.services.clock, audit.actor_of(ctx.caller), action, **detail)


def _who(ctx: Context) -> tuple[str, str]:
    return (ctx.caller.platform, ctx.caller.user_id)
