"""One vocabulary: the GraphQL enums, db.vocabulary and the dataset file agree (issue 10).

``db.rules`` refuses a dataset value outside ``db.vocabulary``; these tests keep the schema's
enums equal to it, so a value the dataset may hold is always one the schema can serve.
"""

from enum import Enum, StrEnum

import pytest

from db import vocabulary
from schema.coverage_evidence import CoverageEvidenceKind
from schema.institution import InstitutionKind
from schema.language import Language
from schema.link import RelationshipKind
from schema.provenance import Confidence, Severity
from schema.validity import DatePrecision, SuccessionKind
from tests.dataset_facts import curated

SCHEMA_ENUMS = [
    (RelationshipKind, vocabulary.RelationshipKindSlug),
    (InstitutionKind, vocabulary.InstitutionKindSlug),
    (Confidence, vocabulary.ConfidenceLevel),
    (CoverageEvidenceKind, vocabulary.CoverageEvidenceKind),
    (Severity, vocabulary.SeverityLevel),
    (Language, vocabulary.LanguageCode),
    (DatePrecision, vocabulary.DatePrecision),
    (SuccessionKind, vocabulary.SuccessionKind),
]
DATASET_SECTIONS = [
    ("relationship_kinds", vocabulary.RelationshipKindSlug),
    ("institution_kinds", vocabulary.InstitutionKindSlug),
    ("confidence_levels", vocabulary.ConfidenceLevel),
    ("languages", vocabulary.LanguageCode),
]


def members(enum: type[Enum]) -> dict[str, str]:
    return {member.name: member.value for member in enum}


@pytest.mark.parametrize(
    ("schema_enum", "db_vocabulary"), SCHEMA_ENUMS, ids=[s.__name__ for s, _ in SCHEMA_ENUMS]
)
def test_each_schema_enum_has_exactly_the_db_vocabulary(
    schema_enum: type[Enum], db_vocabulary: type[StrEnum]
) -> None:
    assert members(schema_enum) == members(db_vocabulary)


@pytest.mark.parametrize(
    ("section", "db_vocabulary"), DATASET_SECTIONS, ids=[s for s, _ in DATASET_SECTIONS]
)
def test_the_dataset_declares_exactly_the_db_vocabulary(
    section: str, db_vocabulary: type[StrEnum]
) -> None:
    assert list(curated()[section]) == [member.value for member in db_vocabulary]


def test_relationship_kinds_are_described_as_in_the_dataset() -> None:
    definition = RelationshipKind.__strawberry_definition__  # type: ignore[attr-defined]
    described = {value.value: value.description for value in definition.values}
    assert described == curated()["relationship_kinds"]
    assert len(described) == 19
