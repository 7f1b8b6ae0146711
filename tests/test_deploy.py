"""The Dockerfile and compose.yaml, checked by reading them (no Docker engine needed): the
dependencies' own layer, the health check, a bot that gets SIGTERM itself, and PostgreSQL with
one bot, two workers and migrations run once before them."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import yaml

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (instruction, arguments), continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1].strip())
        for line in joined.splitlines()
        if line.strip()
    ]


def test_dependencies_install_in_their_own_layer_before_the_code():
    """pyproject.toml is copied alone and its dependencies installed before bot/ and content/
    arrive; the package itself then installs without touching them."""
    steps = instructions()
    copies = [args for kind, args in steps if kind == "COPY"]
    assert copies[0] == "pyproject.toml ./"
    order = [f"{kind} {args}" for kind, args in steps]
    deps = next(i for i, s in enumerate(order) if "pip install -r" in s)
    code = order.index("COPY bot ./bot")
    assert order.index("COPY pyproject.toml ./") < deps < code
    assert any("pip install --no-deps ." in s for s in order[code:])
    assert "tomllib" in order[deps] and "['project']['dependencies']" in order[deps]
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert any(d.startswith("matplotlib") for d in declared)
    assert any(d.startswith("prometheus-client") for d in declared)


def test_the_image_checks_its_health_and_runs_the_bot_as_pid_1():
    """HEALTHCHECK runs `mentorbot health` against the ops port the image sets; CMD is exec
    form (no shell to swallow SIGTERM) and the process runs as an unprivileged user."""
    steps = dict(instructions())
    env = dict(re.findall(r"(\w+)=(\S+)", " ".join(a for k, a in instructions() if k == "ENV")))
    assert env["MENTORBOT_OPS_PORT"] == "8080" and env["MENTORBOT_OPS_HOST"] == "0.0.0.0"
    assert Settings(_env_file=None, MENTORBOT_OPS_PORT=env["MENTORBOT_OPS_PORT"]).ops_port == 8080
    check = steps["HEALTHCHECK"]
    assert "--start-period=" in check
    assert json.loads(check.split("CMD", 1)[1]) == ["mentorbot", "health"]
    assert json.loads(steps["CMD"]) == ["mentorbot", "run"]
    assert steps["STOPSIGNAL"] == "SIGTERM" and steps["USER"] == "mentorbot"


def test_secrets_and_local_state_stay_out_of_the_image():
    """.dockerignore keeps .env, the local database and the virtualenv out of the build."""
    ignored = (ROOT / ".dockerignore").read_text().split()
    for name in (".env", "data", ".venv", ".git"):
        assert name in ignored


def test_compose_runs_postgres_one_bot_and_two_workers():
    """Services, their commands and the number of workers."""
    services = compose()["services"]
    assert set(services) == {"postgres", "migrate", "bot", "worker"}
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["migrate"]["command"] == ["mentorbot", "db", "upgrade"]
    assert services["bot"]["command"] == ["mentorbot", "run"]
    assert services["worker"]["command"] == ["mentorbot", "worker"]
    assert services["worker"]["deploy"]["replicas"] == 2


def test_every_bot_process_shares_postgres_and_serves_its_health():
    """The bot and the workers: the same PostgreSQL URL, the ops server on, JSON logs, a
    health check through `mentorbot health`, an init forwarding SIGTERM and time to stop."""
    services = compose()["services"]
    for name in ("bot", "worker", "migrate"):
        service = services[name]
        env = service["environment"]
        assert env["DATABASE_URL"].startswith("postgresql+asyncpg://mentorbot:")
        assert env["DATABASE_URL"].endswith("@postgres:5432/mentorbot")
        assert "${POSTGRES_PASSWORD:?" in env["DATABASE_URL"]
        assert service["env_file"] == [{"path": ".env", "required": False}]
    for name in ("bot", "worker"):
        service = services[name]
        env = service["environment"]
        assert (env["MENTORBOT_OPS_PORT"], env["MENTORBOT_OPS_HOST"]) == ("8080", "0.0.0.0")
        assert env["MENTORBOT_LOG_FORMAT"] == "json"
        assert service["healthcheck"]["test"] == ["CMD", "mentorbot", "health"]
        assert service["init"] is True and service["stop_grace_period"] == "30s"
        assert service["restart"] == "unless-stopped"
    assert services["migrate"]["healthcheck"] == {"disable": True}
    assert services["migrate"]["restart"] == "no"


def test_start_order_waits_for_postgres_and_the_migrations():
    """PostgreSQL must be healthy first; the bot and the workers also wait for the migrations
    to have finished, so only one process ever applies them."""
    services = compose()["services"]
    healthy = {"condition": "service_healthy"}
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"][1]
    assert services["migrate"]["depends_on"] == {"postgres": healthy}
    for name in ("bot", "worker"):
        assert services[name]["depends_on"] == {
            "postgres": healthy,
            "migrate": {"condition": "service_completed_successfully"},
        }


def test_only_the_bots_ops_port_is_published_on_loopback():
    """Metrics and health are reachable from this machine, not from the network."""
    services = compose()["services"]
    assert services["bot"]["ports"] == ["127.0.0.1:8080:8080"]
    assert "ports" not in services["worker"] and "ports" not in services["postgres"]
    assert "postgres-data" in compose()["volumes"]
