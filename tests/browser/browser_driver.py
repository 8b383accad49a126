"""Run drive.js (headless Chromium through playwright-core) from Python tests.

``missing_browser_tools()`` returns why the browser cannot run here, so a test
can skip with that reason. bin/test installs Chromium and playwright-core
before the tests run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

BROWSER_DIR = Path(__file__).resolve().parent
DRIVER = BROWSER_DIR / "drive.js"
PLAYWRIGHT_CORE = BROWSER_DIR / "node_modules" / "playwright-core"
CHROMIUM = Path(os.environ.get("LCC_CHROMIUM", "/usr/bin/chromium"))


def missing_browser_tools() -> str | None:
    """Return what is missing to run Chromium, or None when nothing is."""
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM}; apt-get install chromium"
    if shutil.which("node") is None:
        return "node not found on PATH; apt-get install nodejs npm"
    if not PLAYWRIGHT_CORE.is_dir():
        return (
            f"playwright-core not installed in {PLAYWRIGHT_CORE.parent}; "
            f"run npm install in {BROWSER_DIR}"
        )
    return None


def run_steps(
    steps: list[list[Any]],
    timeout_ms: int = 30_000,
    process_timeout: float = 180,
    failure_screenshot: Path | None = None,
    viewport: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """Run the steps in a new headless Chromium and return drive.js's report.

    ``timeout_ms`` bounds each step, and ``viewport`` is (width, height) in
    CSS pixels. The report has ``ok``, ``values``,
    ``error``, ``failed_step``, ``console`` and ``blocked`` (see drive.js).
    Raises RuntimeError when the driver prints no report.
    """
    options: dict[str, Any] = {"steps": steps, "timeout_ms": timeout_ms}
    if failure_screenshot is not None:
        options["failure_screenshot"] = str(failure_screenshot)
    if viewport is not None:
        options["viewport"] = {"width": viewport[0], "height": viewport[1]}
    request = json.dumps(options)
    completed = subprocess.run(
        ["node", str(DRIVER)],
        input=request,
        capture_output=True,
        text=True,
        timeout=process_timeout,
        cwd=BROWSER_DIR,
        check=False,
    )
    lines = completed.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError(
            f"drive.js printed no report (exit code {completed.returncode}); "
            f"stderr: {completed.stderr[-2000:]}"
        )
    return json.loads(lines[-1])


def describe_failure(report: dict[str, Any]) -> str:
    """Format a failed report for an assertion message."""
    return json.dumps(
        {
            name: report.get(name)
            for name in ("error", "failed_step", "console", "blocked", "page_text")
        },
        indent=2,
    )[:6000]
