"""The requests of the protection run: cheap, expensive and abusive, as a wrk script."""

import json
from collections.abc import Mapping
from dataclasses import dataclass

from benchmark.scenarios import (
    FULL_TRAVERSAL_QUERY,
    POINT_LOOKUP_QUERY,
    HttpRequest,
    graphql_post,
)
from benchmark.wrk import lua_string

CHEAP, EXPENSIVE, ABUSIVE = "cheap", "expensive", "abusive"


@dataclass(frozen=True)
class Mixed:
    client: str
    kind: str
    request: HttpRequest


def abusive() -> list[tuple[str, HttpRequest]]:
    cycle = "slug"
    for _ in range(3):
        cycle = f"countries(first: 100) {{ nodes {{ regionalOffice {{ {cycle} }} }} }}"
    deep = "slug"
    for i in range(20):
        deep = f"{'hostCountry' if i % 2 else 'hostedOffices'} {{ {deep} }}"
    aliases = " ".join(f"a{i}: organisation {{ slug }}" for i in range(200))
    huge = HttpRequest(
        "POST",
        "/graphql",
        (("Content-Type", "application/json"),),
        json.dumps({"query": "{ __typename }", "pad": "x" * 200_000}).encode(),
    )
    batch = HttpRequest(
        "POST",
        "/graphql",
        (("Content-Type", "application/json"),),
        json.dumps([{"query": "{ __typename }"}] * 50).encode(),
    )
    broken = HttpRequest("POST", "/graphql", (("Content-Type", "application/json"),), b'{"query')
    big_header = graphql_post("{ __typename }").with_header("X-Pad", "x" * 20_000)
    return [
        ("over budget", strict(f"{{ regionalOffices(first: 100) {{ nodes {{ {cycle} }} }} }}")),
        ("too deep", strict(f'{{ regionalOffice(slug: "nairobi") {{ {deep} }} }}')),
        ("alias bomb", strict(f"{{ {aliases} }}")),
        ("body over limit", huge),
        ("batch", batch),
        ("broken JSON", broken),
        ("20 KB header", big_header),
    ]


def strict(query: str) -> HttpRequest:
    """A POST asking for graphql-response+json, where refusals before execution answer 400."""
    request = graphql_post(query)
    headers = tuple(h for h in request.headers if h[0].lower() != "accept")
    accept = ("Accept", "application/graphql-response+json")
    return HttpRequest(request.method, request.target, (*headers, accept), request.body)


def mix() -> list[Mixed]:
    """Six cheap requests, one expensive and six abusive ones, in turn."""
    cheap = [Mixed(CHEAP, "point lookup", graphql_post(POINT_LOOKUP_QUERY))] * 6
    # A comment varies the document so the response cache cannot answer it.
    expensive = [Mixed(EXPENSIVE, "full traversal", graphql_post(FULL_TRAVERSAL_QUERY + "\n#@"))]
    refused = [Mixed(ABUSIVE, kind, request) for kind, request in abusive()]
    return cheap + expensive + refused


def lua_mix(requests: list[Mixed], keys: Mapping[str, str] | None = None) -> str:
    """A wrk script cycling through ``requests``; each response is counted by the client and
    kind carried in its echoed X-Request-ID. Each request carries its client's issued API key
    (``keys``; unknown keys are refused with 401), or none: then the server limits it by
    address."""
    entries = []
    for item in requests:
        headers = ", ".join(
            f"[{lua_string(name)}] = {lua_string(value)}" for name, value in item.request.headers
        )
        text = item.request.body.decode()
        prefix, marker, suffix = text.partition("#@")  # "#@": a per-request number goes here
        body = lua_string(prefix + marker) if text else "nil"
        rest = lua_string(suffix) if marker else "nil"
        request_id = lua_string(f"{item.client}|{item.kind}|")
        method, path = lua_string(item.request.method), lua_string(item.request.target)
        entries.append(
            f"{{method = {method}, path = {path},"
            f" headers = {{{headers}}}, body = {body}, rest = {rest}, id = {request_id},"
            f" key = {lua_string(keys[item.client]) if keys else 'nil'}}}"
        )
    return "\n".join(
        [
            "local mix = {",
            ",\n".join(entries),
            "}",
            "local threads = {}",
            "function setup(thread) table.insert(threads, thread) end",
            "function init(args) counts = {}; sent = 0 end",
            "function request()",
            "  sent = sent + 1",
            "  local r = mix[(sent % #mix) + 1]",
            "  r.headers['X-Request-ID'] = r.id .. sent",
            "  r.headers['X-API-Key'] = r.key",
            "  local body = r.body",
            "  if r.rest then body = r.body .. sent .. r.rest end",
            "  return wrk.format(r.method, r.path, r.headers, body)",
            "end",
            "function response(status, headers, body)",
            "  local id = headers['x-request-id'] or 'unknown|unknown|'",
            "  local key = string.match(id, '^(.-|.-|)') .. status",
            "  counts[key] = (counts[key] or 0) + 1",
            "end",
            "function done(summary, latency, requests)",
            "  local total = {}",
            "  for _, thread in ipairs(threads) do",
            "    for key, n in pairs(thread:get('counts')) do",
            "      total[key] = (total[key] or 0) + n",
            "    end",
            "  end",
            "  for key, n in pairs(total) do io.write('COUNT ' .. key .. ' ' .. n .. '\\n') end",
            "end",
        ]
    )
