"""Ingest from a zip against the same letters in a folder (issue 28). Prints figures.

    .venv/bin/python -m bench.zip_ingest --letters 20000 [--rounds 2] [--workers 2]

Writes ``--letters`` generated letters (`bench/generator.py`) into a folder and, deflated,
into one zip; then times `manage.py ingest --workers N` of each on a fresh SQLite database
(migrated before the clock starts; process start-up included), side by side, ``--rounds``
times in the order folder, zip, zip, folder... so that a machine's drift touches both alike.
The issue asks for a zip within 1.5 times the folder's time.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generator import generate  # noqa: E402
from bench.ingest_throughput import ingest_rate  # noqa: E402


def write_letters(folder: Path, archive: Path, count: int) -> None:
    folder.mkdir()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for letter in generate(count, seed=1):
            data = letter.content
            data = data if isinstance(data, bytes) else data.encode("utf-8")
            (folder / letter.name).write_bytes(data)
            bundle.writestr(letter.name, data)


def timed_ingest(path: Path, count: int, workers: int, var: Path) -> float:
    """Seconds `manage.py ingest` of ``path`` takes on a fresh SQLite database under ``var``."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["IMR_VAR_DIR"] = str(var)
    return count / ingest_rate(path, count, env, workers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder, archive = Path(tmp, "letters"), Path(tmp, "letters.zip")
        write_letters(folder, archive, args.letters)
        times: dict[str, list[float]] = {"folder": [], "zip": []}
        for run in range(args.rounds):
            order = ["folder", "zip"] if run % 2 == 0 else ["zip", "folder"]
            for kind in order:
                path = folder if kind == "folder" else archive
                var = Path(tmp, f"var_{kind}_{run}")
                times[kind].append(timed_ingest(path, args.letters, args.workers, var))
                print(f"round {run + 1} {kind:6} {times[kind][-1]:6.1f} s", flush=True)
    print(f"letters {args.letters}, workers {args.workers}, rounds {args.rounds}")
    for kind, seconds in times.items():
        rate = args.letters * len(seconds) / sum(seconds)
        print(f"{kind:6} {sum(seconds) / len(seconds):6.1f} s a round, {rate:.0f} letters/s")
    ratio = sum(times["zip"]) / sum(times["folder"])
    print(f"zip / folder  {ratio:.2f} (the issue asks for at most 1.5)")


if __name__ == "__main__":
    main()
