"""Debian's Chromium for the browser tests: `python -m tests.chromium` finds it, installs it
when it may (root with apt-get), or says the exact command to run. Playwright drives it
through ``executable_path`` and never downloads a browser."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

INSTALL = ["apt-get", "install", "-y", "chromium"]


def find() -> str | None:
    """The Chromium to use: ``CHROMIUM`` when set, else the one on the PATH."""
    if given := os.environ.get("CHROMIUM"):
        return given if os.path.exists(given) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def main() -> int:
    if chromium := find():
        print(f"Chromium for the browser tests: {chromium}")
        return 0
    if given := os.environ.get("CHROMIUM"):
        print(f"CHROMIUM={given}: no such file", file=sys.stderr)
        return 1
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Chromium is not installed: installing Debian's package for the browser tests")
        environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=environment)
        subprocess.run([*INSTALL, "-qq"], check=False, env=environment)
        if find():
            return 0
    print(
        "The browser tests need Chromium. Install Debian's package with\n"
        f"    sudo {' '.join(INSTALL)}\n"
        "or set CHROMIUM=/path/to/chromium, then run make test again.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
