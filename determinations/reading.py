"""Turn one input's bytes into a parsed letter or a reason to reject it. Runs in workers."""

from __future__ import annotations

import hashlib
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from determinations.lexicon import Lexicon
from determinations.parsing import ParsedLetter, decode, parse_letter
from determinations.rationales.minhash import packed_band_keys, sketches
from determinations.sources import Source, Unreadable

# Letters are plain text (SPEC: "The documents"); a file without a suffix is tried too.
LETTER_SUFFIXES = frozenset({".txt", ".text", ""})
_IMR_MARKERS = re.compile(
    r"Independent\s+Medical\s+Review|\bIMR\b|MAXIMUS|MEDICAL\s+PROFESSIONAL\s+REVIEW"
    r"|Decision\s+rationale|\bC[MB]\d{2}-\d{7}\b",
    re.I,
)
# Characters below 32 other than tab, newline, form feed and carriage return.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


READ_AHEAD = 8  # threads reading the files of a chunk of inputs while it is parsed
_lexicon: Lexicon | None = None  # None: the bundled lexicon
_reader: ThreadPoolExecutor | None = None


def use_lexicon(lexicon: Lexicon | None) -> None:
    """Parse with ``lexicon`` in this process (the bundled one plus names added by hand)."""
    global _lexicon
    _lexicon = lexicon


@dataclass
class ReadLetter:
    """A letter ready to store: where it came from, its text, what the parser found, and the
    similar-rationale band keys (`minhash.packed_band_keys`) and packed shingle set of each
    parsed item (computed here, in the worker)."""

    source_file: str
    content_hash: str
    text: str
    parsed: ParsedLetter
    band_keys: list[bytes] = field(default_factory=list)
    shingles: list[bytes] = field(default_factory=list)


@dataclass
class Rejection:
    """An input that is not stored as a letter, and why."""

    source_file: str
    reason: str
    content_hash: str = ""


def content_hash(data: bytes) -> str:
    """The identity of a letter file: SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()


def read_source(source: Source | Unreadable) -> ReadLetter | Rejection:
    """Read, check and parse one input; never raises for bad input."""
    return _sketched([_parsed(source, _loaded(source))])[0]


def read_sources(sources: list[Source | Unreadable]) -> list[ReadLetter | Rejection]:
    """`read_source` of each input, in order; the files are read by threads ahead of the
    parsing, so that parsing one letter overlaps waiting on the disk for the next ones (at a
    million letters, a worker spent two fifths of its time waiting for `read_bytes`)."""
    loads = [_file_reader().submit(_loaded, source) for source in sources]
    return _sketched(
        [_parsed(source, load.result()) for source, load in zip(sources, loads, strict=True)]
    )


def _file_reader() -> ThreadPoolExecutor:
    global _reader
    if _reader is None:
        _reader = ThreadPoolExecutor(max_workers=READ_AHEAD, thread_name_prefix="read-ahead")
    return _reader


def _loaded(source: Source | Unreadable) -> bytes | Rejection:
    """The bytes of ``source``, or why it cannot be a letter before they are looked at."""
    if isinstance(source, Unreadable):
        return Rejection(source.name, source.reason)
    suffix = PurePosixPath(source.name).suffix.lower()
    if suffix not in LETTER_SUFFIXES:
        return Rejection(source.name, f"not a text file ({suffix}): letters are .txt files")
    try:
        return source.read()
    except (OSError, ValueError, KeyError, RuntimeError, zipfile.BadZipFile) as error:
        return Rejection(source.name, f"unreadable: {error}")


def _parsed(source: Source | Unreadable, data: bytes | Rejection) -> ReadLetter | Rejection:
    if isinstance(data, Rejection):
        return data
    digest = content_hash(data)
    reason, text = _check(data)
    if reason:
        return Rejection(source.name, reason, digest)
    return ReadLetter(source.name, digest, text, parse_letter(text, _lexicon))


def _sketched(results: list[ReadLetter | Rejection]) -> list[ReadLetter | Rejection]:
    """``results`` with the band keys and shingle sets of their letters' items, sketched
    together (`minhash.sketches`: a batch costs less than its items one by one)."""
    letters = [r for r in results if isinstance(r, ReadLetter)]
    keys, packed = sketches([item.rationale for r in letters for item in r.parsed.items])
    at = 0
    for letter in letters:
        count = len(letter.parsed.items)
        letter.band_keys = [packed_band_keys(k) for k in keys[at : at + count]]
        letter.shingles = packed[at : at + count]
        at += count
    return results


def _check(data: bytes) -> tuple[str, str]:
    """A reason to reject these bytes ('' when they are a letter), and the decoded text."""
    if not data.strip():
        return "empty file", ""
    if data.startswith(b"%PDF"):
        return "PDF file: extract its text first (for example with pdftotext)", ""
    text = decode(data)
    if "\x00" in text or _control_ratio(text) > 0.05:
        return "binary file, not text", ""
    if not _IMR_MARKERS.search(text):
        return "not an IMR determination letter", ""
    return "", text


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    return len(_CONTROL_CHARACTER.findall(sample)) / max(len(sample), 1)
