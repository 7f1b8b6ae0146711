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
        "temperature",
        "top-p",
        "reasoning model",
        "messages.parse",
        "responses.create",
        "precision",
        "confusion matrix",
        "pdf",
        "text-to-speech",
        "synthetic",
        "vllm",
        "quantisation",
        "batching",
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


# The fewest lessons and projects each career path holds.
PATH_SIZES = {"ai-engineer": (35, 6), "ml-engineer": (36, 6)}
# Paths whose projects all list the lessons they build on in `requires:`.
PREREQUISITE_PATHS = ["ai-engineer", "ml-engineer"]
# A fenced code block longer or wider than this scrolls on a phone.
MAX_CODE_LINES, MAX_CODE_WIDTH = 20, 80
SHORT_CODE_PATHS = ["ai-engineer", "ml-engineer", "explorer"]


@pytest.mark.parametrize("path_id", list(PATH_SIZES))
def test_career_paths_hold_their_lessons_and_projects(content: ContentSet, path_id: str):
    """Each career path holds at least its lessons and projects, about 40 items at most."""
    path = content.path(path_id)
    lessons, projects = PATH_SIZES[path_id]
    assert path.lessons >= lessons
    assert path.projects >= projects
    assert len(path.items) <= 42


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


# Lessons that teach the parts of each ML project, which the project must require.
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
    """An ML project requires the lessons that teach what it asks for, so it comes after them."""
    project = content.path("ml-engineer").item(project_id)
    assert project is not None
    assert set(ML_PROJECT_PARTS[project_id]) <= set(project.requires)


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


@pytest.mark.parametrize("path_id", PREREQUISITE_PATHS)
def test_projects_take_days_and_follow_their_lessons(content: ContentSet, path_id: str):
    """Every project lists its prerequisites, all lessons on earlier days, and takes 4 h or more."""
    path = content.path(path_id)
    for project in (i for i in path.items if i.is_project):
        required = [path.item(r) for r in project.requires]
        assert required, f"{project.id} lists no prerequisites"
        assert all(r is not None and not r.is_project for r in required), project.id
        assert all(r.day < project.day for r in required), project.id
        assert project.minutes >= 240, project.id


def test_ai_projects_come_after_the_lessons_for_their_parts(content: ContentSet):
    """The transcriber follows Whisper, recording and FastAPI; triage follows precision/recall."""
    path = content.path("ai-engineer")
    transcriber = path.item("ai-project-transcriber")
    parts = {"ai-local-models", "ai-browser-recording", "ai-fastapi-backend"}
    assert parts <= set(transcriber.requires)
    triage = path.item("ai-project-ticket-triage")
    metrics = [
        i.id
        for i in path.items
        if i.id in triage.requires and "confusion matrix" in i.body and "precision" in i.body
    ]
    assert metrics


@pytest.mark.parametrize("path_id", SHORT_CODE_PATHS)
def test_code_blocks_fit_a_phone(content: ContentSet, path_id: str):
    """Fenced code blocks stay within 20 lines and 80 characters, which read on a phone."""
    long = []
    for item in content.path(path_id).items:
        for block in re.findall(r"```[^\n]*\n(.*?)```", item.body, re.DOTALL):
            lines = block.splitlines()
            if len(lines) > MAX_CODE_LINES or max(map(len, lines), default=0) > MAX_CODE_WIDTH:
                long.append(item.id)
    assert long == []


@pytest.mark.parametrize("path_id", SHORT_CODE_PATHS)
def test_done_lists_are_plain_bullets(content: ContentSet, path_id: str):
    """Project checklists use plain bullets; chat shows '- [ ]' as literal brackets."""
    boxed = [i.id for i in content.path(path_id).items if "- [ ]" in i.body]
    assert boxed == []


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
