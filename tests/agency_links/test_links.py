"""Agency reports by secure link: issue, open, draft, submit, and every way a link is refused."""

import hashlib
import logging
from datetime import timedelta

import time_machine
from sqlalchemy import select

from cdop_scr.audit import AuditEvent
from cdop_scr.models import AgencyReportLink, AuditRecord
from cdop_scr.models.base import utcnow

from ..cases.conftest import details
from ..helpers import audit_events, error_summary, text_of

ANSWERS = {"known_to_agency-answer": "yes", "known_to_agency-details": "On roll since 2019",
           "safeguarding_concerns-answer": "not_known",
           "recent_contact-answer": "not_applicable"}
CLOSED = "This link cannot be used"


def links(db):
    return db.session.scalars(select(AgencyReportLink).order_by(AgencyReportLink.created_at)).all()


def open_form(contact, token):
    response = contact.get(f"/agency-report/{token}")
    assert response.status_code == 302, text_of(response)
    assert response.headers["Location"].endswith("/agency-report")
    return contact.get("/agency-report")


def test_the_coordinator_emails_the_named_contact_a_secure_link(
        db, client, case, report, send_link, smtp_server):
    token = send_link(case, report)
    [mail] = smtp_server.messages
    assert mail["to"] == ["contact@school.example.org"]
    assert f"http://localhost/agency-report/{token}" in mail["body"]
    for identifier in ("Canary", "Testchild", "9434765919", case.case_ref):
        assert identifier not in mail["body"]
    assert len(token) >= 43  # secrets.token_urlsafe(32): 256 bits
    [link] = links(db)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert link.request_id == report.id
    assert timedelta(days=13, hours=23) < link.expires_at - utcnow() <= timedelta(days=14)
    [sent] = audit_events(AuditEvent.AGENCY_LINK_SENT)
    assert sent.target_type == "agency_report_request" and sent.target_id == str(report.id)
    page = client.get(f"/cases/{case.id}")
    assert "Secure link sent: works until" in text_of(page)
    assert "Send a new secure link" in text_of(page)


def test_opening_the_link_swaps_the_token_for_a_session_at_once(
        db, case, report, send_link, contact):
    token = send_link(case, report)
    response = contact.get(f"/agency-report/{token}")
    assert response.status_code == 302
    assert token not in response.headers["Location"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    form = contact.get("/agency-report")
    assert form.status_code == 200 and token not in form.get_data(as_text=True)
    assert "Send your agency's report" in text_of(form)
    [opened] = audit_events(AuditEvent.AGENCY_LINK_OPENED)
    assert opened.target_id == str(report.id) and opened.actor_label == "anonymous"


def test_the_agency_form_shows_who_the_child_is_and_nothing_else_about_the_case(
        db, case, report, send_link, contact):
    page = open_form(contact, send_link(case, report))
    html = page.get_data(as_text=True)
    shown = text_of(page)
    assert "Canary-Forename Testchild-Zephyrine" in shown
    assert "3 April 2015" in shown and "10 January 2024" in shown
    for other in ("9434765919", "943 476 5919", "7 Canary Address Road", "CT1 2AB", "CT1",
                  "Canary Hill Academy", "Canary Practice", "Canary circumstances",
                  "Canary-Alias", "Canary Mother-Familyname", "Canary Sibling-Familyname",
                  "Mother-Familyname", "Canary Notifier-Name", "Canary General Hospital",
                  case.case_ref, "CDR-", str(case.id), "Exampleshire", "14:30", "Unexpected",
                  "Mixed", "Ms Contact Example", "contact@school.example.org"):
        assert other not in html, other


def test_a_draft_is_saved_with_not_known_answers_and_shown_again(
        db, case, report, send_link, contact):
    token = send_link(case, report)
    open_form(contact, token)
    response = contact.post("/agency-report", data={
        "summary": "Not known yet", "safeguarding_concerns-answer": "not_known",
        "save": "Save draft"})
    assert response.status_code == 302
    again = contact.get(response.headers["Location"])
    assert "Your draft has been saved" in text_of(again)
    assert "Not known yet" in again.get_data(as_text=True)
    [link] = links(db)
    assert link.draft["key_facts"]["safeguarding_concerns"]["answer"] == "not_known"
    assert link.used_at is None
    assert db.session.get(type(report), report.id).status == "requested"
    [saved] = audit_events(AuditEvent.AGENCY_LINK_DRAFT_SAVED)
    assert saved.target_id == str(report.id)
    # A later visit through the same e-mailed link finds the draft.
    later = open_form(contact.application.test_client(), token)
    assert "Not known yet" in later.get_data(as_text=True)


def test_sending_needs_the_report_and_an_answer_to_every_question(
        db, case, report, send_link, contact):
    open_form(contact, send_link(case, report))
    response = contact.post("/agency-report", data={"submit": "Send report"})
    assert response.status_code == 200
    errors = error_summary(response)
    assert "Enter your report, or write ‘not known’" in errors
    assert len(errors) == 4
    assert db.session.get(type(report), report.id).status == "requested"


def test_submitting_marks_the_request_received_and_uses_the_link_up(
        db, client, case, report, send_link, contact):
    token = send_link(case, report)
    open_form(contact, token)
    response = contact.post("/agency-report", data={
        "summary": "Known to the school; good attendance.", **ANSWERS,
        "submit": "Send report"})
    assert response.status_code == 302
    assert "Report sent" in text_of(contact.get(response.headers["Location"]))
    db.session.expire_all()
    received = db.session.get(type(report), report.id)
    assert received.status == "received" and received.received_on is not None
    assert received.summary == "Known to the school; good attendance."
    assert received.key_facts["recent_contact"] == {"answer": "not_applicable", "details": None}
    assert received.key_facts["known_to_agency"]["details"] == "On roll since 2019"
    [link] = links(db)
    assert link.used_at is not None and link.draft is None
    [submitted] = audit_events(AuditEvent.AGENCY_LINK_SUBMITTED)
    assert submitted.target_id == str(report.id)
    assert audit_events(AuditEvent.AGENCY_REPORT_RECEIVED)
    # Reuse: neither the e-mailed link nor the open session works any more.
    assert contact.get("/agency-report").status_code == 404
    reused = contact.get(f"/agency-report/{token}")
    assert reused.status_code == 404 and CLOSED in text_of(reused)
    assert contact.get("/agency-report/sent").status_code == 404  # the thank-you shows once
    assert [e.detail_dict["why"] for e in audit_events(AuditEvent.AGENCY_LINK_REFUSED)] == ["used"]


def test_an_expired_link_is_refused(db, case, report, send_link, contact):
    token = send_link(case, report)
    with time_machine.travel(utcnow() + timedelta(days=14, minutes=1), tick=False):
        response = contact.get(f"/agency-report/{token}")
    assert response.status_code == 404 and CLOSED in text_of(response)
    assert [e.detail_dict["why"] for e in audit_events(AuditEvent.AGENCY_LINK_REFUSED)] == [
        "expired"]


def test_a_link_expires_after_the_configured_number_of_days(make_app, smtp_server):
    from ..public.smtp import mail_settings

    app = make_app(AGENCY_LINK_DAYS=3, **mail_settings(smtp_server))
    with app.app_context():
        from cdop_scr.agency_links import services
        from cdop_scr.cases import services as case_services
        from cdop_scr.cases.clocks import today

        from ..factories import UserFactory

        user = UserFactory(roles=["coordinator"])
        case = case_services.notify_death(user, details(), [], confirmed_new=True)
        report = case_services.request_agency_report(user, case, "gp", "Dr A", "a@b.example",
                                                     today())
        with app.test_request_context():
            link = services.send_link(user, case, report)
        assert timedelta(days=2, hours=23) < link.expires_at - utcnow() <= timedelta(days=3)


def test_a_revoked_link_is_refused_even_in_an_open_session(
        db, client, case, report, send_link, contact):
    token = send_link(case, report)
    open_form(contact, token)
    response = client.post(f"/cases/{case.id}/agency-reports/{report.id}/secure-link/revoke")
    assert response.status_code == 302
    assert contact.get("/agency-report").status_code == 404
    assert contact.post("/agency-report", data={"summary": "x", "save": "1"}).status_code == 404
    refused = contact.get(f"/agency-report/{token}")
    assert refused.status_code == 404 and CLOSED in text_of(refused)
    assert audit_events(AuditEvent.AGENCY_LINK_REVOKED)[0].target_id == str(report.id)
    assert "data-secure-link" not in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_a_new_link_replaces_the_old_one_and_keeps_the_draft(
        db, case, report, send_link, contact):
    first = send_link(case, report)
    open_form(contact, first)
    contact.post("/agency-report", data={"summary": "Draft kept", "save": "Save draft"})
    second = send_link(case, report)
    assert contact.get(f"/agency-report/{first}").status_code == 404
    page = open_form(app_client(contact), second)
    assert "Draft kept" in page.get_data(as_text=True)


def app_client(client):
    return client.application.test_client()


def test_a_wrong_token_gets_the_same_page_as_every_other_refusal(
        db, client, case, report, send_link, contact):
    token = send_link(case, report)
    wrong = contact.get("/agency-report/" + "A" * 43)
    too_long = contact.get("/agency-report/" + "A" * 500)
    near_miss = contact.get(f"/agency-report/{token[:-1]}{'B' if token[-1] != 'B' else 'C'}")
    client.post(f"/cases/{case.id}/agency-reports/{report.id}/secure-link/revoke")
    revoked = contact.get(f"/agency-report/{token}")
    no_session = app_client(contact).get("/agency-report")
    pages = [wrong, too_long, near_miss, revoked, no_session]
    assert {p.status_code for p in pages} == {404}
    assert len({text_of(p) for p in pages}) == 1
    assert CLOSED in text_of(wrong)
    for page in pages:
        assert "Canary" not in page.get_data(as_text=True)
        assert "school" not in text_of(page).lower()


def test_a_wrong_a_near_miss_and_the_real_token_take_the_same_path_to_the_comparison(
        app, db, case, report, send_link, monkeypatch):
    """Up to the one constant-time comparison, every token costs the same: one lookup by the
    SHA-256 of the token (never the token, never a prefix), then compare_digest of two
    64-character digests. Nothing about the token decides what is queried before that."""
    import hmac
    import secrets

    from sqlalchemy import event

    from cdop_scr.agency_links import services

    real = send_link(case, report)
    near_miss = real[:-1] + ("A" if real[-1] != "A" else "B")
    trace = []
    compare = hmac.compare_digest

    def spy(a, b):
        trace.append(("compare_digest", len(a), len(b)))
        return compare(a, b)

    def on_sql(conn, cursor, statement, parameters, context, executemany):
        trace.append(("sql", " ".join(statement.split()), str(parameters)))

    monkeypatch.setattr(services.hmac, "compare_digest", spy)
    paths, outcomes = {}, {}
    db.session.commit()
    event.listen(db.engine, "before_cursor_execute", on_sql)
    try:
        for name, token in (("wrong", secrets.token_urlsafe(32)), ("near miss", near_miss),
                            ("real", real)):
            trace.clear()
            with app.test_request_context():
                outcomes[name] = services.open_link(token) is not None
                db.session.rollback()
            upto = next(i for i, step in enumerate(trace) if step[0] == "compare_digest")
            queries = [step for step in trace[:upto] if step[0] == "sql"]
            lookups = [step for step in queries if "agency_report_link" in step[1]]
            assert len(lookups) == 1, (name, queries)
            assert hashlib.sha256(token.encode()).hexdigest() in lookups[0][2]
            assert token not in lookups[0][2] and token[:20] not in " ".join(
                step[2] for step in queries)
            paths[name] = [step[:2] if step[0] == "sql" else step for step in trace[:upto + 1]]
    finally:
        event.remove(db.engine, "before_cursor_execute", on_sql)
    assert outcomes == {"wrong": False, "near miss": False, "real": True}
    assert paths["wrong"] == paths["near miss"] == paths["real"]
    assert paths["real"][-1] == ("compare_digest", 64, 64)


def test_a_link_stops_working_when_the_coordinator_records_or_waives_the_report(
        db, client, case, report, send_link, contact):
    token = send_link(case, report)
    client.post(f"/cases/{case.id}/agency-reports/{report.id}/waive",
                data={"reason": "Child never attended"})
    assert contact.get(f"/agency-report/{token}").status_code == 404


def test_no_link_is_sent_without_the_contacts_email_address(
        db, client, login_as, coordinator, case, smtp_server):
    from cdop_scr.cases import services as case_services
    from cdop_scr.cases.clocks import today

    report = case_services.request_agency_report(coordinator, case, "gp", "Dr No Email", None,
                                                 today())
    login_as(user=coordinator)
    response = client.post(f"/cases/{case.id}/agency-reports/{report.id}/secure-link")
    assert "Add the contact's email address" in text_of(client.get(response.headers["Location"]))
    assert smtp_server.messages == [] and links(db) == []


def test_no_link_is_issued_when_mail_is_not_set_up(make_app, client):
    app = make_app()
    with app.app_context():
        from cdop_scr.agency_links import services
        from cdop_scr.cases import services as case_services
        from cdop_scr.cases.clocks import today
        from cdop_scr.errors import ValidationError

        from ..factories import UserFactory

        user = UserFactory(roles=["coordinator"])
        case = case_services.notify_death(user, details(), [], confirmed_new=True)
        report = case_services.request_agency_report(user, case, "gp", "Dr A", "a@b.example",
                                                     today())
        with app.test_request_context():
            try:
                services.send_link(user, case, report)
            except ValidationError as error:
                assert "E-mail is not set up" in error.message
            else:
                raise AssertionError("a link was issued without e-mail")


def test_a_link_cannot_be_sent_for_another_cases_report(db, client, login_as, coordinator,
                                                        case, report):
    from cdop_scr.cases import services as case_services

    other = case_services.notify_death(
        coordinator, details(nhs_number="4010232137", surname="Other"), [], confirmed_new=True)
    login_as(user=coordinator)
    response = client.post(f"/cases/{other.id}/agency-reports/{report.id}/secure-link")
    assert response.status_code == 404


def test_the_token_never_reaches_the_audit_log_or_the_app_logs(
        db, case, report, send_link, contact, caplog):
    caplog.set_level(logging.DEBUG)
    token = send_link(case, report)
    open_form(contact, token)
    contact.post("/agency-report", data={"summary": "Draft", "save": "Save draft"})
    contact.post("/agency-report", data={"summary": "Done", **ANSWERS, "submit": "Send"})
    contact.get(f"/agency-report/{token}")
    assert token not in caplog.text
    digest = hashlib.sha256(token.encode()).hexdigest()
    for row in db.session.scalars(select(AuditRecord)):
        assert token not in (row.detail or "") and digest not in (row.detail or "")
        assert token not in (row.reason or "")
