"""The OpenAPI document made exact where FastAPI cannot see: the identifier rules each path
and query parameter is checked against (so a client or a fuzzer can make valid ids), and
for each operation only the error statuses it can answer (so a status the document does
not name is a finding, not noise)."""

from __future__ import annotations

import re
from typing import Any

from spice.domain import names

# Parameters named alike are checked against the same rule wherever they appear.
PATTERNS: dict[str, tuple[re.Pattern[str], int]] = {
    "db": (names.DATABASE_NAME, 63),
    "branch": (names.BRANCH_NAME, names.BRANCH_MAX),
    "from_branch": (names.BRANCH_NAME, names.BRANCH_MAX),
    "class_id": (names.CLASS_ID, 100),
    "instance_id": (names.INSTANCE_ID, 255),
    "username": (names.USERNAME, 100),
    "key_id": (names.API_KEY_ID, 32),
}
# Any operation: a Host header the server does not answer to or a malformed request (400),
# the rate limit (429), a store that is down (503), and credentials that do not verify
# (401: a bad token is refused on every route).
ALWAYS = {"400", "401", "429", "503"}
WAITS = {"wait", "timeout", "min_position"}
METHODS = ("get", "post", "put", "patch", "delete")


def _with_pattern(parameter: dict[str, Any]) -> None:
    found = PATTERNS.get(str(parameter.get("name")))
    schema = parameter.get("schema")
    if found is None or not isinstance(schema, dict) or schema.get("type") != "string":
        return
    pattern, longest = found
    schema["pattern"] = pattern.pattern
    schema["maxLength"] = min(int(schema.get("maxLength", longest)), longest)


def _possible(method: str, op: dict[str, Any], open_route: bool) -> set[str]:
    """The error statuses an operation can answer."""
    params = op.get("parameters", [])
    given = {str(p.get("name")) for p in params}
    body = "requestBody" in op
    possible = set(ALWAYS)
    if not open_route:
        possible.add("403")
    if any(p.get("in") == "path" for p in params) or method != "get":
        possible.add("404")
    if given & WAITS or body:
        possible.add("408")  # a wait ran out, or a body that did not arrive in time
    if method != "get":
        possible.add("409")
    if body:
        possible.add("413")
    if params or body:
        possible.add("422")
    return possible


def refine(spec: dict[str, Any], rules: dict[str, dict[str, str]]) -> dict[str, Any]:
    """`spec` with identifier patterns on its parameters and, on each operation, only the
    error statuses it can answer and its access rule (`x-spice-access`); `rules` are the
    access rules by path and method."""
    # The document names a path parameter without its converter: {branch}, not {branch:path}.
    rules = {re.sub(r"\{(\w+):\w+\}", r"{\1}", path): r for path, r in rules.items()}
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            for parameter in op.get("parameters", []):
                _with_pattern(parameter)
            rule = rules.get(path, {}).get(method.upper())
            if rule is not None:
                op["x-spice-access"] = rule
            possible = _possible(method, op, rule == "open")
            responses = op.get("responses", {})
            for status in [s for s in responses if s[0] in "45" and s not in possible]:
                del responses[status]
    return spec
