"""Breaking changes against the last release: listed in CHANGELOG.md with a migration, and
removals deprecated first (``schema/compatibility.py``; README "Versioning and deprecation")."""

from pathlib import Path

from graphql import build_schema

from schema.compatibility import (
    RELEASED_SDL_PATH,
    bullets,
    contract_changes,
    contract_problems,
    unreleased_section,
)

ROOT = Path(__file__).resolve().parent.parent

RELEASED = """
type Query {
  "An office."
  office: Office
}

"An office."
type Office {
  "Its slug."
  slug: String!
  "Its city."
  city: String @deprecated(reason: "Use `location`.")
  "Its region."
  region: String
  "Its kind."
  kind: Kind
}

"Kinds."
enum Kind { REGIONAL COUNTRY }
"""


CITY = '"Its city."\n  city: String @deprecated(reason: "Use `location`.")'


def changelog(unreleased: str) -> str:
    return f"# Changelog\n\n## Unreleased\n\n{unreleased}\n## 2026-12-01\n\n- older entries\n"


def test_the_current_schema_states_its_changes_since_the_release() -> None:
    """Read at test time: whatever the SDL holds now, CHANGELOG.md must say it."""
    problems = contract_problems(
        RELEASED_SDL_PATH.read_text(encoding="utf-8"),
        (ROOT / "schema" / "schema.graphql").read_text(encoding="utf-8"),
        (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"),
    )
    assert problems == [], "\n".join(problems)


def test_an_added_field_needs_no_entry() -> None:
    current = RELEASED.replace('"Its slug."', '"Its name."\n  name: String\n  "Its slug."')
    assert contract_problems(RELEASED, current, changelog("")) == []


def test_a_removed_field_fails_until_listed_with_a_migration() -> None:
    current = RELEASED.replace(CITY, "")
    assert contract_problems(RELEASED, current, changelog("")) == [
        "breaking change not in CHANGELOG.md's unreleased section: `Field Office.city was removed.`"
    ]
    without_migration = changelog("- `Field Office.city was removed.`\n")
    assert contract_problems(RELEASED, current, without_migration) == [
        "breaking change listed without a `Migration:` line: `Field Office.city was removed.`"
    ]
    listed = changelog(
        "### Breaking\n- `Field Office.city was removed.`\n  Migration: read `location`.\n"
    )
    assert contract_problems(RELEASED, current, listed) == []


def test_a_listing_in_an_older_release_does_not_count() -> None:
    current = RELEASED.replace(CITY, "")
    text = "# Changelog\n\n## Unreleased\n\n## 2026-12-01\n\n" + (
        "- `Field Office.city was removed.`\n  Migration: read `location`.\n"
    )
    assert unreleased_section(text) == "\n"
    assert len(contract_problems(RELEASED, current, text)) == 1


def test_a_removal_without_deprecation_fails_even_when_listed() -> None:
    current = RELEASED.replace('"Its region."\n  region: String', "")
    listed = changelog("- `Field Office.region was removed.`\n  Migration: none.\n")
    assert contract_problems(RELEASED, current, listed) == [
        "removed without a deprecation in the released SDL: `Field Office.region was removed.` "
        "(deprecate it in one release, remove it in a later one)"
    ]


def test_a_type_change_is_breaking_and_an_enum_value_dangerous() -> None:
    current = RELEASED.replace("slug: String!", "slug: Int!").replace(
        "REGIONAL COUNTRY", "REGIONAL COUNTRY LIAISON"
    )
    changes = contract_changes(build_schema(RELEASED), build_schema(current))
    assert [c.description for c in changes.breaking] == [
        "Field Office.slug changed type from String! to Int!."
    ]
    assert [c.description for c in changes.dangerous] == ["Enum value Kind.LIAISON was added."]
    assert contract_problems(RELEASED, current, changelog("")) == [
        "breaking change not in CHANGELOG.md's unreleased section: "
        "`Field Office.slug changed type from String! to Int!.`",
        "dangerous change not in CHANGELOG.md's unreleased section: "
        "`Enum value Kind.LIAISON was added.`",
    ]
    listed = changelog(
        "- `Field Office.slug changed type from String! to Int!.`\n"
        "  Migration: read it as a number.\n"
        "- `Enum value Kind.LIAISON was added.`\n"
    )
    assert contract_problems(RELEASED, current, listed) == []


def test_bullets_keep_their_continuation_lines() -> None:
    section = "### Contract\n- one\n  Migration: a\n- two\n\nA paragraph.\n"
    assert bullets(section) == ["- one\n  Migration: a", "- two", "A paragraph."]


def test_deprecation_is_read_on_arguments_and_enum_values() -> None:
    released = RELEASED.replace(
        "office: Office", 'office("Old." old: String @deprecated(reason: "Unused.")): Office'
    )
    current = RELEASED.replace("REGIONAL COUNTRY", "REGIONAL")
    listed = changelog(
        "- `Argument Query.office(old:) was removed.`\n  Migration: drop it.\n"
        "- `Enum value Kind.COUNTRY was removed.`\n  Migration: expect REGIONAL.\n"
    )
    assert contract_problems(released, current, listed) == [
        "removed without a deprecation in the released SDL: `Enum value Kind.COUNTRY was "
        "removed.` (deprecate it in one release, remove it in a later one)"
    ]
