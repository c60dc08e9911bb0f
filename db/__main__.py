"""Command line for the data layer: ``python -m db {upgrade,load,check,keys}``.

Exit codes: 0 done; 1 refused (an invalid dataset, a key name taken or not found, a schema
not migrated); 2 a usage error (argparse); 3 the database is unreachable.
"""

import argparse
import sys
import time
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from db.api_keys import ApiKeyError, create_key, list_keys, revoke_key
from db.dataset import DEFAULT_DATASET_PATH, DatasetError, read_dataset
from db.engine import build_engine
from db.loader import load_dataset
from db.migrate import is_current, upgrade
from db.settings import DatabaseSettings

EXIT_REFUSED, EXIT_UNAVAILABLE = 1, 3


def _say(message: str) -> None:
    print(message, flush=True)


def _add_keys_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    keys = commands.add_parser("keys", help="issue, revoke and list API keys")
    actions = keys.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="issue a key: printed once, on stdout")
    create.add_argument("--name", required=True, help="who the key is for (unique)")
    create.add_argument("--rate", type=float, help="cost units regained per second")
    create.add_argument("--burst", type=int, help="cost units at once (the bucket's size)")
    revoke = actions.add_parser("revoke", help="revoke a key (every replica within seconds)")
    revoke.add_argument("key", metavar="NAME|ID")
    actions.add_parser("list", help="the keys issued (never their secrets)")


def _budget(rate: float | None, burst: int | None) -> str:
    return (
        f"rate {'default' if rate is None else f'{rate:g}/s'}, "
        f"burst {'default' if burst is None else burst}"
    )


def _keys(args: argparse.Namespace, engine: Engine) -> int:
    """``python -m db keys ...``: the key alone on stdout (``KEY=$(...)``), the rest on
    stderr; the schema must be migrated (``python -m db upgrade``, or a server start)."""
    if not is_current(engine):
        print("the database schema is not current: run `python -m db upgrade`", file=sys.stderr)
        return EXIT_REFUSED
    try:
        if args.action == "create":
            row, key = create_key(engine, args.name, args.rate, args.burst)
            print(
                f"created key {row.id} {row.name!r} ({_budget(row.rate, row.burst)}); "
                "it is shown only this once:",
                file=sys.stderr,
            )
            print(key, flush=True)
        elif args.action == "revoke":
            row = revoke_key(engine, args.key)
            print(f"revoked key {row.id} {row.name!r} at {row.revoked_at:%Y-%m-%d %H:%M:%S}")
        else:
            for row in list_keys(engine):
                state = (
                    f"revoked {row.revoked_at:%Y-%m-%d %H:%M:%S}" if row.revoked_at else "active"
                )
                print(
                    f"{row.id}\t{row.name}\t{_budget(row.rate, row.burst)}\t"
                    f"created {row.created_at:%Y-%m-%d %H:%M:%S}\t{state}"
                )
    except ApiKeyError as error:
        print(error, file=sys.stderr)
        return EXIT_REFUSED
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m db", description=__doc__)
    parser.add_argument("--database-url", help="overrides IOM_GRAPH_DATABASE_URL")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("upgrade", help="migrate the schema to the latest revision")
    load = commands.add_parser("load", help="migrate, then load the dataset file (exact diff)")
    check = commands.add_parser("check", help="validate the dataset file; write nothing")
    for sub in (load, check):
        sub.add_argument("path", nargs="?", type=Path, default=DEFAULT_DATASET_PATH)
    _add_keys_parser(commands)
    args = parser.parse_args(argv)
    if args.command == "keys":
        settings = DatabaseSettings()
        url = args.database_url or settings.database_url
        engine = build_engine(url, settings.statement_timeout_ms)
        try:
            return _keys(args, engine)
        except OperationalError as error:
            print(f"the database is unreachable: {error.orig}", file=sys.stderr)
            return EXIT_UNAVAILABLE
        finally:
            engine.dispose()

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
