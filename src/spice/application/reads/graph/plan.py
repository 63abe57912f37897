"""Planning a graph query: every hop checked against the ontology, loaded once."""

from __future__ import annotations

from spice.application.reads.documents import Reader
from spice.application.reads.graph.query import GraphQuery, Hop, Plan
from spice.application.reads.search import SearchService, field_types
from spice.domain.errors import BadRequest
from spice.domain.ontology.classes import descendants, lineage
from spice.domain.ontology.model import OntologyClass

Classes = dict[str, OntologyClass]


def plan_query(reader: Reader, searches: SearchService, q: GraphQuery) -> Plan:
    """The start classes and the classes each hop may land on; BadRequest naming the hop
    that does not fit the ontology."""
    reader.ontology_class(q.db, q.branch, q.start_class, q.as_of)
    classes = {c.id: c for c in reader.class_definitions(q.db, q.branch, q.as_of)}
    start = _below(classes, q.start_class)
    if q.filter is not None:
        searches.check_filter(q.filter, field_types(classes, start))
    current = q.start_class
    hops: list[tuple[Hop, set[str]]] = []
    for i, hop in enumerate(q.hops):
        target = _hop_target(classes, current, i, hop)
        hops.append((hop, set(_below(classes, target))))
        current = target
    return Plan(start, hops)


def _hop_target(classes: Classes, current: str, i: int, hop: Hop) -> str:
    """The class hop `i` from `current` lands on."""
    if hop.target_class is not None and hop.target_class not in classes:
        raise BadRequest(f"hop {i}: unknown class {hop.target_class!r}", {"hop": i})
    if hop.reverse and hop.target_class is None:
        raise BadRequest(f"hop {i}: a reverse hop needs target_class", {"hop": i})
    near = _family(classes, current)
    # A relationship may be declared on the class, an ancestor or a subclass (then only the
    # subclass's instances have the link).
    owners = _family(classes, hop.target_class) if hop.reverse else near
    rels = [
        rel
        for cls in sorted(owners)
        for rel in classes[cls].relationships
        if rel.predicate == hop.predicate and (not hop.reverse or rel.target in near)
    ]
    if not rels:
        direction = "pointing at" if hop.reverse else "of"
        raise BadRequest(
            f"hop {i}: no relationship {hop.predicate!r} {direction} class {current!r}",
            {"hop": i, "class": current, "predicate": hop.predicate},
        )
    targets = sorted({rel.target for rel in rels})
    if hop.target_class is None and len(targets) > 1:
        raise BadRequest(
            f"hop {i}: {hop.predicate!r} leads to {', '.join(targets)}; "
            "name the one to follow in target_class",
            {"hop": i, "leads_to": targets},
        )
    target = hop.target_class or targets[0]
    if not hop.reverse and not any(target in _family(classes, rel.target) for rel in rels):
        raise BadRequest(
            f"hop {i}: {hop.predicate!r} leads to {rels[0].target!r}, not to {target!r}",
            {"hop": i, "target_class": target, "leads_to": rels[0].target},
        )
    return target


def _below(classes: Classes, cls: str) -> list[str]:
    """The class and every class that extends it."""
    return [cls, *descendants(classes.values(), cls)]


def _family(classes: Classes, cls: str | None) -> set[str]:
    """The class with its ancestors and its subclasses."""
    if cls is None:
        return set()
    return {*lineage(classes, cls), *_below(classes, cls)}
