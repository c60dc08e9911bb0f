"""docs/architecture.md, "Adding an entity today": a new entity type declared in its own module
is a ``node`` type and, with ``@key``, a federation entity, with no edit to ``schema/node.py``
or ``schema/federation.py``. Run in a separate process: the type must not join this one's."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NEW_ENTITY = """
import json

import strawberry
from strawberry.schema.config import StrawberryConfig

from db.vocabulary import SubjectType
from schema.build import IomSchema
from schema.dataset_history import Subscription
from schema.entity import KeyedNode
from schema.query import Query
from schema.validity import DATE_SCALAR, Date


@strawberry.federation.type(keys=["slug"], description="A country office.")
class CountryOffice(KeyedNode):
    subject_type = SubjectType.LINK  # a stand-in: db/vocabulary.py is not edited here
    slug: str = strawberry.field(description="Its slug.")


@strawberry.type(description="The root, with the new entity.")
class WithCountryOffice(Query):
    @strawberry.field(description="A country office.")
    def country_office(self) -> CountryOffice | None:
        return None


schema = IomSchema(
    query=WithCountryOffice,
    subscription=Subscription,
    config=StrawberryConfig(scalar_map={Date: DATE_SCALAR}),
)
from schema.federation import check_representation, entity_keys
from schema.node import node_types, parse_global_id

print(json.dumps({
    "nodes": sorted(node_types()),
    "keys": sorted(entity_keys()["CountryOffice"]),
    "entity": schema._schema.type_map["_Entity"].description,
    "parsed": parse_global_id("Q291bnRyeU9mZmljZTprZW55YQ==", "id").node_id,
    "representation": check_representation({"__typename": "CountryOffice", "slug": "k"}, 0),
}))
"""


def test_a_new_entity_type_is_a_node_and_a_federation_entity_by_its_own_declaration() -> None:
    run = subprocess.run(
        [sys.executable, "-c", NEW_ENTITY], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(run.stdout) == {
        "nodes": [
            "Country",
            "CountryOffice",
            "DataQualityNote",
            "Institution",
            "LeadershipPosition",
            "Organisation",
            "RegionalOffice",
        ],
        "keys": ["slug"],
        "entity": "Every type other subgraphs can extend: Country, CountryOffice, Institution, "
        "LeadershipPosition and RegionalOffice.",
        "parsed": "kenya",
        "representation": {"__typename": "CountryOffice", "slug": "k"},
    }
