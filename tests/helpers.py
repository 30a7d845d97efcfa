"""Small helpers for reading what a user sees."""

import html as html_lib
import re
from html.parser import HTMLParser

from sqlalchemy import select

from cdop_scr.extensions import db


def text_of(response):
    """The visible text of a page, whitespace collapsed."""

    class Collector(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts, self.skip = [], 0

        def handle_starttag(self, tag, attrs):
            if tag in ("script", "style"):
                self.skip += 1

        def handle_endtag(self, tag):
            if tag in ("script", "style"):
                self.skip -= 1

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)

    collector = Collector()
    collector.feed(response.get_data(as_text=True))
    return re.sub(r"\s+", " ", " ".join(collector.parts)).strip()


def error_summary(response):
    """The messages in the GOV.UK error summary, or [] when there is none."""
    html = response.get_data(as_text=True)
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    if not match:
        return []
    items = re.findall(r"<li>(.*?)</li>", match.group(0), re.S)
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def audit_events(event=None):
    """The audit rows written so far (optionally of one event type), oldest first."""
    from cdop_scr.models.audit import AuditRecord

    query = select(AuditRecord).order_by(AuditRecord.seq)
    if event is not None:
        query = query.where(AuditRecord.event == str(event))
    return db.session.scalars(query).all()


def content_hash():
    """A digest of every row of every table (audit included), to show nothing changed.

    Rows are read in primary-key order and hashed with their table name, so any insert,
    update or delete anywhere changes the digest.
    """
    import hashlib

    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        for row in db.session.execute(table.select().order_by(*order)):
            digest.update(table.name.encode())
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()
