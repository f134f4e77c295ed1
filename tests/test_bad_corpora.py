"""A corpus scraped from PDFs: garbage, odd encodings, archives with traps. Every input gets an
outcome, the totals add up, the run never stops, and every accepted letter keeps its text."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from determinations.ingest import ingest_paths
from determinations.models import Letter, RejectedSource
from tests import letters

pytestmark = pytest.mark.django_db
SEED = (letters.SEED_LETTERS / "000_e538005986e6bddf.txt").read_text(encoding="utf-8")
OTHER = (letters.SEED_LETTERS / "002_1d16f4ec2548c5a7.txt").read_text(encoding="utf-8")


def bad_corpus(folder) -> dict[str, str]:
    """Write the corpus; returns each input's expected outcome (new or a rejection reason)."""
    rationale_cut = SEED[: SEED.index("Decision rationale:")]
    header_only = (
        "IMR Case Number: CM13-0099999    Date Assigned: 01/15/2014\nUR Denial Date: 1/2/2014\n"
    )
    files = {
        "empty.txt": (b"", "empty file"),
        "whitespace.txt": (b" \n\t\n  ", "empty file"),
        "huge.txt": (b"IMR " + b"x" * (50 * 1024 * 1024), "too large (50.0 MB): a letter file is at most 10 MB"),
        "picture.png": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "not a letter file (.png): letters are .txt or .pdf files"),
        "nul.txt": (b"IMR\x00\x00\x00 binary", "binary file, not text"),
        "controls.txt": (b"IMR " + bytes(range(1, 32)) * 20 + b" text" * 40, "binary file, not text"),
        "page_breaks.txt": (letters.letter_with_items([("Soma 350mg", "Upheld", "No.")]).replace("\n\n", "\n\f\t\r\n").encode(), "new"),
        "scan.pdf": (b"%PDF-1.7\n...", "truncated PDF: it does not end with %%EOF (an incomplete download?)"),
        "scan.txt": (b"%PDF-1.7\n...", "truncated PDF: it does not end with %%EOF (an incomplete download?)"),
        "cp1252.txt": (OTHER.replace("MTUS", "MTUS\u2019s").encode("cp1252"), "new"),
        "utf16.txt": (SEED.replace("Norflex", "Norflex").encode("utf-16"), "new"),
        "truncated.txt": (rationale_cut.encode(), "new"),
        "header_only.txt": (header_only.encode(), "new"),
        "recipe.txt": (b"Preheat the oven. Mix flour and water.", "not an IMR determination letter"),
        "copy_a.txt": (letters.letter_with_items([("Norco 10/325 mg", "Upheld", "Not needed.")]).encode(), "new"),
        "copy_b.txt": (letters.letter_with_items([("Norco 10/325 mg", "Upheld", "Not needed.")]).encode(), "unchanged"),
    }  # fmt: skip
    for name, (data, _) in files.items():
        (folder / name).write_bytes(data)
    expected = {name: outcome for name, (_, outcome) in files.items()}

    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as nested:
        nested.writestr("deep/letter.txt", letters.letter_with_items([("Soma", "Upheld", "No.")]))
    with zipfile.ZipFile(folder / "bundle.zip", "w") as bundle:
        bundle.writestr("inside.txt", letters.letter_with_items([("Lyrica", "Overturned", "Yes.")]))
        bundle.writestr("../../evil.txt", "IMR Decision rationale: escaped the folder?")
        bundle.writestr("empty.txt", "")
        bundle.writestr("nested.zip", inner.getvalue())
    expected |= {
        "bundle.zip/inside.txt": "new",
        "bundle.zip/../../evil.txt": "new",  # read in memory, never written anywhere
        "bundle.zip/empty.txt": "empty file",
        "bundle.zip/nested.zip/deep/letter.txt": "new",
    }
    loop = folder / "loop"
    loop.mkdir()
    os.symlink(loop, loop / "again")  # a symlink loop: not followed, and said so
    expected["loop/again"] = "symbolic link, not followed"
    return expected


def test_every_bad_input_gets_its_outcome_and_the_totals_add_up(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    expected = bad_corpus(corpus)

    report = ingest_paths([corpus])

    rejected = {r.source_file.split("corpus/", 1)[1]: r.reason for r in report.rejected}
    assert rejected == {
        name: why for name, why in expected.items() if why not in ("new", "unchanged")
    }
    assert report.new == sum(1 for why in expected.values() if why == "new")
    assert report.unchanged == 1
    assert report.new + report.unchanged + len(report.rejected) == len(expected)
    assert RejectedSource.objects.count() == len(rejected)
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path.parent / "evil.txt").exists()


def test_accepted_letters_keep_their_text_exactly(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    bad_corpus(corpus)
    ingest_paths([corpus])

    stored = {letter.source_file.split("corpus/", 1)[1]: letter for letter in Letter.objects.all()}
    assert stored["utf16.txt"].original_text == SEED
    assert stored["cp1252.txt"].original_text == OTHER.replace("MTUS", "MTUS\u2019s")
    assert stored["truncated.txt"].original_text == SEED[: SEED.index("Decision rationale:")]
    assert stored["utf16.txt"].items.count() == 1
    assert stored["header_only.txt"].parse_status == "failed"
    assert stored["truncated.txt"].parse_issues.filter(field="rationale").exists()


def test_a_rerun_adds_nothing(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    expected = bad_corpus(corpus)
    ingest_paths([corpus])
    letters_before, rejected_before = Letter.objects.count(), RejectedSource.objects.count()

    report = ingest_paths([corpus])

    assert report.new == 0
    assert report.unchanged == sum(1 for why in expected.values() if why in ("new", "unchanged"))
    assert (Letter.objects.count(), RejectedSource.objects.count()) == (
        letters_before,
        rejected_before,
    )


def test_an_unreadable_file_is_rejected_and_the_run_goes_on(tmp_path, monkeypatch):
    """The tests run as root, for whom permissions never refuse a read: the refusal is made
    by hand, exactly as the operating system reports it."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "locked.txt").write_text(SEED)
    (corpus / "open.txt").write_text(OTHER)
    os.chmod(corpus / "locked.txt", 0)
    read_bytes = type(corpus).read_bytes

    def refuse_locked(path):
        if path.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(type(corpus), "read_bytes", refuse_locked)

    report = ingest_paths([corpus])

    assert report.new == 1
    assert [(r.source_file.rsplit("/", 1)[-1], r.reason) for r in report.rejected] == [
        ("locked.txt", f"unreadable: [Errno 13] Permission denied: '{corpus / 'locked.txt'}'")
    ]
