"""PDF letters: their text layer (PDFium, through pypdfium2) and the kept original file.

Plain Python, no Django: the ingest's workers call it. Every IMR letter the DWC publishes is a
PDF with a text layer and a "no text extraction" permission flag, which PDFium (like poppler)
does not enforce. docs/ingest.md says why the originals are kept on disk.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# Real letters have 2 to 4 pages; a "letter" of thousands of pages is not one, and reading
# it would hold up a worker.
MAX_PAGES = 200
# PDFium joins a line that ends in a hyphen to the next one and marks the hyphen U+FFFE
# ("guide\ufffelines", "x\ufffe" "ray"). Given back as the hyphen and line break the page
# shows, the parser decides as for any text (clean.py: "guidelines", "x-ray"); the text is
# then what `pdftotext -layout` gives (bench/RESULTS.md), where poppler's reading order
# drops the hyphen ("xray").
_TEXT_FIXES = str.maketrans({"\ufffe": "-\n", "\r": None})
# PDFium is not thread-safe: one document at a time per process.
_pdfium_lock = threading.Lock()


class PdfRejected(Exception):
    """A PDF that gives no letter text; ``str()`` is the reason shown to the user."""


class EncryptedPdf(PdfRejected):
    """The PDF needs a password (or a security handler PDFium lacks) to be opened."""


class CorruptPdf(PdfRejected):
    """The bytes are not a readable PDF: truncated, damaged, or only a PDF header."""


class EmptyPdf(PdfRejected):
    """A PDF with no pages, or more pages than a letter can have."""


class NoTextLayer(PdfRejected):
    """No page has extractable text: a scan or an image, which would need OCR."""


def is_pdf(data: bytes) -> bool:
    """True when ``data`` starts as a PDF file does, whatever the file's name."""
    return data.startswith(b"%PDF")


def extract_text(data: bytes) -> str:
    """The text layer of the PDF ``data``, pages separated by a form feed.

    Raises a `PdfRejected` subclass for a PDF that gives no text; never another exception
    for bad bytes.
    """
    if not is_pdf(data):
        raise CorruptPdf("not a PDF (no %PDF header)")
    if b"%%EOF" not in data[-2048:]:
        # PDFium would rebuild a cut file and read what is left: a letter missing its end.
        raise CorruptPdf("truncated PDF: it does not end with %%EOF (an incomplete download?)")
    with _pdfium_lock:
        pages = _page_texts(data)
    if not any(page.strip() for page in pages):
        raise NoTextLayer(
            f"PDF without a text layer (a scan?): no text on its {_pages(len(pages))}; "
            "run OCR on it first"
        )
    return "\f".join(page if page.endswith("\n") else page + "\n" for page in pages)


def _page_texts(data: bytes) -> list[str]:
    # Opened through the raw API: pypdfium2's PdfDocument(bytes) reports a document without
    # pages as a failure to load, with whatever error code an earlier failure left (a scan
    # after an encrypted file would read "password"), and never closes it.
    raw = pdfium_c.FPDF_LoadMemDocument64(data, len(data), None)
    if not raw:
        raise _open_failure(pdfium_c.FPDF_GetLastError())
    document = pdfium.PdfDocument(raw)  # owns ``raw`` from here: close() closes it
    try:
        count = len(document)
        if count == 0:
            raise EmptyPdf("PDF with no pages")
        if count > MAX_PAGES:
            raise EmptyPdf(f"PDF of {count} pages: a letter has at most {MAX_PAGES}")
        return [_page_text(document, index) for index in range(count)]
    except pdfium.PdfiumError as error:
        raise CorruptPdf(f"corrupt PDF: {error}") from None
    finally:
        document.close()


def _page_text(document: pdfium.PdfDocument, index: int) -> str:
    page = document[index]
    try:
        text_page = page.get_textpage()
        try:
            return text_page.get_text_range().translate(_TEXT_FIXES)
        finally:
            text_page.close()
    finally:
        page.close()


def _open_failure(code: int) -> PdfRejected:
    if code == pdfium_c.FPDF_ERR_PASSWORD:
        return EncryptedPdf("encrypted PDF: it needs a password to be opened")
    if code == pdfium_c.FPDF_ERR_SECURITY:
        return EncryptedPdf("encrypted PDF: its security scheme is not supported")
    return CorruptPdf("corrupt PDF: PDFium cannot read it (damaged or not a PDF inside)")


def _pages(count: int) -> str:
    return "page" if count == 1 else f"{count} pages"


def kept_pdf_path(root: Path, content_hash: str) -> Path:
    """Where the original PDF of the letter ``content_hash`` is kept under ``root``."""
    return Path(root, content_hash[:2], f"{content_hash}.pdf")


def keep_pdf(root: Path, content_hash: str, data: bytes) -> bool:
    """Write ``data`` as the kept original of ``content_hash`` unless it is there already;
    True when it wrote. Atomic: a reader sees the whole file or none (raises OSError)."""
    path = kept_pdf_path(root, content_hash)
    try:
        if path.stat().st_size == len(data):
            return False  # same name, same size: these very bytes (the name is their hash)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)  # mkstemp makes it 0600; the web server reads it
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True
