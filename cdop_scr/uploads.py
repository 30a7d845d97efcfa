"""Document uploads: PDF, DOCX or ODT only, recognised by content, never by name or header.

A PDF starts with `%PDF-` and ends with `%%EOF`; DOCX and ODT are ZIP containers, told apart by
their own structure: a DOCX holds `[Content_Types].xml` and `word/document.xml`; an ODT holds a
`mimetype` entry that says `application/vnd.oasis.opendocument.text`. Anything else is refused.
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
                if info.file_size <= 100 and archive.read(info).strip() == ODT.encode():
                    return ODT
                return None
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None


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
