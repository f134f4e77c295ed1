"""PDF text extractors compared on real letters: PDFium (pypdfium2, what `ingest` uses) and
poppler's `pdftotext`. A script that prints figures.

    .venv/bin/python bench/pdf_extractors.py [--letters DIR]

Extracts every PDF under ``--letters`` (default: the 97 published letters in
sample_corpus/dwc-2017) with `determinations.ingest.pdf.extract_text` and with `pdftotext -layout`
(and plain `pdftotext`, poppler's reading order, for reference), parses each text with
`parse_letter`, and prints per field how many letters (letter fields) or items (item fields)
come out different from PDFium's, then the extraction time per letter of each. poppler runs
as a child process per file, as a converter would; the time includes starting it. Needs
poppler-utils (`apt-get install poppler-utils`), which the project does not.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from determinations.ingest import pdf  # noqa: E402
from determinations.parsing import ParsedItem, ParsedLetter, parse_letter  # noqa: E402

LETTER_FIELDS = [
    f.name for f in dataclasses.fields(ParsedLetter) if f.name not in ("items", "issues")
]
ITEM_FIELDS = [f.name for f in dataclasses.fields(ParsedItem)]
POPPLER = {"pdftotext -layout": ["-layout"], "pdftotext": []}


def pdfium_text(path: Path) -> str:
    return pdf.extract_text(path.read_bytes())


def poppler_text(path: Path, options: list[str]) -> str:
    command = ["pdftotext", *options, "-enc", "UTF-8", str(path), "-"]
    return subprocess.run(command, capture_output=True, check=True).stdout.decode("utf-8")


def differences(reference: ParsedLetter, other: ParsedLetter) -> Counter:
    """Per field: 1 for a letter field that differs, the number of differing items for an
    item field; ``items (count)`` when the item lists differ in length."""
    counts: Counter = Counter()
    for name in LETTER_FIELDS:
        counts[name] += getattr(reference, name) != getattr(other, name)
    if len(reference.items) != len(other.items):
        counts["items (count)"] += 1
    for mine, theirs in zip(reference.items, other.items, strict=False):
        for name in ITEM_FIELDS:
            counts[f"item.{name}"] += getattr(mine, name) != getattr(theirs, name)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=Path, default=ROOT / "sample_corpus" / "dwc-2017")
    args = parser.parse_args()
    if not shutil.which("pdftotext"):
        raise SystemExit("pdftotext not found: apt-get install poppler-utils")
    paths = sorted(args.letters.glob("*.pdf"))
    seconds = Counter()
    parsed: dict[str, list[ParsedLetter]] = {"PDFium": []}
    for path in paths:
        start = time.perf_counter()
        text = pdfium_text(path)
        seconds["PDFium"] += time.perf_counter() - start
        parsed["PDFium"].append(parse_letter(text))
        for name, options in POPPLER.items():
            start = time.perf_counter()
            text = poppler_text(path, options)
            seconds[name] += time.perf_counter() - start
            parsed.setdefault(name, []).append(parse_letter(text))

    items = sum(len(letter.items) for letter in parsed["PDFium"])
    print(f"{len(paths)} letters, {items} items (PDFium's parse) in {args.letters}")
    print("Parsed fields that differ from PDFium's text (letters, or items for item.*):")
    totals = {
        name: sum((differences(a, b) for a, b in zip(parsed["PDFium"], letters, strict=True)),
                  Counter())
        for name, letters in parsed.items()
        if name != "PDFium"
    }  # fmt: skip
    names = list(POPPLER)
    print(f"  {'field':<36}" + "".join(f"{name:>20}" for name in names))
    for field in [*LETTER_FIELDS, "items (count)", *(f"item.{n}" for n in ITEM_FIELDS)]:
        print(f"  {field:<36}" + "".join(f"{totals[name][field]:>20}" for name in names))
    print("Extraction time per letter:")
    for name in ["PDFium", *names]:
        print(f"  {name:<20} {seconds[name] / len(paths) * 1000:7.2f} ms")


if __name__ == "__main__":
    main()
