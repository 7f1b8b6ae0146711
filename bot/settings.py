"""Typed settings read once from the environment and `.env` by the composition root."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.core.zones import close_zone, is_known_zone
from bot.redact import mask_url

# The repository's content/ sits beside the package in a checkout; an installed copy
# (the Docker image) points MENTORBOT_CONTENT_DIR at its own directory instead.
DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


# Variables that switch on a platform, the LLM or another database; benchmarks and tests
# clear them so a developer's own .env or shell cannot change what is measured.
ACTIVATING_VARIABLES = (
    "DISCORD_TOKEN",
    "DISCORD_API_BASE_URL",
    "DISCORD_GATEWAY_URL",
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_API_URL",
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_BASE_URL",
    "DATABASE_URL",
)


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        populate_by_name=True,
    )

    discord_token: SecretStr | None = Field(None, validation_alias=_env("DISCORD_TOKEN"))
    # Where discord.py sends REST calls and opens the gateway: a shared REST proxy and a gateway
    # proxy are how large bots run, and the tests point both at a local stand-in.
    discord_api_base_url: str = Field(
        "https://discord.com/api/v10", validation_alias=_env("DISCORD_API_BASE_URL")
    )
    discord_gateway_url: str = Field(
        "wss://gateway.discord.gg/", validation_alias=_env("DISCORD_GATEWAY_URL")
    )
    # A development server: `mentorbot discord sync` copies the commands there, where they show
    # at once, instead of registering them globally.
    discord_guild_id: int | None = Field(None, gt=0, validation_alias=_env("DISCORD_GUILD_ID"))
    # Members with this role may use /mentor-admin, besides those with Manage Server.
    discord_moderator_role_id: int | None = Field(
        None, gt=0, validation_alias=_env("DISCORD_MODERATOR_ROLE_ID")
    )
    slack_bot_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_BOT_TOKEN"))
    slack_app_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_APP_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(
        None, validation_alias=_env("SLACK_SIGNING_SECRET")
    )
    # The Web API's base URL: Slack's own, its government cloud's, or a local test server.
    slack_api_url: str = Field("https://slack.com/api/", validation_alias=_env("SLACK_API_URL"))
    # Comma-separated Slack user ids; the workspace's admins and owners moderate too.
    slack_moderator_ids: str = Field("", validation_alias=_env("SLACK_MODERATOR_IDS"))
    # HTTP mode (no SLACK_APP_TOKEN): where Slack's requests arrive, at /slack/events.
    slack_host: str = Field("0.0.0.0", validation_alias=_env("MENTORBOT_SLACK_HOST"))
    slack_port: int = Field(3000, ge=1, le=65535, validation_alias=_env("MENTORBOT_SLACK_PORT"))

    anthropic_api_key: SecretStr | None = Field(None, validation_alias=_env("ANTHROPIC_API_KEY"))
    anthropic_model: str = Field("claude-haiku-5-5", validation_alias=_env("ANTHROPIC_MODEL"))
    anthropic_base_url: str | None = Field(None, validation_alias=_env("ANTHROPIC_BASE_URL"))
    anthropic_max_retries: int = Field(
        2, ge=0, le=5, validation_alias=_env("ANTHROPIC_MAX_RETRIES")
    )
    # The mentor: questions per member per day, tokens per community per day, and how long a
    # member may wait (retries included) before hearing an answer's first words or a failure.
    ask_daily_quota: int = Field(20, ge=0, validation_alias=_env("MENTORBOT_ASK_DAILY_QUOTA"))
    ask_daily_token_budget: int = Field(
        1_000_000, ge=0, validation_alias=_env("MENTORBOT_ASK_DAILY_TOKEN_BUDGET")
    )
    ask_first_token_timeout: float = Field(
        12.0, gt=0, le=60, validation_alias=_env("MENTORBOT_ASK_FIRST_TOKEN_TIMEOUT")
    )
    ask_answer_timeout: float = Field(
        60.0, gt=0, le=600, validation_alias=_env("MENTORBOT_ASK_ANSWER_TIMEOUT")
    )
    ask_edit_interval: float = Field(
        1.0, ge=0, le=10, validation_alias=_env("MENTORBOT_ASK_EDIT_INTERVAL")
    )

    database_url: str | None = Field(None, validation_alias=_env("DATABASE_URL"))
    data_dir: Path = Field(Path("data"), validation_alias=_env("MENTORBOT_DATA_DIR"))
    content_dir: Path = Field(DEFAULT_CONTENT_DIR, validation_alias=_env("MENTORBOT_CONTENT_DIR"))
    default_timezone: str = Field("UTC", validation_alias=_env("MENTORBOT_DEFAULT_TIMEZONE"))
    log_level: str = Field("INFO", validation_alias=_env("MENTORBOT_LOG_LEVEL"))
    # json: one JSON object per line, for a log collector; text: one readable line.
    log_format: Literal["text", "json"] = Field(
        "text", validation_alias=_env("MENTORBOT_LOG_FORMAT")
    )
    # The ops server (/healthz, /metrics) is off unless a port is set; 0 takes any free port.
    ops_port: int | None = Field(None, ge=0, le=65535, validation_alias=_env("MENTORBOT_OPS_PORT"))
    # Only this machine by default; a container sets 0.0.0.0 so Prometheus can reach it.
    ops_host: str = Field("127.0.0.1", validation_alias=_env("MENTORBOT_OPS_HOST"))
    # How often the delivery tick looks for due lessons; a DM goes out at most this late.
    delivery_tick_seconds: float = Field(
        30.0, gt=0, le=3600, validation_alias=_env("MENTORBOT_DELIVERY_TICK_SECONDS")
    )
    # How often each process looks for newly published content (members see it this late).
    content_poll_seconds: float = Field(
        30.0, gt=0, le=60, validation_alias=_env("MENTORBOT_CONTENT_POLL_SECONDS")
    )
    # Where new lessons are announced: a channel id, or per platform `discord:123,slack:C456`.
    announce_channel: str | None = Field(None, validation_alias=_env("MENTORBOT_ANNOUNCE_CHANNEL"))
    # Items sent and not marked done before the path is held and a nudge goes out instead.
    pacing_limit: int = Field(3, ge=1, le=100, validation_alias=_env("MENTORBOT_PACING_LIMIT"))

    @field_validator("discord_api_base_url")
    @classmethod
    def _rest_url(cls, value: str) -> str:
        return _url(value, ("https", "http")).rstrip("/")

    @field_validator("discord_gateway_url")
    @classmethod
    def _websocket_url(cls, value: str) -> str:
        return _url(value, ("wss", "ws"))

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if value.startswith(("postgres://", "postgresql://")):
            value = "postgresql+asyncpg://" + value.split("://", 1)[1]
        elif value.startswith("sqlite://"):
            value = "sqlite+aiosqlite://" + value.split("://", 1)[1]
        elif not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:/// or postgresql+asyncpg://")
        # Imported here: SQLAlchemy takes a while to load, and most commands never need it.
        from sqlalchemy.engine import make_url

        try:
            make_url(value)
        except Exception:
            raise ValueError(f"{mask_url(value)} is not a database URL I can read") from None
        return value

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if is_known_zone(value):
            return value
        hint = close_zone(value)
        suggestion = f" (did you mean {hint}?)" if hint else ""
        raise ValueError(
            f"'{value[:64]}' is not an IANA time zone{suggestion}; use a name such as UTC, "
            "Europe/Berlin or America/New_York"
        )

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return value.upper()

    @field_validator("anthropic_base_url", "slack_api_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return None if value is None else _url(value, ("http", "https"))

    @field_validator("slack_api_url")
    @classmethod
    def _ends_with_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    @property
    def slack_moderators(self) -> frozenset[str]:
        return frozenset(
            part.strip() for part in self.slack_moderator_ids.split(",") if part.strip()
        )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'mentorbot.db').resolve()}"

    @property
    def uses_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")


def _url(value: str, schemes: tuple[str, ...]) -> str:
    """`value` if it is a URL with one of `schemes`, a host and a good port."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - reading it checks the port is a number in range
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in schemes or not parts.hostname:
        wanted = " or ".join(f"{scheme}://" for scheme in schemes)
        raise ValueError(f"{mask_url(value)[:200]} is not a {wanted} URL")
    return value


def settings_problems(error: ValidationError) -> list[str]:
    """One line per bad setting, naming its variable and never echoing its value."""
    lines = []
    for detail in error.errors(include_input=False, include_url=False):
        name = ".".join(str(part) for part in detail["loc"]) or "settings"
        message = detail["msg"].removeprefix("Value error, ")
        lines.append(f"{name}: {mask_url(message)}")
    return lines
