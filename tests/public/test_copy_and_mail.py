"""The notifier's one copy, and the coordinator's e-mail alert through a real SMTP server."""

from sqlalchemy import select

from cdop_scr.audit import AuditEvent
from cdop_scr.models import PublicNotification

from ..helpers import audit_events, text_of
from .conftest import NOTIFIER, public_form_data
from .smtp import mail_settings
from .test_notification import submit

TYPED = public_form_data(**{"family-0-relation": "father", "family-0-name": "Typed Father-Name"})


def test_the_copy_holds_what_the_notifier_typed_and_nothing_else(app, db, make_case):
    other = make_case(forename="Other-Canary", surname="Unrelated-Child", nhs_number="4010232137",
                      address="99 Elsewhere Street", school="Other Canary School")
    public, response = submit(app, TYPED)
    sent = public.get(response.headers["Location"])
    assert "Download a copy of your notification" in text_of(sent)
    copy = public.post("/notify-a-death/sent/copy")
    assert copy.status_code == 200
    assert copy.mimetype == "text/plain"
    assert copy.headers["Content-Disposition"].startswith("attachment;")
    body = copy.get_data(as_text=True)
    [notification] = db.session.scalars(select(PublicNotification)).all()
    lines = [line for line in body.splitlines() if ": " in line]
    expected = {
        f"Reference: {notification.reference}",
        "First name: Canary-Forename", "Last name: Testchild-Zephyrine",
        "Other names or aliases (optional): Zed", "Date of birth: 3 April 2015", "Sex: Female",
        "Ethnicity (optional): Mixed: White and Black Caribbean", "NHS number: 9434765919",
        "Address (optional): 1 Fictional Row, Exampleton", "Postcode (optional): SW1A 1AA",
        "Local authority of residence (optional): Exampleshire",
        "Is the child normally resident in this CDOP's area?: Yes",
        "GP practice (optional): Imaginary Lane Surgery",
        "School or nursery (optional): Pretend Primary School", "Date of death: 10 January 2024",
        "Time of death (optional): 14:30", "Where did the child die?: Hospital",
        "Name of the hospital or place (optional): St Example's Hospital",
        "Was the death expected?: Unexpected",
        "Circumstances of the death (optional): Collapsed at home; taken to hospital by "
        "ambulance.",
        f"Your full name: {NOTIFIER['notifier_name']}", f"Your role: {NOTIFIER['notifier_role']}",
        f"Your organisation: {NOTIFIER['notifier_agency']}",
        f"How can we contact you?: {NOTIFIER['notifier_contact']}",
        "Father: Typed Father-Name",
    }
    sent_line = next(line for line in lines if line.startswith("Sent: "))
    assert set(lines) - {sent_line} == expected
    for secret in (other.forename, other.surname, other.nhs_number, other.address, other.school,
                   other.case_ref, "CDR-", str(notification.id)):
        assert secret not in body
    assert audit_events(AuditEvent.PUBLIC_NOTIFICATION_COPY_DOWNLOADED)


def test_the_copy_can_be_downloaded_once_and_only_by_the_notifiers_own_browser(app, db):
    public, response = submit(app)
    stranger = app.test_client()
    assert stranger.post("/notify-a-death/sent/copy").status_code == 404
    assert stranger.get("/notify-a-death/sent").status_code == 302  # no reference to show
    assert public.post("/notify-a-death/sent/copy").status_code == 200
    assert public.post("/notify-a-death/sent/copy").status_code == 404
    assert "can no longer be downloaded" in text_of(public.get("/notify-a-death/sent"))
    [notification] = db.session.scalars(select(PublicNotification)).all()
    assert notification.copy_token_hash is None


def test_an_old_copy_token_is_refused_after_thirty_minutes(app, db):
    from datetime import timedelta

    import time_machine

    from cdop_scr.models.base import utcnow

    public, _ = submit(app)
    with time_machine.travel(utcnow() + timedelta(minutes=31), tick=False):
        assert public.post("/notify-a-death/sent/copy").status_code == 404


def test_the_coordinator_is_emailed_without_identifiers_when_mail_is_configured(
        make_app, smtp_server):
    app = make_app(**mail_settings(smtp_server,
                                   MAIL_COORDINATOR_ADDRESS="coordinator@cdop.example.org"))
    with app.app_context():
        _, response = submit(app, TYPED)
    assert response.status_code == 302
    [mail] = smtp_server.messages
    assert mail["to"] == ["coordinator@cdop.example.org"]
    assert mail["message"]["Subject"] == "A new notification is waiting"
    assert "http://localhost/notifications" in mail["body"]
    for typed in ("Canary-Forename", "Testchild-Zephyrine", "9434765919", "SW1A", "Typed",
                  "PN-", "2015", "Exampleton", "Pretend Primary"):
        assert typed not in mail["body"] and typed not in str(mail["message"])


def test_without_mail_settings_nothing_is_sent_and_the_queue_still_alerts_the_coordinator(
        app, db, client, login_as, smtp_server):
    submit(app)
    assert smtp_server.messages == []
    login_as("coordinator")
    assert "New notifications (1)" in text_of(client.get("/home"))


def test_a_mail_server_that_is_down_does_not_lose_the_notification(make_app):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_USE_TLS=False,
                   MAIL_COORDINATOR_ADDRESS="coordinator@cdop.example.org")
    with app.app_context():
        _, response = submit(app)
        assert response.status_code == 302
        from cdop_scr.extensions import db

        assert len(db.session.scalars(select(PublicNotification)).all()) == 1
