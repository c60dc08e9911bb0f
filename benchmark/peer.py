"""PostGraphile 5 as a peer server: installed from npm at benchmark time, run on loopback.

``benchmark/postgraphile/`` holds the pinned ``package.json`` and ``package-lock.json``
(``postgraphile`` and the npm ``node`` package, which brings the Node 22 PostGraphile 5 needs
into ``node_modules/node/bin/node`` without touching the system's Node) and the
``graphile.config.mjs`` it runs with. ``npm ci`` installs them when ``node_modules`` lacks
either pinned version; a second run finds them and skips it.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

from benchmark.log import note
from benchmark.postgres import libpq_url
from benchmark.scenarios import Server
from benchmark.servers import HOST, ServerSpec

PEER_DIR = Path(__file__).resolve().parent / "postgraphile"
NODE = PEER_DIR / "node_modules" / "node" / "bin" / "node"
CLI = PEER_DIR / "node_modules" / "postgraphile" / "dist" / "cli-run.js"
CONFIG = PEER_DIR / "graphile.config.mjs"
DATABASE_ENV = "IOM_GRAPH_BENCH_PG_URL"  # read by graphile.config.mjs
INSTALL_TIMEOUT = 600.0
INSTALL_HINT = "apt-get install -y npm"


class InstallError(RuntimeError):
    """``npm ci`` failed or left the pinned packages missing."""


def pinned_versions() -> dict[str, str]:
    """``package.json``'s exact dependencies: ``{"node": "22.x.y", "postgraphile": "5.x.y"}``."""
    manifest = json.loads((PEER_DIR / "package.json").read_text(encoding="utf-8"))
    return dict(manifest["dependencies"])


def installed_version(package: str) -> str | None:
    manifest = PEER_DIR / "node_modules" / package / "package.json"
    if not manifest.is_file():
        return None
    return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])


def is_installed() -> bool:
    pinned = pinned_versions()
    return NODE.is_file() and all(installed_version(p) == v for p, v in pinned.items())


def missing_tool() -> str | None:
    """Why PostGraphile cannot be installed here, or None."""
    if is_installed() or shutil.which("npm"):
        return None
    return f"npm is needed to install PostGraphile; install it with: {INSTALL_HINT}"


def ensure_installed() -> None:
    """``npm ci`` in ``benchmark/postgraphile`` unless the pinned versions are there."""
    pinned = ", ".join(f"{name}@{version}" for name, version in pinned_versions().items())
    if is_installed():
        note(f"PostGraphile: {pinned} already installed")
        return
    note(f"PostGraphile: installing {pinned} with npm ci (about a minute)")
    npm = shutil.which("npm") or "npm"
    # npm's summary goes to stderr with the benchmark's progress (stdout is the report).
    # Errors only: npm itself runs on the system's Node, which draws an EBADENGINE warning
    # from every package wanting Node 22; they run on the Node 22 installed beside them.
    subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=PEER_DIR,
        check=True,
        timeout=INSTALL_TIMEOUT,
        stdin=subprocess.DEVNULL,
        stdout=sys.stderr,
    )
    if not is_installed():
        raise InstallError(f"npm ci finished but {pinned} are not in {PEER_DIR / 'node_modules'}")
    note(f"PostGraphile: installed ({node_version()})")


def node_version() -> str:
    completed = subprocess.run([NODE, "--version"], capture_output=True, text=True, timeout=30)
    return f"Node {completed.stdout.strip()}"


def postgraphile(database_url: str) -> ServerSpec:
    """PostGraphile's CLI with the committed config, on ``database_url``'s database."""
    command = (str(NODE), str(CLI), "--config", str(CONFIG), "--host", HOST, "--port", "{port}")
    env = {DATABASE_ENV: libpq_url(database_url), "NODE_ENV": "production"}
    return ServerSpec(Server.POSTGRAPHILE, "", env, command=command, postgres_url=database_url)
