"""The dataset as files: a Frictionless Data Package (``datapackage.json``, one CSV per table)
and the same content as one JSON document, built from one ``InMemoryDataset``, the very
object GraphQL answers from, so a file and an answer of one version never disagree.

``package.Package(dataset, period, language)`` is the whole package (``tables``: its columns
and keys; ``rows``: its rows; ``licence``: the licences); the service serves its files under
``/data/`` (``service.data_routes``) and ``python -m resolvers.open_data export DIR`` writes
them to a directory (``export``: whole or not at all).
"""
