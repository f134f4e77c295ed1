"""A deterministic generated corpus for benchmarks: standard-layout letters with varied facts.

Drugs come from the lexicon, decisions are about 85% upheld, and rationales are assembled
from sentence templates so that full-text search has real work to do.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

from determinations.lexicon import default_lexicon

STATES = ["California", "Nevada", "Arizona", "Texas", "New York", "Oregon", "Florida", "Ohio"]
SPECIALTIES = [
    "Orthopedic Surgery", "Pain Medicine", "Pain Management", "Physical Medicine & Rehabilitation",
    "Occupational Medicine", "Neurology", "Family Practice", "Internal Medicine",
    "Anesthesiology", "Psychiatry", "Chiropractic", "Preventive Medicine",
]  # fmt: skip
SERVICES = [
    "Physical therapy 2 times a week for 6 weeks for the lumbar spine",
    "MRI of the lumbar spine without contrast",
    "Lumbar epidural steroid injection at L4-5",
    "TENS unit, 30 day rental",
    "Follow-up visit with pain management",
    "Right knee arthroscopy with partial meniscectomy",
    "Urine drug screen",
    "Acupuncture x 6 sessions",
    "EMG/NCV of the bilateral lower extremities",
    "Chiropractic treatment 2x4",
]
DIAGNOSES = [
    "lumbar radiculopathy", "cervical strain", "chronic low back pain", "carpal tunnel syndrome",
    "rotator cuff tendinitis", "knee osteoarthritis", "myofascial pain syndrome", "depression",
    "insomnia", "status post lumbar fusion", "lumbar disc displacement", "shoulder impingement",
]  # fmt: skip
GUIDELINES = [
    ("mtus", "Decision based on MTUS Chronic Pain Treatment Guidelines {topic}, Page(s): {page}."),
    ("odg", "The Expert Reviewer did not base their decision on the MTUS. Decision based on "
     "Non-MTUS Citation Official Disability Guidelines (ODG) Pain Chapter, {topic}."),
    ("acoem", "Decision based on Non-MTUS Citation ACOEM Practice Guidelines, {topic}."),
]  # fmt: skip
SENTENCES = [
    "According to the guidelines, {name} is recommended as a second-line option for short-term "
    "treatment of acute exacerbations in patients with chronic low back pain.",
    "The medical records do not describe any meaningful functional improvement attributable to "
    "the use of {name}.",
    "There is no documentation of objective functional improvement or a reduction in pain scores.",
    "Efficacy appears to diminish over time, and prolonged use may lead to dependence.",
    "The injured worker has been prescribed {name} for several months without documented benefit.",
    "The guidelines recommend ongoing review of pain relief, functional status, appropriate "
    "medication use, and side effects.",
    "Urine drug screening results were consistent with the prescribed medications.",
    "The treating physician documented a specific analgesic benefit and improved activities of "
    "daily living with {name}.",
    "A trial of conservative care including physical therapy and home exercise has failed.",
    "Muscle spasm was noted on examination of the lumbar paraspinal muscles.",
    "The request exceeds the number of visits recommended by the guidelines.",
    "Neuropathic pain with radicular symptoms was documented on examination.",
]


def generate_letters(count: int, seed: int = 0) -> Iterator[tuple[str, str]]:
    """``count`` (file name, letter text) pairs, the same for the same seed."""
    rng = random.Random(seed)
    drugs = _drug_names()
    for number in range(count):
        yield f"gen_{number:07d}.txt", _letter(rng, number, drugs)


def write_corpus(folder: Path, count: int, seed: int = 0) -> None:
    """Write ``generate_letters`` into ``folder`` (idempotent: existing files are kept)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in generate_letters(count, seed):
        path = folder / name
        if not path.exists():
            path.write_text(text, encoding="utf-8")


def _drug_names() -> list[str]:
    """Brand names and generics of the lexicon, common classes weighted up."""
    lexicon = default_lexicon()
    common = {"opioid", "muscle relaxant", "nsaid", "anticonvulsant", "proton pump inhibitor",
              "antidepressant", "topical analgesic", "sleep aid"}  # fmt: skip
    names = []
    for name, drug in sorted(lexicon.drugs.items()):
        if " " not in name and "/" not in name:
            names += [name.capitalize()] * (6 if drug.drug_class in common else 1)
    return names


def _letter(rng: random.Random, number: int, drugs: list[str]) -> str:
    year = rng.randint(2013, 2025)
    injury = f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{year - rng.randint(1, 15)}"
    sex, pronoun = rng.choice([("male", "He"), ("female", "She")])
    items = [_item(rng, drugs) for _ in range(rng.choice([1, 1, 2, 2, 2, 3, 4]))]
    diagnoses = "; ".join(rng.sample(DIAGNOSES, 3))
    states = ", ".join(rng.sample(STATES, rng.choice([1, 1, 2, 3])))
    specialties = ", ".join(rng.sample(SPECIALTIES, rng.choice([1, 2])))
    return (
        f"IMR Case Number: CM{year % 100}-{number:07d}    Date Assigned: 01/15/{year}\n"
        f"UR Denial Date: {rng.randint(1, 12)}/{rng.randint(1, 28)}/{year}\n\n"
        "HOW THE IMR FINAL DETERMINATION WAS MADE\n"
        "MAXIMUS Federal Services sent the complete case file to an expert reviewer.\n"
        "The Expert Reviewer has the following credentials:\n"
        f"State(s) of Licensure: {states}\nCertification(s)/Specialty: {specialties}\n\n"
        "CLINICAL CASE SUMMARY\n"
        f"The injured worker is a {rng.randint(22, 74)} year old {sex} who sustained an industrial "
        f"injury on {injury}. Diagnoses include {diagnoses}. {pronoun} reports "
        f"{rng.choice(['persistent', 'worsening', 'stable'])} pain rated {rng.randint(3, 9)}/10. "
        f"The treating physician requested {', '.join(label for label, _ in items)}.\n\n"
        "IMR ISSUES, DECISIONS AND RATIONALES\n"
        "The Final Determination was based on decisions for the disputed items/services set "
        "forth below:\n\n" + "\n\n".join(block for _, block in items) + "\n"
    )


def _item(rng: random.Random, drugs: list[str]) -> tuple[str, str]:
    if rng.random() < 0.6:
        name = rng.choice(drugs)
        strength = rng.choice([5, 10, 20, 50, 100, 300, 600])
        label = f"{name} {strength}mg #{rng.choice([30, 60, 90, 120])}"
    else:
        label = name = rng.choice(SERVICES)
    upheld = rng.random() < 0.85
    _, guideline = rng.choice(GUIDELINES)
    guideline = guideline.format(
        topic=rng.choice(["Opioids", "Muscle relaxants", "NSAIDs", "Physical Medicine"]),
        page=rng.randint(20, 120),
    )
    sentences = " ".join(s.format(name=name) for s in rng.sample(SENTENCES, 4))
    verdict = "is not medically necessary" if upheld else "is medically necessary"
    block = (
        f"{label}: {'Upheld' if upheld else 'Overturned'}\n\n"
        f"Claims Administrator guideline: {guideline}\n\n"
        f"MAXIMUS guideline: {guideline}\n\n"
        f"Decision rationale: {sentences} Therefore, the request for {label} {verdict}."
    )
    return label, block
