"""Document uploads: PDF, DOCX or ODT only, recognised by content, never by name or header.

A PDF starts with `%PDF-` and ends with `%%EOF`; DOCX and ODT are ZIP containers, told apart by
their own structure: a DOCX holds `word/document.xml`, which its `[Content_Types].xml` declares
as a plain Word document (a DOCM, DOTX or DOTM declares another type); an ODT holds a `mimetype`
entry that says `application/vnd.oasis.opendocument.text`. A container with macros in it (a
`vbaProject.bin`, a macro-enabled content type, an ODT's `Basic/` or `Scripts/` folder) is
refused whatever its name, and so is anything else.
"""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from flask import current_app, send_file

from .errors import ValidationError
from .models.actions import EXTENSIONS

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
ALLOWED = "a PDF, DOCX or ODT"
DOCX_MAIN = DOCX + ".main+xml"  # the content type of word/document.xml in a plain DOCX
MAX_CONTENT_TYPES_BYTES = 256 * 1024
# Parsed with a pattern, not an XML parser: no entity expansion, and a DTD is refused outright.
_OVERRIDE = re.compile(rb"<(?:[\w.-]+:)?Override\b([^>]*)>")
_ATTRIBUTE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
ODT_MACRO_FOLDERS = ("basic/", "scripts/")


class UploadRefused(ValidationError):
    """An upload that is empty, too big or not a PDF, DOCX or ODT."""


@dataclass(frozen=True)
class CheckedUpload:
    filename: str
    content_type: str
    data: bytes


def max_bytes():
    return current_app.config["CDOP_MAX_DOCUMENT_BYTES"]


def describe_size(n):
    """A size as people write it: 10 MB, 512 KB, 100 bytes."""
    for unit, size in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"


def sniff(data):
    """The content type of these bytes, or None when they are not a PDF, DOCX or ODT."""
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]:
        return PDF
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if (info.file_size <= 100 and archive.read(info).strip() == ODT.encode()
                        and not any(n.lower().startswith(ODT_MACRO_FOLDERS) for n in names)):
                    return ODT
                return None
            if ("[Content_Types].xml" in names and "word/document.xml" in names
                    and _plain_docx(archive, names)):
                return DOCX
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None


def _plain_docx(archive, names):
    """A Word document without macros: word/document.xml declared as the DOCX main part."""
    if any(n.lower().rsplit("/", 1)[-1] == "vbaproject.bin" for n in names):
        return False
    info = archive.getinfo("[Content_Types].xml")
    if info.file_size > MAX_CONTENT_TYPES_BYTES:
        return False
    types = archive.read(info)
    lowered = types.lower()
    if b"<!doctype" in lowered or b"macroenabled" in lowered or b"vbaproject" in lowered:
        return False
    declared = {}
    for override in _OVERRIDE.finditer(types):
        attributes = {m[1]: m[2] if m[2] is not None else m[3]
                      for m in _ATTRIBUTE.finditer(override[1])}
        part = attributes.get(b"PartName", b"").lower()
        declared[part] = attributes.get(b"ContentType", b"").strip()
    return declared.get(b"/word/document.xml") == DOCX_MAIN.encode()


def clean_filename(name):
    """A file name safe to store and to send back: no folders, no control characters."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"]", "", name).strip(" .")
    return name[:200] or "document"


def check_upload(filename, data):
    """Check an upload and return it with its sniffed type; raise UploadRefused otherwise."""
    limit = max_bytes()
    if not data:
        raise UploadRefused("The selected file is empty")
    if len(data) > limit:
        raise UploadRefused(f"The selected file must be smaller than {describe_size(limit)}")
    content_type = sniff(data)
    if content_type is None:
        raise UploadRefused(f"The selected file must be {ALLOWED}")
    return CheckedUpload(clean_filename(filename), content_type, data)


def read_upload(storage):
    """Read a werkzeug FileStorage without holding more than the limit (plus one byte)."""
    data = storage.stream.read(max_bytes() + 1)
    return check_upload(storage.filename, data)


def download_name(document):
    """The stored name with the extension its content deserves."""
    stem = document.filename
    extension = EXTENSIONS.get(document.content_type, "")
    if extension and not stem.lower().endswith(extension):
        stem = stem.rsplit(".", 1)[0] if "." in stem else stem
        stem += extension
    return stem


def send_document(document):
    """The response for a download: always an attachment, with the sniffed type."""
    response = send_file(
        io.BytesIO(document.stored.data),
        mimetype=document.content_type,
        as_attachment=True,
        download_name=download_name(document),
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store, max-age=0"
    return response
