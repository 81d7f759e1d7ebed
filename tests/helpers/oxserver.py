"""A real Oxigraph SPARQL server for tests: ``oxigraph serve`` on a free loopback port.

The PyPI package ``oxigraph`` (a test dependency) installs the server binary. Tests use
the ``oxigraph_server`` fixture of ``tests/conftest.py``, or this class directly when they
need to kill and restart the server (fault tests).
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` executable beside this Python, else on PATH."""
    here = Path(sys.executable).parent / "oxigraph"
    if here.exists():
        return str(here)
    return shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OxigraphServer:
    """``oxigraph serve --location DIR --bind 127.0.0.1:PORT``, started and stopped."""

    def __init__(self, location: Path, port: int | None = None) -> None:
        self.location = Path(location)
        self.chosen = port is None  # a free port we picked: another one will do too
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self.log = self.location.parent / f"{self.location.name}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0, *, attempts: int = 5) -> "OxigraphServer":
        binary = oxigraph_binary()
        if binary is None:
            raise RuntimeError("the oxigraph server binary is not installed (pip install oxigraph)")
        self.location.mkdir(parents=True, exist_ok=True)
        logged = self.log.stat().st_size if self.log.exists() else 0
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [binary, "serve", "--location", str(self.location),
                 "--bind", f"127.0.0.1:{self.port}"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                said = self.log.read_bytes()[logged:].decode(errors="replace")
                if self.chosen and "in use" in said and attempts > 1:
                    # Tests in parallel (pytest-xdist): another worker's server took the
                    # port between free_port() and the bind. Take another.
                    self.port = free_port()
                    return self.start(timeout, attempts=attempts - 1)
                raise RuntimeError(f"oxigraph serve exited: {self.log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{self.url}/query?query=ASK%7B%7D", timeout=1):
                    return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"oxigraph serve did not answer on {self.url} within {timeout} s")

    def kill(self) -> None:
        """SIGKILL the server (a crash, for fault tests)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None

    def __enter__(self) -> "OxigraphServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
