"""Starting `spice serve` as a real process on a free loopback port, for e2e and chaos tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """One server process over a data directory; can be killed and started again."""

    def __init__(
        self,
        data_dir: Path,
        port: int | None = None,
        env: dict[str, str] | None = None,
        command: str = "serve",
    ) -> None:
        self.command = command
        self.data_dir = data_dir
        self.env = env or {}
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.host = "127.0.0.1"  # where it binds (0.0.0.0 is reached at 127.0.0.1 too)
        self.proc: subprocess.Popen[bytes] | None = None
        # Credentials for its requests (a server that needs sign-in).
        self.headers: dict[str, str] = {}

    def start(self, timeout: float = 30.0) -> None:
        cmd = [
            sys.executable,
            "-m",
            "spice.entrypoints.cli.main",
            self.command,
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
        ]
        log = open(self.data_dir.parent / f"server-{self.port}.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=log, env={**os.environ, **self.env})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            time.sleep(0.1)
        raise TimeoutError("server did not start")

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks run."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


class WorkerProcess:
    """`spice worker ...` or `spice relay` as a process of its own."""

    def __init__(self, data_dir: Path, args: list[str], env: dict[str, str], name: str) -> None:
        self.data_dir, self.args, self.env, self.name = data_dir, args, env, name
        self.proc: subprocess.Popen[bytes] | None = None
        # Credentials for its requests (a server that needs sign-in).
        self.headers: dict[str, str] = {}

    def start(self) -> None:
        cmd = [sys.executable, "-m", "spice.entrypoints.cli.main", *self.args]
        cmd += ["--data-dir", str(self.data_dir)]
        log = open(self.data_dir.parent / f"{self.name}.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=log, env={**os.environ, **self.env})

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, lines: int = 15) -> str:
        """The last lines the process wrote (stdout and stderr)."""
        path = self.data_dir.parent / f"{self.name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def kill(self) -> None:
        if self.alive():
            assert self.proc is not None
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> int | None:
        if self.alive():
            assert self.proc is not None
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        return None if self.proc is None else self.proc.returncode
