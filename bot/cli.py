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

    commands.add_parser(
        "worker",
        help="only send due lessons, through the platforms' REST APIs (PostgreSQL only)",
    )

    discord = commands.add_parser("discord", help="Discord set-up")
    discord_commands = discord.add_subparsers(
        dest="discord_command", required=True, metavar="ACTION"
    )
    sync = discord_commands.add_parser(
        "sync",
        help="register the slash commands: in one server (--guild, default DISCORD_GUILD_ID) "
        "or globally",
    )
    where = sync.add_mutually_exclusive_group()
    where.add_argument("--guild", type=_positive, metavar="ID", help="a server's id")
    where.add_argument(
        "--global",
        dest="everywhere",
        action="store_true",
        help="register globally even when DISCORD_GUILD_ID is set",
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

    bench = commands.add_parser("bench", help="benchmarks (numbers in docs/performance.md)")
    bench_commands = bench.add_subparsers(dest="bench_command", required=True, metavar="NAME")
    fanout = bench_commands.add_parser(
        "fanout", help="N members due at once, delivered through a zero-latency fake messenger"
    )
    fanout.add_argument("--members", type=_positive, default=100_000, metavar="N")
    fanout.add_argument(
        "--database",
        metavar="URL",
        help="a database the bench may fill and empty (default: a temporary SQLite file)",
    )
    fanout.add_argument("--workers", type=_positive, default=1, metavar="K")
    fanout.add_argument(
        "--batch", type=_batch, default=1000, help="members or rows per statement (1 to 5000)"
    )
    return parser


def _batch(text: str) -> int:
    value = _positive(text)
    if value > 5000:
        # Each batch becomes an IN list; PostgreSQL takes at most 32,767 parameters.
        raise argparse.ArgumentTypeError(f"{text} is more than 5000")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return value


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
    # APScheduler announces every start, stop and job run; a failed tick is logged by the bot.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    if args.command == "content":
        return _validate(args.directory or settings.content_dir)
    if args.command == "eval":
        return _eval_retrieval(settings.content_dir, args.questions)
    if args.command == "db":
        return asyncio.run(_db(settings, args.db_command))
    if args.command == "discord":
        guild = None if args.everywhere else args.guild or settings.discord_guild_id
        return _discord_sync(settings, guild)
    if args.command == "bench":
        return _bench(args)
    if args.command == "worker":
        return _run(settings, None, worker=True)
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


def _discord_sync(settings, guild: int | None) -> int:
    from bot.core.errors import SetupError
    from bot.platforms.discord.sync import sync

    try:
        lines = asyncio.run(sync(settings, guild))
    except SetupError as error:
        print(f"mentorbot: {error}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0


def _bench(args) -> int:
    from bot.bench import fanout

    database = args.database and _normalise_url(args.database)
    try:
        return fanout.main(args.members, database, args.workers, args.batch)
    except ValueError as error:
        print(f"mentorbot bench: {error}", file=sys.stderr)
        return 2


def _normalise_url(url: str) -> str:
    from bot.settings import Settings

    return Settings(_env_file=None, DATABASE_URL=url).resolved_database_url


def _run(settings, platform: str | None, worker: bool = False) -> int:
    from bot.app import run, work
    from bot.core.content import ContentError

    try:
        return asyncio.run(work(settings) if worker else run(settings, platform))
    except ContentError as error:
        print("mentorbot: the content has problems, so the bot did not start:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        print("Fix them (`mentorbot content validate` lists them again).", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
