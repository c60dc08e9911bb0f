"""The memory sections of the report (``--only memory``): where one process's memory goes."""

from benchmark.markdown import number, table
from benchmark.memory import MemoryProfile, Stage
from benchmark.results import RunResults

PACKAGE_ROW_MB = 0.5  # a package adding less is counted in "the others"


def _run_of(profile: MemoryProfile, stage: Stage) -> str:
    if stage.traced_mb is not None:
        return "traced"
    return "packages one by one" if profile.by_package else "untraced"


def _package_rows(profile: MemoryProfile) -> list[list[str]]:
    """The packages adding at least ``PACKAGE_ROW_MB`` each, then the others in one row."""
    shown = [p for p in profile.by_package if p.size_mb >= PACKAGE_ROW_MB]
    rest = profile.by_package[len(shown) :]
    rows = [[f"`{p.where}`", number(p.size_mb), str(p.blocks)] for p in shown]
    others = f"the {len(rest)} others"
    total = sum(p.size_mb for p in rest)
    return [*rows, [others, number(max(total, 0.0)), str(sum(p.blocks for p in rest))]]


def memory_profile_sections(results: RunResults) -> list[str]:
    """Where the memory goes (``--only memory``): the stages of each profiled process, then
    tracemalloc's largest live allocations of the traced one."""
    if not results.memory_profiles:
        return []
    stages = [
        [
            profile.label,
            _run_of(profile, stage),
            stage.name,
            number(stage.rss_mb),
            number(stage.peak_mb),
            "–" if stage.traced_mb is None else number(stage.traced_mb),
        ]
        for profile in results.memory_profiles
        for stage in profile.stages
    ]
    header = ["server", "run", "after", "RSS (MB)", "peak RSS (MB)", "traced by tracemalloc (MB)"]
    sections = [
        "### Where the memory goes (one process, in-process: `python -m benchmark.memory`)",
        table(header, stages),
    ]
    for profile in results.memory_profiles:
        if profile.by_package:
            sections.append(
                f"RSS added by each package {profile.label} imports, imported one by one before "
                "`import server` (a dependency not yet loaded counts with the first package "
                "that imports it):"
            )
            sections.append(table(["package", "RSS added (MB)", "modules"], _package_rows(profile)))
        for title, rows in (("line", profile.by_line), ("file", profile.by_file)):
            if rows:
                sections.append(
                    f"Largest live allocations by {title}, {profile.label}, at the end "
                    "(tracemalloc, first frame):"
                )
                sections.append(
                    table(
                        [title, "MB", "blocks"],
                        [[f"`{r.where}`", number(r.size_mb), str(r.blocks)] for r in rows],
                    )
                )
    return sections
