"""Test helpers: the committed letters, and the extraction noise real corpora add to them."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from determinations.parsing.clean import KEEP_HYPHEN_AFTER, KEEP_HYPHEN_BEFORE

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = ROOT / "sample_corpus"
SEED_LETTERS = SAMPLE_CORPUS / "seeds"  # the five seed letters, as text
REAL_LETTERS = SAMPLE_CORPUS / "dwc-2017"  # 97 published letters, as the DWC's PDFs
SEEDS_EXPECTED = ROOT / "tests" / "fixtures" / "seeds_expected"
FIXTURE_LETTERS = ROOT / "tests" / "fixtures" / "letters"  # also the search tests' corpus
# Parser fixtures of the published layouts, kept out of the search tests' corpus.
LAYOUT_LETTERS = ROOT / "tests" / "fixtures" / "layout_letters"


def seed_cases() -> list[tuple[Path, dict]]:
    """(letter file, expected values) for each bundled seed letter."""
    return [
        (path, _expected(SEEDS_EXPECTED / f"{path.stem}.json"))
        for path in sorted(SEED_LETTERS.glob("*.txt"))
    ]


def fixture_cases(
    folders: tuple[Path, ...] = (FIXTURE_LETTERS, LAYOUT_LETTERS),
) -> list[tuple[Path, dict]]:
    """(letter file, expected values) for each hand-written test letter in ``folders``."""
    return [
        (path, _expected(path.with_suffix(".json")))
        for folder in folders
        for path in sorted(folder.glob("*.txt"))
    ]


def _expected(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# Extraction noise, one function each (SPEC: "The documents").


def double_spaced(text: str) -> str:
    """A blank line after every line, as the seeds have (they stay as they are)."""
    lines = text.split("\n")
    if sum(1 for line in lines if not line.strip()) * 2 >= len(lines) - 1:
        return text
    return "".join(f"{line} \n\n" for line in text.split("\n"))


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def page_breaks(text: str, lines_per_page: int = 18) -> str:
    """Form feeds and `Page N of M` footers every few lines."""
    lines = text.split("\n")
    pages = [lines[i : i + lines_per_page] for i in range(0, len(lines), lines_per_page)]
    total = len(pages)
    return "\n".join(
        "\n".join(page) + f"\n\nPage {number} of {total}\n\f"
        for number, page in enumerate(pages, start=1)
    )


def hyphenated(text: str, seed: int = 0) -> str:
    """Break some long lower-case words across lines with a hyphen."""
    rng = random.Random(seed)

    def split(match: re.Match[str]) -> str:
        word = match.group(0)
        if rng.random() > 0.15:
            return word
        cut = rng.randint(3, len(word) - 3)
        if word[:cut] in KEEP_HYPHEN_AFTER or word[cut:] in KEEP_HYPHEN_BEFORE:
            return word
        return f"{word[:cut]}-\n{word[cut:]}"

    return re.sub(r"(?<=[a-z] )[a-z]{9,}(?= [a-z])", split, text)


def split_headings(text: str) -> str:
    """Headings broken over two lines."""
    text = text.replace(
        "IMR ISSUES, DECISIONS AND RATIONALES", "IMR ISSUES, DECISIONS AND\nRATIONALES"
    )
    text = text.replace(
        "HOW THE IMR FINAL DETERMINATION WAS MADE", "HOW THE IMR FINAL\nDETERMINATION WAS MADE"
    )
    return text.replace("CLINICAL CASE SUMMARY", "CLINICAL CASE\nSUMMARY")


def windows_1252(text: str) -> bytes:
    """Typographic quotes and dashes, encoded as Windows-1252 bytes."""
    text = text.replace("'", "\u2019").replace(" - ", " \u2013 ")
    return text.encode("cp1252", errors="replace")


NOISES = {
    "double_spaced": double_spaced,
    "crlf": crlf,
    "page_breaks": page_breaks,
    "hyphenated": hyphenated,
    "split_headings": split_headings,
    "everything": lambda t: crlf(page_breaks(double_spaced(hyphenated(split_headings(t))))),
}


def letter_variants(count: int, seed: int = 0) -> list[tuple[str, str]]:
    """``count`` distinct letters (name, text): the seeds with a header and varied facts."""
    rng = random.Random(seed)
    seeds = [path.read_text(encoding="utf-8") for path in sorted(SEED_LETTERS.glob("*.txt"))]
    variants = []
    for number in range(count):
        text = seeds[number % len(seeds)]
        age = rng.randint(20, 75)
        text = re.sub(r"\b\d{2}(?=[ -]year[ -]old)", str(age), text)
        header = (
            f"IMR Case Number: CM{rng.randint(13, 25)}-{number:07d}  Date Assigned: 06/02/2015\n\n"
            f"UR Denial Date: {rng.randint(1, 12)}/{rng.randint(1, 28)}/20{rng.randint(13, 25)}\n\n"
        )
        variants.append((f"letter_{number:05d}.txt", header + text))
    return variants


def write_variants(folder: Path, count: int, seed: int = 0) -> list[Path]:
    """Write ``letter_variants`` into ``folder`` and return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in letter_variants(count, seed):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def letter_with_items(items: list[tuple[str, str, str]], case_number: str = "") -> str:
    """A minimal standard-layout letter whose disputed items are (label, decision, rationale)."""
    header = f"Case Number: {case_number}\n\n" if case_number else ""
    blocks = "".join(
        f"{label}: {decision}\n\n"
        "Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment "
        "Guidelines.\n\n"
        "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2009, "
        "Page(s): 78.\n\n"
        f"Decision rationale: {rationale}\n\n"
        for label, decision, rationale in items
    )
    return (
        f"{header}HOW THE IMR FINAL DETERMINATION WAS MADE\n"
        "The Expert Reviewer has the following credentials:\n"
        "State(s) of Licensure: California\n"
        "Certification(s)/Specialty: Pain Medicine\n\n"
        "CLINICAL CASE SUMMARY\n"
        "The injured worker is a 48 year old male who sustained an industrial injury on "
        "June 1, 2011. He has been diagnosed with chronic low back pain. A utilization review "
        "dated 2014-03-02 non-certified the requests.\n\n"
        "IMR ISSUES, DECISIONS AND RATIONALES\n"
        "The Final Determination was based on decisions for the disputed items/services set "
        "forth below:\n\n" + blocks
    )
