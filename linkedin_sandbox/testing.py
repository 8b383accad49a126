"""Helpers that start a sandbox for tests: in a thread or in a subprocess."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Self

from .__main__ import LISTENING_PREFIX
from .server import SandboxServer
from .state import SandboxState

_PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)


def start_subprocess(
    args: Sequence[str] = (), timeout: float = 15.0
) -> tuple[str, subprocess.Popen[str]]:
    """Start ``python -m linkedin_sandbox --port 0 *args`` and return its URL.

    The caller owns the process and must stop it, e.g. with
    ``stop_subprocess``. stderr (the sandbox log) is inherited. Raises
    RuntimeError, after ending the process, when it exits or prints no URL
    within ``timeout`` seconds.
    """
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [_PACKAGE_PARENT, environment.get("PYTHONPATH")])
    )
    environment["PYTHONUNBUFFERED"] = "1"
    process = subprocess.Popen(
        [sys.executable, "-m", "linkedin_sandbox", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=environment,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: lines.put(process.stdout.readline() if process.stdout else ""),
        daemon=True,
    ).start()
    try:
        line = lines.get(timeout=timeout)
    except queue.Empty:
        line = ""
    if not line.startswith(LISTENING_PREFIX):
        stop_subprocess(process)
        raise RuntimeError(
            f"linkedin_sandbox printed no URL within {timeout} s "
            f"(exit code {process.returncode}, output {line!r}); see its stderr"
        )
    return line[len(LISTENING_PREFIX) :].strip(), process


def stop_subprocess(process: subprocess.Popen[str], timeout: float = 10.0) -> None:
    """Stop a sandbox started by ``start_subprocess`` and wait for it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)
    if process.stdout is not None:
        process.stdout.close()


class ThreadedSandbox:
    """A sandbox served by a thread of the calling process.

    Use it as a context manager, or call ``stop()``. ``state`` is the live
    state, for tests that need to inspect it directly.
    """

    def __init__(self, state: SandboxState | None = None, host: str = "127.0.0.1"):
        self.server = SandboxServer(host, 0, state)
        self.state = self.server.state
        self.url = self.server.url
        # A short poll interval makes stop() return quickly between tests.
        self._thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="linkedin-sandbox",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
