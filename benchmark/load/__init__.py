"""The protection load run: ``python -m benchmark.load`` (loopback only, bounded in time).

One iom-graph server with its production defaults (rate limits and response cache on) takes,
for ``--duration`` seconds at ``--connections`` connections, a mix from three clients told
apart by API key (issued for the run, as ``python -m db keys create`` issues them): cheap
queries, expensive ones (the full traversal, varied so the cache cannot answer), and abusive
ones (over the cost budget, too deep, an alias bomb, a body over
the size limit, a batch, broken JSON, a 20 KB header). It reports the status codes of each
client, the latency of refusals measured alone, and the server's memory over the run. The
server runs with the HTTP protocol ``python server.py`` uses (``--http`` to compare).

``--hung-redis``: the server shares its state through a redis-server of this run alone, which
is stopped (SIGSTOP: connections accepted, nothing answered) once the server answers, for the
whole run; the report adds the Redis warnings the server logged (one is expected).

``--soak-seconds`` (default 60; 0 skips it): after the mix, a soak of distinct queries (every
document, API key and response new: parser, validation, facts and response caches all churn)
reporting the server's RSS over time, to show where memory levels off (issue 22.10).
"""
