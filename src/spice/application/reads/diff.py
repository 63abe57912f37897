"""Diff between two refs: what the schema (classes, properties, relationships) and the data
(instances, property by property) look like on one against the other.

Only documents written after the two refs' common history can differ, so the data diff
looks at those alone (what each side's levels wrote past the shared cut), not at every
instance: its cost follows the size of the change, not of the database."""

from __future__ import annotations

from typing import Any

from spice.application.ports.documents import (
    KIND_CLASS,
    KIND_INSTANCE,
    Document,
    DocumentReads,
    NodeRef,
)
from spice.application.reads.history import History, View
from spice.domain.branching import Lineage, earlier
from spice.domain.ontology.model import OntologyClass


def _by_name(items: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {str(item[key]): item for item in items}


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Each key whose value differs, with both values (None when absent)."""
    return [
        {"property": k, "old": old.get(k), "new": new.get(k)}
        for k in sorted({*old, *new})
        if old.get(k) != new.get(k)
    ]


def _members(old: list[dict[str, Any]], new: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """Properties (or relationships) added, removed and changed between two definitions."""
    before, after = _by_name(old, key), _by_name(new, key)
    return {
        "added": [after[n] for n in sorted(after.keys() - before.keys())],
        "removed": [before[n] for n in sorted(before.keys() - after.keys())],
        "changed": [
            {key: n, "changes": _changes(before[n], after[n])}
            for n in sorted(before.keys() & after.keys())
            if before[n] != after[n]
        ],
    }


class Diffs:
    """Diffs between refs (see `History.view`)."""

    def __init__(self, documents: DocumentReads, history: History) -> None:
        self.documents = documents
        self.history = history

    def _lineage(self, db: str, view: View) -> Lineage:
        return self.documents.lineage(db, view[0], view[1])

    def candidates(self, db: str, a: Lineage, b: Lineage, kind: str) -> list[NodeRef]:
        """Documents that may differ: those each side's levels wrote past what the two
        sides share of that level."""
        found: set[NodeRef] = set()
        for mine, theirs in ((a, b), (b, a)):
            cuts = {level.branch: level.until for level in theirs}
            for level in mine:
                shared = earlier(level.until, cuts[level.branch]) if level.branch in cuts else -1
                if level.branch in cuts and shared == level.until:
                    continue
                found |= self.documents.written_between(db, level.branch, kind, shared, level.until)
        return sorted(found)

    def schema(self, db: str, base: View, target: View) -> dict[str, Any]:
        """Classes added, removed and changed (with their properties and relationships)."""

        def classes(view: View) -> dict[str, dict[str, Any]]:
            docs, _ = self.documents.list(KIND_CLASS, db, view[0], limit=100_000, as_of=view[1])
            # Compared in their canonical form: every key there, whatever shape stored it.
            return {d.key.cls: OntologyClass.of(d.body["data"]).canonical() for d in docs}

        old, new = classes(base), classes(target)
        changed = []
        for cid in sorted(old.keys() & new.keys()):
            if old[cid] == new[cid]:
                continue
            rest = {k: v for k, v in old[cid].items() if k not in {"properties", "relationships"}}
            now = {k: v for k, v in new[cid].items() if k not in {"properties", "relationships"}}
            changed.append(
                {
                    "class_id": cid,
                    "changes": _changes(rest, now),
                    "properties": _members(old[cid]["properties"], new[cid]["properties"], "name"),
                    "relationships": _members(
                        old[cid]["relationships"], new[cid]["relationships"], "predicate"
                    ),
                }
            )
        return {
            "counts": {
                "added": len(new.keys() - old.keys()),
                "removed": len(old.keys() - new.keys()),
                "changed": len(changed),
            },
            "added": [new[c] for c in sorted(new.keys() - old.keys())],
            "removed": [old[c] for c in sorted(old.keys() - new.keys())],
            "changed": changed,
        }

    def data(self, db: str, base: View, target: View, offset: int, limit: int) -> dict[str, Any]:
        """Instances added, removed and changed from `base` to `target`, counts first, then
        a page of them in (class, id) order, each change with old and new values."""
        keys = self.candidates(
            db, self._lineage(db, base), self._lineage(db, target), KIND_INSTANCE
        )
        before = self.documents.instances(db, base[0], keys, base[1])
        after = self.documents.instances(db, target[0], keys, target[1])
        items: list[dict[str, Any]] = []
        counts = {"added": 0, "removed": 0, "changed": 0}
        for key in keys:
            change = instance_change(key, before.get(key), after.get(key))
            if change is not None:
                counts[change["change"]] += 1
                items.append(change)
        page = items[offset : offset + limit]
        more = offset + len(page) < len(items)
        return {
            "counts": counts,
            "total": len(items),
            "items": page,
            "offset": offset,
            "limit": limit,
            "next_offset": offset + len(page) if more else None,
        }

    def diff(
        self, db: str, base_ref: str, target_ref: str, offset: int, limit: int
    ) -> dict[str, Any]:
        self.history.reader.database(db)
        base, target = self.history.view(db, base_ref), self.history.view(db, target_ref)
        return {
            "from": {"ref": base_ref, "branch": base[0], "position": base[1]},
            "to": {"ref": target_ref, "branch": target[0], "position": target[1]},
            "schema": self.schema(db, base, target),
            "data": self.data(db, base, target, offset, limit),
        }


def instance_change(
    key: NodeRef, old: Document | None, new: Document | None
) -> dict[str, Any] | None:
    was = old is not None and not old.deleted
    now = new is not None and not new.deleted
    ref = {"class_id": key[0], "instance_id": key[1]}
    if was and now:
        assert old is not None and new is not None
        changes = _changes(old.body["data"], new.body["data"])
        if not changes:
            return None
        return {
            **ref,
            "change": "changed",
            "properties": changes,
            "old_sequence": old.seq,
            "new_sequence": new.seq,
        }
    if now:
        assert new is not None
        return {**ref, "change": "added", "values": new.body["data"], "new_sequence": new.seq}
    if was:
        assert old is not None
        return {**ref, "change": "removed", "values": old.body["data"], "old_sequence": old.seq}
    return None
