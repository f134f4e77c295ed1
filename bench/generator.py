"""A generated corpus true to real letters, with its ground truth (Scale issue, issue 27).

    .venv/bin/python -m bench.generator --letters 10000 --seed 1 --output bench/out/gen_10000

Deterministic for a seed. Calibrated on the 97 real published letters (2016-17) as measured by
bench/real_distributions.py; the tables and their sources are in bench/generator_phrasings.py
and the figures, real against generated, in bench/RESULTS.md. Most letters are in the standard
layout with the real two-column header as PDF text extraction gives it; a few use the older
"IMR DECISION(S) AND RATIONALE(S)" and "MEDICAL PROFESSIONAL REVIEW" layouts (SPEC: "The
documents"). Items per letter, decisions, treatment categories, partly authorized items,
header dates, guideline, case summary and diagnosis phrasings and reviewer credentials follow
the real shares, and about half the letters carry extraction noise (blank lines, CRLF, page
footers, hyphenation, split headings, Windows-1252 bytes). `generate` also returns what each
letter says, so a test can check that the parser reads it back (tests/test_generator.py).
"""

from __future__ import annotations

import argparse
import random
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate, pairwise
from pathlib import Path

from bench import generator_phrasings as P
from determinations.lexicon import default_lexicon
from tests.letters import crlf, double_spaced, hyphenated, page_breaks, split_headings

NOISES = [double_spaced, crlf, page_breaks, hyphenated, split_headings]
QUANTILES = (0, 0.1, 0.25, 0.5, 0.75, 0.9, 1)
SUMMARY_BOILERPLATE = (
    "The expert reviewer developed the following clinical case summary based on a review of the "
    "case file, including all medical records:"
)
PARTLY = (
    "{original} was the original request. {authorized} was authorized by the Claims "
    "Administrator. The remaining IMR eligible portion of the original request, {label}"
)
_CUMULATIVE: dict[int, tuple[list, list[float]]] = {}
DATE_FORMATS = ["%m-%d-%Y"] * 10 + ["%m-%d-%y"] * 4 + ["%B %d, %Y"] * 3 + ["%m/%d/%Y"] * 3


@dataclass
class GeneratedItem:
    label: str  # for a partly authorized item, the remaining portion in dispute
    decision: str
    medication: str
    category: str
    guideline_source: str
    original_request: str = ""  # partly authorized items only
    authorized_portion: str = ""


@dataclass
class GeneratedLetter:
    """A letter as written (text, or Windows-1252 bytes) and what it says."""

    name: str
    content: str | bytes
    layout: str
    case_number: str
    patient_age: int
    patient_sex: str
    date_of_injury: date
    ur_denial_date: date
    reviewer_states: list[str]
    reviewer_specialties: list[str]
    items: list[GeneratedItem] = field(default_factory=list)
    noise: list[str] = field(default_factory=list)
    diagnoses: list[str] = field(default_factory=list)
    # The header's other facts; None or "" when the letter does not state them.
    decision_date: date | None = None
    date_assigned: date | None = None
    priority: str = ""  # "standard" | "expedited" | ""
    application_received_date: date | None = None


@dataclass
class _Written:
    """An item's ground truth and what the letter says about it."""

    item: GeneratedItem
    request: str  # as the case summary names it
    block: str = ""


def generate(count: int, seed: int = 0) -> Iterator[GeneratedLetter]:
    """``count`` letters with their ground truth, the same for the same seed."""
    rng = random.Random(seed)
    drugs = _drug_names()
    for number in range(count):
        yield _letter(rng, number, drugs)


def write(folder: Path, count: int, seed: int = 0) -> int:
    """Write ``generate(count, seed)`` into ``folder``; existing files are kept."""
    folder.mkdir(parents=True, exist_ok=True)
    for letter in generate(count, seed):
        path = folder / letter.name
        if not path.exists():
            data = letter.content
            path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return count


def _drug_names() -> list[tuple[str, str, str]]:
    """(name as written, generic, drug class): single-word names, common classes weighted up."""
    names = []
    for name, drug in sorted(default_lexicon().drugs.items()):
        if name.isalpha() and "/" not in drug.generic:
            common = drug.drug_class in P.COMMON_CLASSES
            names += [(name.capitalize(), drug.generic, drug.drug_class)] * (6 if common else 1)
    return names


def _pick(rng: random.Random, weighted: dict | list):
    """One key of a {value: weight} table, or one value of a [(value, weight)] table."""
    table = _CUMULATIVE.get(id(weighted))
    if table is None:  # the tables are module constants: their ids stay theirs
        pairs = list(weighted.items()) if isinstance(weighted, dict) else weighted
        table = [value for value, _ in pairs], list(accumulate(weight for _, weight in pairs))
        _CUMULATIVE[id(weighted)] = table
    values, cumulative = table
    return values[bisect(cumulative, rng.random() * cumulative[-1])]


def _days(rng: random.Random, points: tuple[int, ...]) -> int:
    """A number of days drawn from measured quantiles (min, p10, p25, median, p75, p90, max)."""
    u = rng.random()
    for (q0, v0), (q1, v1) in pairwise(zip(QUANTILES, points, strict=True)):
        if u <= q1:
            return round(v0 + (v1 - v0) * (u - q0) / (q1 - q0))
    return points[-1]


def _letter(rng: random.Random, number: int, drugs) -> GeneratedLetter:
    layout = _pick(rng, P.LAYOUTS)
    denial = date(2013, 1, 1) + timedelta(days=rng.randrange(13 * 365))
    if rng.random() < P.RECENT_INJURY:
        injury = denial - timedelta(days=_days(rng, P.DAYS_INJURY_TO_UR))
    else:
        injury = denial - timedelta(days=rng.randrange(106, 15 * 365))
    received = denial + timedelta(days=_days(rng, P.DAYS_UR_TO_APPLICATION))
    assigned = received + timedelta(days=_days(rng, P.DAYS_APPLICATION_TO_ASSIGNED))
    standard = layout == "standard"
    has_header = standard or rng.random() < 0.8
    states, specialties = _credentials(rng)
    letter = GeneratedLetter(
        name=f"gen_{number:07d}.txt",
        content="",
        layout=layout,
        case_number=f"CM{assigned.year % 100:02d}-{number:07d}" if has_header else "",
        patient_age=rng.randint(19, 74),
        patient_sex=rng.choice(["male", "female"]),
        date_of_injury=injury,
        ur_denial_date=denial,
        reviewer_states=sorted(code for _, code in states),
        reviewer_specialties=[_canonical(name) for name in specialties],
        diagnoses=rng.sample(P.DIAGNOSES, rng.choice([1, 1, 2, 2, 3])),
        date_assigned=assigned if has_header else None,
    )
    if standard:
        letter.decision_date = assigned + timedelta(days=_days(rng, P.DAYS_ASSIGNED_TO_DECISION))
        letter.priority = "expedited" if rng.random() < P.EXPEDITED else "standard"
        letter.application_received_date = received
    count = _pick(rng, P.ITEMS_PER_LETTER)
    if layout == "medical_professional_review":
        count = min(count, 2)
    written = [_item(rng, drugs, layout, position) for position in range(count)]
    letter.items = [w.item for w in written]
    text = _text(rng, letter, written, states, specialties)
    letter.content = _noisy(rng, text, letter)
    return letter


def _credentials(rng: random.Random) -> tuple[list[tuple[str, str]], list[str]]:
    """(state name, code) pairs and specialty names as the letter writes them."""
    count = _pick(rng, P.STATES_PER_LETTER)
    states = [("California", "CA")] if rng.random() < P.CALIFORNIA else []
    while len(states) < count:
        state = _pick(rng, P.OTHER_STATES)
        if state not in states:
            states.insert(rng.randint(0, len(states)), state)
    return states, _pick(rng, P.SPECIALTY_LINES).split(", ")


def _canonical(specialty: str) -> str:
    return P.CANONICAL_SPECIALTY.get(specialty, specialty.replace(" & ", " and "))


def _item(rng, drugs, layout: str, position: int) -> _Written:
    category = _pick(rng, P.CATEGORIES)
    region = rng.choice(list(P.REGIONS))
    book, chapter = P.REGIONS[region]
    if category == "pharmaceutical":
        name, generic, drug_class = rng.choice(drugs)
        book, section, topic = P.DRUG_SECTIONS.get(drug_class, P.DRUG_DEFAULT)
        template = f"{name} {rng.choice([5, 7.5, 10, 20, 50, 100, 300, 600]):g}mg #{{n}}"
        count, chapter, thing = rng.choice([30, 60, 90, 120]), "Pain (Chronic)", name
        split = 0.045
    else:
        template, own_book, section, topic = rng.choice(P.SERVICES[category])
        book = own_book or book
        count, generic, split = rng.choice(P.SESSIONS), "", 0.41 if "{n}" in template else 0
        thing = template.format(region=region, n=count).lower()
    label = request = template.format(region=region, n=count)
    item = GeneratedItem(label, "upheld", generic, category, "")
    if layout == "standard" and rng.random() < split:
        authorized = rng.randint(2, count - 2) if count < 30 else count * rng.randint(1, 9) // 10
        item.original_request = request
        item.authorized_portion = template.format(region=region, n=authorized)
        item.label = template.format(region=region, n=count - authorized)
        line = PARTLY.format(original=request, authorized=item.authorized_portion, label=item.label)
        line += " is" if rng.random() < 0.85 else ""
    else:
        line = label
        if rng.random() < P.OVERTURNED:
            item.decision = "overturned"
    odg = f"Official Disability Guidelines (ODG) {chapter}, {topic}."
    reviewer, item.guideline_source = _guideline(rng, "Expert Reviewer", P.REVIEWER_PHRASINGS,
                                                 book, section, odg)  # fmt: skip
    claims, _ = _guideline(rng, "Claims Administrator", P.CLAIMS_PHRASINGS, book, section, odg)
    upheld = item.decision == "upheld"
    rationale = _rationale(rng, thing, item.label, upheld, layout, book)
    written = _Written(item, request)
    written.block = _block(layout, position, line, upheld, claims, reviewer, rationale)
    return written


def _guideline(rng, who: str, phrasings: dict, book: str, section: str, odg: str):
    """A guideline line in one of the real phrasings, and the source it cites."""
    kind = _pick(rng, phrasings)
    mtus = f"Decision based on MTUS {book}"
    mtus += f", Section(s): {section}." if section and kind != "mtus_plain" else "."
    outside = f"The {who} based their decision on recommendation(s) outside of the MTUS Guidelines."
    if kind == "no_evidence":
        return f"The {who} did not cite any medical evidence for its decision.", "none"
    if kind == "outside_odg":
        return f"{outside} Decision based on Non-MTUS Citation {odg}", "odg"
    if kind == "outside_other":
        citation, source = rng.choice(P.OTHER_CITATIONS)
        return f"{outside} Decision based on Non-MTUS Citation {citation}.", source
    if kind == "mtus_and_odg":
        return f"{mtus} Decision based on Non-MTUS Citation {odg}", "mtus"
    return mtus, "mtus"


def _rationale(rng, thing: str, label: str, upheld: bool, layout: str, book: str) -> str:
    fill = {
        "thing": thing,
        "book": f"MTUS {book.rsplit(' ', 1)[0]} Guidelines",
        "condition": rng.choice(P.CONDITIONS),
        "conservative": " and ".join(rng.sample(P.CONSERVATIVE, 2)),
        "months": rng.randint(2, 36),
        "pain": rng.randint(3, 6),
        "pain_high": rng.randint(7, 10),
        "visit": f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/20{rng.randint(13, 24)}",
        "weeks": rng.randint(2, 8),
    }
    sentences = [
        rng.choice(P.RATIONALE_OPENINGS),
        *rng.sample(P.RATIONALE_FINDINGS, rng.randint(2, 5)),
    ]
    body = " ".join(sentence.format(**fill) for sentence in sentences)
    tail = " and appropriate" if layout == "decisions_and_rationales" else ""
    verdict = "is not medically necessary" if upheld else "is medically necessary"
    return f"{body} Therefore, the request for {label} {verdict}{tail}."


def _block(layout, position, line, upheld, claims, reviewer, rationale) -> str:
    if layout == "standard":
        return (
            f"{line}: {'Upheld' if upheld else 'Overturned'}\n"
            f"Claims Administrator guideline: {claims}\n"
            f"MAXIMUS guideline: {reviewer}\n"
            f"Decision rationale: {rationale}\n"
        )
    if layout == "decisions_and_rationales":
        verdict = "is not medically necessary" if upheld else "is medically necessary"
        return (
            f"{position + 1}. {line} {verdict} and appropriate.\n"
            "Guideline Criteria/Medical Evidence Relied Upon by Claims Administrator:\n"
            f"{claims}\n"
            "Guideline Criteria/Medical Evidence Relied Upon by the Expert Reviewer:\n"
            f"{reviewer}\n"
            f"Rationale for the Decision:\n{rationale}\n"
        )
    return (
        f"{position + 1}. {line}:\n"
        "MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL REVIEWER AND WHY:\n"
        f"{reviewer}\n"
        "RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:\n"
        f"{rationale}\n"
    )


def _summary(rng, letter: GeneratedLetter, written: list[_Written]) -> str:
    """The case summary in the real phrasings; treatment words in their real shares."""
    standard = letter.layout == "standard"
    opening = _pick(rng, P.OPENINGS) if standard else P.OPENINGS[0][0]
    injury = letter.date_of_injury.strftime(rng.choice(DATE_FORMATS) if standard else "%m/%d/%Y")
    if "{complaint}" in opening:
        letter.diagnoses = [rng.choice(P.COMPLAINTS)]
    sentences = [opening.format(age=letter.patient_age, sex=letter.patient_sex, doi=injury,
                                complaint=letter.diagnoses[0])]  # fmt: skip
    if "{complaint}" not in opening:
        sentences.append(_pick(rng, P.DIAGNOSIS_SENTENCES).format(dx=_listed(letter.diagnoses)))
    visit = (letter.ur_denial_date - timedelta(days=rng.randint(3, 30))).strftime("%m-%d-%Y")
    if rng.random() < 0.7:
        sentences.append(
            f"A recent progress report dated {visit} reported the injured worker complained of "
            f"{rng.choice(P.COMPLAINTS)}, rated {rng.randint(4, 9)} out of 10."
        )
    if rng.random() < 0.8:
        sentences.append(f"Physical examination revealed {rng.choice(P.FINDINGS)}.")
    fill = {"region": rng.choice(list(P.REGIONS)), "date": visit, "imaging": rng.choice(P.IMAGING)}
    sentences += [more.format(**fill) for more, chance in P.MORE if rng.random() < chance]
    history = [phrase for phrase, chance in P.HISTORY if rng.random() < chance]
    sentences.append(f"Treatment to date has included {_listed(history or ['conservative care'])}.")
    requests = _listed([w.request for w in written])
    asked = rng.choice(["The treating physician requested {r}.", "The treatment plan included {r}.",
                        f"On {visit}, the Request for Authorization requested {{r}}."])  # fmt: skip
    sentences.append(asked.format(r=requests))
    sentences.append(_review_sentence(rng, letter, written, requests))
    return " ".join(sentences)


def _review_sentence(rng, letter: GeneratedLetter, written: list[_Written], requests: str) -> str:
    if letter.layout != "standard":
        denial = f"{letter.ur_denial_date:%m/%d/%Y}"
        return f"A utilization review dated {denial} non-certified the requests."
    denial = letter.ur_denial_date.strftime("%m-%d-%Y")
    partly = [w.item for w in written if w.item.original_request]
    if partly:
        item = partly[0]
        return (
            f"On {denial}, the Utilization Review modified the request. "
            + PARTLY.format(
                original=item.original_request, authorized=item.authorized_portion, label=item.label
            )
            + "."
        )
    return rng.choice([
        f"On {denial}, the Utilization Review non-certified the request for {requests}.",
        f"On {denial}, utilization review determined {requests} was not medically necessary.",
        f"The requests were denied by Utilization Review on {denial}.",
    ])  # fmt: skip


def _listed(parts: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _header(letter: GeneratedLetter) -> str:
    """The header as PDF text extraction gives the real two-column layout."""
    if not letter.case_number:
        return ""
    injury, denial = f"{letter.date_of_injury:%m/%d/%Y}", f"{letter.ur_denial_date:%m/%d/%Y}"
    if letter.layout != "standard":
        assigned = f"{letter.date_assigned:%m/%d/%Y}"
        return (
            f"IMR Case Number: {letter.case_number}    Date Assigned: {assigned}\n"
            f"Date of Injury: {injury}    UR Denial Date: {denial}\n\n"
        )
    return (
        f"Case Number: {letter.case_number}\n"
        f"Date Assigned: {letter.date_assigned:%m/%d/%Y} Date of Injury: {injury}\n"
        f"Decision Date: {letter.decision_date:%m/%d/%Y} UR Denial Date: {denial}\n"
        f"Priority: {letter.priority.capitalize()} Application \nReceived: \n"
        f"{letter.application_received_date:%m/%d/%Y}\n"
    )


def _text(rng, letter: GeneratedLetter, written: list[_Written], states, specialties) -> str:
    summary = _summary(rng, letter, written)
    blocks = [w.block for w in written]
    header = _header(letter)
    state_names = [name for name, _ in states]
    if letter.layout == "standard":
        return (
            f"{header}HOW THE IMR FINAL DETERMINATION WAS MADE\n{P.MADE}\n"
            "The Expert Reviewer has the following credentials:\n"
            f"State(s) of Licensure: {rng.choice([',', ', ']).join(state_names)}\n"
            f"Certification(s)/Specialty: {', '.join(specialties)}\n"
            f"CLINICAL CASE SUMMARY\n{SUMMARY_BOILERPLATE}\n{summary}\n"
            "IMR ISSUES, DECISIONS AND RATIONALES\n"
            "The Final Determination was based on decisions for the disputed items/services set "
            "forth below:\n" + "".join(blocks)
        )
    prose = (
        f"The physician reviewer is Board Certified in {' and '.join(letter.reviewer_specialties)} "
        f"and is licensed to practice in {' and '.join(state_names)}."
    )
    denial = f"{letter.ur_denial_date:%m/%d/%Y}"
    documents = (
        f"- Application of Independent Medical Review dated {denial}\n"
        f"- Utilization Review Determination dated {denial}\n"
        "- Medical records from the primary treating physician\n"
    )
    if letter.layout == "decisions_and_rationales":
        return (
            f"{header}HOW THE IMR FINAL DETERMINATION WAS MADE\n"
            "MAXIMUS Federal Services sent the complete case file to a physician reviewer. "
            f"{prose}\n\n"
            f"CLINICAL CASE SUMMARY\n{summary}\n\n"
            f"DOCUMENTS REVIEWED\n{documents}\n"
            "IMR DECISION(S) AND RATIONALE(S):\n" + "\n".join(blocks)
        )
    issues = "\n".join(f"{n + 1}. {item.label}" for n, item in enumerate(letter.items))
    return (
        f"{header}MEDICAL PROFESSIONAL REVIEW\n\nISSUE AT DISPUTE:\n{issues}\n\n"
        f"CASE SUMMARY:\n{summary}\n\n"
        f"DOCUMENTS REVIEWED FOR DETERMINATION:\n{documents}\n" + "\n".join(blocks) +
        f"\nMEDICAL REVIEWER QUALIFICATIONS:\n{prose}\n"
    )  # fmt: skip


def _noisy(rng, text: str, letter: GeneratedLetter) -> str | bytes:
    """About half the letters get one or two kinds of extraction noise."""
    if rng.random() < 0.5:
        return text
    for noise in rng.sample(NOISES, rng.choice([1, 1, 2])):
        text = noise(text)
        letter.noise.append(noise.__name__)
    if rng.random() < 0.1:
        letter.noise.append("windows_1252")
        return text.encode("cp1252", errors="replace")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    write(args.output, args.letters, args.seed)
    print(f"wrote {args.letters} letters to {args.output}")


if __name__ == "__main__":
    main()
