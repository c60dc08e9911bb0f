"""Every document limit, at the limit and one past it, with its stable error code."""

import pytest
from graphql import parse

from schema import build_schema
from schema.extensions import document_facts
from schema.extensions.limits import Limits
from tests.conftest import DatabaseFactory, Execute, answer_date, make_execute

LIMITS = Limits()


def nested(depth: int) -> str:
    """A query ``depth`` fields deep, cycling office -> host country -> office ..."""
    fields = ['regionalOffice(slug: "nairobi")']
    while len(fields) < depth - 1:
        fields.append("hostCountry" if len(fields) % 2 else "hostedOffices")
    leaf = "alpha3" if fields[-1] == "hostCountry" else "slug"
    return "{ " + " { ".join(fields) + " { " + leaf + " }" * len(fields) + " }"


def aliases(count: int) -> str:
    return "{ " + " ".join(f"a{i}: organisation {{ slug }}" for i in range(count)) + " }"


def directives(count: int) -> str:
    return "{ organisation { " + " ".join("slug @include(if: true)" for _ in range(count)) + " } }"


def tokens(count: int) -> str:
    # "{", "__typename", "}" and one comment per line: comments count as tokens too.
    return "{ __typename\n" + "#\n" * (count - 3) + "}"


def fields(count: int) -> str:
    """``count`` selections, at most 21 per response path (below the 25 fields one path may
    merge): office -> host country -> hosted offices ..., 20 ``__typename`` at each level."""
    parts: list[str] = []
    depth = 0
    remaining = count
    while remaining > 0:
        if remaining >= 2:
            link = "hostCountry" if depth % 2 else "hostedOffices"
            parts.append(('regionalOffice(slug: "nairobi")' if depth == 0 else link) + " {")
            remaining, depth = remaining - 1, depth + 1
        typenames = min(20, remaining)
        parts.append("__typename " * typenames)
        remaining -= typenames
    return "{ " + " ".join(parts) + " }" * depth + " }"


def same_path(count: int) -> str:
    # One office's name in `count` languages: fields of one response path, which conflict.
    languages = ("EN", "FR", "ES")
    names = " ".join(f"name(language: {languages[i % 3]})" for i in range(count))
    return '{ regionalOffice(slug: "nairobi") { ' + names + " } }"


def codes(result: object) -> list[str]:
    errors = getattr(result, "errors", None) or []
    return [error.extensions["code"] for error in errors]


@pytest.mark.parametrize(
    ("document", "limit", "code"),
    [
        (nested, LIMITS.max_depth, "DEPTH_LIMIT_EXCEEDED"),
        (aliases, LIMITS.max_aliases, "TOO_MANY_ALIASES"),
        (directives, LIMITS.max_directives, "TOO_MANY_DIRECTIVES"),
        (tokens, LIMITS.max_tokens, "TOO_MANY_TOKENS"),
        (fields, LIMITS.max_fields, "TOO_MANY_FIELDS"),
    ],
)
async def test_document_limits(execute: Execute, document: object, limit: int, code: str) -> None:
    at_limit = await execute(document(limit))  # type: ignore[operator]
    assert at_limit.errors is None
    past = await execute(document(limit + 1))  # type: ignore[operator]
    assert past.data is None
    assert codes(past) == [code]


async def test_fields_merged_into_one_response_path_are_bounded(execute: Execute) -> None:
    """Validation compares every pair of fields merged into one response path: 249
    conflicting ``name(language: ...)`` (250 fields, 4.8 KB) took 40-140 ms (seconds on a
    busy machine) to refuse with 100 GRAPHQL_VALIDATION_FAILED errors. Now they are counted
    first, in linear time, and refused before validation runs: one error, coded."""
    same = '{ regionalOffice(slug: "nairobi") { ' + "name " * LIMITS.max_same_name + "} }"
    at_limit = await execute(same)
    assert at_limit.errors is None
    assert at_limit.data == {
        "regionalOffice": {"name": "IOM Regional Office for East and Horn of Africa"}
    }
    refused = await execute(same_path(249))
    assert refused.data is None
    assert refused.errors is not None
    assert [(e.message, e.extensions) for e in refused.errors] == [
        (
            "the document selects `regionalOffice.name` 249 times (fragments included), above "
            "the maximum of 25 fields merged into one response path",
            {
                "code": "TOO_MANY_FIELDS",
                "limit": 25,
                "actual": 249,
                "responsePath": "regionalOffice.name",
            },
        )
    ]


@pytest.mark.parametrize(
    "document",
    [
        # 26 fragments of one field each, spread into one selection set
        "{ organisation { "
        + " ".join(f"...F{i}" for i in range(26))
        + " } } "
        + " ".join(f"fragment F{i} on Organisation {{ slug }}" for i in range(26)),
        # the sub-selections of same-named fields are merged: 2 x 13 slugs
        "{ organisation { " + "slug " * 13 + "} organisation { " + "slug " * 13 + "} }",
    ],
)
async def test_fields_merged_through_fragments_and_sub_selections_are_counted(
    execute: Execute, document: str
) -> None:
    refused = await execute(document)
    assert codes(refused) == ["TOO_MANY_FIELDS"]
    assert refused.errors is not None
    assert refused.errors[0].extensions["responsePath"] == "organisation.slug"
    assert refused.errors[0].extensions["actual"] == 26


async def test_depth_error_says_how_deep(execute: Execute) -> None:
    result = await execute(nested(LIMITS.max_depth + 1))
    assert result.errors is not None
    assert result.errors[0].message == (
        f"the operation is {LIMITS.max_depth + 1} fields deep, above the maximum depth of "
        f"{LIMITS.max_depth}"
    )


def through_fragment(depth: int) -> str:
    """``depth`` fields deep, most of them inside a fragment on Country."""
    inner = ["hostedOffices" if i % 2 == 0 else "hostCountry" for i in range(depth - 3)]
    leaf = "slug" if inner[-1] == "hostedOffices" else "alpha3"
    body = " { ".join(inner) + " { " + leaf + " }" * len(inner)
    return (
        '{ regionalOffice(slug: "nairobi") { hostCountry { ...Chain } } } '
        "fragment Chain on Country { " + body + " }"
    )


async def test_depth_counts_fragments(execute: Execute) -> None:
    assert (await execute(through_fragment(LIMITS.max_depth))).errors is None
    assert codes(await execute(through_fragment(LIMITS.max_depth + 1))) == ["DEPTH_LIMIT_EXCEEDED"]


COST_QUERY = "{ countries(first: 100) { nodes { regionalOffice { slug } } } }"  # 1 + 100 + 100


async def test_cost_budget_at_the_limit_and_one_past(databases: DatabaseFactory) -> None:
    engine = databases.new()
    from db.loader import load_dataset
    from db.migrate import upgrade

    upgrade(engine)
    load_dataset(engine)
    execute = make_execute(engine, build_schema(Limits(max_cost=201)))
    at_limit = await execute(COST_QUERY)
    assert at_limit.errors is None
    assert at_limit.extensions == {"cost": {"requested": 201, "maximum": 201}, **answer_date()}
    past = await execute(COST_QUERY.replace("} } }", "} } } organisation { slug }"))
    assert past.data is None
    assert codes(past) == ["QUERY_TOO_COMPLEX"]
    assert past.errors is not None
    assert past.errors[0].message == (
        "the operation's cost is 202, above the maximum of 201: ask for fewer items "
        "(first/last) or fewer nested lists"
    )


async def test_cost_uses_the_datasets_list_sizes(execute: Execute) -> None:
    # 11 offices at most (in force or not), 51 countries per office at most (Europe and
    # Central Asia): first: 100 cannot return more.
    result = await execute(
        "{ regionalOffices(first: 100) { nodes { countries(first: 100) { nodes { alpha3 } } } } }",
        extensions={"cost": {"dryRun": True}},
    )
    assert result.errors is None
    # A dry run answers for no day: no asOf.
    assert result.extensions == {"cost": {"requested": 1 + 11 + 11 + 11 * 51, "maximum": 25000}}


async def test_dry_run_reports_the_cost_without_executing(execute: Execute) -> None:
    result = await execute("{ organisation { slug } }", extensions={"cost": {"dryRun": True}})
    assert result.errors is None
    assert result.data is None
    assert result.extensions == {"cost": {"requested": 1, "maximum": 25000}}


async def test_every_response_reports_its_cost(execute: Execute) -> None:
    result = await execute('{ country(code: "KE") { name regionalOffice { slug } } }')
    assert result.errors is None
    assert result.data == {"country": {"name": "Kenya", "regionalOffice": {"slug": "nairobi"}}}
    assert result.extensions == {"cost": {"requested": 2, "maximum": 25000}, **answer_date()}


def test_a_documents_facts_are_counted_once_and_leave_with_it() -> None:
    document = parse(
        "query Q($x: Boolean!) { a: organisation { slug @include(if: $x) } "
        'regionalOffice(slug: "nairobi") { b: slug } ...F } '
        'fragment F on Query { country(code: "KE") { alpha3 } }'
    )
    before = len(document_facts._facts)
    facts = document_facts.facts_of(document)
    assert facts == document_facts.DocumentFacts(
        fields=6,
        aliases=2,
        directives=1,
        string_literals=("KE", "nairobi"),
        same_name=(1, "regionalOffice.b"),
    )
    assert document_facts.facts_of(document) is facts
    assert len(document_facts._facts) == before + 1
    del document
    assert len(document_facts._facts) == before
