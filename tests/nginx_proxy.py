"""Run Debian's nginx with ``deploy/nginx.conf`` in front of a server, for tests (and the
connection experiment, ``python -m benchmark.connections``).

``start_nginx(upstream, timeouts)`` puts the deployed file, unchanged but for its listen port,
its upstream address and the directives named in ``overrides``, inside a minimal main
configuration of its own (foreground, one process, everything in a temporary directory),
waits until nginx accepts connections and yields its base URL. A directive of ``overrides``
must occur exactly once in the deployed file, so the tests break when the file changes.

    with start_server(url) as upstream, start_nginx(upstream, {"client_header_timeout": "2s"}):
        ...
"""

import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from tests.live_server import REPO_ROOT, ServerProcessError, free_port

NGINX_CONF = REPO_ROOT / "deploy" / "nginx.conf"
START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0
INSTALL_HINT = "nginx is missing: apt-get install -y nginx (.ci/services installs it)"

_MAIN = """\
daemon off;
master_process off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log info;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    include {root}/iom-graph.conf;
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx", "/sbin/nginx") if Path(path).is_file()), None
    )
    if found is None:
        raise ServerProcessError(INSTALL_HINT)
    return found


def site_config(upstream: str, port: int, overrides: Mapping[str, str]) -> str:
    """``deploy/nginx.conf`` listening on 127.0.0.1:``port`` and proxying to ``upstream``."""
    upstream_address = urlsplit(upstream).netloc
    replacements = {"listen": f"127.0.0.1:{port}", **overrides}
    text = NGINX_CONF.read_text(encoding="utf-8")
    text, count = re.subn(r"(?m)^(\s*server) 127\.0\.0\.1:8000;", rf"\1 {upstream_address};", text)
    if count != 1:
        raise ValueError(f"{NGINX_CONF}: no single upstream `server 127.0.0.1:8000;`")
    head, server_block, server = text.partition("\nserver {\n")
    for directive, value in replacements.items():
        # a directive of the server block itself (the location's are indented deeper)
        pattern = rf"(?m)^(    {re.escape(directive)}) [^;\n]+;"
        server, count = re.subn(pattern, rf"\1 {value};", server)
        if count != 1:
            raise ValueError(f"{NGINX_CONF}: server {{{directive}}} occurs {count} times")
    return head + server_block + server


@contextmanager
def start_nginx(upstream: str, overrides: Mapping[str, str] | None = None) -> Iterator[str]:
    """nginx with the deployed configuration in front of ``upstream`` (a base URL); yields
    its own base URL. Stopped (SIGQUIT, then killed) on leaving."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="iom-graph-nginx-") as root:
        site = site_config(upstream, port, overrides or {})
        with run_nginx(Path(root), site, port):
            yield f"http://127.0.0.1:{port}"


@contextmanager
def run_nginx(root: Path, site: str, port: int, main: str = _MAIN) -> Iterator[None]:
    """nginx in the directory ``root`` with ``site`` (http-context directives) inside ``main``,
    until it accepts connections on ``port``; stopped (SIGQUIT, then killed) on leaving."""
    binary = nginx_binary()
    Path(root, "iom-graph.conf").write_text(site)
    Path(root, "nginx.conf").write_text(main.format(root=root))
    command = [binary, "-p", str(root), "-c", f"{root}/nginx.conf", "-e", f"{root}/error.log"]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    if check.returncode != 0:
        raise ServerProcessError(f"nginx -t refused the configuration:\n{check.stderr}")
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_listening(process, port, Path(root, "error.log"))
        yield
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGQUIT)
            try:
                process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(STOP_TIMEOUT)


def _wait_listening(process: "subprocess.Popen[bytes]", port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerProcessError(f"nginx exited ({process.returncode}):\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise ServerProcessError(f"nginx did not listen on {port} within {START_TIMEOUT:.0f} s")
