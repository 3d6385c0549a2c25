"""Settings from the environment and `.env`: one place for every knob an administrator turns."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SAMPLE_DIR = Path(__file__).with_name("sample")
SAMPLE_PLAN = SAMPLE_DIR / "plan-2019.yaml"
SAMPLE_REPORTS = SAMPLE_DIR / "reports-2019.yaml"
DEFAULT_DATABASE_URL = "sqlite:///phoihop.db"


class Settings(BaseSettings):
    """phoihop's configuration. Environment variables win over `.env`."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        validation_alias=AliasChoices("DATABASE_URL", "PHOIHOP_DATABASE_URL"),
    )
    telegram_bot_token: str | None = Field(
        default=None, validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN")
    )
    telegram_bot_username: str | None = Field(
        default=None, validation_alias=AliasChoices("TELEGRAM_BOT_USERNAME")
    )
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org/bot",
        validation_alias=AliasChoices("TELEGRAM_API_BASE_URL", "PHOIHOP_TELEGRAM_API_BASE_URL"),
    )
    default_language: Literal["vi", "en"] = Field(
        default="vi", validation_alias=AliasChoices("PHOIHOP_LANGUAGE")
    )
    timezone: str = Field(
        default="Asia/Ho_Chi_Minh", validation_alias=AliasChoices("PHOIHOP_TIMEZONE")
    )

    # Reminders inside `phoihop run` (see README, Reminders).
    reminders_planning: bool = Field(
        default=True, validation_alias=AliasChoices("PHOIHOP_REMINDERS_PLANNING")
    )
    plan_every: float = Field(
        default=60.0, gt=0, validation_alias=AliasChoices("PHOIHOP_PLAN_EVERY")
    )
    send_per_second: float = Field(
        default=25.0, gt=0, le=30, validation_alias=AliasChoices("PHOIHOP_SEND_PER_SECOND")
    )
    send_chat_interval: float = Field(
        default=1.0, ge=0, validation_alias=AliasChoices("PHOIHOP_SEND_CHAT_INTERVAL")
    )
    send_group_per_minute: int = Field(
        default=18, ge=1, le=20, validation_alias=AliasChoices("PHOIHOP_SEND_GROUP_PER_MINUTE")
    )
    send_concurrency: int = Field(
        default=4, ge=1, le=32, validation_alias=AliasChoices("PHOIHOP_SEND_CONCURRENCY")
    )
    send_lease: float = Field(
        default=60.0, ge=0, validation_alias=AliasChoices("PHOIHOP_SEND_LEASE")
    )
    # Incoming updates: how long a process's claim on one lasts unless renewed (it is renewed
    # while the work goes on), and the process's name among replicas (default: host and port).
    update_lease: float = Field(
        default=30.0, ge=1, le=3600, validation_alias=AliasChoices("PHOIHOP_UPDATE_LEASE")
    )
    instance: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_.:-]{1,64}$",
        validation_alias=AliasChoices("PHOIHOP_INSTANCE"),
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", validation_alias=AliasChoices("PHOIHOP_LOG_LEVEL")
    )

    # Webhook mode (`phoihop run --webhook URL`; see README, Configuration).
    webhook_url: str | None = Field(
        default=None, validation_alias=AliasChoices("PHOIHOP_WEBHOOK_URL")
    )
    webhook_secret: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_-]{1,256}$",
        validation_alias=AliasChoices("PHOIHOP_WEBHOOK_SECRET"),
    )
    webhook_listen: str = Field(
        default="0.0.0.0", validation_alias=AliasChoices("PHOIHOP_WEBHOOK_LISTEN")
    )
    webhook_port: int = Field(
        default=8080, ge=1, le=65535, validation_alias=AliasChoices("PHOIHOP_WEBHOOK_PORT")
    )

    log_format: Literal["text", "json"] = Field(
        default="text", validation_alias=AliasChoices("PHOIHOP_LOG_FORMAT")
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        value = value.strip()
        if value.startswith("postgres://"):
            # Heroku-style URLs name no driver; phoihop speaks psycopg 3.
            value = "postgresql+psycopg://" + value.removeprefix("postgres://")
        elif value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        if not value.startswith(("sqlite:", "postgresql+psycopg:")):
            raise ValueError("DATABASE_URL must be a sqlite:/// or postgresql+psycopg:// URL")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo

        ZoneInfo(value)
        return value
