"""The iom-graph benchmark (issue 6): ``python -m benchmark``.

Starts every server itself on 127.0.0.1 (free ports) with the same uvicorn settings, drives
them with ``wrk`` and prints Markdown tables: throughput, latency, SQL statements per request,
peak RSS, cold start and the targets. ``benchmark/README.md`` explains each row.
"""
