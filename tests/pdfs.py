"""Test helpers: PDFs made with fpdf2, shaped as the DWC's letters and as the bad ones met
beside them (a scan, an encrypted file, a file cut short, a document without pages)."""

from __future__ import annotations

import io
import re

import pypdfium2 as pdfium
from fpdf import FPDF
from fpdf.enums import AccessPermission

# Helvetica, a core font, has Latin-1 glyphs only; anything else (and control characters,
# form feeds included) becomes a space or a question mark.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def latin1(text: str) -> str:
    """``text`` as Helvetica can draw it."""
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n"))
    return text.encode("latin-1", errors="replace").decode("latin-1")


def letter_pdf(text: str, *, no_extraction_flag: bool = False) -> bytes:
    """A PDF with ``text`` as its text layer, on as many Letter pages as it takes.

    ``no_extraction_flag``: encrypted with an owner password only and no permissions, as the
    DWC's PDFs are (anyone opens them; the flag asks readers not to copy text).
    """
    document = FPDF(format="letter")
    document.set_auto_page_break(True, margin=18)
    document.add_page()
    document.set_font("Helvetica", size=10)
    document.multi_cell(0, 4.5, latin1(text))
    if no_extraction_flag:
        document.set_encryption(owner_password="dwc", permissions=AccessPermission.none())
    return bytes(document.output())


def image_only_pdf(pages: int = 2) -> bytes:
    """A scan: pages with drawn shapes and no text layer."""
    document = FPDF(format="letter")
    for _ in range(pages):
        document.add_page()
        document.set_fill_color(40, 40, 40)
        for row in range(30):
            document.rect(20, 20 + row * 8, 150 - row * 3, 3, style="F")
    return bytes(document.output())


def encrypted_pdf(text: str = "IMR Final Determination") -> bytes:
    """A PDF that needs the password ``secret`` to be opened."""
    document = FPDF()
    document.add_page()
    document.set_font("Helvetica", size=10)
    document.multi_cell(0, 5, latin1(text))
    document.set_encryption(owner_password="owner", user_password="secret")
    return bytes(document.output())


def pageless_pdf() -> bytes:
    """A well-formed PDF with no page at all (fpdf2 will not write one; PDFium will)."""
    document = pdfium.PdfDocument.new()
    buffer = io.BytesIO()
    try:
        document.save(buffer)
    finally:
        document.close()
    return buffer.getvalue()
