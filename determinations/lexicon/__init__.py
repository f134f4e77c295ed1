"""The treatment lexicon: drugs, brand names, classes, treatment rules, specialties, states.

Plain data files beside this module (not code) so that a data steward can extend them;
`Lexicon` is what the parser consults. No Django imports.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
_LABELS_KEPT = 100_000  # treatment rules found for labels, per lexicon
# A specialty name at least this long within this similarity (difflib's ratio: one letter
# in fifteen) of a known one is that one misspelt.
_MIN_MISSPELT_LENGTH = 10
_MISSPELT_CUTOFF = 0.94
_PATTERNS_KEPT = 10_000  # distinct sets of drug words seen in labels, each a small regex
TOPICAL_WORDS = re.compile(r"\b(cream|gel|ointment|patch|patches|topical|lotion|spray)\b", re.I)


@dataclass(frozen=True)
class Drug:
    """A medication in the lexicon: its generic name and drug class."""

    generic: str
    drug_class: str


@dataclass(frozen=True)
class TreatmentRule:
    """A non-drug treatment recognised by a pattern in the item label."""

    pattern: re.Pattern[str]
    treatment: str
    category: str


@dataclass
class Lexicon:
    """Names the parser normalises against; built from the CSV files by `load_lexicon`."""

    drugs: dict[str, Drug] = field(default_factory=dict)  # any lower-case name -> drug
    treatment_rules: list[TreatmentRule] = field(default_factory=list)
    specialties: dict[str, str] = field(default_factory=dict)  # key -> canonical
    states: dict[str, str] = field(default_factory=dict)  # lower-case name or code -> code
    _drug_names: DrugNames | None = field(default=None, compare=False, repr=False)
    # The rules are read once, by `load_lexicon`: answers for labels stay true.
    _rule_of: dict[str, TreatmentRule | None] = field(
        default_factory=dict, compare=False, repr=False
    )
    _near_specialty: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    def add_drug_name(self, name: str, drug: Drug) -> None:
        """Teach the lexicon another name (brand, synonym) for a drug."""
        self.drugs[_name_key(name)] = drug
        self._drug_names = None

    def with_drug_names(self, names: list[tuple[str, str, str]]) -> Lexicon:
        """A copy that also knows these (name, generic, drug class) entries."""
        if not names:
            return self
        extended = replace(self, drugs=dict(self.drugs), _drug_names=None)
        for name, generic, drug_class in names:
            extended.add_drug_name(name, Drug(generic.lower(), drug_class.lower()))
        return extended

    def names_of(self, generic: str) -> list[str]:
        """Every name the lexicon knows for a medication (or each part of a combination)."""
        parts = {generic, *generic.split("/")}
        return sorted(name for name, drug in self.drugs.items() if drug.generic in parts)

    def find_drugs(self, label: str) -> list[Drug]:
        """Drugs named in ``label``, in order of appearance, each once."""
        if self._drug_names is None:
            self._drug_names = DrugNames(self.drugs)
        pattern = self._drug_names.pattern_for(label)
        found: list[Drug] = []
        for match in pattern.finditer(label) if pattern else ():
            drug = self.drugs[_name_key(match.group(0))]
            if drug not in found:
                found.append(drug)
        return found

    def combination(self, parts: list[Drug]) -> Drug | None:
        """The lexicon's fixed combination made of exactly these drugs, if there is one."""
        wanted = sorted(part.generic for part in parts)
        for drug in self.drugs.values():
            if "/" in drug.generic and sorted(drug.generic.split("/")) == wanted:
                return drug
        return None

    def treatment_rule(self, label: str) -> TreatmentRule | None:
        """The first non-drug treatment rule that matches ``label``."""
        # Two hundred searches a label; labels repeat ("MRI of the lumbar spine"), so the
        # answers are kept, a bounded number of them.
        if label not in self._rule_of:
            if len(self._rule_of) >= _LABELS_KEPT:
                self._rule_of.clear()
            self._rule_of[label] = next(
                (r for r in self.treatment_rules if r.pattern.search(label)), None
            )
        return self._rule_of[label]

    def specialty(self, written: str) -> str:
        """The canonical name of a specialty as written in a letter."""
        cleaned = " ".join(written.replace("&", " and ").split()).strip(" .,;")
        key = specialty_key(cleaned)
        return self.specialties.get(key) or self._misspelt_specialty(key) or cleaned

    def _misspelt_specialty(self, key: str) -> str | None:
        """The canonical specialty ``key`` misspells by a letter or so ("Sports Medicinea" in
        a published letter); None when none is that close."""
        if len(key) < _MIN_MISSPELT_LENGTH:
            return None
        if key not in self._near_specialty:
            if len(self._near_specialty) >= _LABELS_KEPT:
                self._near_specialty.clear()
            near = difflib.get_close_matches(key, self.specialties, n=1, cutoff=_MISSPELT_CUTOFF)
            self._near_specialty[key] = self.specialties[near[0]] if near else None
        return self._near_specialty[key]

    def state_code(self, written: str) -> str | None:
        """The USPS code of a state named or abbreviated in a letter."""
        return self.states.get(" ".join(written.split()).strip(" .,;").lower())


def specialty_key(name: str) -> str:
    """How specialty names are compared: case, '&'/'and' and punctuation do not matter."""
    name = name.lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", name).split())


@cache
def default_lexicon() -> Lexicon:
    """The lexicon from the bundled data files, loaded once per process."""
    return load_lexicon(DATA_DIR)


def load_lexicon(folder: Path) -> Lexicon:
    """Read drugs.csv, treatments.csv, specialties.csv and states.csv from ``folder``."""
    lexicon = Lexicon()
    for row in _rows(folder / "drugs.csv"):
        drug = Drug(row["generic"].strip().lower(), row["drug_class"].strip().lower())
        for name in [drug.generic, *_split(row["brands"]), *_split(row["synonyms"])]:
            lexicon.add_drug_name(name, drug)
    for row in _rows(folder / "treatments.csv"):
        pattern = re.compile(row["pattern"], re.I)
        lexicon.treatment_rules.append(
            TreatmentRule(pattern, row["treatment"].strip(), row["category"].strip())
        )
    for row in _rows(folder / "specialties.csv"):
        canonical = row["canonical"].strip()
        for name in [canonical, *_split(row["aliases"])]:
            lexicon.specialties[specialty_key(name)] = canonical
    for row in _rows(folder / "states.csv"):
        code = row["code"].strip().upper()
        lexicon.states[code.lower()] = code
        lexicon.states[row["name"].strip().lower()] = code
    return lexicon


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _split(cell: str | None) -> list[str]:
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def _name_key(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").split())


def _alternation(names: Iterable[str]) -> re.Pattern[str]:
    """One regex matching any of ``names`` as whole words, in the order given."""
    body = "|".join(r"[\s-]+".join(map(re.escape, name.split())) for name in names if name)
    return re.compile(rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])", re.I)


_WORD = re.compile(r"(?<![a-z0-9])[a-z0-9]+", re.I)
_LEADING_WORD = re.compile(r"[a-z0-9]+")


class DrugNames:
    """Finds drug names in labels: one regex of every name, longest first, but run with only
    the names that can match a given label.

    Python tries each of two thousand alternatives at each position of a label; a name can
    only match where the label has its first word, so the regex for a label holds just the
    names whose first word the label has (cached by those words), in the same order. It
    therefore finds exactly what the full regex finds.
    """

    def __init__(self, drugs: dict[str, Drug]) -> None:
        ordered = sorted(drugs, key=len, reverse=True)
        self._everything = _alternation(ordered) if any(ordered) else None
        self._by_word: dict[str, list[tuple[int, str]]] = {}
        self._anywhere: list[tuple[int, str]] = []  # names that do not start with a word
        for rank, name in enumerate(n for n in ordered if n):
            word = _LEADING_WORD.match(name) if name.isascii() else None
            if word is None:
                self._anywhere.append((rank, name))
            else:
                self._by_word.setdefault(word.group(0), []).append((rank, name))
        self._patterns: dict[frozenset[str], re.Pattern[str] | None] = {}

    def pattern_for(self, label: str) -> re.Pattern[str] | None:
        """A regex that finds in ``label`` what the regex of every name finds (None: no
        name can match)."""
        if not label.isascii():  # case-insensitive matching beyond ASCII: keep every name
            return self._everything
        words = frozenset(self._by_word.keys() & {w.lower() for w in _WORD.findall(label)})
        if words not in self._patterns:
            if len(self._patterns) >= _PATTERNS_KEPT:
                self._patterns.clear()
            names = [entry for word in words for entry in self._by_word[word]]
            names = sorted(names + self._anywhere)  # by rank: the full regex's order
            self._patterns[words] = _alternation(name for _, name in names) if names else None
        return self._patterns[words]
