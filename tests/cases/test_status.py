"""The status machine and the agency-report gate before panel."""

from datetime import date

import pytest
import time_machine
from sqlalchemy import select

from cdop_scr.audit import AuditEvent
from cdop_scr.cases import services
from cdop_scr.errors import ValidationError
from cdop_scr.models import Case

from ..helpers import audit_events, error_summary, text_of


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(date(2024, 6, 1), tick=False):
        yield


def _to(case, status, coordinator):
    """Put a case into `status` through allowed moves."""
    path = {
        "notified": [],
        "gathering_information": ["gathering_information"],
        "ready_for_panel": ["gathering_information", "ready_for_panel"],
        "reviewed": ["gathering_information", "ready_for_panel", "reviewed"],
        "closed": ["gathering_information", "ready_for_panel", "reviewed", "closed"],
    }
    for step in path.get(status, []):
        if step == "reviewed":
            services.mark_reviewed(None, case, 5, "not_modifiable", "none", date(2024, 5, 1))
        else:
            services.change_status(coordinator, case, case.version, step)
    if status == "withdrawn":
        services.withdraw_case(coordinator, case, case.version, "entered_in_error")
    assert case.status == status
    return case


N, G, R, V, C, W = ("notified", "gathering_information", "ready_for_panel", "reviewed",
                    "closed", "withdrawn")
LABELS = {N: "notified", G: "gathering information", R: "ready for panel", V: "reviewed",
          C: "closed", W: "withdrawn"}
# Every move from one status to another, written out from the issue (not read from the code):
# notified -> gathering information -> ready for panel -> reviewed (the panel's sign-off only)
# -> closed; withdrawn, with a reason, from the three open statuses. A case ready for panel can
# go back to gathering information when more is needed (a new agency report request does it).
#   "status": the coordinator moves it on the status page
#   "sign_off": only the panel's sign-off (mark_reviewed) makes it; the status page refuses
#   "withdraw": only the withdrawal page, with a reason, makes it; the status page refuses
#   None: refused however it is tried
MATRIX = {
    N: {N: None, G: "status", R: None, V: None, C: None, W: "withdraw"},
    G: {N: None, G: None, R: "status", V: None, C: None, W: "withdraw"},
    R: {N: None, G: "status", R: None, V: "sign_off", C: None, W: "withdraw"},
    V: {N: None, G: None, R: None, V: None, C: "status", W: None},
    C: {N: None, G: None, R: None, V: None, C: None, W: None},
    W: {N: None, G: None, R: None, V: None, C: None, W: None},
}
ELSEWHERE = {"sign_off": "only the panel's sign-off completes a review",
             "withdraw": "withdraw the case and give the reason"}
PAIRS = [(start, to) for start, row in MATRIX.items() for to in row]


def test_the_matrix_covers_every_pair_of_statuses():
    from cdop_scr.models.cases import CaseStatus

    assert sorted(PAIRS) == sorted((a.value, b.value) for a in CaseStatus for b in CaseStatus)


def _unchanged(db, case, start, version, changes):
    db.session.refresh(case)
    assert (case.status, case.version) == (start, version)
    assert len(audit_events(AuditEvent.CASE_STATUS_CHANGED)) == changes


@pytest.mark.parametrize("start, to", PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_every_move_between_two_statuses_is_made_or_refused_naming_both(
    client, login_as, db, make_case, start, to
):
    user = login_as("coordinator")
    case = _to(make_case(), start, user)
    how = MATRIX[start][to]
    version, changes = case.version, len(audit_events(AuditEvent.CASE_STATUS_CHANGED))

    response = client.post(f"/cases/{case.id}/status", data={"status": to,
                                                             "version": case.version})
    if how == "status":
        assert response.status_code == 302
        db.session.refresh(case)
        assert case.status == to
        change = audit_events(AuditEvent.CASE_STATUS_CHANGED)[-1]
        assert (change.detail_dict, change.actor_id) == ({"from": start, "to": to}, user.id)
        return
    refused = f"A case that is {LABELS[start]} cannot be moved to {LABELS[to]}"
    if how in ELSEWHERE:
        refused += f" here: {ELSEWHERE[how]}"
    assert response.status_code == 200
    assert error_summary(response) == [refused]
    _unchanged(db, case, start, version, changes)

    if to == V:  # the panel's sign-off
        if how == "sign_off":
            services.mark_reviewed(None, case, 5, "not_modifiable", "none", date(2024, 5, 1))
            db.session.refresh(case)
            assert case.status == V
        else:
            with pytest.raises(ValidationError) as refusal:
                services.mark_reviewed(None, case, 5, "not_modifiable", "none",
                                       date(2024, 5, 1))
            assert refusal.value.message == (f"A case that is {LABELS[start]} cannot be moved "
                                              f"to reviewed")
            db.session.rollback()
            _unchanged(db, case, start, version, changes)
    if to == W:  # the withdrawal page
        response = client.post(f"/cases/{case.id}/withdraw",
                               data={"reason": "entered_in_error", "version": case.version})
        if how == "withdraw":
            assert response.status_code == 302
            db.session.refresh(case)
            assert (case.status, case.withdrawal_reason) == (W, "entered_in_error")
        else:
            assert response.status_code == 200
            assert error_summary(response) == [
                f"A case that is {LABELS[start]} cannot be moved to withdrawn"]
            _unchanged(db, case, start, version, changes)


def test_reviewed_cannot_be_chosen_by_the_coordinator(client, login_as, db, make_case):
    user = login_as("coordinator")
    case = _to(make_case(), "ready_for_panel", user)
    page = client.get(f"/cases/{case.id}/status")
    assert 'value="reviewed"' not in page.get_data(as_text=True)
    response = client.post(f"/cases/{case.id}/status",
                           data={"status": "reviewed", "version": case.version})
    assert error_summary(response) == [
        "A case that is ready for panel cannot be moved to reviewed here: only the panel's "
        "sign-off completes a review"]
    db.session.refresh(case)
    assert case.status == "ready_for_panel"


def test_mark_reviewed_is_the_panel_sign_off_and_records_the_outcome(db, make_case, coordinator):
    case = _to(make_case(), "ready_for_panel", coordinator)
    services.mark_reviewed(None, case, 10, "insufficient_information", "sudden_unexpected",
                           date(2024, 5, 20))
    stored = db.session.scalar(select(Case))
    assert (stored.status, stored.category, stored.modifiable, stored.event,
            stored.review_completed_on) == ("reviewed", 10, "insufficient_information",
                                            "sudden_unexpected", date(2024, 5, 20))


def test_mark_reviewed_refuses_a_case_not_ready_for_panel(db, make_case):
    case = make_case()
    with pytest.raises(ValidationError):
        services.mark_reviewed(None, case, 5, "modifiable")
    assert db.session.scalar(select(Case)).status == "notified"


@pytest.mark.parametrize("start", ["notified", "gathering_information", "ready_for_panel"])
def test_an_open_case_can_be_withdrawn_with_a_reason(client, login_as, db, make_case, start):
    user = login_as("coordinator")
    case = _to(make_case(), start, user)
    response = client.post(f"/cases/{case.id}/withdraw",
                           data={"reason": "not_eligible", "version": case.version,
                                 "text": "Stillbirth: outside the review's scope"})
    assert response.status_code == 302
    db.session.refresh(case)
    assert (case.status, case.withdrawal_reason) == ("withdrawn", "not_eligible")
    assert audit_events(AuditEvent.CASE_STATUS_CHANGED)[-1].detail_dict == {
        "from": start, "to": "withdrawn", "reason": "not_eligible"}


def test_a_transferred_case_needs_the_home_area(client, login_as, db, make_case):
    login_as("coordinator")
    case = make_case(resident=False)
    response = client.post(f"/cases/{case.id}/withdraw",
                           data={"reason": "transferred", "version": case.version})
    assert error_summary(response) == ["Enter the area whose CDOP the case was transferred to"]
    response = client.post(f"/cases/{case.id}/withdraw",
                           data={"reason": "transferred", "transferred_to": "Kent and Medway",
                                 "version": case.version})
    assert response.status_code == 302
    db.session.refresh(case)
    assert (case.status, case.is_transferred, case.transferred_to) == (
        "withdrawn", True, "Kent and Medway")
    assert "transferred to Kent and Medway" in text_of(client.get(f"/cases/{case.id}"))


@pytest.mark.parametrize("start", ["reviewed", "closed", "withdrawn"])
def test_a_finished_case_cannot_be_withdrawn(client, login_as, db, make_case, start):
    user = login_as("coordinator")
    case = _to(make_case(), start, user)
    response = client.post(f"/cases/{case.id}/withdraw",
                           data={"reason": "entered_in_error", "version": case.version})
    assert response.status_code == 200
    assert error_summary(response)
    db.session.refresh(case)
    assert case.status == start


# --- agency reports and the gate before panel ----------------------------------------------

def _request(client, case, agency, due=("1", "7", "2024"), contact="Pat Contact"):
    return client.post(f"/cases/{case.id}/agency-reports/new", data={
        "agency_type": agency, "contact_name": contact, "contact_email": "pat@example.org",
        "due_on": list(due)})


def _receive(client, case, report, received=("1", "6", "2024")):
    return client.post(f"/cases/{case.id}/agency-reports/{report.id}/receipt", data={
        "received_on": list(received), "summary": "Known to the practice since birth.",
        "known_to_agency-answer": "yes", "known_to_agency-details": "Registered 2015",
        "safeguarding_concerns-answer": "not_known",
        "recent_contact-answer": "not_applicable"})


def test_requesting_a_report_starts_gathering_information(client, login_as, db, make_case):
    login_as("coordinator")
    case = make_case()
    response = _request(client, case, "gp")
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.status == "gathering_information"
    assert [(r.agency_type, r.status, r.due_on, r.contact_name) for r in case.agency_reports] == [
        ("gp", "requested", date(2024, 7, 1), "Pat Contact")]
    assert [e.event for e in audit_events()][-2:] == ["agency_report_requested",
                                                      "case_status_changed"]


def test_a_report_request_needs_an_agency_a_contact_and_a_future_due_date(
    client, login_as, make_case
):
    login_as("coordinator")
    case = make_case()
    response = client.post(f"/cases/{case.id}/agency-reports/new",
                           data={"due_on": ["1", "5", "2024"]})
    assert error_summary(response) == ["Select the agency",
                                       "Enter the name of the contact at the agency",
                                       "Due date must be today or in the future"]


def test_ready_for_panel_waits_for_every_report_to_be_received_or_waived(
    client, login_as, db, make_case
):
    login_as("coordinator")
    case = make_case()
    _request(client, case, "gp")
    _request(client, case, "school")
    db.session.refresh(case)
    gp, school = case.agency_reports

    def ready():
        return client.post(f"/cases/{case.id}/status",
                           data={"status": "ready_for_panel", "version": case.version})

    response = ready()
    assert error_summary(response) == [
        "Every agency report must be received or waived before the case is ready for panel: "
        "2 are still outstanding"]
    assert _receive(client, case, gp).status_code == 302
    db.session.refresh(case)
    assert error_summary(ready())[0].endswith("1 is still outstanding")

    response = client.post(f"/cases/{case.id}/agency-reports/{school.id}/waive", data={})
    assert error_summary(response) == ["Enter why this report is no longer needed"]
    response = client.post(f"/cases/{case.id}/agency-reports/{school.id}/waive",
                           data={"reason": "Child was not yet at school"})
    assert response.status_code == 302
    db.session.refresh(case)
    assert ready().status_code == 302
    db.session.refresh(case)
    assert case.status == "ready_for_panel"
    assert (gp.status, gp.received_on, gp.key_facts["safeguarding_concerns"]["answer"]) == (
        "received", date(2024, 6, 1), "not_known")
    assert (school.status, school.waive_reason) == ("waived", "Child was not yet at school")


def test_a_received_report_cannot_be_received_or_waived_again(client, login_as, db, make_case):
    login_as("coordinator")
    case = make_case()
    _request(client, case, "police")
    db.session.refresh(case)
    report = case.agency_reports[0]
    _receive(client, case, report)
    response = _receive(client, case, report)
    assert error_summary(response) == ["This report has already been received"]
    response = client.post(f"/cases/{case.id}/agency-reports/{report.id}/waive",
                           data={"reason": "x"})
    assert error_summary(response) == ["This report has already been received"]


def test_a_report_receipt_needs_a_date_summary_and_every_key_fact(client, login_as, db,
                                                                  make_case):
    login_as("coordinator")
    case = make_case()
    _request(client, case, "hospital")
    db.session.refresh(case)
    report = case.agency_reports[0]
    response = client.post(f"/cases/{case.id}/agency-reports/{report.id}/receipt", data={})
    assert error_summary(response) == [
        "Enter the date received", "Enter a summary of the report, or write 'not known'",
        "Select an answer", "Select an answer", "Select an answer"]
    db.session.refresh(report)
    assert report.status == "requested"


def test_a_requested_report_from_another_case_is_not_found(client, login_as, db, make_case):
    login_as("coordinator")
    first = make_case()
    second = make_case(nhs_number="4010232137", surname="Second")
    _request(client, first, "gp")
    db.session.refresh(first)
    report = first.agency_reports[0]
    response = client.get(f"/cases/{second.id}/agency-reports/{report.id}/receipt")
    assert response.status_code == 404


def test_overdue_reports_are_listed_across_cases_for_chasing(client, login_as, db, make_case):
    login_as("coordinator")
    first = make_case()
    second = make_case(nhs_number="4010232137", surname="Second")
    _request(client, first, "gp", due=("10", "6", "2024"))
    _request(client, second, "police", due=("5", "6", "2024"))
    _request(client, second, "school", due=("30", "6", "2024"))
    with time_machine.travel(date(2024, 6, 20), tick=False):
        login_as("coordinator")
        page = client.get("/cases/agency-reports/overdue")
    html = page.get_data(as_text=True)
    rows = [(m.split('"')[1]) for m in html.split("data-agency=")[1:]]
    assert rows == ["police", "gp"]  # oldest due first; the school's is not yet due
    assert "2 reports past the due date" in text_of(page)
    assert audit_events(AuditEvent.OVERDUE_REPORTS_VIEWED)
