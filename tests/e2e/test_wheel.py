"""A wheel built from the repository is the product: installed into a clean virtualenv
(nothing of the repository on its path), `spice serve` serves the API and the web console
at `/`. The console must have been built first (`make console`; `make test` does it)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.server import free_port

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "src" / "spice" / "entrypoints" / "console_dist" / "index.html"


@pytest.mark.timeout(900)
def test_a_wheel_installed_in_a_clean_virtualenv_serves_the_console(tmp_path: Path) -> None:
    assert CONSOLE.exists(), "the console is not built: run `make console` first"
    dist = tmp_path / "dist"
    run = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT)]
    subprocess.run(run, check=True, timeout=300, cwd=tmp_path)
    (wheel,) = dist.glob("spice_harvester-*.whl")
    shipped = zipfile.ZipFile(wheel).namelist()
    assert "spice/entrypoints/console_dist/index.html" in shipped
    assert any(n.startswith("spice/entrypoints/console_dist/assets/") for n in shipped)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)]
    subprocess.run(pip, check=True, timeout=600, cwd=tmp_path)

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPICE_", "PYTHON"))}
    serve = [str(venv / "bin" / "spice"), "serve", "--port", str(port)]
    serve += ["--data-dir", str(tmp_path / "data")]
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(serve, stdout=log, stderr=log, cwd=tmp_path, env=env)
    try:
        url = f"http://127.0.0.1:{port}"
        page = _first_answer(f"{url}/", server)
        assert page.status_code == 200, page.text[:500]
        assert page.headers["content-type"].startswith("text/html")
        assert page.text == CONSOLE.read_text(encoding="utf-8")
        assert httpx.get(f"{url}/api/v1/types", timeout=10).json()["data"]["count"] == 27
    finally:
        server.terminate()
        server.wait(20)
        log.close()


def _first_answer(url: str, server: subprocess.Popen[bytes]) -> httpx.Response:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"spice serve exited with {server.returncode}")
        try:
            return httpx.get(url, timeout=2)
        except httpx.HTTPError:
            time.sleep(0.2)
    raise TimeoutError("spice serve did not answer")
