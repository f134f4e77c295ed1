"""A realistic generated corpus with its ground truth (Scale issue).

    .venv/bin/python -m bench.generator --letters 10000 --seed 1 --output bench/out/gen_10000

Deterministic for a seed. Letters come in the three published layouts (SPEC: "The documents";
about 70% standard, 20% "IMR DECISION(S) AND RATIONALE(S)", 10% "MEDICAL PROFESSIONAL REVIEW"),
most with a header, with 1 to 6 disputed items (about 40% pharmaceutical; about 87% upheld),
and about half carry extraction noise (blank lines, CRLF, page footers, hyphenation, split
headings, Windows-1252 bytes). Rationales are assembled from varied sentence templates so
full-text search and similarity have real work. `generate` also returns what each letter
says, so a test can check that the parser reads it back (tests/test_generator.py).
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from determinations.lexicon import default_lexicon
from tests.letters import crlf, double_spaced, hyphenated, page_breaks, split_headings

STATES = [("California", "CA")] * 6 + [
    ("Nevada", "NV"), ("Arizona", "AZ"), ("Texas", "TX"), ("New York", "NY"), ("Oregon", "OR"),
    ("Florida", "FL"), ("Ohio", "OH"), ("Washington", "WA"), ("Colorado", "CO"),
]  # fmt: skip
SPECIALTIES = [
    "Orthopedic Surgery", "Pain Medicine", "Physical Medicine and Rehabilitation",
    "Occupational Medicine", "Neurology", "Family Practice", "Internal Medicine",
    "Anesthesiology", "Psychiatry", "Chiropractic", "Preventive Medicine", "Neurological Surgery",
]  # fmt: skip
COMMON_CLASSES = {
    "opioid", "muscle relaxant", "nsaid", "anticonvulsant", "proton pump inhibitor",
    "antidepressant", "topical analgesic", "sleep aid",
}  # fmt: skip
SERVICES = [
    "Physical therapy 2 times a week for 6 weeks for the lumbar spine",
    "MRI of the lumbar spine without contrast", "MRI of the right shoulder",
    "Lumbar epidural steroid injection at L4-5", "Cervical facet injection C5-6",
    "TENS unit, 30 day rental", "Follow-up visit with pain management",
    "Right knee arthroscopy with partial meniscectomy", "Urine drug screen",
    "Acupuncture x 6 sessions", "EMG/NCV of the bilateral lower extremities",
    "Chiropractic treatment 2x4", "Functional capacity evaluation",
    "Lumbar support brace", "Home exercise kit", "Psychological evaluation",
]  # fmt: skip
DIAGNOSES = [
    "lumbar radiculopathy", "cervical strain", "chronic low back pain", "carpal tunnel syndrome",
    "rotator cuff tendinitis", "knee osteoarthritis", "myofascial pain syndrome", "depression",
    "insomnia", "status post lumbar fusion", "lumbar disc displacement", "shoulder impingement",
]  # fmt: skip
TOPICS = ["Opioids", "Muscle relaxants", "NSAIDs", "Physical Medicine", "Topical Analgesics",
          "Antiepilepsy drugs", "Epidural steroid injections", "Low Back Complaints"]  # fmt: skip
GUIDELINES = {
    "mtus": "Decision based on MTUS Chronic Pain Medical Treatment Guidelines (2009), {topic}, "
    "pages {page}-{end}.",
    "odg": "The Expert Reviewer did not base their decision on the MTUS. Decision based on "
    "Non-MTUS Citation Official Disability Guidelines (ODG), Pain Chapter, {topic}.",
    "acoem": "Decision based on Non-MTUS Citation ACOEM Practice Guidelines, 2nd Edition (2004), "
    "Chapter 12, {topic}, page {page}.",
}
OPENINGS = [
    "The MTUS guidelines state that {thing} is recommended only when {condition}.",
    "According to the guidelines, {thing} is recommended as a second-line option for short-term "
    "treatment of acute exacerbations in patients with chronic low back pain.",
    "The Official Disability Guidelines indicate that {thing} should be reserved for patients "
    "in whom {condition}.",
    "Guidelines recommend an initial trial of {thing} with documentation of objective "
    "functional improvement before continued use.",
    "The ACOEM guidelines support {thing} when there are red flags or {condition}.",
]
CONDITIONS = [
    "there is documented objective functional improvement",
    "conservative treatment has failed for at least six weeks",
    "neurologic findings on examination are corroborated by imaging",
    "the patient has returned to work or has improved function and pain",
    "pain relief of at least 50 percent is documented",
]
FINDINGS = [
    "The medical records do not describe any meaningful functional improvement attributable to "
    "{thing}.",
    "There is no documentation of objective functional improvement or a reduction in pain scores.",
    "Efficacy appears to diminish over time, and prolonged use may lead to dependence.",
    "The injured worker has used {thing} for {months} months without documented benefit.",
    "Urine drug screening results were consistent with the prescribed medications.",
    "The treating physician documented a specific analgesic benefit and improved activities of "
    "daily living with {thing}.",
    "A trial of conservative care including physical therapy and home exercise has failed.",
    "Muscle spasm was noted on examination of the lumbar paraspinal muscles.",
    "The request exceeds the number of visits recommended by the guidelines.",
    "Neuropathic pain with radicular symptoms was documented on examination.",
    "Pain is rated {pain} out of 10 with medication and {pain_high} out of 10 without it.",
    "There is no evidence of a signed pain agreement or ongoing review of aberrant behavior.",
    "The progress report of {visit} documents tenderness and a reduced range of motion.",
    "Prior sessions produced temporary relief lasting less than {weeks} weeks.",
]
NOISES = [double_spaced, crlf, page_breaks, hyphenated, split_headings]


@dataclass
class GeneratedItem:
    label: str
    decision: str
    medication: str
    category: str
    guideline_source: str


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


def _drug_names() -> list[tuple[str, str]]:
    """(name as written, generic): single-word names, common drug classes weighted up."""
    names = []
    for name, drug in sorted(default_lexicon().drugs.items()):
        if name.isalpha() and "/" not in drug.generic:
            names += [(name.capitalize(), drug.generic)] * (
                6 if drug.drug_class in COMMON_CLASSES else 1
            )
    return names


def _letter(rng: random.Random, number: int, drugs) -> GeneratedLetter:
    layout = rng.choices(["standard", "decisions_and_rationales", "medical_professional_review"],
                         [70, 20, 10])[0]  # fmt: skip
    denial = date(2013, 1, 1) + timedelta(days=rng.randrange(13 * 365))
    letter = GeneratedLetter(
        name=f"gen_{number:07d}.txt",
        content="",
        layout=layout,
        case_number=f"CM{denial.year % 100:02d}-{number:07d}" if rng.random() < 0.8 else "",
        patient_age=rng.randint(21, 74),
        patient_sex=rng.choice(["male", "female"]),
        date_of_injury=denial - timedelta(days=rng.randrange(60, 15 * 365)),
        ur_denial_date=denial,
        reviewer_states=sorted({code for _, code in rng.sample(STATES, rng.choice([1, 1, 2]))}),
        reviewer_specialties=rng.sample(SPECIALTIES, rng.choice([1, 1, 2])),
    )
    count = rng.choices([1, 2, 3, 4, 5, 6], [30, 30, 20, 10, 6, 4])[0]
    if layout == "medical_professional_review":
        count = min(count, 2)
    blocks = [_item(rng, drugs, layout, position) for position in range(count)]
    letter.items = [item for item, _ in blocks]
    text = _text(rng, letter, [block for _, block in blocks])
    letter.content = _noisy(rng, text, letter)
    return letter


def _item(rng, drugs, layout: str, position: int) -> tuple[GeneratedItem, str]:
    if rng.random() < 0.4:
        name, generic = rng.choice(drugs)
        strength = rng.choice([5, 10, 20, 50, 100, 300, 600])
        label = f"{name} {strength}mg #{rng.choice([30, 60, 90, 120])}"
        thing, category = name, "pharmaceutical"
    else:
        label = thing = rng.choice(SERVICES)
        generic = ""
        rule = default_lexicon().treatment_rule(label)
        category = rule.category if rule else "other"
    upheld = rng.random() < 0.87
    source = rng.choices(["mtus", "odg", "acoem"], [70, 20, 10])[0]
    topic = rng.choice(TOPICS)
    page = rng.randint(10, 120)
    guideline = GUIDELINES[source].format(topic=topic, page=page, end=page + rng.randint(1, 6))
    rationale = _rationale(rng, thing, label, upheld, layout)
    item = GeneratedItem(label, "upheld" if upheld else "overturned", generic, category, source)
    return item, _block(layout, position, label, upheld, guideline, rationale)


def _rationale(rng, thing: str, label: str, upheld: bool, layout: str) -> str:
    fill = {
        "thing": thing.lower() if " " in thing else thing,
        "condition": rng.choice(CONDITIONS),
        "months": rng.randint(2, 36),
        "pain": rng.randint(3, 6),
        "pain_high": rng.randint(7, 10),
        "visit": f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/20{rng.randint(13, 24)}",
        "weeks": rng.randint(2, 8),
    }
    sentences = [rng.choice(OPENINGS), *rng.sample(FINDINGS, rng.randint(2, 5))]
    body = " ".join(sentence.format(**fill) for sentence in sentences)
    tail = " and appropriate" if layout == "decisions_and_rationales" else ""
    verdict = "is not medically necessary" if upheld else "is medically necessary"
    return f"{body} Therefore, the request for {label} {verdict}{tail}."


def _block(layout, position, label, upheld, guideline, rationale) -> str:
    if layout == "standard":
        return (
            f"{label}: {'Upheld' if upheld else 'Overturned'}\n\n"
            f"Claims Administrator guideline: {guideline}\n\n"
            f"MAXIMUS guideline: {guideline}\n\n"
            f"Decision rationale: {rationale}\n"
        )
    if layout == "decisions_and_rationales":
        verdict = "is not medically necessary" if upheld else "is medically necessary"
        return (
            f"{position + 1}. {label} {verdict} and appropriate.\n"
            "Guideline Criteria/Medical Evidence Relied Upon by Claims Administrator:\n"
            f"{guideline}\n"
            "Guideline Criteria/Medical Evidence Relied Upon by the Expert Reviewer:\n"
            f"{guideline}\n"
            f"Rationale for the Decision:\n{rationale}\n"
        )
    return (
        f"{position + 1}. {label}:\n"
        "MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL REVIEWER AND WHY:\n"
        f"{guideline}\n"
        "RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:\n"
        f"{rationale}\n"
    )


def _text(rng, letter: GeneratedLetter, blocks: list[str]) -> str:
    sex_word = {"male": "male", "female": "female"}[letter.patient_sex]
    injury = letter.date_of_injury.strftime("%m/%d/%Y")
    denial = letter.ur_denial_date.strftime("%m/%d/%Y")
    first, second, third = rng.sample(DIAGNOSES, 3)
    diagnoses = f"{first}, {second} and {third}"
    labels = ", ".join(item.label for item in letter.items)
    summary = (
        f"The injured worker is a {letter.patient_age} year old {sex_word} who sustained an "
        f"industrial injury on {injury}. Diagnoses include {diagnoses}. Treatment to date has "
        f"included medications and physical therapy. The treating physician requested {labels}. "
        f"A utilization review dated {denial} non-certified the requests.\n"
    )
    names = {code: name for name, code in STATES}
    state_names = [names[code] for code in letter.reviewer_states]
    header = ""
    if letter.case_number:
        header = (
            f"IMR Case Number: {letter.case_number}    Date Assigned: "
            f"{(letter.ur_denial_date + timedelta(days=20)).strftime('%m/%d/%Y')}\n"
            f"Date of Injury: {injury}    UR Denial Date: {denial}\n\n"
        )
    if letter.layout == "standard":
        return (
            f"{header}HOW THE IMR FINAL DETERMINATION WAS MADE\n"
            "MAXIMUS Federal Services sent the complete case file to an expert reviewer.\n"
            "The Expert Reviewer has the following credentials:\n"
            f"State(s) of Licensure: {', '.join(state_names)}\n"
            f"Certification(s)/Specialty: {', '.join(letter.reviewer_specialties)}\n\n"
            f"CLINICAL CASE SUMMARY\n{summary}\n"
            "IMR ISSUES, DECISIONS AND RATIONALES\n"
            "The Final Determination was based on decisions for the disputed items/services set "
            "forth below:\n\n" + "\n".join(blocks)
        )
    prose = (
        f"The physician reviewer is Board Certified in {' and '.join(letter.reviewer_specialties)} "
        f"and is licensed to practice in {' and '.join(state_names)}."
    )
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
            f"CLINICAL CASE SUMMARY\n{summary}\n"
            f"DOCUMENTS REVIEWED\n{documents}\n"
            "IMR DECISION(S) AND RATIONALE(S):\n" + "\n".join(blocks)
        )
    issues = "\n".join(f"{n + 1}. {item.label}" for n, item in enumerate(letter.items))
    return (
        f"{header}MEDICAL PROFESSIONAL REVIEW\n\nISSUE AT DISPUTE:\n{issues}\n\n"
        f"CASE SUMMARY:\n{summary}\n"
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
