"""`mentorbot bench …`: its arguments and how each benchmark is started.

Only argparse is imported here; each benchmark's modules load when it runs.
"""

from __future__ import annotations

import argparse
import sys


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return value


def batch(text: str) -> int:
    value = positive(text)
    if value > 5000:
        # Each batch becomes an IN list; PostgreSQL takes at most 32,767 parameters.
        raise argparse.ArgumentTypeError(f"{text} is more than 5000")
    return value


def add_bench_parser(commands) -> None:
    bench = commands.add_parser("bench", help="benchmarks (numbers in docs/performance.md)")
    bench_commands = bench.add_subparsers(dest="bench_command", required=True, metavar="NAME")
    fanout = bench_commands.add_parser(
        "fanout", help="N members due at once, delivered through a zero-latency fake messenger"
    )
    fanout.add_argument("--members", type=positive, default=100_000, metavar="N")
    fanout.add_argument(
        "--database",
        metavar="URL",
        help="a database the bench may fill and empty (default: a temporary SQLite file)",
    )
    fanout.add_argument("--workers", type=positive, default=1, metavar="K")
    fanout.add_argument(
        "--batch", type=batch, default=1000, help="members or rows per statement (1 to 5000)"
    )
    commands_bench = bench_commands.add_parser(
        "commands", help="command latency inside the bot, receipt to reply, for a mix of commands"
    )
    commands_bench.add_argument("--concurrency", type=positive, default=50, metavar="N")
    commands_bench.add_argument("--commands", type=positive, default=5000, metavar="N")
    commands_bench.add_argument(
        "--rate",
        type=float,
        metavar="R",
        help="open load: commands arrive at R a second (default: closed, all in flight)",
    )
    commands_bench.add_argument(
        "--database",
        metavar="URL",
        help="a database the bench may fill (default: a temporary SQLite file)",
    )
    slack = bench_commands.add_parser(
        "slack", help="Slack acknowledgement latency under bursts of concurrent slash commands"
    )
    slack.add_argument("--requests", type=positive, default=1000, metavar="N")
    slack.add_argument("--concurrency", type=positive, default=50, metavar="C")
    slack.add_argument(
        "--bare", action="store_true", help="measure slack-bolt alone, for comparison"
    )
    bench_commands.add_parser(
        "discord",
        help="Discord: acknowledgement latency under 50 concurrent interactions, start-up to READY",
    )


def run_bench(args: argparse.Namespace) -> int:
    if args.bench_command == "discord":
        from bot.bench import discord

        return discord.main([])
    if args.bench_command == "slack":
        from bot.bench import slack

        options = ["--requests", str(args.requests), "--concurrency", str(args.concurrency)]
        return slack.main(options + (["--bare"] if args.bare else []))
    from pydantic import ValidationError

    from bot.redact import mask_credentials

    try:
        database = args.database and _normalise_url(args.database)
    except ValidationError as error:
        reason = error.errors(include_input=False)[0]["msg"].removeprefix("Value error, ")
        print(f"mentorbot bench: --database {mask_credentials(reason)}", file=sys.stderr)
        return 2
    if args.bench_command == "commands":
        from bot.bench import commands

        return commands.main(args.concurrency, database, args.commands, args.rate)
    from bot.bench import fanout

    try:
        return fanout.main(args.members, database, args.workers, args.batch)
    except ValueError as error:
        print(f"mentorbot bench: {mask_credentials(str(error))}", file=sys.stderr)
        return 2


def _normalise_url(url: str) -> str:
    from bot.settings import Settings

    return Settings(_env_file=None, DATABASE_URL=url).resolved_database_url
