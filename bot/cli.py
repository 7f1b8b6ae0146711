"""`mentorbot` on the command line. Heavy imports wait until a subcommand needs them."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mentorbot",
        description="A mentoring bot for communities moving into AI and ML engineering.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="start the bot (the console when no tokens are set)")
    run.add_argument(
        "--platform",
        choices=["console", "discord", "slack"],
        help="start only this platform instead of choosing from the settings",
    )

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply every pending migration")
    db_commands.add_parser("status", help="show the database's and the code's schema revision")

    content = commands.add_parser("content", help="content tools")
    content_commands = content.add_subparsers(
        dest="content_command", required=True, metavar="ACTION"
    )
    validate = content_commands.add_parser("validate", help="check a content directory")
    validate.add_argument(
        "directory", nargs="?", type=Path, help="defaults to MENTORBOT_CONTENT_DIR"
    )

    evaluate = commands.add_parser("eval", help="measure the mentor")
    eval_commands = evaluate.add_subparsers(dest="eval_command", required=True, metavar="ACTION")
    retrieval = eval_commands.add_parser(
        "retrieval", help="share of learner questions whose lesson is retrieved in the top 3"
    )
    retrieval.add_argument(
        "--questions", type=Path, help="a YAML file of questions (default: the shipped set)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from bot.settings import Settings

    try:
        settings = Settings()
    except Exception as error:
        print(f"mentorbot: the settings are not valid:\n{error}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # Alembic narrates every start-up at INFO; only its warnings matter to an operator.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if args.command == "content":
        return _validate(args.directory or settings.content_dir)
    if args.command == "eval":
        return _eval_retrieval(settings.content_dir, args.questions)
    if args.command == "db":
        return asyncio.run(_db(settings, args.db_command))
    return _run(settings, args.platform)


def _validate(directory: Path) -> int:
    from bot.core.content import ContentError, load_content

    try:
        content = load_content(directory)
    except ContentError as error:
        for problem in error.problems:
            print(problem)
        print(f"\n{len(error.problems)} problem(s) found; fix them and run this again.")
        return 1
    print(f"{directory}: valid\n{content.summary()}")
    return 0


def _eval_retrieval(directory: Path, questions: Path | None) -> int:
    from bot.core.content import ContentError, load_content
    from bot.mentor.evaluation import QUESTIONS_FILE, describe, evaluate, load_cases

    try:
        content = load_content(directory)
    except ContentError as error:
        print(f"the content in {directory} has problems; run `mentorbot content validate`")
        print(f"{len(error.problems)} problem(s), the first: {error.problems[0]}")
        return 2
    print(describe(evaluate(content, load_cases(questions or QUESTIONS_FILE))))
    return 0


async def _db(settings, action: str) -> int:
    from bot.core.db import create_engine, revisions, upgrade

    engine = create_engine(settings.resolved_database_url)
    try:
        if action == "upgrade":
            await upgrade(engine)
        current, head = await revisions(engine)
        print(f"database revision: {current or 'none'}; newest: {head}")
        return 0
    finally:
        await engine.dispose()


def _run(settings, platform: str | None) -> int:
    from bot.app import run
    from bot.core.content import ContentError

    try:
        return asyncio.run(run(settings, platform))
    except ContentError as error:
        print("mentorbot: the content has problems, so the bot did not start:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        print("Fix them (`mentorbot content validate` lists them again).", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
