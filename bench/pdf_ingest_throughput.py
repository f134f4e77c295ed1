"""PDF ingest throughput: generated letters as PDFs, `manage.py ingest --workers 2` into a fresh
SQLite database. A script that prints figures, not a test.

    .venv/bin/python -m bench.pdf_ingest_throughput [--letters 3000] [--seed 1] [--workers 2]
        [--pdfs DIR] [--compare-text]

Writes ``--letters`` letters of `bench.generator.generate` as PDFs with fpdf2 (Helvetica, so
text outside Latin-1 becomes "?"; `tests/pdfs.py`) into ``--pdfs`` (kept and reused when
given, else a temporary folder), then times `manage.py ingest <folder> --workers N` end to
end (process start-up included) on a fresh SQLite database under a temporary
`IMR_VAR_DIR`, the originals kept under its `pdfs/`. Prints letters/s, and the time a
worker spends per letter extracting text, parsing and keeping the PDF (one process, a
sample of 300, after the ingest). ``--compare-text`` then ingests the same letters as the
generator writes them (text files) the same way, for a figure taken on the machine as busy
as it was for the PDFs.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ingest_throughput import ingest_rate  # noqa: E402


def _write_one(args: tuple[Path, str, str | bytes]) -> None:
    from tests.pdfs import letter_pdf

    path, name, content = args
    text = content.decode("cp1252", errors="replace") if isinstance(content, bytes) else content
    path.joinpath(Path(name).with_suffix(".pdf").name).write_bytes(letter_pdf(text))


def write_pdfs(folder: Path, count: int, seed: int) -> float:
    """Write the generator's first ``count`` letters as PDFs (missing ones only); seconds."""
    from bench.generator import generate

    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    todo = (
        (folder, letter.name, letter.content)
        for letter in generate(count, seed)
        if not folder.joinpath(Path(letter.name).with_suffix(".pdf").name).exists()
    )
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        for _ in pool.imap_unordered(_write_one, todo, chunksize=20):
            pass
    return time.perf_counter() - start


def fresh_sqlite(var: Path) -> dict[str, str]:
    """The environment of a `manage.py` run on a new SQLite database under ``var``."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "IMR_PDF_ROOT")}
    return env | {"IMR_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "imrsite.settings.base"}


def worker_steps(folder: Path, sample: int, root: Path) -> dict[str, float]:
    """Milliseconds a letter for each step a worker takes on a PDF, in this process."""
    from determinations.ingest import pdf
    from determinations.ingest.reading import content_hash
    from determinations.parsing import parse_letter

    paths = sorted(folder.glob("*.pdf"))[:sample]
    parse_letter(pdf.extract_text(paths[0].read_bytes()))  # the lexicon loads outside
    steps = dict.fromkeys(("read the file", "hash", "extract text", "keep PDF", "parse"), 0.0)
    for path in paths:
        mark = time.perf_counter()

        def lap(step: str) -> None:
            nonlocal mark
            now = time.perf_counter()
            steps[step] += now - mark
            mark = now

        data = path.read_bytes()
        lap("read the file")
        digest = content_hash(data)
        lap("hash")
        text = pdf.extract_text(data)
        lap("extract text")
        pdf.keep_pdf(root, digest, data)
        lap("keep PDF")
        parse_letter(text)
        lap("parse")
    return {step: seconds / len(paths) * 1000 for step, seconds in steps.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pdfs", type=Path, help="folder for the PDFs, kept for another run")
    parser.add_argument("--compare-text", action="store_true", help="ingest the text too")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="imr-pdf-bench-") as tmp:
        folder = args.pdfs or Path(tmp, "letters")
        written = write_pdfs(folder, args.letters, args.seed)
        pdfs = sorted(folder.glob("*.pdf"))[: args.letters]
        if len(pdfs) < args.letters:
            raise SystemExit(f"{folder} holds {len(pdfs)} PDFs, fewer than asked")
        size = sum(path.stat().st_size for path in pdfs)
        print(
            f"{args.letters} PDFs ({size / len(pdfs) / 1024:.1f} kB each on average) "
            f"ready in {written:.1f} s"
        )
        if args.pdfs and len(list(folder.glob("*.pdf"))) > args.letters:
            raise SystemExit(f"{folder} holds more PDFs than --letters: the ingest reads all")
        rate = ingest_rate(folder, args.letters, fresh_sqlite(Path(tmp, "var")), args.workers)
        print(f"manage.py ingest --workers {args.workers}: {args.letters} new letters")
        print(f"  {rate:,.0f} letters/s end to end (fresh SQLite, process start-up included)")
        print("One worker's steps, ms a letter (300 letters, one process):")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrsite.settings.base")
        for step, ms in worker_steps(folder, 300, Path(tmp, "steps")).items():
            print(f"  {step:<14} {ms:6.2f}")
        if args.compare_text:
            from bench.generator import write

            write(Path(tmp, "text"), args.letters, args.seed)
            var = fresh_sqlite(Path(tmp, "var-text"))
            rate = ingest_rate(Path(tmp, "text"), args.letters, var, args.workers)
            print(f"The same letters as text files: {args.letters} new letters")
            print(f"  {rate:,.0f} letters/s end to end")


if __name__ == "__main__":
    main()
