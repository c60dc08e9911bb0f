"""Writing a package to a directory, whole or not at all.

The files go to a new directory beside the target, which takes the target's name only once
every file is written and flushed: a reader of the target sees the previous package or the
new one, never part of one. On any failure the new directory is removed and the target is
left as it was.
"""

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from resolvers.open_data.package import FILES, Package


def export(package: Package, target: Path, progress: Callable[[str], None]) -> list[Path]:
    """Write every file of ``package`` into ``target`` (replacing a previous package there);
    ``progress`` gets one line per file. Returns the paths written."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the package is for anyone to read
    try:
        for number, (name, data) in enumerate(package.files(), start=1):
            with (staging / name).open("wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            progress(f"[{number}/{len(FILES)}] {name}: {len(data)} bytes")
        _swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [target / name for name in FILES]


def _swap_in(staging: Path, target: Path) -> None:
    """Give ``staging`` the name ``target``; a previous ``target`` is moved aside first and
    removed after (a directory cannot be renamed over one that is not empty)."""
    previous = None
    if target.exists():
        previous = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        os.replace(target, previous / target.name)
    try:
        os.replace(staging, target)
    except BaseException:
        if previous is not None:  # put the previous package back
            os.replace(previous / target.name, target)
            previous.rmdir()
        raise
    if previous is not None:
        shutil.rmtree(previous)
