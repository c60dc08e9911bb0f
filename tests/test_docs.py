"""The documentation a newcomer reads first: every Markdown table of README.md and docs/*.md
renders as a table (markdown-it-py, GitHub's table rules), and the README's one query
answers what the README says it answers."""

import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from service import graphiql
from service import map as world_map
from service.observability import FIXED_OPERATION_LABELS, OTHER_OPERATION
from service.settings import Settings
from tests.conftest import Execute

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# GitHub splits a table row on every "|" not escaped by a backslash, inside code spans too.
CELL_SEPARATOR = re.compile(r"(?<!\\)\|")

# The Configuration table as it was (issue 27): a blank line inside it ends the table, so
# every row after it is raw "|" text, and the CORS row appears twice.
BROKEN_TABLE = """\
| variable | default | meaning |
|---|---|---|
| `IOM_GRAPH_HOST` | `127.0.0.1` | bind address |

| `IOM_GRAPH_ENVIRONMENT` | `production` | accepted, changes nothing |
| `IOM_GRAPH_PORT` | `8000` |
"""


def _cells(line: str) -> int:
    row = line.strip().removeprefix("|").removesuffix("|")
    return len(CELL_SEPARATOR.split(row))


def table_problems(text: str) -> list[str]:
    """Each broken table of ``text``: a row whose cell count differs from its header's (GitHub
    pads or drops cells silently), or a "|" line left as paragraph text."""
    lines = text.splitlines()
    problems = []
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        if token.map is None:
            continue
        start, end = token.map
        if token.type == "table_open":
            columns = _cells(lines[start])
            for number in range(start + 2, end):
                if _cells(lines[number]) != columns:
                    problems.append(f"line {number + 1}: not {columns} cells: {lines[number]}")
        elif token.type == "paragraph_open":
            problems += [
                f"line {number + 1}: a table row rendered as text: {lines[number]}"
                for number in range(start, end)
                if lines[number].lstrip().startswith("|")
            ]
    return problems


def test_the_checker_finds_both_faults_of_the_old_configuration_table() -> None:
    assert table_problems(BROKEN_TABLE) == [
        "line 5: a table row rendered as text: "
        "| `IOM_GRAPH_ENVIRONMENT` | `production` | accepted, changes nothing |",
        "line 6: a table row rendered as text: | `IOM_GRAPH_PORT` | `8000` |",
    ]
    assert table_problems(BROKEN_TABLE.replace("\n\n", "\n")) == [
        "line 5: not 3 cells: | `IOM_GRAPH_PORT` | `8000` |"
    ]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_table_renders(page: Path) -> None:
    assert table_problems(page.read_text(encoding="utf-8")) == []


def test_the_configuration_table_lists_each_setting_once() -> None:
    text = (ROOT / "docs" / "operations-and-scale.md").read_text(encoding="utf-8")
    names = re.findall(r"^\| `(IOM_GRAPH_\w+)`", text, flags=re.MULTILINE)
    assert sorted(names) == sorted(f"IOM_GRAPH_{name.upper()}" for name in Settings.model_fields)


def test_the_readme_is_short_and_links_each_page_it_names() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    linked = set(re.findall(r"\]\((docs/[\w-]+\.md)", readme))
    assert {f"docs/{name}.md" for name in NEW_PAGES} <= linked
    assert all((ROOT / link).is_file() for link in linked)


NEW_PAGES = (
    "api-and-limits",
    "data-and-provenance",
    "structure-over-time",
    "map",
    "federation",
    "operations-and-scale",
    "architecture",
)


async def test_the_readme_query_answers_what_the_readme_shows(execute: Execute) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    query = readme.split("```graphql\n", 1)[1].split("```", 1)[0]
    shown = json.loads(readme.split("```json\n", 1)[1].split("```", 1)[0])
    result = await execute(query)
    assert result.errors is None
    assert {"data": result.data} == shown


def test_the_metrics_section_lists_every_operation_label_and_outcome() -> None:
    text = (ROOT / "docs" / "operations-and-scale.md").read_text(encoding="utf-8")
    section = text.split("### Metrics", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`(\w+)`", section))
    labels = {
        *FIXED_OPERATION_LABELS,
        OTHER_OPERATION,
        *graphiql.operation_names(),
        *world_map.OPERATION_NAMES,
    }
    assert sorted(labels - documented) == []
    # every outcome the service sets (RequestOutcome's default is "ok")
    assigned = {"ok"}
    for path in (ROOT / "service").glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            target, _, value = line.partition(" = ")
            names = [name.strip() for name in target.split(",")]
            if value and "outcome.outcome" in names:
                values = [v.strip() for v in value.split(",")]
                assigned.add(values[names.index("outcome.outcome")].strip('"'))
    assert sorted(assigned) == ["cached", "client_error", "error", "ok", "page", "refused"]
    assert sorted(assigned - documented) == []
