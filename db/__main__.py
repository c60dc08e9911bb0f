"""Command line for the data layer: ``python -m db {upgrade,load,check,status}``."""

import argparse
import sys
import time
from pathlib import Path

from db.dataset import DEFAULT_DATASET_PATH, DatasetError, read_dataset
from db.engine import build_engine
from db.loader import load_dataset
from db.migrate import upgrade
from db.settings import DatabaseSettings


def _say(message: str) -> None:
    print(message, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m db", description=__doc__)
    parser.add_argument("--database-url", help="overrides IOM_GRAPH_DATABASE_URL")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("upgrade", help="migrate the schema to the latest revision")
    load = commands.add_parser("load", help="migrate, then load the dataset file (exact diff)")
    check = commands.add_parser("check", help="validate the dataset file; write nothing")
    for sub in (load, check):
        sub.add_argument("path", nargs="?", type=Path, default=DEFAULT_DATASET_PATH)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    try:
        if args.command == "check":
            loaded = read_dataset(args.path)
            data = loaded.dataset
            supported = {c for o in data.offices if o.coverage for c in o.coverage.countries}
            _say(
                f"{args.path.name}: valid: {len(data.offices)} offices, "
                f"{len(data.institutions)} institutions, {len(data.links)} links, "
                f"{len(supported)} supported countries, "
                f"{len(data.data_quality_notes)} data-quality notes; "
                f"version {loaded.content_hash[:12]}"
            )
            return 0
        settings = DatabaseSettings()
        engine = build_engine(
            args.database_url or settings.database_url, settings.statement_timeout_ms
        )
        _say(f"database: {engine.url.render_as_string(hide_password=True)}")
        _say("migrating the schema")
        upgrade(engine)
        if args.command == "load":
            report = load_dataset(
                engine, args.path, progress=_say, history_versions=settings.history_versions
            )
            _say(report.summary())
    except DatasetError as error:
        print(error, file=sys.stderr)
        return 1
    _say(f"done in {time.perf_counter() - started:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
