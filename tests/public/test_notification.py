"""Public notification: the page, the queue, accept (with the duplicate check), link, reject."""

from sqlalchemy import func, select, text

from cdop_scr.audit import AuditEvent
from cdop_scr.models import Case, PublicNotification

from ..cases.conftest import OTHER_NHS, VALID_NHS
from ..helpers import audit_events, error_summary, text_of
from .conftest import public_form_data


def submit(app, data=None, address="192.0.2.10"):
    public = app.test_client()
    response = public.post("/notify-a-death", data=data or public_form_data(),
                           environ_base={"REMOTE_ADDR": address})
    return public, response


def queued(db):
    return db.session.scalars(select(PublicNotification)).all()


def test_the_public_page_needs_no_account_and_says_what_happens_next_and_how_families_are_helped(
        client):
    response = client.get("/notify-a-death")
    assert response.status_code == 200
    page = text_of(response)
    assert "Tell us about the death of a child" in page
    assert "What happens next" in page and "How the family will be supported" in page
    assert "key worker" in page
    assert 'type="file"' not in response.get_data(as_text=True)
    for label in ("Your full name", "Your role", "Your organisation", "How can we contact you?",
                  "Date of death", "Date of birth"):
        assert label in page
    assert "Date notification received" not in page


def test_a_public_submission_lands_in_the_queue_encrypted_and_not_in_cases(app, db):
    public, response = submit(app)
    assert response.status_code == 302
    sent = public.get(response.headers["Location"])
    reference = sent.get_data(as_text=True).split("data-reference>")[1].split("<")[0]
    assert reference.startswith("PN-") and len(reference) == 17
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    [notification] = queued(db)
    assert notification.reference == reference and notification.status == "new"
    assert notification.content["details"]["surname"] == "Testchild-Zephyrine"
    raw = db.session.execute(text("SELECT content FROM public_notification")).scalar()
    assert b"Testchild-Zephyrine" not in bytes(raw) and b"Typed-Notifier" not in bytes(raw)
    [event] = audit_events(AuditEvent.PUBLIC_NOTIFICATION_SUBMITTED)
    assert event.target_id == str(notification.id) and event.actor_label == "anonymous"
    # The sent page shows the reference, never anything the notifier typed.
    assert "Testchild-Zephyrine" not in sent.get_data(as_text=True)


def test_references_are_random_and_not_case_references(app, db):
    for n in range(3):
        submit(app, address=f"192.0.2.{n}")
    references = [n.reference for n in queued(db)]
    assert len(set(references)) == 3
    assert not any(r.startswith("CDR-") for r in references)


def test_the_coordinator_accepts_a_notification_and_a_case_is_created_and_audited(
        app, db, client, login_as):
    submit(app)
    [notification] = queued(db)
    coordinator = login_as("coordinator")
    home = client.get("/home")
    assert "New notifications (1)" in text_of(home)
    listing = client.get("/notifications")
    assert notification.reference in text_of(listing)
    page = client.get(f"/notifications/{notification.id}")
    assert "Testchild-Zephyrine" in text_of(page) and "Nurse Typed-Notifier" in text_of(page)

    response = client.post(f"/notifications/{notification.id}/accept")
    assert response.status_code == 302
    [case] = db.session.scalars(select(Case)).all()
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    assert case.surname == "Testchild-Zephyrine" and case.nhs_number == VALID_NHS
    assert case.notifier_name == "Nurse Typed-Notifier"
    assert case.notified_on == notification.submitted_on
    assert [m.name for m in case.family_members] == []
    db.session.refresh(notification)
    assert notification.status == "accepted" and notification.case_id == case.id
    [accepted] = audit_events(AuditEvent.PUBLIC_NOTIFICATION_ACCEPTED)
    assert accepted.actor_id == coordinator.id and accepted.detail_dict == {"case": str(case.id)}
    assert audit_events(AuditEvent.CASE_CREATED)[0].actor_id == coordinator.id
    assert audit_events(AuditEvent.PUBLIC_NOTIFICATION_VIEWED)
    assert "New notifications (0)" in text_of(client.get("/home"))


def test_family_members_the_notifier_names_come_with_the_accepted_case(app, db, client, login_as):
    submit(app, public_form_data(**{"family-0-relation": "mother",
                                    "family-0-name": "Typed Mother-Name"}))
    [notification] = queued(db)
    login_as("coordinator")
    client.post(f"/notifications/{notification.id}/accept")
    [case] = db.session.scalars(select(Case)).all()
    assert [(m.relation, m.name) for m in case.family_members] == [("mother",
                                                                    "Typed Mother-Name")]


def test_a_notification_matching_a_case_shows_the_match_and_can_be_linked_to_it(
        app, db, client, login_as, make_case):
    existing = make_case()
    submit(app)
    [notification] = queued(db)
    login_as("coordinator")
    response = client.post(f"/notifications/{notification.id}/accept")
    assert response.status_code == 200
    assert f'data-match="{existing.case_ref}"' in response.get_data(as_text=True)
    assert "This is a different child: create a new case" in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1

    linked = client.post(f"/notifications/{notification.id}/link",
                         data={"case_id": str(existing.id)})
    assert linked.headers["Location"].endswith(f"/cases/{existing.id}")
    db.session.refresh(notification)
    assert notification.status == "linked" and notification.case_id == existing.id
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1
    assert audit_events(AuditEvent.PUBLIC_NOTIFICATION_LINKED)
    again = client.post(f"/notifications/{notification.id}/accept", data={"confirmed_new": "yes"})
    assert again.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1


def test_the_coordinator_can_create_a_new_case_when_the_match_is_a_different_child(
        app, db, client, login_as, make_case):
    make_case()
    submit(app)
    [notification] = queued(db)
    login_as("coordinator")
    client.post(f"/notifications/{notification.id}/accept")
    response = client.post(f"/notifications/{notification.id}/accept",
                           data={"confirmed_new": "yes"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Case)) == 2


def test_the_coordinator_rejects_a_notification_with_a_reason(app, db, client, login_as):
    submit(app)
    [notification] = queued(db)
    login_as("coordinator")
    empty = client.post(f"/notifications/{notification.id}/reject", data={"reason": ""})
    assert error_summary(empty) == ["Enter why this notification is being rejected"]
    response = client.post(f"/notifications/{notification.id}/reject",
                           data={"reason": "A test message from a training session"})
    assert response.status_code == 302
    db.session.refresh(notification)
    assert notification.status == "rejected"
    assert notification.reject_reason == "A test message from a training session"
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    assert audit_events(AuditEvent.PUBLIC_NOTIFICATION_REJECTED)
    refused = client.post(f"/notifications/{notification.id}/accept")
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    assert "already been dealt with" in text_of(client.get(refused.headers["Location"]))


def test_missing_answers_get_a_gov_uk_error_summary_and_store_nothing(app, db):
    _, response = submit(app, {"forename": "Only"})
    assert response.status_code == 200
    errors = error_summary(response)
    assert "Enter the child's last name" in errors
    assert "Enter the date of death" in errors
    assert "Enter your role, for example ward nurse or police officer" in errors
    assert "Enter the organisation you work for" in errors
    assert queued(db) == []


def test_an_nhs_number_that_fails_its_check_digit_is_refused(app, db):
    _, response = submit(app, public_form_data(nhs_number="9434765918"))
    assert "Enter a valid NHS number: 10 digits, like 943 476 5919" in error_summary(response)
    assert queued(db) == []


def test_a_different_child_with_another_nhs_number_is_not_a_match(app, db, client, login_as,
                                                                   make_case):
    make_case()
    submit(app, public_form_data(nhs_number=OTHER_NHS, surname="Someone-Else"))
    [notification] = queued(db)
    login_as("coordinator")
    assert client.post(f"/notifications/{notification.id}/accept").status_code == 302


def test_markup_a_notifier_types_is_shown_to_the_coordinator_as_text(app, db, client, login_as):
    submit(app, public_form_data(circumstances='<script>alert("x")</script><img src=x onerror=y>'))
    [notification] = queued(db)
    login_as("coordinator")
    html = client.get(f"/notifications/{notification.id}").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert" in html


def test_the_coordinator_links_a_notification_to_any_case_by_its_reference(
        app, db, client, login_as, make_case):
    # A different NHS number and surname: the duplicate check finds nothing, but the
    # coordinator knows (from a phone call) that this is the child of an open case.
    existing = make_case()
    submit(app, public_form_data(nhs_number=OTHER_NHS, surname="Misspelt-Surname"))
    [notification] = queued(db)
    coordinator = login_as("coordinator")
    page = client.get(f"/notifications/{notification.id}")
    assert "Link to a case already open" in text_of(page)
    assert "data-link-by-reference" in page.get_data(as_text=True)

    linked = client.post(f"/notifications/{notification.id}/link",
                         data={"case_ref": f"  {existing.case_ref.lower()} "})
    assert linked.status_code == 302
    assert linked.headers["Location"].endswith(f"/cases/{existing.id}")
    assert f"Notification linked to case {existing.case_ref}." in text_of(
        client.get(linked.headers["Location"]))
    db.session.refresh(notification)
    assert notification.status == "linked" and notification.case_id == existing.id
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1
    [event] = audit_events(AuditEvent.PUBLIC_NOTIFICATION_LINKED)
    assert event.actor_id == coordinator.id and event.target_id == str(notification.id)
    assert event.detail_dict == {"case": str(existing.id), "by": "case_ref"}
    # Once linked it is dealt with: it cannot be linked again or accepted as a new case.
    again = client.post(f"/notifications/{notification.id}/link",
                        data={"case_ref": existing.case_ref})
    assert again.status_code == 400 and "already been dealt with" in " ".join(
        error_summary(again))
    assert len(audit_events(AuditEvent.PUBLIC_NOTIFICATION_LINKED)) == 1


def test_an_unknown_or_missing_case_reference_gets_a_gov_uk_error_and_links_nothing(
        app, db, client, login_as, make_case):
    make_case()
    submit(app)
    [notification] = queued(db)
    login_as("coordinator")
    views = len(audit_events(AuditEvent.PUBLIC_NOTIFICATION_VIEWED))
    response = client.post(f"/notifications/{notification.id}/link",
                           data={"case_ref": "CDR-1999-0001"})
    assert response.status_code == 400
    assert error_summary(response) == [
        "There is no case with the reference CDR-1999-0001. Check the reference on the "
        "case's page"]
    assert 'value="CDR-1999-0001"' in response.get_data(as_text=True)
    # The page shown again is a view of the notification, audited as one.
    assert len(audit_events(AuditEvent.PUBLIC_NOTIFICATION_VIEWED)) == views + 1
    empty = client.post(f"/notifications/{notification.id}/link", data={"case_ref": "  "})
    assert empty.status_code == 400
    assert error_summary(empty) == ["Enter the case reference of the case to link to"]
    db.session.refresh(notification)
    assert notification.status == "new" and notification.case_id is None
    assert audit_events(AuditEvent.PUBLIC_NOTIFICATION_LINKED) == []
