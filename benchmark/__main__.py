"""``python -m benchmark [--rounds N] [--duration S] [--quick] [--only WHAT] ...``."""

import argparse
import sys
from pathlib import Path

import psycopg

from benchmark import peer, postgres, wrk
from benchmark.log import note
from benchmark.report import render
from benchmark.runner import (
    ONLY_BOUNDS,
    ONLY_COLD_START,
    ONLY_MEMORY,
    ONLY_POSTGRAPHILE,
    ONLY_PROBE,
    Options,
    run_benchmark,
)

QUICK_ROUNDS, QUICK_DURATION = 1, 3.0


def parse_options(argv: list[str] | None = None) -> tuple[Options, Path | None]:
    parser = argparse.ArgumentParser(
        prog="python -m benchmark",
        description="Benchmark iom-graph against an in-memory reference and a static ceiling "
        "with wrk, on 127.0.0.1 only; prints Markdown tables.",
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds per figure (default 3)")
    parser.add_argument(
        "--duration",
        "--seconds",
        type=float,
        default=10.0,
        help="seconds per round (default 10)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke test: 1 round of 3 s (overrides the above)"
    )
    parser.add_argument("--output", type=Path, help="also write the Markdown to this file")
    parser.add_argument(
        "--postgres",
        default=postgres.DEFAULT_MAINTENANCE_URL,
        help="maintenance database URL; a fresh database is created beside it and dropped "
        f"(default {postgres.DEFAULT_MAINTENANCE_URL})",
    )
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL servers")
    parser.add_argument(
        "--only",
        choices=[ONLY_POSTGRAPHILE, ONLY_PROBE, ONLY_BOUNDS, ONLY_MEMORY, ONLY_COLD_START],
        help="postgraphile: only the interleaved comparison with PostGraphile (iom-graph on "
        "PostgreSQL, 1 worker and one per core, on every shape both answer); probe: the same on "
        "the probe shapes instead (benchmark/probe_shapes.py: questions the tuned shapes do not "
        "ask), in a table of their own; bounds: only the interleaved comparisons on SQLite "
        "(cached and 304 against the ceiling, uncached against the reference, the bounded "
        "protocol against plain httptools); memory: only "
        "the peak RSS of one iom-graph worker on the dataset and on ten times the data, after "
        "its scenarios' load (SQLite, then PostgreSQL unless --no-postgres), and where the "
        "memory goes at ten times the data (stages, tracemalloc's top); cold-start: only the "
        "cold starts",
    )
    args = parser.parse_args(argv)
    if args.only in (ONLY_POSTGRAPHILE, ONLY_PROBE) and args.no_postgres:
        parser.error(f"--only {args.only} needs PostgreSQL: drop --no-postgres")
    rounds, duration = (
        (QUICK_ROUNDS, QUICK_DURATION) if args.quick else (args.rounds, args.duration)
    )
    if rounds < 1 or duration <= 0:
        parser.error("--rounds must be at least 1 and --duration positive")
    postgres_url = None if args.no_postgres else args.postgres
    return Options(rounds, duration, postgres_url, only=args.only), args.output


def check_prerequisites(options: Options) -> str | None:
    """Why the benchmark cannot run here, or None."""
    if wrk.find_wrk() is None:
        return f"wrk is not installed; install it with: {wrk.INSTALL_COMMAND}"
    if options.postgres_url:
        try:
            postgres.server_version(options.postgres_url)
        except psycopg.Error as error:
            return f"PostgreSQL is unreachable ({error}); start it or pass --no-postgres"
        return peer.missing_tool() if options.with_peer else None
    return None


def main(argv: list[str] | None = None) -> int:
    options, output = parse_options(argv)
    problem = check_prerequisites(options)
    if problem:
        print(f"benchmark: {problem}", file=sys.stderr)
        return 2
    results = run_benchmark(options)
    markdown = render(results)
    print(markdown)
    if output:
        output.write_text(markdown, encoding="utf-8")
        note(f"wrote {output}")
    note(f"finished in {results.seconds:.0f} s")
    if results.peer_differs:
        note(f"FAILED: PostGraphile's answers differ from iom-graph's: {results.peer_check}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
