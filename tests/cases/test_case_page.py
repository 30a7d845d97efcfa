"""The case page: the reason for delay (by its label, and its refusal), and the serious case
review the case was referred to."""

from datetime import date

import pytest
import time_machine
from lxml import html as lxml_html

from cdop_scr.audit import AuditEvent
from cdop_scr.cases import services
from cdop_scr.scr import services as scr_services

from ..factories import UserFactory
from ..helpers import audit_events, error_summary, text_of


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(date(2025, 3, 1), tick=False):
        yield


def delay_row(response):
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    return " ".join(doc.xpath("string(//*[@data-field='delay_reason']/dd[1])").split())


def test_the_case_page_shows_the_reason_for_delay_by_its_label(client, login_as, make_case):
    user = login_as("coordinator")
    case = make_case()  # died 10 January 2024: open over 12 months
    services.record_delay_reason(user, case, case.version, "awaiting_review_or_investigation")
    assert delay_row(client.get(f"/cases/{case.id}")) == (
        "Awaiting SCR/LCSPR or other investigation")
    services.record_delay_reason(user, case, case.version, "other",
                                 "Family asked for the meeting to wait")
    assert delay_row(client.get(f"/cases/{case.id}")) == (
        "Other: Family asked for the meeting to wait")


def test_other_as_the_reason_for_delay_needs_a_description_and_nothing_is_saved(
    client, login_as, db, make_case
):
    login_as("coordinator")
    case = make_case()
    updates = len(audit_events(AuditEvent.CASE_UPDATED))
    response = client.post(f"/cases/{case.id}/delay-reason",
                           data={"reason": "other", "other_text": "   ",
                                 "version": case.version})
    assert response.status_code == 200
    assert error_summary(response) == ["Describe the reason for delay"]
    assert 'href="#other_text"' in response.get_data(as_text=True)
    db.session.refresh(case)
    assert (case.delay_reason, case.delay_other_text, case.version) == (None, None, 1)
    assert len(audit_events(AuditEvent.CASE_UPDATED)) == updates
    assert "This review has been open for over 12 months" in text_of(
        client.get(f"/cases/{case.id}"))

    response = client.post(f"/cases/{case.id}/delay-reason",
                           data={"reason": "other", "other_text": "Awaiting a second opinion",
                                 "version": case.version})
    assert response.status_code == 302
    db.session.refresh(case)
    assert (case.delay_reason, case.delay_other_text) == ("other", "Awaiting a second opinion")


@pytest.fixture
def reviewed_referral(make_case, coordinator):
    """A case referred for serious case review consideration, with its review decided."""
    case = make_case()
    services.update_key_dates(coordinator, case, case.version,
                              {"scr_referred_on": date(2024, 2, 1)})
    manager = UserFactory(roles=["board_manager"])
    review = scr_services.create_review_from_case(manager, case)
    scr_services.change_status(manager, review, review.version, "decision_pending",
                               on=date(2024, 2, 10))
    scr_services.record_decision(manager, review, review.version, "criteria_met",
                                 date(2024, 2, 20), "Chair Person",
                                 "Abuse suspected; agencies did not share information.")
    return case, review


def scr_row(response):
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    rows = doc.xpath("//dl[@data-key-dates]//*[@data-scr-review]")
    return rows[0] if rows else None


def test_the_coordinator_sees_the_cases_review_in_the_key_dates_without_a_link(
    client, login_as, reviewed_referral
):
    case, review = reviewed_referral
    login_as("coordinator")
    row = scr_row(client.get(f"/cases/{case.id}"))
    assert row is not None
    assert " ".join(row.text_content().split()) == (
        f"Serious case review {review.reference}: {review.status_label} "
        f"Decision: Criteria met: hold a review")
    assert review.status_label == "Review in progress"
    assert row.xpath(".//a") == []
    assert client.get(f"/reviews/{review.id}").status_code == 403


def test_someone_who_also_manages_reviews_gets_a_link_to_the_review(
    client, login_as, reviewed_referral
):
    case, review = reviewed_referral
    login_as("coordinator", "board_manager")
    row = scr_row(client.get(f"/cases/{case.id}"))
    assert [a.get("href") for a in row.xpath(".//a")] == [f"/reviews/{review.id}"]
    assert row.xpath("string(.//a)") == review.reference


def test_a_case_without_a_review_shows_no_review_row(client, login_as, make_case):
    login_as("coordinator")
    case = make_case()
    assert scr_row(client.get(f"/cases/{case.id}")) is None
