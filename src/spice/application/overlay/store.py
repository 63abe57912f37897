"""The document read model as one object per adapter: the adapter answers the levels
(`ports.document_levels`), the projection's writes and the commits; every read of a
branch or of a past position is answered here, by the overlay rule over those levels."""

from __future__ import annotations

from collections.abc import Sequence

from spice.application.overlay import pages
from spice.application.overlay.edges import edges_in
from spice.application.overlay.pages import heads_in, lookup_in
from spice.application.overlay.rule import overlaid, owners
from spice.application.ports.commits import DocumentHistory
from spice.application.ports.document_levels import DocumentLevels
from spice.application.ports.document_projection import DocumentProjection
from spice.application.ports.documents import (
    KIND_BRANCH,
    KIND_INSTANCE,
    DocKey,
    Document,
    EdgeRows,
    NodeRef,
    NodeRefs,
    plain,
)
from spice.application.ports.graph import GraphReads
from spice.domain.branching import Lineage


class DocumentStore(GraphReads, DocumentHistory, DocumentProjection, DocumentLevels):
    """Documents, graph edges and commits of every database and branch, in generations.
    Reads use the active generation; on a `branch` they see what that branch sees, with
    `as_of` (a log position) as it was then."""

    def branch_document(self, db: str, branch: str) -> Document | None:
        return self.get(DocKey(KIND_BRANCH, db, branch), include_deleted=True)

    def get(
        self, key: DocKey, include_deleted: bool = False, as_of: int | None = None
    ) -> Document | None:
        lineage = self.read_lineage(key.kind, key.db, key.branch, as_of)
        ref = (key.cls, key.id)
        with self.levels() as view:
            doc = overlaid(lineage, [ref], lookup_in(view, key.kind, key.db)).get(ref)
        if doc is None or (doc.deleted and not include_deleted):
            return None
        return doc

    def list(
        self,
        kind: str,
        db: str | None = None,
        branch: str | None = None,
        cls: str | Sequence[str] | None = None,
        offset: int = 0,
        limit: int = 100,
        as_of: int | None = None,
    ) -> tuple[list[Document], int]:
        classes = [cls] if isinstance(cls, str) else cls
        lineage = self.read_lineage(kind, db, branch, as_of)
        with self.levels() as view:
            if plain(lineage):
                return view.documents_now(kind, db, branch, classes, offset, limit)
            # Page over keys, then read the page's documents: sorting every document's
            # body to skip `offset` of them is what made deep pages slow.
            keys, total = pages.page(view, kind, str(db), lineage, classes, offset, limit)
            docs = overlaid(lineage, keys, lookup_in(view, kind, str(db)))
        return [docs[k] for k in keys if k in docs], total

    def instances(
        self, db: str, branch: str, refs: Sequence[NodeRef], as_of: int | None = None
    ) -> dict[NodeRef, Document]:
        lineage = self.lineage(db, branch, as_of)
        with self.levels() as view:
            return overlaid(lineage, refs, lookup_in(view, KIND_INSTANCE, db))

    def instance_versions(
        self, db: str, branch: str, refs: Sequence[NodeRef], as_of: int | None = None
    ) -> dict[NodeRef, tuple[int, bool]]:
        lineage = self.lineage(db, branch, as_of)
        with self.levels() as view:
            found = owners(lineage, refs, heads_in(view, KIND_INSTANCE, db))
        return {ref: head for ref, (_, head) in found.items()}

    def instance_refs(
        self,
        db: str,
        branch: str,
        classes: Sequence[str],
        after: NodeRef | None,
        limit: int,
        as_of: int | None = None,
    ) -> NodeRefs:
        lineage = self.lineage(db, branch, as_of)
        with self.levels() as view:
            return pages.refs_after(view, KIND_INSTANCE, db, lineage, classes, after, limit)

    def differences(
        self, db: str, lineage: Lineage, classes: Sequence[str], since: int, cap: int
    ) -> set[NodeRef] | None:
        with self.levels() as view:
            return pages.differences(view, KIND_INSTANCE, db, lineage, classes, since, cap)

    def written_between(
        self, db: str, branch: str, kind: str, after: int | None, until: int | None
    ) -> set[tuple[str, str]]:
        with self.levels() as view:
            return view.written_between(kind, db, branch, after, until)

    def edges(
        self,
        db: str,
        branch: str,
        nodes: Sequence[NodeRef],
        predicate: str,
        reverse: bool,
        as_of: int | None = None,
    ) -> EdgeRows:
        lineage = self.lineage(db, branch, as_of)
        with self.levels() as view:
            return edges_in(view, db, lineage, nodes, predicate, reverse)
