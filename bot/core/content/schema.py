"""The shape of content files, checked with pydantic. See docs/content.md."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# One lesson is one DM: Discord shows 4,096 characters per embed and Slack 3,000 per section,
# so 3,500 leaves room for a title and footer on Discord and two Slack sections.
MAX_BODY_CHARS = 3500
LESSON_SECTIONS = ("## Try it", "## Check yourself", "## Further reading")
PROJECT_SECTIONS = (
    "## Goal",
    "## Deliverable",
    "## Suggested stack",
    "## Milestones",
    "## Done when",
)
OBJECTIVE_PREFIX = "**Objective:**"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class PathMeta(_Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=64)
    title: str = Field(min_length=1, max_length=80)
    summary: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=1500)


class ItemMeta(_Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=64)
    kind: Literal["lesson", "project"]
    day: int = Field(ge=1, le=366)
    title: str = Field(min_length=1, max_length=100)
    minutes: int = Field(ge=1, le=600)
    objectives: list[str] = Field(min_length=1, max_length=5)
    tags: list[str] = Field(default_factory=list, max_length=8)
    requires: list[str] = Field(default_factory=list, max_length=20)
    deliverable: str | None = Field(default=None, min_length=1, max_length=300)

    @model_validator(mode="after")
    def _deliverable_only_for_projects(self) -> ItemMeta:
        if self.kind == "project" and not self.deliverable:
            raise ValueError("a project needs a 'deliverable' line saying what the member hands in")
        if self.kind == "lesson" and self.deliverable:
            raise ValueError("'deliverable' is only for projects; remove it or set kind: project")
        return self


class QuizOption(_Strict):
    text: str = Field(min_length=1, max_length=80)
    weights: dict[str, int] = Field(default_factory=dict)
    reason: str = Field(min_length=1, max_length=200)


class QuizQuestion(_Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=32)
    text: str = Field(min_length=1, max_length=300)
    options: list[QuizOption] = Field(min_length=2, max_length=5)


class QuizMeta(_Strict):
    explorer_margin: int = Field(default=3, ge=0)
    fallback_path: str = Field(default="explorer", pattern=ID_PATTERN)
    questions: list[QuizQuestion] = Field(min_length=1, max_length=12)
