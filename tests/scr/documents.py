"""Minimal real documents, built in memory."""

import io
import zipfile

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"4 0 obj<</Length 44>>stream\nBT /F1 12 Tf 72 712 Td (Canary-report-text) Tj ET\nendstream"
    b"\nendobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

# The first bytes of a Windows executable (the "MZ" DOS header).
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def _zip(entries):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return out.getvalue()


CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="xml" ContentType="application/xml"/>{defaults}'
    '<Override PartName="/word/document.xml" ContentType="{main}"/></Types>')
DOCX_MAIN = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
VBA_DEFAULT = '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'


def _document_xml(text):
    return ('<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            f'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
            "</w:body></w:document>")


def minimal_docx(text="Canary-docx-text", main=DOCX_MAIN, defaults="", extra=()):
    return _zip([
        ("[Content_Types].xml", CONTENT_TYPES.format(main=main, defaults=defaults)),
        ("word/document.xml", _document_xml(text)),
        *extra,
    ])


def minimal_docm(text="Canary-docm-text"):
    """A macro-enabled Word document as Word saves it: a VBA project and the DOCM main type."""
    return minimal_docx(text, main=DOCM_MAIN, defaults=VBA_DEFAULT,
                        extra=[("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 VBA project")])


def minimal_odt(text="Canary-odt-text", extra=()):
    return _zip([
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        ("content.xml", f"<office:document-content>{text}</office:document-content>"),
        *extra,
    ])


def odt_with_macros():
    """An ODT with a LibreOffice Basic module, as LibreOffice saves one."""
    return minimal_odt(extra=[("Basic/Standard/Module1.xml",
                               "<script:module>Sub Main\nShell(\"calc\")\nEnd Sub"
                               "</script:module>")])


def other_zip():
    return _zip([("readme.txt", "just a zip")])
