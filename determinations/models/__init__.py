"""The data model: the letters (`letters`) and what is derived from them for speed
(`derived`)."""

from determinations.models.derived import (
    CommonWord,
    CorpusVersion,
    ExportRecord,
    RationaleBand,
    RationaleShingles,
    RecordDictionary,
    ReindexedItem,
    StagedBandKeys,
)
from determinations.models.letters import (
    DisputedItem,
    DrugClass,
    DrugName,
    HandCorrection,
    Letter,
    LicensureState,
    Medication,
    ParseIssue,
    RejectedSource,
    Specialty,
)

__all__ = [
    "CommonWord",
    "CorpusVersion",
    "DisputedItem",
    "DrugClass",
    "DrugName",
    "ExportRecord",
    "HandCorrection",
    "Letter",
    "LicensureState",
    "Medication",
    "ParseIssue",
    "RationaleBand",
    "RationaleShingles",
    "RecordDictionary",
    "ReindexedItem",
    "RejectedSource",
    "Specialty",
    "StagedBandKeys",
]
