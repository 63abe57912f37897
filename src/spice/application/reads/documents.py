"""Read side: documents as clients see them, optionally after a given log position."""

from __future__ import annotations

from typing import Any

from spice.application.ports.documents import (
    KIND_BRANCH,
    KIND_CLASS,
    KIND_DATABASE,
    KIND_INSTANCE,
    DocKey,
    Document,
    DocumentReads,
)
from spice.application.reads.views import ClassView, InstanceView, Page, RecordView
from spice.domain import names
from spice.domain.errors import NotFound
from spice.domain.ontology.classes import descendants, lineage
from spice.domain.ontology.instances import each_link
from spice.domain.ontology.model import OntologyClass

MAX_PARSED = 10_000  # class versions kept parsed


class Reader:
    """Looks documents up; raises NotFound with a message a user can act on."""

    def __init__(self, documents: DocumentReads) -> None:
        self.documents = documents
        # Class definitions parsed, by the log position that wrote the version: a version's
        # position names it for good, so searches and lists parse each version once.
        self._parsed: dict[tuple[int, str, str], OntologyClass] = {}

    def _definition(self, doc: Document) -> OntologyClass:
        key = (doc.position, doc.key.db, str(doc.key.cls))
        found = self._parsed.get(key)
        if found is None:
            if len(self._parsed) >= MAX_PARSED:
                self._parsed.clear()
            found = self._parsed[key] = OntologyClass.of(doc.body["data"])
        return found

    def database(self, db: str) -> RecordView:
        names.check_name("database", db, names.DATABASE_NAME)
        doc = self.documents.get(DocKey(KIND_DATABASE, db))
        if doc is None:
            raise NotFound(f"database {db!r} not found", {"database": db, "exists": False})
        return RecordView.of(doc)

    def databases(self, offset: int, limit: int) -> Page[RecordView]:
        docs, total = self.documents.list(KIND_DATABASE, offset=offset, limit=limit)
        return Page([RecordView.of(d) for d in docs], total)

    def branch(self, db: str, branch: str) -> RecordView:
        self.database(db)
        doc = self.documents.get(DocKey(KIND_BRANCH, db, branch))
        if doc is None:
            raise NotFound(f"branch {branch!r} not found in {db!r}", {"branch": branch})
        return RecordView.of(doc)

    def branches(self, db: str) -> Page[RecordView]:
        self.database(db)
        docs, total = self.documents.list(KIND_BRANCH, db, limit=1000)
        return Page([RecordView.of(d) for d in docs], total)

    def ontology_class(
        self, db: str, branch: str, class_id: str, as_of: int | None = None
    ) -> ClassView:
        self.branch(db, branch)
        names.check_name("class", class_id, names.CLASS_ID)
        doc = self.documents.get(DocKey(KIND_CLASS, db, branch, class_id), as_of=as_of)
        if doc is None:
            raise NotFound(f"class {class_id!r} not found in {db!r}", {"class_id": class_id})
        return ClassView.of(doc, self._definition(doc))

    def classes(
        self, db: str, branch: str, offset: int, limit: int, as_of: int | None = None
    ) -> Page[ClassView]:
        self.branch(db, branch)
        docs, total = self.documents.list(
            KIND_CLASS, db, branch, offset=offset, limit=limit, as_of=as_of
        )
        return Page([ClassView.of(d, self._definition(d)) for d in docs], total)

    def instance(
        self, db: str, branch: str, class_id: str, instance_id: str, as_of: int | None = None
    ) -> InstanceView:
        self.ontology_class(db, branch, class_id, as_of)
        names.check_name("instance id", instance_id, names.INSTANCE_ID)
        key = DocKey(KIND_INSTANCE, db, branch, class_id, instance_id)
        doc = self.documents.get(key, as_of=as_of)
        if doc is None:
            raise NotFound(
                f"instance {class_id}/{instance_id} not found",
                {"class_id": class_id, "instance_id": instance_id},
            )
        return InstanceView.of(doc)

    def instances(
        self,
        db: str,
        branch: str,
        class_id: str,
        offset: int,
        limit: int,
        include_subclasses: bool = True,
        as_of: int | None = None,
    ) -> Page[InstanceView]:
        """Live instances of the class, and of its subclasses unless told otherwise."""
        self.ontology_class(db, branch, class_id, as_of)
        classes = (
            self.descendants(db, branch, class_id, as_of) if include_subclasses else [class_id]
        )
        docs, total = self.documents.list(KIND_INSTANCE, db, branch, classes, offset, limit, as_of)
        return Page([InstanceView.of(d) for d in docs], total)

    def descendants(
        self, db: str, branch: str, class_id: str, as_of: int | None = None
    ) -> list[str]:
        """The class and every class that extends it, directly or not."""
        docs, _ = self.documents.list(KIND_CLASS, db, branch, limit=100_000, as_of=as_of)
        definitions = (self._definition(d) for d in docs)
        return [class_id, *descendants(definitions, class_id)]

    def class_definitions(
        self, db: str, branch: str, as_of: int | None = None
    ) -> list[OntologyClass]:
        """The live classes of the branch (as of a position), by id."""
        self.branch(db, branch)
        docs, _ = self.documents.list(KIND_CLASS, db, branch, limit=100_000, as_of=as_of)
        return [self._definition(d) for d in docs]

    def links(
        self, db: str, branch: str, class_id: str, instance_id: str, limit: int = 1000
    ) -> dict[str, list[dict[str, Any]]]:
        """Links out of an instance, and into it (each under the relationship's inverse
        name, or `^predicate`). Incoming links are found by scanning the instances of the
        classes whose relationships point here."""
        found = self.instance(db, branch, class_id, instance_id)
        classes = {c.id: c for c in self.class_definitions(db, branch)}
        chain = lineage(classes, class_id)
        outgoing = [
            {"predicate": rel.predicate, "target": ref}
            for cls in chain
            for rel, ref in each_link(classes[cls], found.data)
        ]
        me = f"{class_id}/{instance_id}"
        incoming: list[dict[str, Any]] = []
        for source in classes.values():
            for rel in source.relationships:
                if rel.target not in chain:
                    continue
                sources = self.descendants(db, branch, source.id)
                offset = 0
                while len(incoming) < limit:
                    docs, total = self.documents.list(
                        KIND_INSTANCE, db, branch, sources, offset, 1000
                    )
                    for doc in docs:
                        value = doc.body["data"].get(rel.predicate)
                        if value == me or (isinstance(value, list) and me in value):
                            incoming.append(
                                {
                                    "predicate": rel.inverse or f"^{rel.predicate}",
                                    "via": rel.predicate,
                                    "source": f"{doc.key.cls}/{doc.key.id}",
                                }
                            )
                    offset += len(docs)
                    if offset >= total or not docs:
                        break
        return {"outgoing": outgoing, "incoming": incoming[:limit]}
