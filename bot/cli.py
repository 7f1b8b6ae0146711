"""`mentorbot` on the command line. Heavy imports wait until a subcommand needs them."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from bot.bench.cli import add_bench_parser, positive, run_bench


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
    where.add_argument("--guild", type=positive, metavar="ID", help="a server's id")
    where.add_argument(
        "--global",
        dest="everywhere",
        action="store_true",
        help="register globally even when DISCORD_GUILD_ID is set",
    )

    commands.add_parser(
        "health",
        help="ask the running bot's ops server for /healthz: exit 0 when healthy (for Docker's "
        "HEALTHCHECK)",
    )

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply every pending migration")
    db_commands.add_parser("status", help="show the database's and the code's schema revision")

    stats = commands.add_parser(
        "stats", help="print the community stats, or export their tables as CSV files"
    )
    stats.add_argument(
        "--csv",
        type=Path,
        metavar="DIR",
        help="write members, enrollments, completions, deliveries, questions (no text), "
        "pauses and quiz attempts to DIR as CSV files",
    )

    content = commands.add_parser("content", help="content tools")
    content_commands = content.add_subparsers(
        dest="content_command", required=True, metavar="ACTION"
    )
    validate = content_commands.add_parser("validate", help="check a content directory")
    validate.add_argument(
        "directory", nargs="?", type=Path, help="defaults to MENTORBOT_CONTENT_DIR"
    )
    publish = content_commands.add_parser(
        "publish", help="check and publish a lesson, quiz.yaml, a path folder or a .zip"
    )
    publish.add_argument("source", type=Path, metavar="PATH")
    publish.add_argument("--path", dest="path_id", help="the path a new lesson joins")
    publish.add_argument("--check", action="store_true", help="only check; publish nothing")
    export = content_commands.add_parser("export", help="write the live content to a folder")
    export.add_argument("directory", type=Path, metavar="DIR")
    history = content_commands.add_parser("history", help="content revisions, newest first")
    history.add_argument("--limit", type=positive, default=50, metavar="N")
    rollback = content_commands.add_parser(
        "rollback", help="bring back revision N's content as a new revision"
    )
    rollback.add_argument("version", type=positive, metavar="N")

    evaluate = commands.add_parser("eval", help="measure the mentor")
    eval_commands = evaluate.add_subparsers(dest="eval_command", required=True, metavar="ACTION")
    retrieval = eval_commands.add_parser(
        "retrieval", help="share of learner questions whose lesson is retrieved in the top 3"
    )
    retrieval.add_argument(
        "--questions", type=Path, help="a YAML file of questions (default: the shipped set)"
    )

    add_bench_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (`mentorbot content validate | head`): nothing more to say.
        # Point stdout at devnull so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    from pydantic import ValidationError

    from bot.redact import mask_credentials
    from bot.settings import Settings, settings_problems

    try:
        settings = Settings()
    except ValidationError as error:
        for problem in settings_problems(error):
            print(f"mentorbot: {problem}", file=sys.stderr)
        return 2
    except Exception as error:
        reason = mask_credentials(str(error))
        print(f"mentorbot: the settings could not be read: {reason}", file=sys.stderr)
        return 2
    from bot.checks import StartupProblem
    from bot.logs import configure_logging

    configure_logging(settings.log_level, settings.log_format)

    try:
        return _command(args, settings)
    except (StartupProblem, ExceptionGroup) as error:
        # A platform refusing the bot at start fails inside the runtime's TaskGroup.
        problems = _startup_problems(error, StartupProblem)
        if not problems:
            raise
        for problem in problems:
            print(f"mentorbot: {problem}", file=sys.stderr)
        return 2


def _command(args: argparse.Namespace, settings) -> int:
    if args.command == "content":
        return _content(settings, args)
    if args.command == "eval":
        return _eval_retrieval(settings.content_dir, args.questions)
    if args.command == "db":
        return asyncio.run(_db(settings, args.db_command))
    if args.command == "discord":
        guild = None if args.everywhere else args.guild or settings.discord_guild_id
        return _discord_sync(settings, guild)
    if args.command == "health":
        return _health(settings)
    if args.command == "stats":
        from bot.stats_cli import stats

        return stats(settings, args.csv)
    if args.command == "bench":
        return run_bench(args)
    if args.command == "worker":
        return _run(settings, None, worker=True)
    return _run(settings, args.platform)


def _content(settings, args) -> int:
    if args.content_command == "validate":
        return _validate(args.directory or settings.content_dir)
    from bot import content_cli
    from bot.core.content import ContentError

    if args.content_command == "publish":
        work = content_cli.publish_command(settings, args.source, args.path_id, args.check)
    elif args.content_command == "export":
        work = content_cli.export_command(settings, args.directory)
    elif args.content_command == "history":
        work = content_cli.history_command(settings, args.limit)
    else:
        work = content_cli.rollback_command(settings, args.version)
    try:
        return asyncio.run(work)
    except ContentError as error:
        print("mentorbot: the content directory has problems, so it could not be imported:")
        for problem in error.problems:
            print(f"  {problem}")
        return 2


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
    from bot.mentor.evaluation import QUESTIONS_FILE, describe, evaluate, load_eval

    try:
        content = load_content(directory)
    except ContentError as error:
        print(f"the content in {directory} has problems; run `mentorbot content validate`")
        print(f"{len(error.problems)} problem(s), the first: {error.problems[0]}")
        return 2
    print(describe(evaluate(content, load_eval(questions or QUESTIONS_FILE))))
    return 0


async def _db(settings, action: str) -> int:
    from bot.checks import check_database, sqlite_missing
    from bot.core.db import create_engine, newest_revision, revisions, upgrade

    if action == "status" and (missing := sqlite_missing(settings)):
        # Opening a SQLite file creates it; a status check must not leave one behind.
        print(f"database revision: none (no database at {missing} yet); newest: ", end="")
        print(f"{newest_revision()}\n`mentorbot db upgrade` or `mentorbot run` creates it.")
        return 0
    await check_database(settings)
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
    from bot.platforms.discord.sync import sync

    print("\n".join(asyncio.run(sync(settings, guild))))
    return 0


def _health(settings) -> int:
    """GET /healthz from the ops server on this machine; prints its answer."""
    import urllib.error
    import urllib.request

    if settings.ops_port is None:
        print("mentorbot health: MENTORBOT_OPS_PORT is not set, so there is no ops server to ask.")
        return 2
    # A server listening on every address is reached here on the loopback one.
    host = "127.0.0.1" if settings.ops_host in ("0.0.0.0", "::", "") else settings.ops_host
    url = f"http://{f'[{host}]' if ':' in host else host}:{settings.ops_port}/healthz"
    # Straight to the server: a proxy set for the bot's own requests must not answer for it.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=5) as response:
            print(response.read().decode())
            return 0
    except urllib.error.HTTPError as error:
        print(error.read().decode())
        return 1
    except OSError as error:
        reason = getattr(error, "reason", error)
        print(f"mentorbot health: nothing answers at {url} ({reason})")
        return 1


def _startup_problems(error: BaseException, kind: type[Exception]) -> list[BaseException]:
    """The start-up problems `error` consists of, or none if anything else is in it."""
    if isinstance(error, kind):
        return [error]
    if isinstance(error, BaseExceptionGroup):
        matched, rest = error.split(kind)
        if matched is not None and rest is None:
            return _leaves(matched)
    return []


def _leaves(group: BaseExceptionGroup) -> list[BaseException]:
    found: list[BaseException] = []
    for error in group.exceptions:
        found += _leaves(error) if isinstance(error, BaseExceptionGroup) else [error]
    return found


def _run(settings, platform: str | None, worker: bool = False) -> int:
    from bot.app import run, work
    from bot.checks import ready_to_run
    from bot.core.content import ContentError
    from bot.settings import DEFAULT_CONTENT_DIR

    if settings.content_dir == DEFAULT_CONTENT_DIR and not DEFAULT_CONTENT_DIR.is_dir():
        # An installed copy (pip install mentorbot) carries no content/ of its own.
        print(
            "mentorbot: MENTORBOT_CONTENT_DIR is not set and this installed copy has no "
            f"content/ beside it ({DEFAULT_CONTENT_DIR}). Set MENTORBOT_CONTENT_DIR to your "
            "content directory, for example a checkout's content/ folder.",
            file=sys.stderr,
        )
        return 2

    ready_to_run(settings)
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
