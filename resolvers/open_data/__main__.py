"""Command line: ``python -m resolvers.open_data export DIR [--as-of DAY|today|all] [--lang en]``
writes the Data Package of the loaded dataset version to ``DIR``, as ``/data/`` serves it."""

import argparse
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

from db.engine import build_engine
from db.settings import DatabaseSettings
from resolvers.database import Database
from resolvers.in_memory import read_in_memory
from resolvers.open_data.export import export
from resolvers.open_data.package import ALL_PERIODS, Package, period_name
from resolvers.texts import LANGUAGES


def _say(message: str) -> None:
    print(message, flush=True)


def _period(value: str) -> date | None:
    if value == ALL_PERIODS:
        return None
    if value == "today":
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r}: give a day (YYYY-MM-DD) or `all`") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m resolvers.open_data", description=__doc__)
    parser.add_argument("--database-url", help="overrides IOM_GRAPH_DATABASE_URL")
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("export", help="write the Data Package to a directory")
    command.add_argument("directory", type=Path)
    command.add_argument(
        "--as-of", type=_period, default="today", help="a day, `today` (UTC; default) or `all`"
    )
    command.add_argument("--lang", choices=LANGUAGES, default="en", help="default: en")
    args = parser.parse_args(argv)
    period: date | None = args.as_of

    started = time.perf_counter()
    settings = DatabaseSettings()
    engine = build_engine(args.database_url or settings.database_url, settings.statement_timeout_ms)
    _say(f"database: {engine.url.render_as_string(hide_password=True)}")
    dataset = read_in_memory(Database(engine))
    engine.dispose()
    if dataset.version is None:
        print("the database holds no dataset: run `python -m db load` first", file=sys.stderr)
        return 1
    _say(f"dataset version {dataset.version}, as of {period_name(period)}, in {args.lang}")
    export(Package(dataset, period, args.lang), args.directory, _say)
    _say(f"wrote {args.directory} in {time.perf_counter() - started:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
