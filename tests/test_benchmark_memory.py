"""``python -m benchmark --only memory``'s profile (benchmark/memory.py): its JSON as the runner
reads it back, and its tables in the report; ``--only cold-start``'s figures in the report. No
server, no load."""

import orjson

from benchmark import memory, memory_report, report
from benchmark.results import ColdStart, RunResults


def _profile() -> memory.MemoryProfile:
    return memory.MemoryProfile(
        "iom-graph, SQLite, 10x the data",
        [
            memory.Stage("imports and the app built (import server)", 61.2, 61.3, 30.5),
            memory.Stage("start-up done (migration check, dataset read)", 120.4, 121.0, 75.25),
        ],
        [memory.Allocation("resolvers/loaders.py:88", 12.5, 140_000)],
        [memory.Allocation("resolvers/loaders.py", 20.0, 200_000)],
        ["sqlalchemy", "alembic", "zoneinfo", "csv"],
        [
            memory.Allocation("sqlalchemy", 12.9, 87),
            memory.Allocation("alembic", 10.9, 141),
            memory.Allocation("zoneinfo", 0.25, 4),
            memory.Allocation("csv", 0.125, 2),
        ],
    )


def test_the_profile_comes_back_from_its_json_under_the_runners_label() -> None:
    found = memory.from_json("relabelled", orjson.dumps(_profile()))
    assert found.label == "relabelled"
    assert found.stages[1] == memory.Stage(
        "start-up done (migration check, dataset read)", 120.4, 121.0, 75.25
    )
    assert found.by_line == [memory.Allocation("resolvers/loaders.py:88", 12.5, 140_000)]
    assert found.imported == ["sqlalchemy", "alembic", "zoneinfo", "csv"]
    assert found.by_package[1] == memory.Allocation("alembic", 10.9, 141)


def test_the_report_shows_each_stage_and_the_traced_tops() -> None:
    results = RunResults("machine", "settings")
    untraced = memory.MemoryProfile(
        "iom-graph, SQLite", [memory.Stage("after 10 full traversals", 130.0, 131.0)]
    )
    results.memory_profiles += [untraced, _profile()]
    rendered = "\n".join(memory_report.memory_profile_sections(results))
    assert "| iom-graph, SQLite | untraced | after 10 full traversals | 130 | 131 | – |" in rendered
    assert (
        "| iom-graph, SQLite, 10x the data | traced | start-up done (migration check, dataset "
        "read) | 120 | 121 | 75.2 |"
    ) in rendered
    assert "| `resolvers/loaders.py:88` | 12.5 | 140000 |" in rendered
    assert "by file, iom-graph, SQLite, 10x the data" in rendered
    assert "by line, iom-graph, SQLite\n" not in rendered  # untraced: no top
    # Packages under 0.5 MB are summed in one row.
    assert "| `alembic` | 10.9 | 141 |\n| the 2 others | 0.38 | 6 |" in rendered
    assert "`zoneinfo`" not in rendered


def test_no_profile_no_section() -> None:
    assert memory_report.memory_profile_sections(RunResults("machine", "settings")) == []


def test_a_cold_start_is_judged_on_its_wall_time_and_shows_its_cpu_time() -> None:
    results = RunResults("machine", "settings")
    results.cold_starts = [ColdStart(12.71, 2.5), ColdStart(2.9, 2.0), ColdStart(2.4, 1.75)]
    target = report.cold_start_target(results)
    assert (target.measured, target.passed) == ("2.90 s (2.00 s CPU)", True)
    rendered = report.cold_start_table(results)
    assert "| wall time (s) | 12.71 | 2.90 | 2.40 | 2.90 |" in rendered
    assert "| server CPU (s) | 2.50 | 2.00 | 1.75 | 2.00 |" in rendered
