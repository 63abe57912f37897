"""Write the Python client's types, src/spice/client/schema.py, from the API's OpenAPI
document (what `spice openapi` writes): one TypedDict per schema, made by
datamodel-code-generator and formatted by ruff. A test regenerates them and compares, so a
change of the API's shape fails until this is run again:

    .venv/bin/python scripts/client_schema.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "src" / "spice" / "client" / "schema.py"
HEADER = '''"""The API's schemas as TypedDicts, generated from its OpenAPI document by
scripts/client_schema.py (datamodel-code-generator). Do not edit: run the script again."""

'''


def openapi_document() -> dict[str, object]:
    from spice.bootstrap.settings import load_settings
    from spice.entrypoints.api.app import create_app

    with tempfile.TemporaryDirectory() as data:
        return create_app(load_settings(data_dir=Path(data))).openapi()


def generate(document: dict[str, object]) -> str:
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        source, out = Path(tmp) / "openapi.json", Path(tmp) / "schema.py"
        source.write_text(json.dumps(document), encoding="utf-8")
        subprocess.run(
            [
                str(bin_dir / "datamodel-codegen"),
                "--input",
                str(source),
                "--input-file-type",
                "openapi",
                "--output-model-type",
                "typing.TypedDict",
                "--target-python-version",
                "3.11",
                "--use-standard-collections",
                "--use-union-operator",
                "--no-use-closed-typed-dict",
                "--disable-timestamp",
                "--no-formatters",
                "--output",
                str(out),
            ],
            check=True,
            capture_output=True,
        )
        text = out.read_text(encoding="utf-8")
        # The generator's own comment names a temporary file: the header says where from.
        body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
        out.write_text(HEADER + body.lstrip() + "\n", encoding="utf-8")
        ruff = str(bin_dir / "ruff")
        subprocess.run(
            [ruff, "check", "--fix", "--quiet", "--select", "I,F401,UP", str(out)], check=False
        )
        subprocess.run([ruff, "format", "--quiet", str(out)], check=True)
        return out.read_text(encoding="utf-8")


if __name__ == "__main__":
    TARGET.write_text(generate(openapi_document()), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
