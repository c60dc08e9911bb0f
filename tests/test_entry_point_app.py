"""``python server.py`` builds the app once: uvicorn imports ``server`` ("server:app") and builds
it there; the script itself (``__main__``) builds none. It did before: a second app, never
started, its engine and registry kept for the process's life (0.8 MB of its memory)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Runs server.py as ``python server.py`` does, with uvicorn's serving replaced by a stub that
# records the call; prints how many apps were built by then, and after ``import server``.
PROBE = """
import json, runpy, uvicorn
import service
built, served = [], []
create_app = service.create_app
service.create_app = lambda *args, **kwargs: built.append(1) or create_app(*args, **kwargs)
uvicorn.Server.run = lambda self, sockets=None: served.append(self.config.app)
runpy.run_path("server.py", run_name="__main__")
by_script = len(built)
import server
print(json.dumps({"served": served, "by_script": by_script, "by_import": len(built)}))
"""


def test_the_script_builds_no_app_of_its_own(tmp_path: Path) -> None:
    env = {
        "IOM_GRAPH_DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "IOM_GRAPH_LOG_LEVEL": "warning",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    counts = json.loads(result.stdout.strip().splitlines()[-1])
    assert counts == {"served": ["server:app"], "by_script": 0, "by_import": 1}
