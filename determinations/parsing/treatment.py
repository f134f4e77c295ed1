"""Normalise a disputed item's label: medication, class, category, strength, quantity, refills."""

from __future__ import annotations

import re
from dataclasses import dataclass

from determinations.lexicon import TOPICAL_WORDS, Drug, Lexicon

_UNITS = {
    "mg": "mg",
    "milligram": "mg",
    "milligrams": "mg",
    "mcg": "mcg",
    "microgram": "mcg",
    "micrograms": "mcg",
    "ug": "mcg",
    "g": "g",
    "gm": "g",
    "gram": "g",
    "grams": "g",
    "ml": "ml",
    "cc": "ml",
    "unit": "units",
    "units": "units",
    "iu": "IU",
    "mg/ml": "mg/ml",
    "mcg/hr": "mcg/hr",
    "mcg/h": "mcg/hr",
}
_NUMBER = r"\d+(?:\.\d+)?"
_STRENGTH = re.compile(
    rf"(?<![\w.#])(?P<value>{_NUMBER}(?:\s*/\s*{_NUMBER})*)\s*"
    r"(?P<unit>mg/ml|mcg/hr?|milligrams?|micrograms?|mg|mcg|ug|gm|grams?|g|ml|cc|units?|iu)\b",
    re.I,
)
_PERCENT = re.compile(rf"(?<![\w.]){_NUMBER}\s*%(?:\s*/\s*{_NUMBER}\s*%)*")
_PERCENT_PARTS = re.compile(rf"(?<![\w.]){_NUMBER}\s*%")
_QUANTITY = re.compile(r"(?:#\s*|\b(?:quantity|qty)[:.]?\s*(?:of\s*)?)(\d+)\b", re.I)
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_REFILLS = re.compile(
    r"\b(?:with\s+|x\s*)?(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
    r"\s+refills?\b",
    re.I,
)
# Classes whose members, in a gel, cream or patch, are used as topical analgesics (MTUS).
_TOPICAL_CLASSES = frozenset({"nsaid", "local anesthetic", "analgesic"})
_INJECTION = re.compile(r"\binject(?:ion|ions|able)?\b|\bIM\b|\bshot\b", re.I)
_LOOKS_LIKE_DRUG = re.compile(
    rf"{_STRENGTH.pattern}|#\s*\d+|\b(tablets?|tabs?|capsules?|caps|cream|gel|ointment|patch|"
    r"solution|suspension|ER|XR|SR|CR|ODT)\b",
    re.I,
)


@dataclass
class Treatment:
    """What the label says was requested, normalised."""

    treatment: str
    medication: str = ""
    drug_class: str = ""
    category: str = "other"
    strength: str = ""
    quantity: int | None = None
    refills: int | None = None
    unknown_medication: bool = False


def normalise_treatment(label: str, lexicon: Lexicon) -> Treatment:
    """Read one item label (`Norco 10/325mg #101`) into its normalised parts."""
    result = Treatment(
        treatment="",
        strength=strength_of(label),
        quantity=quantity_of(label),
        refills=refills_of(label),
    )
    drug = medication_of(label, lexicon)
    rule = None if drug else lexicon.treatment_rule(label)
    if drug:
        result.medication = result.treatment = drug.generic
        result.drug_class = drug.drug_class
        result.category = "injection" if _INJECTION.search(label) else "pharmaceutical"
    elif rule:
        result.treatment, result.category = rule.treatment, rule.category
    else:
        result.treatment = _bare_name(label)
        if _LOOKS_LIKE_DRUG.search(label):
            result.category = "pharmaceutical"
            result.unknown_medication = True
    return result


def medication_of(label: str, lexicon: Lexicon) -> Drug | None:
    """The drug a label names; two drugs without a lexicon combination become `a/b`."""
    drugs = lexicon.find_drugs(label)
    if len(drugs) == 1:
        return _topical_form(drugs[0], label)
    if not drugs:
        return None
    combination = lexicon.combination(drugs)
    if combination:
        return combination
    generic = "/".join(d.generic for d in drugs)
    drug_class = "topical analgesic" if TOPICAL_WORDS.search(label) else drugs[0].drug_class
    return Drug(generic, drug_class)


def _topical_form(drug: Drug, label: str) -> Drug:
    """Voltaren gel, Lidoderm patch: a pain drug applied to the skin is a topical analgesic."""
    if drug.drug_class in _TOPICAL_CLASSES and TOPICAL_WORDS.search(label):
        return Drug(drug.generic, "topical analgesic")
    return drug


def strength_of(label: str) -> str:
    """`10/325mg` -> `10/325 mg`, `15 milligrams` -> `15 mg`, `20%/5%` as written."""
    # A concentration (`20%`) is the strength; grams beside it are the package size.
    percentages = _PERCENT_PARTS.findall(label)
    if percentages:
        return "/".join(p.replace(" ", "") for p in percentages)
    match = _STRENGTH.search(label)
    if match:
        value = re.sub(r"\s*/\s*", "/", match.group("value"))
        return f"{value} {_UNITS[match.group('unit').lower()]}"
    return ""


def quantity_of(label: str) -> int | None:
    """`#60`, `quantity 60`, `qty: 60` -> 60."""
    match = _QUANTITY.search(label)
    return int(match.group(1)) if match else None


def refills_of(label: str) -> int | None:
    """`with 2 refills`, `x2 refills`, `two refills` -> 2."""
    match = _REFILLS.search(label)
    if not match:
        return None
    count = match.group("n").lower()
    return int(count) if count.isdigit() else _NUMBER_WORDS[count]


def _bare_name(label: str) -> str:
    """The label lower-cased without strength, quantity and refills."""
    name = _REFILLS.sub(" ", label)
    name = _QUANTITY.sub(" ", name)
    name = _STRENGTH.sub(" ", name)
    name = _PERCENT.sub(" ", name)
    return " ".join(name.lower().split()).strip(" ,;:-")
