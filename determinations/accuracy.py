"""How often the parser is right, field by field, on letters whose values are known.

Expectations are a JSON object keyed by case number (the format of
`sample_corpus/dwc-2017/expected.json`): per letter `case_number`, dates as `YYYY-MM-DD`,
`patient_age`, `patient_sex`, `reviewer_states` as written, and `items`, each with its
`label`, `decision`, every `guideline_source` the reviewer's line cites (any of them is right;
`acoem` counts as `mtus`) and, for a partly authorized item, its `original_request`.
Corrections (same shape, only the values that differ) replace expectations that the letter
itself contradicts. Plain Python: no Django.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from determinations.lexicon import Lexicon, default_lexicon
from determinations.parsing import ParsedLetter

LETTER_FIELDS = (
    "case_number",
    "date_of_injury",
    "decision_date",
    "ur_denial_date",
    "patient_age",
    "patient_sex",
    "reviewer_states",
)
ITEM_FIELDS = ("label", "decision", "guideline_source", "original_request")


@dataclass
class Accuracy:
    """Checks made and checks right, per field; the letters' diagnoses found."""

    checks: Counter[str] = field(default_factory=Counter)
    right: Counter[str] = field(default_factory=Counter)
    letters: int = 0
    with_diagnoses: int = 0
    misses: list[str] = field(default_factory=list)  # "CM16-...: field: got ... expected ..."

    def share(self, name: str) -> float:
        return self.right[name] / self.checks[name] if self.checks[name] else 1.0

    def add(self, name: str, ok: bool, where: str, got: object, expected: object) -> None:
        self.checks[name] += 1
        self.right[name] += ok
        if not ok:
            self.misses.append(f"{where}: {name}: got {got!r}, expected {expected!r}")

    def lines(self) -> list[str]:
        """A table of fields, right and checks, and the letters with diagnoses."""
        rows = [f"{'field':<20} {'right':>7} {'checks':>7} {'accuracy':>9}"]
        for name in self.checks:
            rows.append(
                f"{name:<20} {self.right[name]:>7} {self.checks[name]:>7} {self.share(name):>9.1%}"
            )
        diagnosed = self.with_diagnoses / self.letters if self.letters else 1.0
        rows.append(
            f"{'diagnoses found':<20} {self.with_diagnoses:>7} {self.letters:>7} {diagnosed:>9.1%}"
        )
        return rows


def corrected(expectations: dict, corrections: dict) -> dict:
    """``expectations`` with ``corrections`` laid over them (items by position)."""
    result = copy.deepcopy(expectations)
    for case, fix in corrections.items():
        letter = result.setdefault(case, {})
        for name, value in fix.items():
            if name == "items":
                for position, item_fix in value.items():
                    letter["items"][int(position)].update(item_fix)
            elif name != "reason":
                letter[name] = value
    return result


def measure(
    letters: Iterable[tuple[str, ParsedLetter]],
    expectations: dict,
    lexicon: Lexicon | None = None,
) -> Accuracy:
    """Compare each (name, parsed letter) with its expectations, found by the name's case
    number (files are named by it) or else by the case number parsed."""
    lexicon = lexicon or default_lexicon()
    accuracy = Accuracy()
    for name, parsed in letters:
        expected = expectations.get(name) or expectations.get(parsed.case_number)
        if expected is None:
            continue
        accuracy.letters += 1
        accuracy.with_diagnoses += bool(parsed.diagnoses)
        _compare_letter(accuracy, parsed, expected, lexicon)
    return accuracy


def _compare_letter(
    accuracy: Accuracy, parsed: ParsedLetter, expected: dict, lexicon: Lexicon
) -> None:
    where = expected.get("case_number") or parsed.case_number
    for name in LETTER_FIELDS:
        if name not in expected:
            continue
        got, wanted = _plain(getattr(parsed, name)), expected[name]
        if name == "reviewer_states":
            wanted = sorted(lexicon.state_code(state) or state for state in wanted)
            got = sorted(got)
        accuracy.add(name, got == wanted, where, got, wanted)
    items = expected.get("items", [])
    accuracy.add(
        "item count", len(parsed.items) == len(items), where, len(parsed.items), len(items)
    )
    for position, (item, wanted) in enumerate(zip(parsed.items, items, strict=False)):
        at = f"{where} item {position + 1}"
        for name in ITEM_FIELDS:
            if name == "original_request" and name not in wanted and not item.original_request:
                continue
            got = getattr(item, name)
            accuracy.add(
                name,
                _item_value_right(name, got, wanted.get(name, "")),
                at,
                got,
                wanted.get(name, ""),
            )


def _item_value_right(name: str, got: str | None, wanted: object) -> bool:
    if name == "guideline_source":
        cited = {"mtus" if source == "acoem" else source for source in wanted}
        return ("mtus" if got == "acoem" else got) in cited
    if name in ("label", "original_request"):
        return " ".join((got or "").split()) == " ".join(str(wanted).split())
    return got == wanted


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value
