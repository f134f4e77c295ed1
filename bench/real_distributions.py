"""The distributions bench/generator.py is calibrated on, measured on a folder of letters.

    .venv/bin/python -m bench.real_distributions [FOLDER ...]

Default folder: ../shared/real-letters (97 real published letters, issue 27). Reads `.pdf`
(text layer, pypdfium2) and `.txt` files. Items, decisions and labels come from the folder's
`expected.json` when it has one, else from the parser; everything else is read from the text
by the rules below, so the same figures can be measured on a generated corpus to compare
(`python -m bench.generator --letters 2000 --seed 1 --output /tmp/gen` then this on /tmp/gen).
Not used by the tests.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from determinations.lexicon import default_lexicon
from determinations.parsing import decode, parse_letter
from determinations.parsing.clean import clean_text
from determinations.parsing.dates import parse_date
from determinations.parsing.treatment import normalise_treatment

DEFAULT_FOLDER = Path(__file__).resolve().parent.parent.parent / "shared" / "real-letters"
HEADER_FIELDS = {  # the header's dates
    "date_assigned": r"Date Assigned:",
    "date_of_injury": r"Date of Injury:",
    "decision_date": r"Decision Date:",
    "ur_denial_date": r"UR Denial Date:",
    "priority": r"Priority:",
    "application_received": r"Application\s+Received:",
}
GAPS = [  # (from, to): days between two header dates
    ("date_of_injury", "ur_denial_date"),
    ("ur_denial_date", "application_received"),
    ("application_received", "date_assigned"),
    ("date_assigned", "decision_date"),
    ("ur_denial_date", "decision_date"),
]
# The reviewer's guideline line ("MAXIMUS guideline: ..."), first rule that matches.
GUIDELINE_PHRASINGS = [
    ("no medical evidence", r"did not cite any medical evidence"),
    ("outside MTUS, ODG", r"outside of the MTUS.*Non-?MTUS Citation[^.]*(?:ODG|Official Disab)"),
    ("outside MTUS, other citation", r"outside of the MTUS"),
    ("MTUS and a Non-MTUS citation", r"Decision based on MTUS.*Non-?MTUS Citation"),
    ("MTUS with Section(s)", r"Decision based on MTUS [^.]*Section\(s\)"),
    ("MTUS without sections", r"Decision based on MTUS"),
]
SUMMARY_OPENINGS = [
    (
        "The injured worker is/was a N year old",
        r"^The injured worker (?:is|was) a(?:\(n\))? \d+ year",
    ),
    ("The injured worker is a N-year-old", r"^The injured worker is a \d+-year-old"),
    ("This case involves a now N-year-old", r"^This case involves a now \d+[- ]year"),
    ("The applicant is a N-year-old", r"^The applicant is a \d+-year-old"),
    ("This is a N year old", r"^This is a \d+[- ]year"),
    ("According to medical records ...", r"^According to (?:the )?medical records"),
]
DIAGNOSIS_PHRASINGS = [
    ("undergoing treatment(s) for", r"undergoing treatments? for"),
    ("diagnosed as having", r"diagnosed as having"),
    ("diagnosed with", r"diagnosed with"),
    ("treated for the diagnoses of", r"treated for the diagnos[ie]s of"),
    ("current diagnosis is/are documented as", r"current diagnos[ie]s (?:is|are|were) documented"),
    ("diagnosis that include", r"diagnos[ie]s that include"),
    ("diagnoses include(d)", r"diagnos[ie]s include"),
    ("diagnoses are/were", r"diagnos[ie]s (?:are|were|is)\b"),
    ("diagnosis of", r"diagnos[ie]s of"),
]
SUMMARY_PHRASES = [
    "physical therapy", "chiropractic", "acupuncture", "mri", "x-ray", "medication",
    "home exercise", "injection", "surgery", "tens", "urine drug", "modified duty",
]  # fmt: skip


@dataclass
class Letter:
    """What one letter gives the measurement."""

    name: str
    text: str  # cleaned, line breaks kept
    flat: str  # whitespace collapsed
    items: list[dict] = field(default_factory=list)


def read_letters(folder: Path) -> list[Letter]:
    """Every `.pdf` and `.txt` letter of ``folder``, with its items."""
    expected = {}
    if (folder / "expected.json").exists():
        expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    letters = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in (".pdf", ".txt"):
            continue
        text = clean_text(
            _pdf_text(path) if path.suffix.lower() == ".pdf" else decode(path.read_bytes())
        )
        letter = Letter(path.stem, text, " ".join(text.split()))
        if path.stem in expected:
            letter.items = expected[path.stem]["items"]
        else:
            letter.items = [
                {"label": i.label, "decision": i.decision, "original_request": i.original_request}
                for i in parse_letter(text).items
            ]
        letters.append(letter)
    return letters


def _pdf_text(path: Path) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        return "\n".join(pdf[i].get_textpage().get_text_bounded() for i in range(len(pdf)))
    finally:
        pdf.close()


def header_dates(letter: Letter) -> dict[str, date | None]:
    """The header's dates: the first date after each label in the text before the first heading."""
    head = letter.flat.split("HOW THE IMR", 1)[0]
    dates = {}
    for name, label in HEADER_FIELDS.items():
        match = re.search(label, head)
        dates[name] = parse_date(head[match.end() : match.end() + 60]) if match else None
    return dates


def section(letter: Letter, start: str, end: str) -> str:
    """The collapsed text between two headings ('' when the letter lacks them)."""
    parts = re.split(start, letter.flat, maxsplit=1)
    return re.split(end, parts[1], maxsplit=1)[0] if len(parts) == 2 else ""


def summary_of(letter: Letter) -> str:
    text = section(
        letter,
        r"CLINICAL CASE SUMMARY|CASE SUMMARY:",
        r"IMR ISSUES|IMR DECISION|DOCUMENTS REVIEWED",
    )
    return re.sub(r"^The expert reviewer developed the following[^:]*:\s*", "", text.strip())


def first_rule(rules: list[tuple[str, str]], text: str, anywhere: bool = False) -> str:
    """Name of the rule matching ``text`` (the earliest match when ``anywhere``), or 'other'."""
    if not anywhere:
        return next((name for name, rule in rules if re.search(rule, text, re.I)), "other")
    found = [(m.start(), name) for name, rule in rules if (m := re.search(rule, text, re.I))]
    return min(found)[1] if found else "none"


def measure(letters: list[Letter]) -> dict:
    """Every distribution, as counters and lists of days."""
    lexicon = default_lexicon()
    items = [item for letter in letters for item in letter.items]
    figures: dict = {
        "letters": len(letters),
        "items": len(items),
        "items_per_letter": Counter(len(letter.items) for letter in letters),
        "decisions": Counter(item["decision"] for item in items),
        "categories": Counter(normalise_treatment(i["label"], lexicon).category for i in items),
        "partly_authorized_items": sum(bool(item.get("original_request")) for item in items),
        "partly_authorized_phrases": sum(
            len(re.findall(r"was the original request\.", section(letter, r"IMR ISSUES", r"\Z")))
            for letter in letters
        ),
    }
    figures |= _header_figures(letters)
    figures |= _text_figures(letters)
    return figures


def _header_figures(letters: list[Letter]) -> dict:
    present = Counter()
    gaps: dict[str, list[int]] = {f"{a} -> {b}": [] for a, b in GAPS}
    shapes = Counter()
    for letter in letters:
        dates = header_dates(letter)
        present.update(name for name, found in dates.items() if found)
        head = letter.flat.split("HOW THE IMR", 1)[0]
        present.update(["case_number"] if re.search(r"C[MB]\d\d-\d{7}", head) else [])
        for a, b in GAPS:
            if dates[a] and dates[b]:
                gaps[f"{a} -> {b}"].append((dates[b] - dates[a]).days)
        lines = letter.text.split("HOW THE IMR", 1)[0].strip().split("\n")
        shapes["\\n".join(re.sub(r"\d", "9", line.strip()) for line in lines)] += 1
    priority = Counter(
        m.group(1).lower() if (m := re.search(r"Priority:\s*(\w+)", letter.flat)) else "(none)"
        for letter in letters
    )
    return {"header_present": present, "priority": priority, "gaps": gaps, "header_shapes": shapes}


def _text_figures(letters: list[Letter]) -> dict:
    reviewer, claims = Counter(), Counter()
    for letter in letters:
        for found in re.finditer(r"MAXIMUS guideline: (.*?) Decision rationale:", letter.flat):
            reviewer[first_rule(GUIDELINE_PHRASINGS, found.group(1))] += 1
        for found in re.finditer(
            r"Claims Administrator guideline: (.*?) MAXIMUS guideline:", letter.flat
        ):
            claims[first_rule(GUIDELINE_PHRASINGS, found.group(1))] += 1
    summaries = [summary_of(letter) for letter in letters]
    credentials = [
        re.search(
            r"State\(s\) of Licensure: (.*?) Certification\(s\)/Specialty: (.*?) CLINICAL",
            letter.flat,
        )
        for letter in letters
    ]
    states = [re.split(r"\s*,\s*", m.group(1)) for m in credentials if m]
    specialties = [re.split(r"\s*,\s*", m.group(2)) for m in credentials if m]
    return {
        "reviewer_guideline": reviewer,
        "claims_administrator_guideline": claims,
        "summary_openings": Counter(first_rule(SUMMARY_OPENINGS, s) for s in summaries),
        "diagnosis_phrasings": Counter(
            first_rule(DIAGNOSIS_PHRASINGS, s, anywhere=True) for s in summaries
        ),
        "summary_phrases": Counter(
            p
            for s in summaries
            for p in SUMMARY_PHRASES
            if re.search(rf"\b{re.escape(p)}\b", s, re.I)
        ),
        "letter_phrases": Counter(
            p
            for letter in letters
            for p in SUMMARY_PHRASES
            if re.search(rf"\b{re.escape(p)}\b", letter.flat, re.I)
        ),
        "summary_words": [len(s.split()) for s in summaries],
        "states_per_letter": Counter(len(s) for s in states),
        "states": Counter(name for names in states for name in names),
        "specialties_per_letter": Counter(len(s) for s in specialties),
        "specialties": Counter(name for names in specialties for name in names),
        "specialty_lines": Counter(", ".join(names) for names in specialties),
    }


def report(figures: dict) -> None:
    """Print ``figures`` as counts and shares."""
    letters, items = figures["letters"], figures["items"]
    print(f"letters {letters}, items {items} ({items / letters:.2f} per letter)")
    _counts("items per letter", figures["items_per_letter"], letters, sort_keys=True)
    _counts("decisions (share of items)", figures["decisions"], items)
    _counts("categories (share of items)", figures["categories"], items)
    print(f"partly authorized items: {figures['partly_authorized_items']} of {items} "
          f"({figures['partly_authorized_items'] / items:.1%}); 'was the original request.' in "
          f"the decisions: {figures['partly_authorized_phrases']}")  # fmt: skip
    _counts("header fields present (share of letters)", figures["header_present"], letters)
    _counts("priority", figures["priority"], letters)
    _counts("header layout (digits as 9)", figures["header_shapes"], letters, top=3)
    print("\ndays between header dates: n, min, p10, p25, median, p75, p90, max")
    for name, days in figures["gaps"].items():
        print(f"  {name:40} {_quantiles(days)}")
    for name in ("reviewer_guideline", "claims_administrator_guideline"):
        _counts(f"{name} phrasing (share of items)", figures[name], sum(figures[name].values()))
    _counts("case summary opening", figures["summary_openings"], letters)
    _counts("diagnosis phrasing (first in the summary)", figures["diagnosis_phrasings"], letters)
    _counts("case summaries mentioning", figures["summary_phrases"], letters)
    _counts("whole letters mentioning", figures["letter_phrases"], letters)
    print(f"\ncase summary words: {_quantiles(figures['summary_words'])}")
    _counts("licensure states per letter", figures["states_per_letter"], letters, sort_keys=True)
    _counts("licensure states (share of letters)", figures["states"], letters, top=12)
    _counts("specialties per letter", figures["specialties_per_letter"], letters, sort_keys=True)
    _counts("specialties as written (share of letters)", figures["specialties"], letters, top=15)
    _counts("specialty lines as written", figures["specialty_lines"], letters, top=12)


def _counts(title: str, counts: Counter, total: int, sort_keys: bool = False, top: int = 0) -> None:
    print(f"\n{title}:")
    rows = sorted(counts.items()) if sort_keys else counts.most_common(top or None)
    for value, count in rows:
        print(f"  {value!s:60} {count:5} {count / max(total, 1):6.1%}")


def _quantiles(days: list[int]) -> str:
    if not days:
        return "n 0"
    ordered = sorted(days)

    def at(share: float) -> int:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    points = [
        ordered[0],
        at(0.1),
        at(0.25),
        statistics.median(ordered),
        at(0.75),
        at(0.9),
        ordered[-1],
    ]
    return f"n {len(days)}: " + ", ".join(f"{p:g}" for p in points)


def main(argv: list[str]) -> None:
    folders = [Path(a) for a in argv] or [DEFAULT_FOLDER]
    letters = [letter for folder in folders for letter in read_letters(folder)]
    report(measure(letters))


if __name__ == "__main__":
    main(sys.argv[1:])
