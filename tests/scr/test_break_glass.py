"""Break-glass from a review: the board manager opens the identifiable record of the CDOP case
their review links to only with a reason, for a limited time, audited and alerted."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from cdop_scr.audit import AuditEvent
from cdop_scr.models.base import utcnow
from cdop_scr.models.panels import BreakGlassGrant

from ..audit.reasons import audit_table_text, reasons_shown
from ..factories import UserFactory
from ..helpers import audit_events, error_summary, text_of
from .test_views import CASE_IDENTIFIERS, linked_review

REASON = "Need the GP practice to check the safety plan of a sibling"
NAME = "Canary-Forename Testchild-Zephyrine"


def case_url(review, case, tail=""):
    return f"/reviews/{review.id}/linked-case/{case.id}{tail}"


def grants(db):
    db.session.expire_all()
    return db.session.scalars(db.select(BreakGlassGrant)).all()


def test_the_pseudonymised_linked_case_offers_break_glass_to_its_board_manager(
        app, client, signed_in_manager):
    case, review = linked_review(signed_in_manager)
    html = client.get(case_url(review, case)).get_data(as_text=True)
    link = html.split("data-break-glass-link>")[0].rsplit("<a", 1)[1]
    assert f'href="{case_url(review, case, "/break-glass")}"' in link
    assert "See the identifiable record (break-glass)" in html
    form = client.get(case_url(review, case, "/break-glass"))
    assert form.status_code == 200
    page = text_of(form)
    assert "Break-glass access to the identifiable record" in page
    assert f"Review {review.reference}" in page and "for 60 minutes" in page
    for identifier in CASE_IDENTIFIERS:
        assert identifier not in page, identifier


def test_break_glass_from_a_review_needs_a_reason_and_stores_nothing_without_one(
        app, db, client, signed_in_manager):
    case, review = linked_review(signed_in_manager)
    before = len(audit_events())
    response = client.post(case_url(review, case, "/break-glass"), data={"reason": "  "})
    assert response.status_code == 200
    assert error_summary(response) == ["Enter the reason you need the identifiable record"]
    response = client.post(case_url(review, case, "/break-glass"),
                           data={"reason": "Check 943 476 5919 against the GP list"})
    assert error_summary(response) == [
        "Do not include an NHS number or other long number in the reason"]
    assert grants(db) == []
    assert audit_events()[before:] == []
    assert NAME not in text_of(client.get(case_url(review, case)))


def test_the_grant_opens_the_linked_case_for_the_configured_time_and_every_view_is_audited(
        app, db, client, signed_in_manager):
    case, review = linked_review(signed_in_manager)
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        response = client.post(case_url(review, case, "/break-glass"), data={"reason": REASON})
        assert response.status_code == 302
        assert response.headers["Location"] == case_url(review, case)

        [grant] = grants(db)
        assert (grant.user_id, grant.case_id, grant.review_id, grant.meeting_id) == (
            signed_in_manager.id, case.id, review.id, None)
        assert grant.expires_at - grant.granted_at == timedelta(minutes=60)
        raw = db.session.execute(text("SELECT reason FROM break_glass_grant")).scalar()
        assert grant.reason == REASON and b"sibling" not in raw
        [granted] = audit_events(AuditEvent.BREAK_GLASS_GRANTED)
        assert (granted.actor_id, granted.target_id) == (signed_in_manager.id, str(case.id))
        assert f'"review":"{review.id}"' in granted.detail
        # The reason is kept encrypted with the grant only; the access report reads it there.
        assert reasons_shown(AuditEvent.BREAK_GLASS_GRANTED, case.id) == [REASON]
        assert granted.reason is None and "sibling" not in audit_table_text()

        # (Steps shorter than the 30-minute idle timeout keep the session signed in.)
        for minutes in (0, 25, 25, 9):
            traveller.shift(timedelta(minutes=minutes))
            before = len(audit_events())
            page = text_of(client.get(case_url(review, case)))
            assert NAME in page and "1 Fictional Row, Exampleton" in page
            assert "You can see the identifiable record until" in page
            [row] = audit_events()[before:]
            assert (row.event, row.target_id) == ("case_viewed", str(case.id))
            assert row.detail == (f'{{"break_glass":"{grant.id}","identifiable":true,'
                                  f'"page":"review_linked_case","review":"{review.id}"}}')

        traveller.shift(timedelta(minutes=2))
        before = len(audit_events())
        page = text_of(client.get(case_url(review, case)))
        for identifier in CASE_IDENTIFIERS:
            assert identifier not in page, identifier
        assert "the child collapsed at [place]" in page
        [row] = audit_events()[before:]
        assert '"identifiable":false' in row.detail and "break_glass" not in row.detail


def test_the_grant_is_listed_on_the_alerts_page_and_the_board_managers_home_banner(
        app, client, login_as, signed_in_manager):
    case, review = linked_review(signed_in_manager)
    assert b"data-break-glass-alert" not in client.get("/home").data  # nothing yet
    client.post(case_url(review, case, "/break-glass"), data={"reason": REASON})

    home = client.get("/home")
    assert ("Identifiable records were opened by break-glass once in the last 30 days"
            in text_of(home))
    assert 'href="/break-glass-alerts"' in home.get_data(as_text=True)

    html = client.get("/break-glass-alerts").get_data(as_text=True)
    row = html.split("data-break-glass-alerts>")[1].split("</tbody>")[0]
    assert case.case_ref in row and REASON in row
    assert signed_in_manager.full_name in row
    source = row.split("data-grant-source>")[1].split("</td>")[0]
    assert source == f"Review {review.reference}"

    login_as("coordinator")
    page = text_of(client.get("/panel-meetings"))
    assert (f"{signed_in_manager.full_name} opened the identifiable record of {case.case_ref} "
            f"from review {review.reference}") in page


def test_a_grant_from_a_review_opens_that_case_for_that_board_manager_only(
        app, client, login_as, signed_in_manager):
    case, review = linked_review(signed_in_manager)
    client.post(case_url(review, case, "/break-glass"), data={"reason": REASON})
    assert NAME in text_of(client.get(case_url(review, case)))
    login_as("board_manager")
    assert NAME not in text_of(client.get(case_url(review, case)))


def test_a_case_not_linked_to_the_review_is_not_found_for_break_glass(
        app, db, client, signed_in_manager):
    case, review = linked_review(signed_in_manager)
    other, other_review = linked_review(signed_in_manager, nhs_number="4010232137",
                                        forename="Otherchild", surname="Notlinked")
    before = len(audit_events())
    for url in (case_url(review, other, "/break-glass"),
                case_url(other_review, case, "/break-glass")):
        for method in ("GET", "POST"):
            response = client.open(url, method=method, data={"reason": REASON})
            assert response.status_code == 404, (method, url)
            assert "Otherchild" not in response.get_data(as_text=True)
    assert grants(db) == [] and audit_events()[before:] == []


@pytest.mark.parametrize("role, status", [("panel_member", 404), ("panel_chair", 404),
                                          ("coordinator", 403), ("admin", 403)])
def test_only_the_board_manager_breaks_glass_through_a_review(app, db, client, login_as,
                                                              role, status):
    case, review = linked_review(UserFactory(roles=["board_manager"]))
    login_as(role)
    for method in ("GET", "POST"):
        response = client.open(case_url(review, case, "/break-glass"), method=method,
                               data={"reason": REASON})
        assert response.status_code == status, method
        assert "Canary-Forename" not in response.get_data(as_text=True)
    assert grants(db) == []


def test_a_grant_names_exactly_one_of_a_meeting_and_a_review(app, db, signed_in_manager):
    case, review = linked_review(signed_in_manager)
    now = utcnow()
    db.session.add(BreakGlassGrant(user_id=signed_in_manager.id, case_id=case.id,
                                   granted_at=now, expires_at=now + timedelta(minutes=5)))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
