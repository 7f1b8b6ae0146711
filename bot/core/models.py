"""Database tables. Every datetime column stores UTC and reads back timezone-aware."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class AwareDateTime(TypeDecorator):
    """Refuses naive datetimes on the way in; SQLite hands back naive ones, so tag them UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _when(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(AwareDateTime(), nullable=nullable, index=index))


def _json() -> Any:
    return Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


def _json_with_default(factory: type, empty: str) -> Any:
    """A JSON column added to a table with rows in it: they get `empty`."""
    return Field(
        default_factory=factory, sa_column=Column(JSON, nullable=False, server_default=empty)
    )


class MemberStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    UNREACHABLE = "unreachable"
    # Pacing: too many items sent and not done, so the path waits for the member.
    HELD = "held"


class Member(SQLModel, table=True):
    __tablename__ = "member"
    __table_args__ = (
        UniqueConstraint("platform", "workspace_id", "user_id"),
        # The dispatcher's "who is due?" is one range scan per platform on this index.
        Index("ix_member_platform_next_due", "platform", "next_due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    workspace_id: str = Field(max_length=64)
    user_id: str = Field(max_length=64)
    display_name: str = Field(max_length=100)
    timezone: str = Field(default="UTC", max_length=64)
    delivery_time: str = Field(default="09:00", max_length=5)
    delivery_days: str = Field(default="mon,tue,wed,thu,fri,sat,sun", max_length=27)
    status: str = Field(default=MemberStatus.ACTIVE, max_length=16)
    status_reason: str | None = Field(default=None, max_length=200)
    created_at: datetime = _when()
    updated_at: datetime = _when()
    # When the next item is due; set only while deliveries are on (see bot/core/delivery).
    next_due_at: datetime | None = _when(nullable=True)
    # The member has been told, at a command, that their DMs were refused; cleared when they
    # pause or resume, so a later refusal is told again.
    unreachable_told: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )


class MemberPause(SQLModel, table=True):
    """A stretch of time the member had deliveries paused; streaks do not break across it."""

    __tablename__ = "member_pause"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    started_at: datetime = _when()
    # None while the pause goes on.
    ended_at: datetime | None = _when(nullable=True)


class EnrollmentStatus(StrEnum):
    ACTIVE = "active"
    FINISHED = "finished"
    LEFT = "left"


class Enrollment(SQLModel, table=True):
    __tablename__ = "enrollment"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    path_id: str = Field(max_length=64)
    current_item_id: str | None = Field(default=None, max_length=64)
    # The newest item sent on this path; the next delivery is the item after it.
    last_sent_item_id: str | None = Field(default=None, max_length=64)
    status: str = Field(default=EnrollmentStatus.ACTIVE, max_length=16)
    started_at: datetime = _when()
    ended_at: datetime | None = _when(nullable=True)


class Completion(SQLModel, table=True):
    __tablename__ = "completion"
    __table_args__ = (UniqueConstraint("member_id", "item_id"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    path_id: str = Field(max_length=64)
    item_id: str = Field(max_length=64)
    link: str | None = Field(default=None, max_length=500)
    completed_at: datetime = _when()


class QuizAttempt(SQLModel, table=True):
    __tablename__ = "quiz_attempt"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    answers: dict[str, int] = _json()
    scores: dict[str, int] = _json()
    path_id: str | None = Field(default=None, max_length=64)
    started_at: datetime = _when()
    finished_at: datetime | None = _when(nullable=True)


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    UNREACHABLE = "unreachable"
    FAILED = "failed"
    SKIPPED = "skipped"


class DeliveryKind(StrEnum):
    ITEM = "item"
    # The one short reminder sent instead of an item when pacing holds the path.
    NUDGE = "nudge"


class Delivery(SQLModel, table=True):
    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint(
            "member_id", "path_id", "item_id", "kind", name="uq_delivery_member_path_item_kind"
        ),
        Index("ix_delivery_status_due", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    path_id: str = Field(max_length=64)
    item_id: str = Field(max_length=64)
    kind: str = Field(
        default=DeliveryKind.ITEM,
        sa_column=Column(String(16), nullable=False, server_default=DeliveryKind.ITEM.value),
    )
    status: str = Field(default=DeliveryStatus.PENDING, max_length=16)
    # Pending: when to send. Claimed: when the claim lapses and another worker may take it.
    due_at: datetime = _when()
    attempts: int = 0
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = _when(nullable=True)
    sent_at: datetime | None = _when(nullable=True)
    # When the member's schedule said the item was due; the delivery lag is measured from it.
    scheduled_at: datetime | None = _when(nullable=True)
    last_error: str | None = Field(default=None, max_length=500)


class Question(SQLModel, table=True):
    __tablename__ = "question"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    conversation_id: str = Field(max_length=128, index=True)
    question: str = Field(sa_column=Column(Text, nullable=False))
    answer: str = Field(default="", sa_column=Column(Text, nullable=False))
    citations: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    model: str | None = Field(default=None, max_length=64)
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    unsure: bool = False
    topic: str | None = Field(default=None, max_length=64)
    feedback: int | None = None
    created_at: datetime = _when(index=True)


class RevisionOrigin(StrEnum):
    DIRECTORY = "directory"
    PUBLISH = "publish"
    ROLLBACK = "rollback"


class ContentRevision(SQLModel, table=True):
    """One version of the whole content set: every file's text, and what changed from the last."""

    __tablename__ = "content_revision"

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(index=True, unique=True)
    checksum: str = Field(max_length=64)
    summary: str = Field(max_length=200)
    published_by: str = Field(max_length=100)
    published_at: datetime = _when()
    # Relative path (paths/<id>/<file>, quiz.yaml) -> the file's text.
    snapshot: dict[str, str] = _json()
    origin: str = Field(
        default=RevisionOrigin.PUBLISH,
        sa_column=Column(String(16), nullable=False, server_default=RevisionOrigin.PUBLISH.value),
    )
    added: list[str] = _json_with_default(list, "[]")
    changed: list[str] = _json_with_default(list, "[]")
    removed: list[str] = _json_with_default(list, "[]")
    # path id -> {item id that left the path: the item it came after, or None}
    retired: dict[str, dict[str, str | None]] = _json_with_default(dict, "{}")
    # This snapshot is what the content directory held at a start (see docs/content.md).
    directory: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    announced_at: datetime | None = _when(nullable=True)


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _when(index=True)
    actor: str = Field(max_length=100)
    action: str = Field(max_length=64)
    detail: dict[str, Any] = _json()
