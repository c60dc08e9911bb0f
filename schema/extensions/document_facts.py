"""What the guards count in a parsed document, counted once per document.

The guards that run before every execution (``FieldCountLimit``, ``RejectNulCharacters``)
read facts of the document alone: its fields, aliases, directives, string literals. Walking
the document for them took 0.3 ms of each nested query of the PostGraphile comparison, 8 % of
its server CPU, although strawberry's parser cache hands the same document object to every
request of the same query. So the facts are kept beside each document while it lives, found
by its identity (a document's own ``__hash__`` walks the whole tree: 50 µs here). An entry
leaves with its document, so this holds no more than the parser cache does. No library keeps
per-document data for graphql-core's AST.
"""

from dataclasses import dataclass
from typing import Any

from graphql import (
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    StringValueNode,
)

from schema.identity_memo import IdentityMemo


def walk(node: Any) -> Any:
    """Every AST node below ``node`` (iterative, so deep documents cannot overflow)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        for key in current.keys:
            value = getattr(current, key, None)
            if isinstance(value, tuple | list):
                stack.extend(v for v in value if hasattr(v, "keys"))
            elif hasattr(value, "keys") and not isinstance(value, str):
                stack.append(value)


@dataclass(frozen=True, slots=True)
class DocumentFacts:
    """Counts over a whole document, fragments included (each counted once)."""

    fields: int
    aliases: int
    directives: int
    string_literals: tuple[str, ...]
    # The most fields merged into one response path, and that path ("country.name").
    same_name: tuple[int, str]

    @classmethod
    def of(cls, document: DocumentNode) -> "DocumentFacts":
        fields = aliases = directives = 0
        strings: list[str] = []
        for node in walk(document):
            if isinstance(node, FieldNode):
                fields += 1
                aliases += node.alias is not None
            elif isinstance(node, DirectiveNode):
                directives += 1
            elif isinstance(node, StringValueNode):
                strings.append(node.value)
        return cls(fields, aliases, directives, tuple(strings), _most_same_name(document))


# Fields visited while merging response paths: past it the merge stops (a fragment cycle or
# a fragment bomb, which validation or the cost refuses anyway); no real document comes near.
MERGE_VISIT_BUDGET = 20_000


def _most_same_name(document: DocumentNode) -> tuple[int, str]:
    """The most fields that share one response path once graphql-core merges selections
    (inline fragments and each spread fragment included, same-named fields' sub-selections
    merged), and that path.

    graphql-core's ``OverlappingFieldsCanBeMergedRule`` compares every pair of fields of a
    merged response path: 250 ``name(language: ...)`` in one selection set took seconds to
    refuse (issue 22.6). This merge visits each field once per path it reaches."""
    fragments = {
        d.name.value: d.selection_set
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    pending = [
        ("", [d.selection_set])
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode | FragmentDefinitionNode)
    ]
    most, visits = (0, ""), 0
    while pending and visits < MERGE_VISIT_BUDGET:
        path, selection_sets = pending.pop()
        groups: dict[str, list[FieldNode]] = {}
        spread: set[str] = set()
        while selection_sets:
            for selection in selection_sets.pop().selections:
                visits += 1
                if isinstance(selection, FieldNode):
                    name = (selection.alias or selection.name).value
                    groups.setdefault(name, []).append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    selection_sets.append(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    fragment = selection.name.value
                    if fragment in fragments and fragment not in spread:
                        spread.add(fragment)  # graphql-core compares a fragment once
                        selection_sets.append(fragments[fragment])
        for name, fields in groups.items():
            most = max(most, (len(fields), path + name))
            below = [f.selection_set for f in fields if f.selection_set is not None]
            if below:
                pending.append((f"{path}{name}.", below))
    return most


_facts: IdentityMemo[DocumentNode, DocumentFacts] = IdentityMemo()


def facts_of(document: DocumentNode) -> DocumentFacts:
    """``document``'s facts, counted on the first request that brings this document."""
    return _facts.get(document, DocumentFacts.of)
