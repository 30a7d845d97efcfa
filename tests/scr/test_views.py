"""The board manager records, links, views and edits reviews; identifiers stay encrypted."""

from datetime import date

from sqlalchemy import text

from cdop_scr.audit import AuditEvent
from cdop_scr.models.scr import Review
from cdop_scr.scr import services

from ..factories import UserFactory
from ..helpers import audit_events, error_summary, text_of
from .builders import CHILD_NAME, add_action, decide, make_review, referred_case


def _day(value):
    return [str(value.day), str(value.month), str(value.year)]


def review_form(**overrides):
    data = {
        "child_name": "Canary Childname-Qwerty",
        "child_date_of_birth": _day(date(2016, 2, 3)),
        "child_nhs_number": "943 476 5919",
        "looked_after": "yes",
        "incident_type": "serious_harm",
        "incident_on": _day(date(2025, 3, 1)),
        "incident_summary": "Canary-summary: head injury, delayed presentation.",
        "framework": "",
        "la_learned_on": _day(date(2025, 3, 2)),
        "referred_on": _day(date(2025, 3, 4)),
        "notified_on": ["", "", ""],
        "rapid_review_on": ["", "", ""],
        "reviewer_name": "",
        "methodology": "",
    }
    data.update(overrides)
    return data


def test_the_board_manager_records_a_serious_harm_referral(app, db, client, signed_in_manager):
    response = client.post("/reviews/new", data=review_form(), follow_redirects=True)
    assert response.status_code == 200
    page = text_of(response)
    assert "LCSPR-2025-001: Canary Childname-Qwerty" in page
    assert "Review LCSPR-2025-001 has been created." in page
    review = db.session.query(Review).one()
    assert (review.framework, review.status, review.incident_type) == (
        "lcspr", "referred", "serious_harm")
    assert review.child_nhs_number == "9434765919"
    assert review.looked_after is True
    assert review.cdop_case_id is None


def test_identifiers_and_the_summary_are_stored_encrypted(app, db, client, signed_in_manager):
    client.post("/reviews/new", data=review_form())
    raw = db.session.execute(text(
        "SELECT child_name, child_date_of_birth, child_nhs_number, incident_on, "
        "incident_summary FROM scr_review")).one()
    for value in raw:
        assert value is not None
        blob = bytes(value)
        for canary in (b"Canary", b"9434765919", b"2016-02-03", b"2025-03-01", b"head injury"):
            assert canary not in blob


def test_an_incident_before_working_together_2018_is_a_serious_case_review(
        app, db, client, signed_in_manager):
    client.post("/reviews/new", data=review_form(incident_on=_day(date(2018, 6, 28)),
                                                 la_learned_on=_day(date(2018, 6, 28)),
                                                 referred_on=_day(date(2018, 7, 2))))
    client.post("/reviews/new", data=review_form(incident_on=_day(date(2018, 6, 29)),
                                                 la_learned_on=_day(date(2018, 6, 29)),
                                                 referred_on=_day(date(2018, 7, 2))))
    frameworks = sorted(db.session.scalars(db.select(Review.reference)))
    assert frameworks == ["LCSPR-2018-001", "SCR-2018-001"]


def test_the_referral_form_says_what_is_missing(app, client, signed_in_manager):
    response = client.post("/reviews/new", data=review_form(child_name="", incident_type="",
                                                            incident_summary=""))
    assert error_summary(response) == [
        "Enter the child's full name",
        "Select whether the child died or was seriously harmed",
        "Enter a summary of the incident",
    ]


def test_a_referred_cdop_case_is_listed_and_starts_a_linked_review(app, db, client,
                                                                   signed_in_manager):
    coordinator = UserFactory(roles=["coordinator"])
    case = referred_case(coordinator)
    listing = client.get("/reviews")
    assert f'data-case-ref="{case.case_ref}"' in listing.get_data(as_text=True)

    response = client.post(f"/reviews/from-case/{case.id}",
                           data={"la_learned_on": _day(date(2024, 1, 11)), "looked_after": "no"},
                           follow_redirects=True)
    assert f"created from case {case.case_ref}" in text_of(response)
    review = db.session.query(Review).one()
    assert review.cdop_case_id == case.id
    assert db.session.get(type(case), case.id).scr_review.id == review.id  # linked both ways
    assert review.child_name == "Canary-Forename Testchild-Zephyrine"
    assert review.child_nhs_number == "9434765919"
    assert (review.incident_type, review.incident_on, review.referred_on) == (
        "death", date(2024, 1, 10), date(2024, 1, 20))
    assert review.framework == "lcspr"
    # Once it has a review, the case is no longer waiting for one.
    assert case.case_ref not in text_of(client.get("/reviews"))


def test_a_case_cannot_start_two_reviews(app, db, client, signed_in_manager):
    case = referred_case(UserFactory(roles=["coordinator"]))
    client.post(f"/reviews/from-case/{case.id}", data={})
    response = client.post(f"/reviews/from-case/{case.id}", data={})
    assert error_summary(response) == ["This case already has a review: LCSPR-2024-001"]
    assert db.session.query(Review).count() == 1


def test_viewing_a_review_writes_exactly_one_audit_row(app, client, signed_in_manager):
    review = make_review(signed_in_manager)
    before = len(audit_events())
    page = client.get(f"/reviews/{review.id}")
    assert CHILD_NAME in text_of(page)
    rows = audit_events()[before:]
    assert [(r.event, r.target_id) for r in rows] == [("review_viewed", str(review.id))]


def test_each_page_showing_identifiers_or_narrative_writes_exactly_one_audit_row(
        app, client, signed_in_manager):
    review = make_review(signed_in_manager)
    decide(signed_in_manager, review)
    action = add_action(signed_in_manager, review)
    base = f"/reviews/{review.id}"
    expected = {
        "/reviews": "review_list_viewed",
        base: "review_viewed",
        f"{base}/edit": "review_viewed",
        f"{base}/action-plan": "action_plan_viewed",
        f"{base}/actions/{action.id}": "action_viewed",
        f"{base}/actions/{action.id}/edit": "action_viewed",
        "/reviews/dashboard": "review_dashboard_viewed",
        "/reviews/action-tracker.csv": "action_tracker_exported",
        "/reviews/action-tracker.xlsx": "action_tracker_exported",
    }
    for url, event in expected.items():
        before = len(audit_events())
        assert client.get(url).status_code == 200, url
        assert [r.event for r in audit_events()[before:]] == [event], url


def test_an_edit_from_a_stale_form_is_a_conflict_that_keeps_what_was_typed(
        app, db, client, signed_in_manager):
    review = make_review(signed_in_manager, referred_on=date(2025, 3, 4))
    stale = review.version
    services.update_review(signed_in_manager, review, stale, reviewer_name="Someone Else")
    response = client.post(f"/reviews/{review.id}/edit",
                           data=review_form(reviewer_name="My Reviewer", version=stale))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "This review has changed" in html
    assert 'value="My Reviewer"' in html
    assert db.session.get(Review, review.id).reviewer_name == "Someone Else"
    # Saving again from the re-shown form applies the change.
    version = db.session.get(Review, review.id).version
    client.post(f"/reviews/{review.id}/edit",
                data=review_form(reviewer_name="My Reviewer", version=version))
    db.session.expire_all()
    assert db.session.get(Review, review.id).reviewer_name == "My Reviewer"
    assert len(audit_events(AuditEvent.REVIEW_UPDATED)) == 2


def test_the_decision_is_recorded_with_who_when_and_why(app, db, client, signed_in_manager):
    review = make_review(signed_in_manager)
    client.post(f"/reviews/{review.id}/status",
                data={"status": "decision_pending", "version": review.version})
    version = db.session.get(Review, review.id).version
    response = client.post(f"/reviews/{review.id}/decision", data={
        "outcome": "criteria_met", "decided_on": _day(date(2025, 1, 20)),
        "decided_by": "Independent Chair", "rationale": "Canary-rationale: agencies failed.",
        "version": version}, follow_redirects=True)
    page = text_of(response)
    assert "Criteria met: hold a review" in page
    assert "Independent Chair on 20 January 2025" in page
    stored = db.session.get(Review, review.id)
    assert stored.status == "in_progress"
    raw = db.session.execute(text("SELECT decision_rationale FROM scr_review")).scalar()
    assert b"Canary" not in bytes(raw)


def test_agencies_and_meetings_are_added_to_the_review(app, db, client, signed_in_manager):
    review = make_review(signed_in_manager)
    client.post(f"/reviews/{review.id}/agencies/new", data={
        "agency_name": "Kent Police", "agency_type": "police",
        "imr_requested_on": _day(date(2025, 2, 1)), "imr_received_on": ["", "", ""]})
    client.post(f"/reviews/{review.id}/meetings/new", data={
        "held_on": _day(date(2025, 2, 14)), "notes": "Terms of reference agreed."})
    page = text_of(client.get(f"/reviews/{review.id}"))
    assert "Kent Police 1 Feb 2025 Awaited" in page
    assert "14 February 2025: Terms of reference agreed." in page


def test_other_roles_cannot_open_a_review(app, client, login_as):
    manager = UserFactory(roles=["board_manager"])
    review = make_review(manager)
    for role in ("coordinator", "panel_chair", "panel_member", "admin"):
        login_as(role)
        assert client.get(f"/reviews/{review.id}").status_code == 403


def test_a_case_not_referred_for_review_cannot_start_one(app, db, client, signed_in_manager):
    from cdop_scr.cases import services as case_services

    from ..cases.conftest import details

    case = case_services.notify_death(UserFactory(roles=["coordinator"]), details(),
                                      confirmed_new=True)
    assert client.get(f"/reviews/from-case/{case.id}").status_code == 404
    assert client.post(f"/reviews/from-case/{case.id}", data={}).status_code == 404
    assert db.session.query(Review).count() == 0


# The CDOP case a review was started from ---------------------------------------------------------

def linked_review(manager, **case_fields):
    """A CDOP case referred for review, with circumstances naming the child and the family
    home, and the review the board manager started from it."""
    from cdop_scr.cases import services as case_services

    from ..cases.conftest import details

    coordinator = UserFactory(roles=["coordinator"])
    values = details(circumstances="Canary-Forename Testchild-Zephyrine collapsed at "
                                   "1 Fictional Row, Exampleton, and was taken to hospital.",
                     **case_fields)
    case = case_services.notify_death(coordinator, values, confirmed_new=True)
    case_services.update_key_dates(coordinator, case, case.version,
                                   {"scr_referred_on": date(2024, 1, 20)})
    return case, services.create_review_from_case(manager, case)


CASE_IDENTIFIERS = ("Canary-Forename", "Testchild-Zephyrine", "9434765919", "943 476 5919",
                    "1 Fictional Row", "SW1A 1AA", "Pretend Primary School")


def test_the_review_links_its_cdop_case_to_the_page_a_board_manager_can_open(
        app, client, signed_in_manager):
    case, review = linked_review(signed_in_manager)
    html = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    linked = html.split("data-linked-case>")[1].split("</dd>")[0]
    assert f'href="/reviews/{review.id}/linked-case/{case.id}"' in linked
    assert client.get(f"/reviews/{review.id}/linked-case/{case.id}").status_code == 200
    # The case pages are the coordinator's: no link a board manager would meet as a 403.
    assert f'href="/cases/{case.id}"' not in linked
    assert client.get(f"/cases/{case.id}").status_code == 403


def test_the_board_manager_reads_the_linked_case_pseudonymised_and_it_is_audited(
        app, client, signed_in_manager):
    case, review = linked_review(signed_in_manager)
    before = len(audit_events())
    response = client.get(f"/reviews/{review.id}/linked-case/{case.id}")
    assert response.status_code == 200
    page = text_of(response)
    assert f"CDOP case {case.case_ref}" in page
    assert "the child collapsed at [place]" in page
    assert "8 years" in page  # age at death, not the dates
    for identifier in CASE_IDENTIFIERS:
        assert identifier not in page, identifier
    [row] = audit_events()[before:]
    assert (row.event, row.target_type, row.target_id) == (
        "case_viewed", "child_death_case", str(case.id))
    assert row.detail == (f'{{"identifiable":false,"page":"review_linked_case",'
                          f'"review":"{review.id}"}}')


def test_a_case_not_linked_to_the_review_is_not_found_from_it(app, client, signed_in_manager):
    case, review = linked_review(signed_in_manager)
    other, other_review = linked_review(signed_in_manager, nhs_number="4010232137",
                                        forename="Otherchild", surname="Notlinked")
    unlinked = make_review(signed_in_manager)
    before = len(audit_events())
    for url in (f"/reviews/{review.id}/linked-case/{other.id}",
                f"/reviews/{other_review.id}/linked-case/{case.id}",
                f"/reviews/{unlinked.id}/linked-case/{case.id}"):
        response = client.get(url)
        assert response.status_code == 404, url
        shown = response.get_data(as_text=True)
        assert "Otherchild" not in shown and other.case_ref not in shown
    assert audit_events()[before:] == []


def test_only_the_board_manager_opens_a_linked_case_from_a_review(app, client, login_as):
    manager = UserFactory(roles=["board_manager"])
    case, review = linked_review(manager)
    for role in ("coordinator", "panel_chair", "panel_member", "admin"):
        login_as(role)
        response = client.get(f"/reviews/{review.id}/linked-case/{case.id}")
        assert response.status_code == 403, role
        assert "Canary-Forename" not in response.get_data(as_text=True)


def test_someone_who_is_also_the_coordinator_is_linked_to_the_identifiable_case(
        app, client, login_as):
    user = login_as("board_manager", "coordinator")
    case, review = linked_review(user)
    linked = client.get(f"/reviews/{review.id}").get_data(as_text=True).split(
        "data-linked-case>")[1].split("</dd>")[0]
    assert f'href="/cases/{case.id}"' in linked
