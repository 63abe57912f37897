"""Access rules, declared beside the routes they guard: `@needs(VIEWER)` under a route's
decorators says who may call it, and `access.AccessMiddleware` checks the rule of the
route a request matches before the route runs. A route without a rule is refused (403),
and the access-matrix test, generated from the route table, fails for it.

Rules: `open` (anyone, signed in or not), `user` (anyone signed in), `self` (the route
checks the caller against what it acts on), `socket` (a WebSocket, which may also sign in
by its first message: the route checks), `admin`, and on a database (the `{db}` of the
path) `viewer`, `editor` or `owner`, each allowing what the ones before it allow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from starlette.routing import BaseRoute

from spice.domain.deciders.users import ROLES

OPEN, USER, SELF, SOCKET, ADMIN = "open", "user", "self", "socket", "admin"
VIEWER, EDITOR, OWNER = ROLES
NAMES = (OPEN, USER, SELF, SOCKET, ADMIN, *ROLES)
ATTRIBUTE = "__spice_rule__"

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


@dataclass(frozen=True)
class Rule:
    """Who may call a route; `on_deleted`: the route acts on a deleted database (restore,
    purge), where every other route on one answers 404."""

    name: str
    on_deleted: bool = False


def needs(name: str, *, on_deleted: bool = False) -> Callable[[Endpoint], Endpoint]:
    """Declare the rule of the route(s) an endpoint serves (put it under the route's
    decorators, so that it is set before the route is made)."""
    if name not in NAMES:
        raise ValueError(f"unknown access rule {name!r}: one of {NAMES}")

    def declare(endpoint: Endpoint) -> Endpoint:
        setattr(endpoint, ATTRIBUTE, Rule(name, on_deleted))
        return endpoint

    return declare


def rule_of(route: BaseRoute) -> Rule | None:
    """The rule declared for a route's endpoint, or for the app a mount serves (None:
    none declared)."""
    target = getattr(route, "endpoint", None) or getattr(route, "app", None)
    rule = getattr(target, ATTRIBUTE, None)
    return rule if isinstance(rule, Rule) else None


def route_methods(route: BaseRoute) -> list[str]:
    """The methods a route answers, as rules name them: `WS` for a WebSocket, HEAD left
    out (it runs as GET)."""
    methods = getattr(route, "methods", None)
    if methods is None:
        return ["WS"]
    return sorted(m for m in methods if m != "HEAD")


def table(routes: list[BaseRoute]) -> dict[str, dict[str, str]]:
    """Rules by path and method, for the routes that declare one (the OpenAPI document
    and the tests read them so)."""
    found: dict[str, dict[str, str]] = {}
    for route in routes:
        rule = rule_of(route)
        if rule is not None:
            path = str(getattr(route, "path", ""))
            for method in route_methods(route):
                found.setdefault(path, {})[method] = rule.name
    return found
