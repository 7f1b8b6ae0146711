"""The shipped curriculum: sizes, shape of every item, and every path walkable end to end."""

from __future__ import annotations

import re

import pytest

from bot.core.content import ContentSet
from tests.conftest import ConsoleDriver

REQUIRED_TOPICS = {
    "ai-engineer": [
        "tool use",
        "embedding",
        "retrieval",
        "model context protocol",
        "fine-tun",
        "whisper",
        "fastapi",
        "mediarecorder",
        "a/b test",
        "agent",
        "token",
        "structured output",
        "vector",
        "prompt",
        "secret",
        "ci/cd",
    ],
    "ml-engineer": [
        "statistic",
        "linear algebra",
        "calculus",
        "sql",
        "pipeline",
        "validation",
        "gradient-boosted",
        "neural network",
        "bootstrap",
        "calibrat",
        "permutation importance",
        "shap",
        "k-means",
        "isolation forest",
        "conv2d",
        "mixed precision",
        "overfit one batch",
        "range test",
        "hugging face",
        "lora",
        "model card",
        "bias",
        "recommend",
        "fraud",
        "forecast",
        "docker",
        "aws",
        "azure",
        "gcp",
        "monitor",
        "ml platform",
    ],
}


@pytest.mark.parametrize("path_id", ["ai-engineer", "ml-engineer"])
def test_career_paths_have_thirty_lessons_and_six_projects(content: ContentSet, path_id: str):
    """The AI and ML paths each hold at least 30 lessons and 6 project prompts."""
    path = content.path(path_id)
    assert path.lessons >= 30
    assert path.projects >= 6


def test_explorer_is_short_and_ends_by_offering_join(content: ContentSet):
    """The explorer path has 5 to 7 lessons; the last tells the member how to join a path."""
    explorer = content.path("explorer")
    assert 5 <= len(explorer.items) <= 7
    last = explorer.items[-1].body
    assert "/mentor join ai-engineer" in last and "/mentor join ml-engineer" in last


@pytest.mark.parametrize("path_id", list(REQUIRED_TOPICS))
def test_paths_cover_their_required_topics(content: ContentSet, path_id: str):
    """Each career path teaches the topics its role needs (searched in titles and bodies)."""
    text = " ".join(f"{i.title} {i.body}" for i in content.path(path_id).items).lower()
    missing = [topic for topic in REQUIRED_TOPICS[path_id] if topic not in text]
    assert missing == []


def test_ml_path_holds_thirty_six_lessons_and_six_projects(content: ContentSet):
    """The ML path holds 36 lessons and 6 projects, 42 items in all."""
    path = content.path("ml-engineer")
    assert (path.lessons, path.projects) == (36, 6)


# Each ML project and lessons that teach its parts, which must come on earlier days.
ML_PROJECT_PARTS = {
    "ml-project-baseline": [
        "ml-pipelines",
        "ml-splits",
        "ml-baselines",
        "ml-metrics-regression",
        "ml-trees",
    ],
    "ml-project-fraud": ["ml-fraud-detection", "ml-bootstrap", "ml-bias-testing"],
    "ml-project-neural-net": ["ml-training-loop", "ml-deep-learning-practice"],
    "ml-project-recommender": ["ml-recommender-evaluation", "ml-serving"],
}


@pytest.mark.parametrize("project_id", list(ML_PROJECT_PARTS))
def test_ml_projects_come_after_the_lessons_for_their_parts(content: ContentSet, project_id: str):
    """An ML project arrives after the lessons that teach what it asks for."""
    path = content.path("ml-engineer")
    project = path.item(project_id)
    late = [i for i in ML_PROJECT_PARTS[project_id] if path.item(i).day >= project.day]
    assert late == []


def test_first_ai_project_is_the_transcription_tool(content: ContentSet):
    """The AI path's first project is the voice transcription tool with LLM clean-up."""
    first = next(i for i in content.path("ai-engineer").items if i.is_project)
    body = first.body.lower()
    assert "whisper" in body and "fastapi" in body and "filler" in body


def test_lessons_estimate_reading_and_practice(content: ContentSet):
    """Every lesson estimates 5 to 180 minutes: the reading plus its Try it."""
    off = [
        i.id
        for p in content.paths.values()
        for i in p.items
        if not i.is_project and not 5 <= i.minutes <= 180
    ]
    assert off == []


def test_no_links_are_invented(content: ContentSet):
    """Further reading names sources; no lesson body carries a URL."""
    linked = [
        i.id
        for p in content.paths.values()
        for i in p.items
        if re.search(r"https?://|www\.", i.body)
    ]
    assert linked == []


def test_lessons_end_with_one_check_question(content: ContentSet):
    """'Check yourself' asks a question."""
    for item in (i for p in content.paths.values() for i in p.items if not i.is_project):
        section = item.body.split("## Check yourself", 1)[1].split("## Further reading")[0]
        assert "?" in section, item.id


@pytest.mark.parametrize("path_id", ["ai-engineer", "ml-engineer", "explorer"])
async def test_every_path_is_walkable_in_the_console(console: ConsoleDriver, path_id: str):
    """Joining a path and marking each item done shows every day in order, then the finish."""
    path = console.app.services.content.current.path(path_id)
    await console.say(f"/mentor join {path_id}")
    for item in path.items:
        shown = await console.say("/mentor today")
        assert f"Day {item.day} ·" in shown and item.title in shown
        link = " https://example.org/project" if item.is_project else ""
        await console.say(f"/mentor done{link}")
    out = await console.say("/mentor progress")
    assert f"{len(path.items)}/{len(path.items)} done" in out
    assert "Path finished" in await console.say("/mentor today")


async def test_finishing_explorer_offers_the_career_paths(console: ConsoleDriver):
    """The last explorer item's done message offers to join the AI or ML path."""
    explorer = console.app.services.content.current.path("explorer")
    await console.say("/mentor join explorer")
    for _ in explorer.items[:-1]:
        await console.say("/mentor done")
    out = await console.say("/mentor done")
    assert "finished the Explorer path" in out
    assert "Join AI engineer" in out and "Join ML engineer" in out
    assert "You're on the AI engineer path" in await console.say("1")
