"""Review documents: PDF/DOCX/ODT by content, a size limit, encrypted, downloads audited."""

import io
import zipfile

import pytest
from sqlalchemy import text

from cdop_scr import uploads
from cdop_scr.audit import AuditEvent
from cdop_scr.models.actions import Document

from ..helpers import audit_events, error_summary, text_of
from .builders import make_review
from .documents import (
    DOCM_MAIN,
    EXECUTABLE,
    MINIMAL_PDF,
    VBA_DEFAULT,
    minimal_docm,
    minimal_docx,
    minimal_odt,
    odt_with_macros,
    other_zip,
)

TEMPLATE_MAIN = ("application/vnd.openxmlformats-officedocument.wordprocessingml.template."
                 "main+xml")


def upload(client, review, data, filename, kind="overview_report", content_type=None):
    return client.post(
        f"/reviews/{review.id}/documents/new",
        data={"kind": kind, "document": (io.BytesIO(data), filename,
                                         content_type or "application/octet-stream")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


@pytest.mark.parametrize(("data", "expected"), [
    (MINIMAL_PDF, uploads.PDF),
    (minimal_docx(), uploads.DOCX),
    (minimal_odt(), uploads.ODT),
    (EXECUTABLE, None),
    (other_zip(), None),
    (b"%PDF-1.4 but never finished", None),
    (b"PK\x03\x04 not really a zip", None),
    (b"<html><script>alert(1)</script></html>", None),
], ids=["pdf", "docx", "odt", "executable", "other-zip", "unfinished-pdf", "not-a-zip", "html"])
def test_the_type_is_recognised_from_the_content(data, expected):
    assert uploads.sniff(data) == expected


def test_a_docx_written_by_a_word_processor_library_is_a_docx():
    import docx

    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Overview report")
    document.save(out)
    assert uploads.sniff(out.getvalue()) == uploads.DOCX


@pytest.mark.parametrize("data", [
    minimal_docm(),
    minimal_docx(main=DOCM_MAIN),
    minimal_docx(extra=[("word/vbaProject.bin", b"VBA")]),
    minimal_docx(defaults=VBA_DEFAULT),
    minimal_docx(main=TEMPLATE_MAIN),
    minimal_docx(main="application/xml"),
    odt_with_macros(),
    minimal_odt(extra=[("Scripts/python/macro.py", "import os")]),
], ids=["docm", "macro-enabled-main-type", "vba-project-in-a-docx", "vba-content-type",
        "word-template", "main-part-not-declared-as-a-document", "odt-with-basic-macros",
        "odt-with-python-scripts"])
def test_a_document_with_macros_or_not_declared_as_a_plain_document_is_refused(data):
    assert uploads.sniff(data) is None


def test_a_docx_whose_content_types_carry_a_dtd_is_refused():
    data = minimal_docx()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", types.replace(
            '<?xml version="1.0"?>', '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "a">]>'))
        archive.writestr("word/document.xml", "<w:document/>")
    assert uploads.sniff(out.getvalue()) is None


def test_a_macro_enabled_document_renamed_docx_is_refused_and_nothing_is_kept(
        app, db, client, signed_in_manager):
    review = make_review(signed_in_manager)
    response = upload(client, review, minimal_docm(), "IMR police.docx",
                      content_type=uploads.DOCX)
    assert error_summary(response) == ["The selected file must be a PDF, DOCX or ODT"]
    assert db.session.query(Document).count() == 0
    [refused] = audit_events(AuditEvent.DOCUMENT_REFUSED)
    assert refused.outcome == "refused"


@pytest.mark.parametrize(("data", "name", "content_type"), [
    (MINIMAL_PDF, "Overview report.pdf", "application/pdf"),
    (minimal_docx(), "IMR police.docx", uploads.DOCX),
    (minimal_odt(), "summary.odt", uploads.ODT),
])
def test_a_real_minimal_document_is_accepted_and_listed(app, db, client, signed_in_manager, data,
                                                        name, content_type):
    review = make_review(signed_in_manager)
    response = upload(client, review, data, name)
    assert "The document has been uploaded." in text_of(response)
    assert name in text_of(response)
    document = db.session.query(Document).one()
    assert (document.content_type, document.size_bytes) == (content_type, len(data))
    assert [e.event for e in audit_events(AuditEvent.DOCUMENT_UPLOADED)] == ["document_uploaded"]


def test_a_renamed_executable_is_refused(app, db, client, signed_in_manager):
    review = make_review(signed_in_manager)
    response = upload(client, review, EXECUTABLE, "overview-report.pdf",
                      content_type="application/pdf")
    assert error_summary(response) == ["The selected file must be a PDF, DOCX or ODT"]
    assert db.session.query(Document).count() == 0
    [refused] = audit_events(AuditEvent.DOCUMENT_REFUSED)
    assert refused.outcome == "refused"


def test_a_file_over_the_size_limit_is_refused(app, db, client, signed_in_manager):
    review = make_review(signed_in_manager)
    too_big = MINIMAL_PDF[:-7] + b"\0" * (10 * 1024 * 1024) + b"%%EOF\n"
    response = upload(client, review, too_big, "big.pdf")
    assert error_summary(response) == ["The selected file must be smaller than 10 MB"]
    assert db.session.query(Document).count() == 0


def test_the_size_limit_comes_from_config(app, db, client, signed_in_manager):
    app.config["CDOP_MAX_DOCUMENT_BYTES"] = 2048
    review = make_review(signed_in_manager)
    assert "PDF, DOCX or ODT, up to 2 KB" in text_of(
        client.get(f"/reviews/{review.id}/documents/new"))
    padded = MINIMAL_PDF[:-7] + b"\0" * 2048 + b"%%EOF\n"
    response = upload(client, review, padded, "small.pdf")
    assert error_summary(response) == ["The selected file must be smaller than 2 KB"]
    assert "The document has been uploaded." in text_of(
        upload(client, review, MINIMAL_PDF, "small.pdf"))


def test_an_empty_file_and_no_file_are_refused(app, client, signed_in_manager):
    review = make_review(signed_in_manager)
    assert error_summary(upload(client, review, b"", "empty.pdf")) == [
        "The selected file is empty"]
    response = client.post(f"/reviews/{review.id}/documents/new",
                           data={"kind": "imr"}, content_type="multipart/form-data")
    assert error_summary(response) == ["Select a file"]


def test_the_stored_bytes_and_file_name_are_not_plaintext(app, db, client, signed_in_manager):
    review = make_review(signed_in_manager)
    upload(client, review, MINIMAL_PDF, "Canary-childname overview.pdf")
    filename, = db.session.execute(text("SELECT filename FROM document")).one()
    data, = db.session.execute(text("SELECT data FROM document_content")).one()
    assert b"Canary" not in bytes(filename)
    assert b"%PDF" not in bytes(data)
    assert b"Canary-report-text" not in bytes(data)


def test_a_download_is_an_audited_attachment_of_the_sniffed_type(app, db, client,
                                                                 signed_in_manager):
    review = make_review(signed_in_manager)
    # A PDF whose name says .docx: the content decides the type and the extension.
    upload(client, review, MINIMAL_PDF, "report.docx")
    document = db.session.query(Document).one()
    before = len(audit_events())
    response = client.get(f"/reviews/{review.id}/documents/{document.id}")
    assert response.status_code == 200
    assert response.data == MINIMAL_PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=report.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    rows = audit_events()[before:]
    assert [(r.event, r.target_id) for r in rows] == [("document_downloaded", str(document.id))]


def test_a_document_of_another_review_is_not_found(app, db, client, signed_in_manager):
    first, second = make_review(signed_in_manager), make_review(signed_in_manager)
    upload(client, first, MINIMAL_PDF, "report.pdf")
    document = db.session.query(Document).one()
    assert client.get(f"/reviews/{second.id}/documents/{document.id}").status_code == 404
    assert audit_events(AuditEvent.DOCUMENT_DOWNLOADED) == []


def test_file_names_lose_folders_and_control_characters():
    assert uploads.clean_filename("C:\\Users\\x\\report.pdf") == "report.pdf"
    assert uploads.clean_filename('../../etc/"pass\x00wd".pdf') == "passwd.pdf"
    assert uploads.clean_filename("") == "document"
