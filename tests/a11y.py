"""axe-core in a page driven by playwright, for the accessibility checks of the map and
GraphiQL. axe-core is pinned in ``tests/a11y/package.json`` (``.ci/services`` installs it); it
runs through ``page.evaluate``, which the pages' Content-Security-Policy does not govern, so
the pages are checked as served."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.x A and AA, and axe's best practices (landmarks, one main, a heading).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page: Page, exclude: list[str] | None = None) -> list[dict[str, Any]]:
    """axe-core's violations on ``page`` as it is now (each rule with the nodes it flags),
    leaving out the elements matched by the CSS selectors in ``exclude``."""
    if not AXE.is_file():
        pytest.fail("axe-core is missing: run .ci/services (npm ci in tests/a11y)", pytrace=False)
    page.evaluate(AXE.read_text(encoding="utf-8"))
    context = {"include": [["html"]], "exclude": [[selector] for selector in exclude or []]}
    results: dict[str, Any] = page.evaluate(
        "([context, tags]) => axe.run(context, {runOnly: {type: 'tag', values: tags}})",
        [context, TAGS],
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "nodes": [node["target"] for node in violation["nodes"]],
        }
        for violation in results["violations"]
    ]
