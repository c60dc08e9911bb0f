"""What /proc says about a server: its workers, their peak memory, whether they are busy."""

import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
IDLE_WINDOW = 0.3  # seconds without more than one clock tick of CPU time = idle


@dataclass(frozen=True)
class ProcessMemory:
    pid: int
    role: str  # "server", "supervisor" or "worker"
    peak_rss_mb: float

    @property
    def serves(self) -> bool:
        """Whether this process runs the application (the per-worker target applies)."""
        return self.role in ("server", "worker")


def status_mb(pid: int | str, field: str) -> float:
    """A /proc status field (``VmHWM``, ``VmRSS``) in MB (10^6 bytes); /proc's "kB" are KiB."""
    for line in (PROC / str(pid) / "status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024 / 1_000_000
    raise LookupError(f"no {field} for process {pid}")


def peak_rss_mb(pid: int) -> float:
    """Peak resident set size in MB."""
    return status_mb(pid, "VmHWM")


def _stat_fields(pid: int) -> list[str]:
    """The fields of ``/proc/<pid>/stat`` after "pid (comm)" (comm may hold spaces)."""
    stat = (PROC / str(pid) / "stat").read_text()
    return stat[stat.rfind(")") + 2 :].split()


def children(pid: int) -> list[int]:
    """The direct children of ``pid``."""
    found = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int(_stat_fields(int(entry.name))[1])
        except (OSError, IndexError):
            continue
        if parent == pid:
            found.append(int(entry.name))
    return sorted(found)


def own_cpu_ticks(pid: int) -> int:
    """User + system CPU time of ``pid`` alone (all its threads), in clock ticks; 0 if gone."""
    try:
        fields = _stat_fields(pid)
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime, stime


def cpu_ticks(pid: int) -> int:
    """User + system CPU time of ``pid`` and its children, in clock ticks."""
    return sum(own_cpu_ticks(process) for process in (pid, *children(pid)))


def wait_until_idle(pid: int, timeout: float) -> bool:
    """Wait until the server stops using CPU (requests abandoned by wrk still run)."""
    deadline = time.monotonic() + timeout
    before = cpu_ticks(pid)
    while time.monotonic() < deadline:
        time.sleep(IDLE_WINDOW)
        after = cpu_ticks(pid)
        if after - before <= 1:
            return True
        before = after
    return False


def _command_line(pid: int) -> str:
    return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")


def process_tree_memory(pid: int) -> list[ProcessMemory]:
    """The server process, and its uvicorn workers when it has any (not the resource tracker)."""
    workers = [
        child
        for child in children(pid)
        if "spawn_main" in _command_line(child) and "resource_tracker" not in _command_line(child)
    ]
    role = "supervisor" if workers else "server"
    return [
        ProcessMemory(pid, role, peak_rss_mb(pid)),
        *(ProcessMemory(child, "worker", peak_rss_mb(child)) for child in workers),
    ]
