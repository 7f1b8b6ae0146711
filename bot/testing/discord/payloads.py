"""What the stand-in Discord says about itself: ids, the bot, the server, its members."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

APP_ID = 900000000000000001
GUILD_ID = 800000000000000001
CHANNEL_ID = 810000000000000001
MODERATOR_ROLE = 700000000000000001
TOKEN = "fake-discord-token"
MANAGE_GUILD = 1 << 5
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11)  # view channels, send messages
EPHEMERAL = 1 << 6
LOADING = 1 << 7
ACK_DEADLINE = 3.0
BOT = {
    "id": str(APP_ID),
    "username": "mentorbot",
    "discriminator": "0",
    "avatar": None,
    "bot": True,
}


@dataclass(frozen=True)
class User:
    id: int
    name: str
    roles: tuple[int, ...] = ()
    manage_guild: bool = False

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.name,
            "discriminator": "0",
            "avatar": None,
        }


def message_payload(
    message_id: int, channel_id: int, author: dict[str, Any], **fields: Any
) -> dict[str, Any]:
    """A message as Discord describes it; `fields` (content, embeds, components, type, flags,
    nonce…) replace the empty defaults."""
    return {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": author,
        "content": "",
        "embeds": [],
        "components": [],
        "attachments": [],
        "mentions": [],
        "mention_roles": [],
        "mention_everyone": False,
        "pinned": False,
        "tts": False,
        "timestamp": now(),
        "edited_timestamp": None,
        "type": 0,
        "flags": 0,
        **fields,
    }


def text_channel() -> dict[str, Any]:
    return {
        "id": str(CHANNEL_ID),
        "type": 0,
        "guild_id": str(GUILD_ID),
        "name": "general",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
    }


def guild_payload() -> dict[str, Any]:
    role = {"color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}
    return {
        "id": str(GUILD_ID),
        "name": "Mentoring",
        "owner_id": "1",
        "unavailable": False,
        "member_count": 3,
        "roles": [
            {**role, "id": str(GUILD_ID), "name": "@everyone", "permissions": "0", "position": 0},
            {
                **role,
                "id": str(MODERATOR_ROLE),
                "name": "mentors",
                "permissions": "0",
                "position": 1,
            },
        ],
        "channels": [text_channel()],
        "emojis": [],
        "stickers": [],
        "features": [],
        "threads": [],
        "members": [],
        "voice_states": [],
        "presences": [],
        "joined_at": now(),
    }


def application() -> dict[str, Any]:
    return {
        "id": str(APP_ID),
        "name": "mentorbot",
        "description": "",
        "icon": None,
        "bot_public": False,
        "bot_require_code_grant": False,
        "owner": BOT,
        "verify_key": "0" * 64,
        "flags": 0,
    }


def now() -> str:
    return datetime.now(UTC).isoformat()
