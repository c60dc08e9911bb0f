"""What a run measured: plain data, rendered by ``benchmark.report``."""

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from benchmark.cpu import CpuPerRequest
from benchmark.memory import MemoryProfile
from benchmark.procfs import ProcessMemory
from benchmark.scenarios import Scenario, Server
from benchmark.wrk import WrkResult


@dataclass(frozen=True)
class Figure:
    """The median of several rounds, with their range."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> "Figure":
        return cls(statistics.median(values), min(values), max(values))


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    loaded: list[WrkResult]  # one per round, at CONCURRENCY connections
    single: list[WrkResult]  # one per round, at 1 connection (empty when skipped)
    sql_per_request: float | None  # None when /metrics cannot tell (several workers)
    problems: list[str]  # a bad status, GraphQL errors, non-2xx or socket errors
    cpu: CpuPerRequest | None = None  # over the rounds at CONCURRENCY connections

    @property
    def throughput(self) -> Figure:
        return Figure.of([result.requests_per_second for result in self.loaded])

    @staticmethod
    def figure(rounds: Sequence[WrkResult], at: Callable[[WrkResult], float]) -> Figure | None:
        return Figure.of([at(result) for result in rounds]) if rounds else None


@dataclass(frozen=True)
class LoadPlan:
    rounds: int
    duration: float
    connections: int = 32


def _ratio(ours: float, theirs: float) -> float:
    if theirs:
        return ours / theirs
    return math.inf if ours else math.nan


@dataclass
class Interleaved:
    """One question's wrk results, per server, in round order."""

    name: str
    results: dict[str, list[WrkResult]] = field(default_factory=dict)

    def ratios(self, ours: str, theirs: str) -> list[float]:
        """Per round; a round in which ``theirs`` answered nothing is infinite (or NaN if
        neither did), and ``problems`` lists it."""
        pairs = zip(self.results[ours], self.results[theirs], strict=True)
        return [_ratio(a.requests_per_second, b.requests_per_second) for a, b in pairs]

    def ratio(self, ours: str, theirs: str) -> float:
        return statistics.median(self.ratios(ours, theirs))

    def tail(self, server: str) -> float:
        """p99 over p50 of ``server``, the median over rounds."""
        return statistics.median(r.p99_ms / r.p50_ms for r in self.results[server] if r.p50_ms)

    def problems(self) -> list[str]:
        return [
            f"{self.name}: {server}: {sum(r.non_2xx for r in rounds)} non-2xx, "
            f"{sum(r.socket_errors for r in rounds)} socket errors, "
            f"{sum(not r.requests_per_second for r in rounds)} rounds with no answer"
            for server, rounds in self.results.items()
            if any(r.non_2xx or r.socket_errors or not r.requests_per_second for r in rounds)
        ]


@dataclass(frozen=True)
class ColdStart:
    seconds: float  # wall time to the first answered full traversal
    # The server's CPU time until then: what other work on the machine cannot stretch (the
    # wall time can, while the start waits for a core).
    cpu_seconds: float


@dataclass(frozen=True)
class ServerMemory:
    server: Server
    processes: list[ProcessMemory]


@dataclass
class RunResults:
    machine: str
    settings: str
    scenarios: list[ScenarioResult] = field(default_factory=list)
    memory: list[ServerMemory] = field(default_factory=list)
    cold_starts: list[ColdStart] = field(default_factory=list)
    memory_profiles: list[MemoryProfile] = field(default_factory=list)  # --only memory
    interleaved: list[Interleaved] = field(default_factory=list)  # every ratio comes from here
    reference_check: str = "not run"
    peer_check: str = "not run"  # PostGraphile's answers against iom-graph's
    peer_differs: bool = False  # PostGraphile answered differently, so was not measured further
    seconds: float = 0.0

    def comparison(self, name: str) -> Interleaved | None:
        return next((found for found in self.interleaved if found.name == name), None)

    def find(self, server: Server, name: str) -> ScenarioResult | None:
        return next(
            (r for r in self.scenarios if r.scenario.server is server and r.scenario.name == name),
            None,
        )
