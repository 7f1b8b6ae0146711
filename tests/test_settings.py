"""Settings: database URLs are normalised and secrets never show in text."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings


def test_default_database_is_a_sqlite_file_in_the_data_dir(clean_env, tmp_path: Path):
    """With no DATABASE_URL the bot uses mentorbot.db in MENTORBOT_DATA_DIR."""
    settings = Settings(_env_file=None, MENTORBOT_DATA_DIR=tmp_path)
    assert settings.resolved_database_url == f"sqlite+aiosqlite:///{tmp_path / 'mentorbot.db'}"


def test_plain_postgres_urls_get_the_async_driver(clean_env):
    """postgres:// and postgresql:// URLs are switched to asyncpg."""
    settings = Settings(_env_file=None, DATABASE_URL="postgres://u@db:5432/mentor")
    assert settings.resolved_database_url == "postgresql+asyncpg://u@db:5432/mentor"


def test_unknown_database_is_refused(clean_env):
    """A MySQL URL is refused with the accepted prefixes in the message."""
    with pytest.raises(ValidationError, match="postgresql\\+asyncpg"):
        Settings(_env_file=None, DATABASE_URL="mysql://u@db/mentor")


def test_tokens_are_secret(clean_env):
    """Tokens do not appear in the settings' repr or str."""
    settings = Settings(_env_file=None, DISCORD_TOKEN="very-secret-token", ANTHROPIC_API_KEY="sk-1")
    assert "very-secret-token" not in repr(settings) and "sk-1" not in str(settings)
    assert settings.discord_token.get_secret_value() == "very-secret-token"


def test_env_file_is_read(clean_env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Values in .env are read, and empty ones count as unset."""
    (tmp_path / ".env").write_text("DISCORD_TOKEN=\nMENTORBOT_DEFAULT_TIMEZONE=Europe/Berlin\n")
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert settings.discord_token is None
    assert settings.default_timezone == "Europe/Berlin"


def test_discord_defaults_point_at_discord(clean_env):
    """Without settings, REST goes to Discord's API v10 and the gateway to Discord's."""
    settings = Settings(_env_file=None)
    assert settings.discord_api_base_url == "https://discord.com/api/v10"
    assert settings.discord_gateway_url == "wss://gateway.discord.gg/"
    assert settings.discord_guild_id is None and settings.discord_moderator_role_id is None


def test_discord_urls_must_be_http_and_websocket(clean_env):
    """A gateway URL given as https:// (a common slip) is refused with what to write instead."""
    with pytest.raises(ValidationError, match="DISCORD_GATEWAY_URL must start with wss://"):
        Settings(_env_file=None, DISCORD_GATEWAY_URL="https://gateway.discord.gg")
    with pytest.raises(ValidationError, match="DISCORD_API_BASE_URL must start with https://"):
        Settings(_env_file=None, DISCORD_API_BASE_URL="discord.com/api")
    proxy = Settings(_env_file=None, DISCORD_API_BASE_URL="http://proxy:8080/api/v10/")
    assert proxy.discord_api_base_url == "http://proxy:8080/api/v10"
