"""Typed settings read once from the environment and `.env` by the composition root."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_BASE_URL",
    "DATABASE_URL",
)


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
    # How often the delivery tick looks for due lessons; a DM goes out at most this late.
    delivery_tick_seconds: float = Field(
        30.0, gt=0, le=3600, validation_alias=_env("MENTORBOT_DELIVERY_TICK_SECONDS")
    )
    # Items sent and not marked done before the path is held and a nudge goes out instead.
    pacing_limit: int = Field(3, ge=1, le=100, validation_alias=_env("MENTORBOT_PACING_LIMIT"))

    @field_validator("discord_api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("DISCORD_API_BASE_URL must start with https:// (or http://)")
        return value.rstrip("/")

    @field_validator("discord_gateway_url")
    @classmethod
    def _websocket_url(cls, value: str) -> str:
        if not value.startswith(("wss://", "ws://")):
            raise ValueError("DISCORD_GATEWAY_URL must start with wss:// (or ws://)")
        return value

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            return value
        if value.startswith(("postgres://", "postgresql://")):
            return "postgresql+asyncpg://" + value.split("://", 1)[1]
        if value.startswith("sqlite://"):
            return "sqlite+aiosqlite://" + value.split("://", 1)[1]
        raise ValueError(
            "DATABASE_URL must start with sqlite+aiosqlite:/// or postgresql+asyncpg://"
        )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'mentorbot.db').resolve()}"

    @property
    def uses_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")
