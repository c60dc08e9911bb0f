"""The load run's report, in Markdown."""

import argparse
import re
from collections import Counter


def report(
    options: argparse.Namespace,
    output: str,
    counts: Counter[tuple[str, str, str]],
    refusals: dict[str, str],
    samples: list[tuple[float, float]],
    redis_warning_count: int | None = None,
) -> str:
    hung = ", Redis stopped (SIGSTOP)" if redis_warning_count is not None else ""
    lines = [
        f"### Load run: {options.duration} s at {options.connections} connections (loopback{hung})",
        "",
        "| client | request | status | responses |",
        "|---|---|---|---|",
    ]
    for (client, kind, status), n in sorted(counts.items()):
        lines.append(f"| {client} | {kind} | {status} | {n} |")
    total = re.search(r"(\d+) requests in", output)
    errors = re.search(r"Socket errors:.*", output)
    server_errors = sum(n for (_, _, status), n in counts.items() if status.startswith("5"))
    lines += [
        "",
        f"Total {total.group(1) if total else '?'} responses; 5xx: {server_errors}; "
        f"{errors.group(0) if errors else 'no socket errors'}.",
        "",
        "Abusive requests sent alone (8 connections, 3 s): refused at",
        "",
        "| request | rate and latency |",
        "|---|---|",
    ]
    lines += [f"| {kind} | {figures} |" for kind, figures in refusals.items()]
    if samples:
        every_10s = [f"{t:.0f} s: {mb:.0f} MB" for t, mb in samples if round(t) % 10 == 0]
        lines += [
            "",
            "Server RSS every 10 s: " + ", ".join(every_10s) + ".",
        ]
    if redis_warning_count is not None:
        lines += ["", f"Redis warnings in the server log: {redis_warning_count}."]
    return "\n".join(lines)
