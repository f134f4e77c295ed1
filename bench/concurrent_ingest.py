"""Two `manage.py ingest` runs of one folder at once, trial after trial (issue 28, items 4
and 5). A script that prints outcomes, not a test (tests/test_concurrent_ingest.py is).

    .venv/bin/python -m bench.concurrent_ingest --letters 5000 --trials 10
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/imr_h2 \\
        .venv/bin/python -m bench.concurrent_ingest --letters 5000 --trials 10

On the database `DATABASE_URL` names (its server, in a database `<name>_concurrent` of the
bench's own), else on an SQLite file in a temporary folder. Generates the letters
(bench/generator.py), migrates a template once and ingests the letters into a copy of it
alone, for the counts a whole ingest leaves; then each trial starts from a fresh copy and
runs two ingests of the folder at the same moment. A trial is right when both exit 0, the
letters they report new add up to the folder's, and the database holds what the lone ingest
left: every letter once, each item with its similarity keys, search entry and export record,
no staged keys. Exits 1 if a trial was not.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass
class Run:
    """One ingest of a trial: its exit code, the letters it stored, whether it waited for
    the other, and the last line of its stderr when it failed."""

    code: int
    new: int
    waited: bool
    error: str


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=5000)
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1, help="of each ingest")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrsite.settings.base")
    import django

    django.setup()
    from bench import generator
    from tests.childdb import ChildDatabase

    with tempfile.TemporaryDirectory(prefix="concurrent-ingest-") as scratch:
        folder = Path(scratch) / "letters"
        generator.write(folder, args.letters, seed=1)
        template = ChildDatabase(Path(scratch) / "template", "concurrent_template")
        template.migrate()
        alone = ChildDatabase(Path(scratch) / "alone", "concurrent", template=template)
        _, seconds = ingests(alone, folder, 1, args.workers)
        expected = alone.counts()
        print(f"{alone.vendor}, {args.letters} letters, ingest alone {seconds:.1f} s: {expected}")
        right = 0
        for trial in range(1, args.trials + 1):
            database = ChildDatabase(Path(scratch) / f"trial{trial}", "concurrent", template)
            runs, seconds = ingests(database, folder, 2, args.workers)
            counts = database.counts()
            database.drop()
            ok = (
                [run.code for run in runs] == [0, 0]
                and sum(run.new for run in runs) == args.letters
                and counts == expected
            )
            right += ok
            print(
                f"trial {trial:2}: {'right' if ok else 'WRONG'}, {seconds:.1f} s, "
                f"exit codes {[run.code for run in runs]}, new {[run.new for run in runs]}, "
                f"waited {[run.waited for run in runs]}"
                + ("" if counts == expected else f", left {counts}")
                + "".join(f"\n    {run.error}" for run in runs if run.code)
            )
        template.drop()
    print(f"{right} of {args.trials} trials right")
    sys.exit(0 if right == args.trials else 1)


def ingests(database, folder: Path, count: int, workers: int) -> tuple[list[Run], float]:
    """Run ``count`` ingests of ``folder`` into ``database`` at once; what each did, and
    the seconds until the last ended."""
    from determinations.ingest.lock import WAITING
    from tests.childdb import summary_counts

    start = time.perf_counter()
    arguments = ["ingest", str(folder), "--workers", str(workers)]
    processes = [database.manage(*arguments) for _ in range(count)]
    outputs = [process.communicate(timeout=3600) for process in processes]
    seconds = time.perf_counter() - start
    runs = []
    for process, (out, err) in zip(processes, outputs, strict=True):
        failed = process.returncode != 0
        runs.append(
            Run(
                code=process.returncode,
                new=0 if failed else summary_counts(out)[0],
                waited=WAITING in err,
                error=_exception(err) if failed else "",
            )
        )
    return runs, seconds


def _exception(stderr: str) -> str:
    """The line of a traceback that names the exception."""
    lines = stderr.strip().splitlines() or [""]
    return next((line for line in reversed(lines) if "Error: " in line), lines[-1])


if __name__ == "__main__":
    main()
