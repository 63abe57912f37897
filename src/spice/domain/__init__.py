"""The domain: the ontology model, commands and events as typed dataclasses, the fold of an
aggregate's events, and the deciders that turn a command into events or a refusal.

Rule: this package imports the standard library and nothing else of the project. The one
exception is pure value libraries, used only to parse and normalise values, never to do
I/O, and kept behind one registry each:
- the property types in `spice.domain.types` (phonenumbers, email-validator, pycountry,
  google-re2, and pydantic's URL and colour types through pydantic-extra-types);
- canonical JSON in `spice.domain.canonical` (orjson), because hashes and derived ids must
  be computed from the same text everywhere.
`make lint` enforces the rest with import-linter (frameworks, drivers and engines are
forbidden here, and nothing here imports the outer layers).
"""
