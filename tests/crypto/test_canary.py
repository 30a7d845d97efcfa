"""Distinctive plaintexts written through the app must not appear anywhere at rest or in logs."""

import base64
import html
import io
import logging

import pytest
from werkzeug.datastructures import FileStorage

from cdop_scr.actions import services as actions
from cdop_scr.learning import services as learning
from cdop_scr.models import User
from cdop_scr.models.learning import SECTIONS
from cdop_scr.panels import services as panels
from cdop_scr.public import services as public
from cdop_scr.scr import services as scr

from ..factories import UserFactory
from ..helpers import text_of
from ..reliability.world import World
from ..scr.documents import MINIMAL_PDF
from .canary import database_sources, scan_for

CANARIES = ["QZXCANARYTOTPJ7WK", "Zebedee-Quillfeather"]


@pytest.fixture
def app_log(tmp_path):
    """Everything logged during the test (SQL and its parameters included), in a file."""
    path = tmp_path / "app.log"
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root, engine = logging.getLogger(), logging.getLogger("sqlalchemy.engine")
    old_root, old_engine = root.level, engine.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    engine.setLevel(logging.INFO)  # logs each statement and its bound parameters
    yield path
    root.removeHandler(handler)
    root.setLevel(old_root)
    engine.setLevel(old_engine)
    handler.close()


def test_scan_for_finds_a_canary_in_any_encoding_and_case(tmp_path):
    path = tmp_path / "leak.bin"
    path.write_bytes(b"xx" + "zebedee-quillfeather".upper().encode("utf-16-le") + b"yy")
    assert scan_for(CANARIES, [path])[0][:2] == ("Zebedee-Quillfeather", str(path))
    assert scan_for(CANARIES, ["qzxcanarytotpj7wk".encode("utf-16-be")])
    assert scan_for(CANARIES, [b"nothing here", tmp_path / "missing"]) == []


@pytest.mark.parametrize("stored", [
    lambda c: c.encode("utf-8"), lambda c: c.upper().encode("utf-16-le"),
    lambda c: html.escape(c).encode(), lambda c: html.escape(c.lower()).replace(
        "&#x27;", "&#39;").encode(),
    *[lambda c, n=n: base64.b64encode(b"p" * n + c.encode() + b"s").rstrip(b"=")
      for n in range(3)],
    lambda c: base64.urlsafe_b64encode(b"\xff\xfe" + c.upper().encode()),
])
def test_scan_for_finds_a_canary_escaped_or_in_base64_wherever_it_starts(stored):
    canary = "CnX999qW O'Vyx & Sons"
    assert scan_for([canary], [b"{\"row\": \"" + stored(canary) + b"\"}"])
    assert scan_for([canary], [stored("Something else entirely, O'Brien & Co")]) == []


def test_canary_identifiers_written_through_the_app_never_reach_the_database_or_the_log(
    app, db, client, database_url, app_log
):
    user = UserFactory(full_name="Staff Member")
    user.totp_secret = CANARIES[0]
    other = UserFactory(full_name="Another Staff Member")
    other.totp_secret = CANARIES[1]
    db.session.commit()
    ids = [user.id, other.id]
    db.session.expire_all()
    assert [db.session.get(User, i).totp_secret for i in ids] == CANARIES
    db.session.commit()
    client.get("/healthz")

    sources = database_sources(database_url)
    # Controls: the scan reads the right places (a clear column and the SQL log are found).
    assert scan_for(["Another Staff Member"], sources)
    assert scan_for(["SELECT"], [app_log])
    assert scan_for(CANARIES, sources + [app_log]) == []
    db.engine.dispose()  # checkpoint the WAL into the main file, then scan again
    assert scan_for(CANARIES, sources + [app_log]) == []


def test_a_case_notified_through_the_form_leaves_no_identifier_in_clear(
    app, db, client, login_as, database_url, app_log
):
    from ..cases.conftest import form_data

    canaries = {
        "forename": "Xanthippe-Canary", "surname": "Quorndon-Canary",
        "other_names": "Bizzy-Canary", "nhs_number": "4857773457",
        "address": "77 Canarywharf Lane", "postcode": "ZE2 9QX",
        "gp_practice": "Canarybrook Surgery", "school": "Canaryfield Academy",
        "place_of_death_name": "Canarymoor Infirmary",
        "circumstances": "Found by Aunt Canaria-Voss in the garden",
        "notifier_name": "Dr Canarius Notifier", "notifier_contact": "canary.notifier@example.org",
    }
    login_as("coordinator")
    data = form_data(**canaries, date_of_birth=["19", "7", "2013"],
                     date_of_death=["23", "11", "2019"])
    data["family-0-relation"], data["family-0-name"] = "mother", "Perpetua Canaryhall"
    response = client.post("/cases/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    case_page = client.get(response.headers["Location"])
    assert "Quorndon-Canary" in case_page.get_data(as_text=True)  # the app can read it back
    plaintexts = [v for v in canaries.values() if v] + [
        "Perpetua Canaryhall", "2013-07-19", "2019-11-23", "19/07/2013"]

    sources = database_sources(database_url)
    assert scan_for(["coordinator"], sources)  # control: clear role names are found
    assert scan_for(plaintexts, sources + [app_log]) == []
    db.engine.dispose()
    assert scan_for(plaintexts, sources + [app_log]) == []


class Canaries:
    """world.py's text hook: every free text the World stores is a canary of its own."""

    def __init__(self):
        self.key_of = {}  # canary -> the World's key it was said for (a key may recur)

    def say(self, key, default):
        if key.startswith("user."):
            return default  # staff names are stored in clear, like any user directory
        return self.new(key)

    def new(self, key):
        # A name-like apostrophe and an ampersand, so escaped forms differ from the text.
        text = f"CnX{len(self.key_of) + 1:03d}qW O'Vyx & Sons"
        self.key_of[text] = key
        return text

    def latest(self, key):
        return [text for text, said in self.key_of.items() if said == key][-1]


# World texts stored in clear on purpose, with the reason (each model's docstring says so):
# the organisations and professionals involved, kept clear so SQL can count by them.
CLEAR_BY_DESIGN = {
    ".agency": "an action's or a review's agency: an organisation",
    ".owner": "the officer owning an action (models/actions.py)",
    ".owner_agency": "the agency owning a panel recommendation",
    ".local_authority": "the area a death is counted in (models/cases.py)",
    "review.decided_by": "the board member who made a review decision (models/scr.py)",
    "review.reviewer_name": "the reviewer appointed to a review (models/scr.py)",
}


def _pdf_with(text):
    return FileStorage(io.BytesIO(MINIMAL_PDF.replace(b"Canary-report-text", text.encode())),
                       filename=f"{text}.pdf")


def write_every_kind_of_narrative(app, client, login_as, w, book):
    """What the World does not write itself: reasons, a document's content and name, an
    agency report sent through its secure link, a learning summary's own text, a conflict's
    details, a rejected public notification, evidence not accepted, a challenge answered."""
    u, say = w.users, book.new
    panels.break_glass(u["member"], w.meeting.id, w.case_a.id, say("reason.break_glass"))
    panels.override_outcome(u["chair"], w.meeting.id, w.case_a.id,
                            w.analysis(w.case_a).version, "not_modifiable",
                            say("reason.override"))
    panels.reopen_review(u["chair"], w.meeting.id, w.case_b.id, w.analysis(w.case_b).version,
                         say("reason.reopen"))
    panels.declare_conflicts(u["member2"], w.meeting.id, [w.case_a.id], say("conflict.details"))
    scr.upload_document(u["manager"], w.review, "overview_report",
                        _pdf_with(say("document.content")))
    public.reject_notification(u["coordinator"], w.notification, say("notification.rejected"))
    submitted = w.review_plan.submitted
    actions.reject_evidence(u["manager"], submitted, submitted.version,
                            say("evidence.not_accepted"))
    actions.record_challenge_response(u["manager"], w.review_plan.challenge,
                                      say("challenge.response"))
    draft = w.summaries["draft"]
    learning.save_summary(u["coordinator"], draft.id, draft.version, say("summary.title"),
                          {name: f"<p>{say(f'summary.{name}')}</p>" for name, _ in SECTIONS},
                          [])
    # The agency contact, through the secure link: a draft, then the report.
    contact = app.test_client()
    assert contact.get(f"/agency-report/{w.token}").status_code == 302
    facts = {f"{code}-answer": "yes" for code in
             ("known_to_agency", "safeguarding_concerns", "recent_contact")}
    facts["known_to_agency-details"] = say("link.key_fact")
    response = contact.post("/agency-report", data={"summary": say("link.draft"), **facts,
                                                     "save": "Save draft"})
    assert response.status_code == 302
    response = contact.post("/agency-report", data={"summary": say("link.summary"), **facts,
                                                     "submit": "Send report"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    # Every page a member of staff reads them on, so the app reads them all back (and logs).
    for who, url in (("coordinator", f"/cases/{w.case_c.id}"),
                     ("coordinator", f"/cases/{w.case_a.id}"),
                     ("member", f"/panel-meetings/{w.meeting.id}/cases/{w.case_a.id}"),
                     ("manager", f"/reviews/{w.review.id}"),
                     ("manager", "/break-glass-alerts"),
                     ("manager", f"/audit/records/child_death_case/{w.case_a.id}"),
                     ("coordinator", f"/learning/summaries/{draft.id}")):
        login_as(user=u[who])
        assert client.get(url).status_code == 200, url


def test_no_narrative_or_reason_written_through_the_app_is_stored_or_logged_in_clear(
    app, db, client, login_as, database_url, app_log
):
    book = Canaries()
    w = World(say=book.say)
    write_every_kind_of_narrative(app, client, login_as, w, book)
    db.session.commit()
    secret = {text: key for text, key in book.key_of.items()
              if not key.endswith(tuple(CLEAR_BY_DESIGN))}
    clear = sorted(set(book.key_of) - set(secret))
    assert len(set(secret.values())) > 60, sorted(secret.values())
    # The app reads them back (decrypted) where they belong.
    login_as(user=w.users["manager"])
    report = text_of(client.get(f"/audit/records/child_death_case/{w.case_a.id}"))
    assert book.latest("reason.break_glass") in report
    assert book.latest("reason.override") in report

    sources = database_sources(database_url)
    # Controls: the scan reads the right places (clear values and the SQL log are found).
    assert all(scan_for([text], sources) for text in (clear[0], "Casey Coordinator"))
    assert scan_for(["SELECT"], [app_log])
    found = scan_for(list(secret), sources + [app_log])
    assert found == [], sorted({(secret[c], s) for c, s, _ in found})
    db.engine.dispose()  # checkpoint the WAL into the main file, then scan again
    assert scan_for(list(secret), database_sources(database_url) + [app_log]) == []
