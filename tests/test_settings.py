"""Settings: database URLs are normalised and secrets never show in text."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings, settings_problems


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


@pytest.mark.parametrize(
    "zone", ["Mars/Base", "localtime", "posixrules", "Factory", "europe/berlin"]
)
def test_default_timezone_must_be_an_iana_zone(clean_env, zone: str):
    """MENTORBOT_DEFAULT_TIMEZONE is checked at start, not when the first member joins."""
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, MENTORBOT_DEFAULT_TIMEZONE=zone)
    (problem,) = settings_problems(refused.value)
    assert problem.startswith("MENTORBOT_DEFAULT_TIMEZONE: ") and "IANA time zone" in problem


def test_unsupported_database_url_is_refused_without_its_password(clean_env):
    """The problem names DATABASE_URL and what it must start with; the password stays out."""
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, DATABASE_URL="mysql://bot:hunter2@db/mentor")
    (problem,) = settings_problems(refused.value)
    assert problem.startswith("DATABASE_URL: must start with")
    assert "hunter2" not in problem


def test_unreadable_database_url_is_shown_masked(clean_env):
    """A URL SQLAlchemy cannot parse is quoted back with its password replaced by ***."""
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, DATABASE_URL="postgresql://bot:hunter2@db:port/mentor")
    (problem,) = settings_problems(refused.value)
    assert "bot:***@db" in problem and "hunter2" not in problem


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MENTORBOT_LOG_LEVEL", "loud"),
        ("ANTHROPIC_BASE_URL", "ftp://proxy:hunter2@host"),
        ("ANTHROPIC_BASE_URL", "http://host:99999"),
        ("MENTORBOT_PACING_LIMIT", "many"),
    ],
)
def test_every_bad_setting_is_one_line_naming_it(clean_env, variable: str, value: str):
    """Each bad value gives exactly one line that starts with its variable and hides secrets."""
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, **{variable: value})
    (problem,) = settings_problems(refused.value)
    assert problem.startswith(f"{variable}: ")
    assert "hunter2" not in problem


def test_log_level_is_case_insensitive(clean_env):
    """MENTORBOT_LOG_LEVEL=debug is read as DEBUG."""
    assert Settings(_env_file=None, MENTORBOT_LOG_LEVEL="debug").log_level == "DEBUG"


def test_the_ops_server_is_off_and_local_unless_set(clean_env, monkeypatch: pytest.MonkeyPatch):
    """No port, no ops server; the host defaults to loopback; the log format is text, and
    JSON may be written in any case."""
    for name in ("MENTORBOT_OPS_PORT", "MENTORBOT_OPS_HOST", "MENTORBOT_LOG_FORMAT"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert (settings.ops_port, settings.ops_host, settings.log_format) == (
        None,
        "127.0.0.1",
        "text",
    )
    assert Settings(_env_file=None, MENTORBOT_LOG_FORMAT="JSON").log_format == "json"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MENTORBOT_OPS_PORT", "http"),
        ("MENTORBOT_OPS_PORT", "70000"),
        ("MENTORBOT_LOG_FORMAT", "xml"),
    ],
)
def test_a_bad_ops_or_log_setting_is_named(clean_env, variable: str, value: str):
    """A port that is no port, or an unknown log format: one problem naming the variable."""
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, **{variable: value})
    [problem] = settings_problems(caught.value)
    assert problem.startswith(f"{variable}:")


def test_slack_settings_have_defaults_and_are_checked(clean_env):
    """Slack's own API address and port 3000 by default; the URL gets its slash; a bad URL or
    port is refused with the setting's name."""
    settings = Settings(_env_file=None)
    assert (settings.slack_api_url, settings.slack_host, settings.slack_port) == (
        "https://slack.com/api/",
        "0.0.0.0",
        3000,
    )
    local = Settings(_env_file=None, SLACK_API_URL="http://127.0.0.1:9000/api")
    assert local.slack_api_url == "http://127.0.0.1:9000/api/"
    for variable, value in (("SLACK_API_URL", "slack.com/api"), ("MENTORBOT_SLACK_PORT", 70000)):
        with pytest.raises(ValidationError) as refused:
            Settings(_env_file=None, **{variable: value})
        (problem,) = settings_problems(refused.value)
        assert problem.startswith(f"{variable}: ")


def test_slack_moderator_ids_are_a_comma_separated_list(clean_env):
    """Spaces and empty entries are ignored."""
    settings = Settings(_env_file=None, SLACK_MODERATOR_IDS=" U1, U2,,U3 ")
    assert settings.slack_moderators == frozenset({"U1", "U2", "U3"})


def test_discord_defaults_point_at_discord(clean_env):
    """Without settings, REST goes to Discord's API v10 and the gateway to Discord's."""
    settings = Settings(_env_file=None)
    assert settings.discord_api_base_url == "https://discord.com/api/v10"
    assert settings.discord_gateway_url == "wss://gateway.discord.gg/"
    assert settings.discord_guild_id is None and settings.discord_moderator_role_id is None


def test_discord_urls_must_be_http_and_websocket(clean_env):
    """A gateway URL given as https:// (a common slip) is refused with what to write instead."""
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, DISCORD_GATEWAY_URL="https://gateway.discord.gg")
    assert settings_problems(refused.value) == [
        "DISCORD_GATEWAY_URL: https://gateway.discord.gg is not a wss:// or ws:// URL"
    ]
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, DISCORD_API_BASE_URL="discord.com/api")
    assert settings_problems(refused.value) == [
        "DISCORD_API_BASE_URL: discord.com/api is not a https:// or http:// URL"
    ]
    proxy = Settings(_env_file=None, DISCORD_API_BASE_URL="http://proxy:8080/api/v10/")
    assert proxy.discord_api_base_url == "http://proxy:8080/api/v10"
