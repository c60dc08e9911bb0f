"""The contract between releases: what changed since the released SDL, and whether
CHANGELOG.md's unreleased section tells clients about it.

``schema/released.graphql`` is the SDL of the last release; ``schema/schema.graphql`` the
current one. graphql-core's ``find_schema_changes`` (the replacement of its deprecated
``find_breaking_changes`` / ``find_dangerous_changes``) classifies every difference:

- a **breaking** change (a field, argument or enum value removed, a type changed, a
  required argument added...) must be listed in the unreleased section as a bullet that
  quotes graphql-core's description in backticks and has a ``Migration:`` line::

      - `Field RegionalOffice.city was removed.`
        Migration: read `RegionalOffice.location`, deprecated since 2026-12-01.

- a removed field, argument, input field or enum value must have been deprecated
  (``@deprecated(reason: ...)``) in the released SDL: deprecate in one release, remove in
  a later one;
- a **dangerous** change (an enum value or an optional argument added, a default changed)
  must be quoted in backticks somewhere in the unreleased section (no migration needed);
- safe changes (added types and fields, descriptions) need nothing.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from graphql import GraphQLSchema, build_schema
from graphql.utilities import (
    BreakingChange,
    BreakingChangeType,
    DangerousChange,
    find_schema_changes,
    resolve_schema_coordinate,
)
from graphql.utilities.resolve_schema_coordinate import (
    ResolvedEnumValue,
    ResolvedField,
    ResolvedFieldArgument,
    ResolvedInputField,
)

RELEASED_SDL_PATH = Path(__file__).resolve().parent / "released.graphql"
UNRELEASED_HEADING = "## Unreleased"
MIGRATION_MARK = "Migration:"

# The coordinate (``Type.field``, ``Type.field(arg:)``, ``Enum.VALUE``) in graphql-core's
# descriptions of removals: its change objects carry no coordinate of their own.
_REMOVED = {
    BreakingChangeType.FIELD_REMOVED: re.compile(r"Field (\S+) was removed\."),
    BreakingChangeType.ARG_REMOVED: re.compile(r"Argument (\S+) was removed\."),
    BreakingChangeType.VALUE_REMOVED_FROM_ENUM: re.compile(r"Enum value (\S+) was removed\."),
}


@dataclass(frozen=True)
class ContractChanges:
    """The breaking and dangerous changes from the released SDL to the current one."""

    breaking: list[BreakingChange]
    dangerous: list[DangerousChange]


def contract_changes(released: GraphQLSchema, current: GraphQLSchema) -> ContractChanges:
    changes = find_schema_changes(released, current)
    return ContractChanges(
        breaking=[change for change in changes if isinstance(change, BreakingChange)],
        dangerous=[change for change in changes if isinstance(change, DangerousChange)],
    )


def unreleased_section(changelog: str) -> str:
    """The text under ``## Unreleased``, up to the next ``## `` heading ('' without one)."""
    _, found, rest = changelog.partition("\n" + UNRELEASED_HEADING + "\n")
    if not found:
        return ""
    return re.split(r"^## ", rest, maxsplit=1, flags=re.MULTILINE)[0]


def bullets(section: str) -> list[str]:
    """Each ``- `` item of ``section`` with its indented continuation lines."""
    items: list[str] = []
    for line in section.splitlines():
        if line.startswith("- "):
            items.append(line)
        elif items and line.startswith(" ") and line.strip():
            items[-1] += "\n" + line
        elif not line.strip() or line.startswith("#"):
            continue
        else:
            items.append(line)  # a paragraph: never a bullet with a migration
    return items


def _was_deprecated(released: GraphQLSchema, change: BreakingChange) -> bool:
    pattern = _REMOVED.get(change.type)
    match = pattern.fullmatch(change.description) if pattern is not None else None
    if match is None:
        return True  # not a removal of something that could carry @deprecated
    element = resolve_schema_coordinate(released, match[1])
    if isinstance(element, ResolvedField):
        return element.field.deprecation_reason is not None
    if isinstance(element, ResolvedInputField):
        return element.input_field.deprecation_reason is not None
    if isinstance(element, ResolvedFieldArgument):
        return element.field_argument.deprecation_reason is not None
    if isinstance(element, ResolvedEnumValue):
        return element.enum_value.deprecation_reason is not None
    return False


def contract_problems(released_sdl: str, current_sdl: str, changelog: str) -> list[str]:
    """What the unreleased section of ``changelog`` fails to say about the changes from
    ``released_sdl`` to ``current_sdl``, one sentence each; [] when nothing is missing."""
    released, current = build_schema(released_sdl), build_schema(current_sdl)
    changes = contract_changes(released, current)
    items = bullets(unreleased_section(changelog))
    problems: list[str] = []
    for change in changes.breaking:
        quoted = f"`{change.description}`"
        listed = [item for item in items if quoted in item]
        if not listed:
            problems.append(f"breaking change not in CHANGELOG.md's unreleased section: {quoted}")
        elif not any(MIGRATION_MARK in item for item in listed):
            problems.append(f"breaking change listed without a `{MIGRATION_MARK}` line: {quoted}")
        if not _was_deprecated(released, change):
            problems.append(
                f"removed without a deprecation in the released SDL: {quoted} "
                "(deprecate it in one release, remove it in a later one)"
            )
    problems += [
        f"dangerous change not in CHANGELOG.md's unreleased section: `{change.description}`"
        for change in changes.dangerous
        if f"`{change.description}`" not in "\n".join(items)
    ]
    return problems
