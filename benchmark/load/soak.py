"""The distinct-query soak: memory under traffic that no cache can answer (issue 22.10).

Every request is new in every way a client controls: its document (a numbered comment), its
variables (a numbered search text) and its operation name. So strawberry's parser and
validation caches (128 documents each), the per-document facts, the response cache (64 MiB by
default) and the header and operation-name memos all fill and evict for the whole run. Every
request carries one issued key whose budget never refuses (an unknown key is refused with 401
before any bucket is made, so keys can no longer fill the rate buckets); RSS rising without
end would show a cache that does not. Sampled every second; the report gives it every tenth of the
run and compares the last quarter with the one before.
"""

import json
import re
import threading

from benchmark.load.probes import run_wrk, sample_memory
from benchmark.scenarios import FULL_TRAVERSAL_QUERY, POINT_LOOKUP_QUERY
from benchmark.servers import RunningServer
from benchmark.wrk import lua_string

MARK = "@@"  # replaced by a number unique to the request
SEARCH = "query Search($text: String!) { search(text: $text) { totalCount nodes { id } } }"


def soak_bodies() -> list[str]:
    """The JSON bodies of one cycle, each with ``MARK`` where the request's number goes:
    four lookups, two searches and one full traversal (its answer fills the cache fastest)."""
    lookup = POINT_LOOKUP_QUERY.replace("query PointLookup", f"query Lookup{MARK}")
    bodies = [json.dumps({"query": f"{lookup}\n# {MARK}"})] * 4
    bodies += [json.dumps({"query": SEARCH, "variables": {"text": f"nai{MARK}"}})] * 2
    bodies.append(json.dumps({"query": f"{FULL_TRAVERSAL_QUERY}\n# {MARK}"}))
    return bodies


def lua_soak(bodies: list[str], key: str) -> str:
    """A wrk script sending ``bodies`` in turn, ``MARK`` replaced by "<thread>x<count>", with
    the issued ``key``; it counts the responses by status."""
    parts = [[lua_string(piece) for piece in body.split(MARK)] for body in bodies]
    entries = ",\n".join("{" + ", ".join(pieces) + "}" for pieces in parts)
    return "\n".join(
        [
            f"local bodies = {{\n{entries}\n}}",
            "local threads, next_id = {}, 0",
            "function setup(thread)",
            "  next_id = next_id + 1; thread:set('tid', next_id); table.insert(threads, thread)",
            "end",
            "function init(args) sent = 0; statuses = {} end",
            "function request()",
            "  sent = sent + 1",
            "  local number = tid .. 'x' .. sent",
            "  local pieces = bodies[(sent % #bodies) + 1]",
            "  local body = table.concat(pieces, number)",
            "  local headers = {['Content-Type'] = 'application/json',",
            "    ['Accept'] = 'application/json', ['X-API-Key'] = " + lua_string(key) + "}",
            "  return wrk.format('POST', '/graphql', headers, body)",
            "end",
            "function response(status, headers, body)",
            "  statuses[status] = (statuses[status] or 0) + 1",
            "end",
            "function done(summary, latency, requests)",
            "  local total = {}",
            "  for _, thread in ipairs(threads) do",
            "    for status, n in pairs(thread:get('statuses')) do",
            "      total[status] = (total[status] or 0) + n",
            "    end",
            "  end",
            "  for status, n in pairs(total) do",
            "    io.write('STATUS ' .. status .. ' ' .. n .. '\\n')",
            "  end",
            "end",
        ]
    )


def run_soak(
    server: RunningServer, seconds: int, connections: int, key: str
) -> tuple[str, list[tuple[float, float]]]:
    """wrk's output and the server's RSS samples (seconds, MB) over the soak."""
    samples: list[tuple[float, float]] = []
    stop = threading.Event()
    sampler = threading.Thread(target=sample_memory, args=(server.process.pid, stop, samples))
    sampler.start()
    try:
        output = run_wrk(lua_soak(soak_bodies(), key), server.base_url, seconds, connections)
    finally:
        stop.set()
        sampler.join()
    return output, samples


def soak_report(
    seconds: int, connections: int, output: str, samples: list[tuple[float, float]]
) -> str:
    statuses = dict(re.findall(r"STATUS (\d+) (\d+)", output))
    total = re.search(r"(\d+) requests in", output)
    lines = [
        "",
        f"### Distinct-query soak: {seconds} s at {connections} connections",
        "",
        f"{total.group(1) if total else '?'} requests, every document, variables and operation "
        "name new; statuses: " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())) + ".",
    ]
    if len(samples) >= 8:
        step = max(1, len(samples) // 10)
        lines += [
            "",
            "Server RSS: " + ", ".join(f"{t:.0f} s: {mb:.0f} MB" for t, mb in samples[::step]),
        ]
        quarter = len(samples) // 4
        before = samples[-2 * quarter : -quarter]
        last = samples[-quarter:]
        lines += [
            "",
            f"Peak {max(mb for _, mb in samples):.0f} MB; mean of the third quarter "
            f"{sum(mb for _, mb in before) / len(before):.0f} MB, of the last quarter "
            f"{sum(mb for _, mb in last) / len(last):.0f} MB.",
        ]
    return "\n".join(lines)
