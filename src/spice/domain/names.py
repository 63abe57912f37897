"""Identifier rules and aggregate ids (which embed database and branch)."""

from __future__ import annotations

import re
import unicodedata

from spice.domain.errors import ValidationFailed, field_error

DATABASE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,62}$")
# A branch name is one git would take for a branch (`git check-ref-format --branch`):
# slash-separated components, none empty, none starting or ending with a dot, no `..`,
# none ending in `.lock` (checked in `check_branch`), and not `HEAD`; so a client that
# normalises a URL (`x/../main`) never reaches another branch.
BRANCH_NAME = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*(?:/[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)*$"
)
BRANCH_MAX = 100
CLASS_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,99}$")
PROPERTY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")
# A dataset is named in its file's own language (`재고`, `commandes`, `orders`): letters and
# digits of any script (Python's Unicode `\w`), then `_`, `.` or `-` too; no space, slash,
# colon or other mark, so that the name is one path segment of a URL (percent-encoded) and
# one part of an aggregate id. Clients give names in NFC, as `dataset_name` makes them.
DATASET_NAME = re.compile(r"^[^\W_][\w.-]{0,99}$")
MAPPING_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
CONNECTOR_NAME = MAPPING_NAME
INSTANCE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.~-]{0,254}$")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.@-]{0,99}$")
API_KEY_ID = re.compile(r"^[a-z0-9]{8,32}$")

MAIN_BRANCH = "main"


def dataset_name_for(filename: str) -> str:
    """The dataset name of a file (`재고.csv` -> `재고`, `Stock List.xlsx` -> `Stock_List`):
    its stem in NFC, each run of characters a name may not hold made one `_`."""
    stem = filename.rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem.lstrip(".") else stem
    made = re.sub(r"[^\w.-]+", "_", unicodedata.normalize("NFC", stem)).strip("_.-")
    return made[:100] or "dataset"


def is_branch_name(value: object) -> bool:
    """Whether `value` is a name a branch may have (see BRANCH_NAME)."""
    return (
        isinstance(value, str)
        and len(value) <= BRANCH_MAX
        and value != "HEAD"
        and BRANCH_NAME.fullmatch(value) is not None
        and not any(part.endswith(".lock") for part in value.split("/"))
    )


def check_branch(value: object, path: str | None = None) -> str:
    """Return `value` if it is a branch name git would take, else raise ValidationFailed."""
    if not is_branch_name(value):
        raise ValidationFailed(
            f"invalid branch: {value!r}",
            [
                field_error(
                    path or "branch",
                    "invalid_identifier",
                    f"up to {BRANCH_MAX} characters matching {BRANCH_NAME.pattern}, as git"
                    " names branches: no empty component, no component starting or ending"
                    " with a dot, no '..', none ending in '.lock', not HEAD",
                    value,
                )
            ],
        )
    return str(value)


def check_name(kind: str, value: object, pattern: re.Pattern[str], path: str | None = None) -> str:
    """Return `value` if it is a valid identifier of `kind`, else raise ValidationFailed."""
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise ValidationFailed(
            f"invalid {kind}: {value!r}",
            [
                field_error(
                    path or kind, "invalid_identifier", f"must match {pattern.pattern}", value
                )
            ],
        )
    return value


def database_aggregate(db: str) -> str:
    return f"db:{db}"


def branch_aggregate(db: str, branch: str) -> str:
    return f"branch:{db}:{branch}"


def class_aggregate(db: str, branch: str, class_id: str) -> str:
    return f"class:{db}:{branch}:{class_id}"


def instance_aggregate(db: str, branch: str, class_id: str, instance_id: str) -> str:
    return f"inst:{db}:{branch}:{class_id}:{instance_id}"


def dataset_aggregate(db: str, name: str) -> str:
    return f"{dataset_prefix(db)}{name}"


def dataset_prefix(db: str) -> str:
    """What the ids of a database's dataset streams begin with."""
    return f"dataset:{db}:"


def mapping_aggregate(db: str, name: str) -> str:
    return f"{mapping_prefix(db)}{name}"


def mapping_prefix(db: str) -> str:
    """What the ids of a database's mapping streams begin with."""
    return f"mapping:{db}:"


def connector_aggregate(db: str, name: str) -> str:
    return f"{connector_prefix(db)}{name}"


def connector_prefix(db: str) -> str:
    """What the ids of a database's connector streams begin with."""
    return f"connector:{db}:"


def proposal_aggregate(db: str, number: int) -> str:
    """Proposals are numbered per database; the padding keeps their streams in order."""
    return f"{proposal_prefix(db)}{number:09d}"


def proposal_prefix(db: str) -> str:
    """What the ids of a database's proposal streams begin with."""
    return f"prop:{db}:"


BRANCH_SCOPED = ("class", "inst", "uniq")


def branch_scope(aggregate_id: str) -> tuple[str, str, str, str] | None:
    """(kind, database, branch, rest) of an aggregate that lives on a branch (classes,
    instances, unique values), else None."""
    kind, _, tail = aggregate_id.partition(":")
    if kind not in BRANCH_SCOPED:
        return None
    db, _, tail = tail.partition(":")
    branch, _, rest = tail.partition(":")
    return kind, db, branch, rest


def on_branch(aggregate_id: str, branch: str) -> str:
    """The same aggregate id on another branch (ids of other aggregates unchanged)."""
    scope = branch_scope(aggregate_id)
    if scope is None:
        return aggregate_id
    kind, db, _, rest = scope
    return f"{kind}:{db}:{branch}:{rest}"


def command_aggregate(command_id: str) -> str:
    return f"cmd:{command_id}"


def user_aggregate(username: str) -> str:
    return f"user:{username}"


def api_key_aggregate(key_id: str) -> str:
    return f"apikey:{key_id}"
