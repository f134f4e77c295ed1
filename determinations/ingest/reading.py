"""Turn one input's bytes into a parsed letter or a reason to reject it. Runs in workers."""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from determinations.ingest import pdf
from determinations.ingest.sources import NotRegular, Source, TooLarge, Unreadable
from determinations.lexicon import Lexicon
from determinations.parsing import ParsedLetter, decode, parse_letter
from determinations.rationales.minhash import packed_band_keys, sketches

# Letters are plain text (SPEC: "The documents") or the DWC's PDFs; a file without a suffix
# is tried too, and a file of any other name that starts as a PDF does.
LETTER_SUFFIXES = frozenset({".txt", ".text", ".pdf", ""})
TEXT, PDF = "text", "pdf"  # `Letter.SourceFormat`
_IMR_MARKERS = re.compile(
    r"Independent\s+Medical\s+Review|\bIMR\b|MAXIMUS|MEDICAL\s+PROFESSIONAL\s+REVIEW"
    r"|Decision\s+rationale|\bC[MB]\d{2}-\d{7}\b",
    re.I,
)
# Characters below 32 other than tab, newline, form feed and carriage return.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


READ_AHEAD = 8  # threads reading the files of a chunk of inputs while it is parsed
_lexicon: Lexicon | None = None  # None: the bundled lexicon
_pdf_root: Path | None = None  # None: PDFs are read but not kept
_reader: ThreadPoolExecutor | None = None


def use_lexicon(lexicon: Lexicon | None) -> None:
    """Parse with ``lexicon`` in this process (the bundled one plus names added by hand)."""
    global _lexicon
    _lexicon = lexicon


def use_pdf_root(root: Path | None) -> None:
    """Keep the original of each PDF letter read in this process under ``root``
    (`pdf.keep_pdf`): here, before its batch is stored, so its bytes never travel to the
    writer."""
    global _pdf_root
    _pdf_root = root


def start_worker(lexicon: Lexicon | None, pdf_root: Path | None) -> None:
    """Set up a process that reads letters: `use_lexicon` and `use_pdf_root`."""
    use_lexicon(lexicon)
    use_pdf_root(pdf_root)


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
    source_format: str = TEXT  # PDF: ``text`` came from the PDF whose hash is content_hash


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
    try:
        if suffix not in LETTER_SUFFIXES and not pdf.is_pdf(source.head(4)):
            return Rejection(
                source.name, f"not a letter file ({suffix}): letters are .txt or .pdf files"
            )
        return source.read()
    except (TooLarge, NotRegular) as error:
        return Rejection(source.name, str(error))
    except (OSError, ValueError) as error:
        return Rejection(source.name, f"unreadable: {error}")


def _parsed(source: Source | Unreadable, data: bytes | Rejection) -> ReadLetter | Rejection:
    if isinstance(data, Rejection):
        return data
    digest = content_hash(data)
    reason, text, source_format = _check(source.name, data)
    if reason:
        return Rejection(source.name, reason, digest)
    if source_format == PDF and _pdf_root is not None:
        try:
            pdf.keep_pdf(_pdf_root, digest, data)
        except OSError as error:  # stored without its PDF, the letter page would link nowhere
            return Rejection(source.name, f"could not keep the PDF: {error}", digest)
    parsed = parse_letter(text, _lexicon)
    return ReadLetter(source.name, digest, text, parsed, source_format=source_format)


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


def _check(name: str, data: bytes) -> tuple[str, str, str]:
    """A reason to reject these bytes ('' when they are a letter), their text, and whether
    it came from a PDF or a text file."""
    if not data.strip():
        return "empty file", "", TEXT
    if pdf.is_pdf(data):  # whatever the file's name
        try:
            text = pdf.extract_text(data)
        except pdf.PdfRejected as error:
            return str(error), "", PDF
        return _not_a_letter(text), text, PDF
    if name.lower().endswith(".pdf"):
        return "not a PDF: named .pdf, but its bytes do not start with %PDF", "", TEXT
    text = decode(data)
    if "\x00" in text or _control_ratio(text) > 0.05:
        return "binary file, not text", "", TEXT
    return _not_a_letter(text), text, TEXT


def _not_a_letter(text: str) -> str:
    return "" if _IMR_MARKERS.search(text) else "not an IMR determination letter"


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    return len(_CONTROL_CHARACTER.findall(sample)) / max(len(sample), 1)
