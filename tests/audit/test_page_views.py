"""Every GET page of the app, as each role that may open it: a page that shows any identifier
or narrative of the World's records (world.py) writes exactly one audit row.

The pages come from the url_map, through the XSS check's page discovery (test_xss.pages), so
a new page is visited without anyone listing it. Every free text the World stores carries a
marker naming it, and the NHS numbers are known: a page whose body (or, for a download, any
file inside it) holds one of them shows identifiable data. Staff names carry no marker: they
are not the records' content and every page names its signed-in user.
"""

import io
import re
import zipfile

from sqlalchemy import func, select

from cdop_scr.extensions import db
from cdop_scr.models import Case, PublicNotification
from cdop_scr.models.audit import AuditRecord
from cdop_scr.models.scr import Review

from ..reliability.form_routes import ANONYMOUS, CONTACT, Visitor
from ..reliability.test_xss import pages, who_may_see
from ..reliability.world import World

MARKER = re.compile(r"zmk\d{4}", re.IGNORECASE)

# Texts that are not a child's or family's identifiers or narrative, with the reason: a page
# showing only these need not be audited. Every other text the World stores is.
NOT_IDENTIFYING = {
    # An action's owning agency and officer, and an agency taking part in a review: the
    # organisations and professionals involved, kept in clear so SQL can count by them.
    ".agency": "an organisation's name", ".owner": "the officer owning an action",
    ".owner_agency": "the agency owning a recommendation",
}

# Controls: these pages must be found identifiable (a detector that saw nothing would pass).
MUST_BE_IDENTIFIABLE = {
    "cases.list_cases", "cases.view_case", "cases.view_agency_report",
    "panels.view_case", "panels.download_pack",
    "scr.view_review", "scr.view_action_plan", "public.view_notification",
    "agency_links.edit_report", "panel_actions.list_actions", "panel_actions.view_action",
}


class Markers:
    """world.py's text hook: every record text ends with its own marker."""

    def __init__(self):
        self.where = {}

    def say(self, key, default):
        if key.startswith("user."):
            return default
        marker = f"Zmk{len(self.where) + 1:04d}"
        self.where[marker.lower()] = key
        return f"{default} {marker}"

    def identifying(self, seen):
        """What of `seen` is a child's or family's identifier or narrative."""
        return {m for m in seen
                if not self.where.get(m, "").endswith(tuple(NOT_IDENTIFYING))}


def nhs_numbers():
    numbers = [c.nhs_number for c in db.session.scalars(select(Case))]
    numbers += [r.child_nhs_number for r in db.session.scalars(select(Review))]
    numbers += [(n.content or {}).get("details", {}).get("nhs_number")
                for n in db.session.scalars(select(PublicNotification))]
    found = set()
    for number in filter(None, map(str, filter(None, numbers))):
        digits = re.sub(r"\D", "", number)
        found |= {digits, f"{digits[:3]} {digits[3:6]} {digits[6:]}"}
    return found


def texts_of(response):
    """The body as text, and the text of every file inside it when it is a zip (XLSX, DOCX)."""
    data = response.get_data()
    texts = [data.decode("utf-8", "replace")]
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            texts += [archive.read(name).decode("utf-8", "replace")
                      for name in archive.namelist()]
    return texts


def shown(response, numbers):
    """The markers (and NHS numbers) a response shows."""
    found = set()
    for text in texts_of(response):
        found |= {m.lower() for m in MARKER.findall(text)}
        found |= {n for n in numbers if n in text}
    return found


def last_seq():
    return db.session.scalar(select(func.max(AuditRecord.seq))) or 0


def test_every_page_showing_identifiers_or_narrative_writes_exactly_one_audit_row(
    app, client, login_as, reliability
):
    book = Markers()
    w = World(say=book.say)
    numbers = nhs_numbers()
    visitor = Visitor(app, client, login_as, w)
    found, problems = pages(app, w)
    identifiable, views = set(), 0
    for endpoint, url in found:
        for who in who_may_see(app.view_functions[endpoint], w):
            if who == ANONYMOUS and endpoint.startswith("agency_links."):
                who = CONTACT
            browser = visitor.browser(who)
            before = last_seq()
            response = browser.get(url)
            db.session.commit()
            rows = db.session.scalars(select(AuditRecord).where(AuditRecord.seq > before)
                                      .order_by(AuditRecord.seq)).all()
            views += 1
            where = f"GET {url[:120]} as {who} ({response.status_code})"
            if response.status_code >= 500:
                problems.append(f"{where}: server error")
            seen = book.identifying(shown(response, numbers))
            events = [r.event for r in rows]
            if len(rows) > 1:
                problems.append(f"{where}: {len(rows)} audit rows for one view: {events}")
            if not seen:
                continue
            identifiable.add(endpoint)
            if not rows:
                sources = sorted({book.where.get(s, "NHS number") for s in seen})[:4]
                problems.append(f"{where}: shows {', '.join(sources)} but wrote no audit row")
    problems += [f"{endpoint}: expected to show identifiers, showed none"
                 for endpoint in sorted(MUST_BE_IDENTIFIABLE - identifiable)]
    print(reliability("page-view-audit", pages=len({e for e, _ in found}), views=views,
                      identifiable=len(identifiable)))
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
