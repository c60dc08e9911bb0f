"""The scale-out topology on loopback: replicas sharing PostgreSQL and Redis, behind Debian's
nginx running ``deploy/nginx-scale.conf`` (balancer and edge cache), for tests and for
``python -m benchmark.scale``.

``start_topology(database_url)`` starts ``REPLICAS`` real servers (``tests.live_server``),
then ``start_edge``: nginx with the deployed file, unchanged but for its replica addresses, its
edge port, its balancer socket and its cache directory (moved into a temporary directory), and
an access log of both server blocks. It yields a ``Topology``; everything is stopped on leaving.

    with start_topology(url) as topology:
        httpx.get(f"{topology.edge}/graphql", params={"query": "{ __typename }"})
"""

import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tests.live_server import REPO_ROOT, free_port, start_server
from tests.nginx_proxy import run_nginx
from tests.shared_redis import shared_redis_url

SCALE_CONF = REPO_ROOT / "deploy" / "nginx-scale.conf"
REPLICAS = 3
REDIS_URL = shared_redis_url()
ACCESS_FIELDS = ("server", "method", "status", "cache", "upstream_status", "upstream")

# The tests' main configuration: foreground, one process, everything under {root}, and one
# access-log line per request of either server block (the fields of ``ACCESS_FIELDS``).
_MAIN = """\
daemon off;
master_process off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log info;
events {{ worker_connections 1024; }}
http {{
    log_format iom_graph_scale
        '$server_name $request_method $status $upstream_cache_status $upstream_status '
        '$upstream_addr';
    access_log {access_log};
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    include {root}/iom-graph.conf;
}}
"""


@dataclass(frozen=True)
class Topology:
    """The edge's base URL, each replica's own base URL, and nginx's access log."""

    edge: str
    replicas: tuple[str, ...]
    access_log: Path

    def access(self) -> list[dict[str, str]]:
        """nginx's access log so far, one dict per request (keys: ``ACCESS_FIELDS``)."""
        lines = self.access_log.read_text().splitlines() if self.access_log.exists() else []
        return [dict(zip(ACCESS_FIELDS, line.split(" "), strict=True)) for line in lines]


def _replace(text: str, pattern: str, replacement: str, expected: int) -> str:
    text, count = re.subn(pattern, replacement, text)
    if count != expected:
        raise ValueError(f"{SCALE_CONF}: {pattern!r} occurs {count} times, not {expected}")
    return text


def scale_site_config(replicas: tuple[str, ...], port: int, root: Path) -> str:
    """``deploy/nginx-scale.conf`` with ``replicas`` as its upstream servers, its edge on
    127.0.0.1:``port``, its socket and cache under ``root``."""
    text = SCALE_CONF.read_text(encoding="utf-8")
    servers = "".join(f"    server {urlsplit(url).netloc};\n" for url in replicas)
    text = _replace(text, r"(?m)(^    server 127\.0\.0\.1:800[1-3];\n){3}", servers, 1)
    text = _replace(text, r"unix:/run/iom-graph/balancer\.sock", f"unix:{root}/balancer.sock", 2)
    text = _replace(
        text, r"proxy_cache_path /var/cache/nginx/iom-graph ", f"proxy_cache_path {root}/cache ", 1
    )
    return _replace(text, r"(?m)^    listen 80;", f"    listen 127.0.0.1:{port};", 1)


def replica_env(extra_env: Mapping[str, str] | None = None) -> dict[str, str]:
    """What every replica shares: Redis (response cache, persisted queries, rate limits);
    and what each trusts: X-Forwarded-For from nginx, on 127.0.0.1 (deploy/nginx-scale.conf)."""
    return {
        "IOM_GRAPH_REDIS_URL": REDIS_URL,
        "IOM_GRAPH_FORWARDED_ALLOW_IPS": "127.0.0.1",
        **(extra_env or {}),
    }


@contextmanager
def start_edge(replicas: tuple[str, ...], access_log: bool = True) -> Iterator[Topology]:
    """nginx with ``deploy/nginx-scale.conf`` in front of running ``replicas`` (base URLs);
    without ``access_log`` (for load tests), nginx logs no request."""
    with tempfile.TemporaryDirectory(prefix="iom-graph-scale-") as directory:
        root, port = Path(directory), free_port()
        log = f"{root}/access.log iom_graph_scale" if access_log else "off"
        main = _MAIN.replace("{access_log}", log)
        with run_nginx(root, scale_site_config(replicas, port, root), port, main):
            yield Topology(f"http://127.0.0.1:{port}", replicas, root / "access.log")


@contextmanager
def start_topology(
    database_url: str, extra_env: Mapping[str, str] | None = None, replicas: int = REPLICAS
) -> Iterator[Topology]:
    """``replicas`` servers on ``database_url`` behind the balancer and the edge cache."""
    env = replica_env(extra_env)
    with ExitStack() as stack:
        urls = tuple(stack.enter_context(start_server(database_url, env)) for _ in range(replicas))
        yield stack.enter_context(start_edge(urls))
