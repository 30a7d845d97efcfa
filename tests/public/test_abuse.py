"""Abuse resistance on the public page: rate limit, honeypot, size limits, no uploads."""

import re
import threading
import time
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from cdop_scr.models import PublicNotification, PublicSubmission
from cdop_scr.models.base import utcnow

from ..helpers import error_summary, text_of
from .conftest import public_form_data
from .test_notification import submit

RATE_LIMITED = ("You have sent too many notifications from this network in the last hour. "
                "Telephone the child death review team, or try again in an hour")
HONEYPOT = ("Your notification has not been sent. Clear the box labelled ‘Leave this box "
            "empty’ and send the notification again")


def count(db, model=PublicNotification):
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_sixth_notification_in_an_hour_from_one_address_is_refused_with_an_error(app, db):
    for _ in range(5):
        assert submit(app, address="198.51.100.7")[1].status_code == 302
    _, refused = submit(app, address="198.51.100.7")
    assert refused.status_code == 429
    assert error_summary(refused) == [RATE_LIMITED]
    assert count(db) == 5
    # Another address is unaffected.
    assert submit(app, address="198.51.100.8")[1].status_code == 302


def test_the_rate_limit_is_counted_in_the_database_so_every_worker_sees_it(make_app, app, db):
    for _ in range(5):
        submit(app, address="198.51.100.9")
    other_worker = make_app()  # a second app on the same database: another worker process
    with other_worker.app_context():
        response = other_worker.test_client().post(
            "/notify-a-death", data=public_form_data(),
            environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert response.status_code == 429


def test_simultaneous_posts_from_one_address_cannot_go_past_the_limit(app, db, monkeypatch):
    """Eight posts at once, each on its own connection: exactly five go in, three are refused
    with the rate-limit error, and the refused ones leave nothing behind."""
    from cdop_scr.public import services

    real = services.new_reference

    def slow_reference():
        time.sleep(0.2)  # widen the gap between counting and inserting, where a race would be
        return real()

    monkeypatch.setattr(services, "new_reference", slow_reference)
    db.session.commit()  # the test holds no transaction while the posts run
    start = threading.Barrier(8)
    responses = []

    def post():
        client = app.test_client()
        start.wait()
        responses.append(client.post("/notify-a-death", data=public_form_data(),
                                     environ_base={"REMOTE_ADDR": "198.51.100.30"}))

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(r.status_code for r in responses) == [302] * 5 + [429] * 3
    assert all(error_summary(r) == [RATE_LIMITED] for r in responses if r.status_code == 429)
    assert count(db) == 5 and count(db, PublicSubmission) == 5


def test_the_rate_limit_lifts_after_an_hour(app, db):
    with time_machine.travel(utcnow() - timedelta(minutes=61), tick=False):
        for _ in range(5):
            submit(app, address="198.51.100.10")
    assert submit(app, address="198.51.100.10")[1].status_code == 302


def test_addresses_are_stored_only_as_keyed_hashes(app, db):
    submit(app, address="198.51.100.11")
    [row] = db.session.scalars(select(PublicSubmission)).all()
    assert "198.51.100.11" not in row.address_key and len(row.address_key) == 64


def test_a_filled_honeypot_is_refused_with_an_error_and_stores_nothing(app, db):
    _, response = submit(app, public_form_data(website="http://spam.example"))
    assert response.status_code == 400
    assert error_summary(response) == [HONEYPOT]
    assert count(db) == 0 and count(db, PublicSubmission) == 0
    # Shown to the person who tripped it, so they can clear it.
    html = response.get_data(as_text=True)
    assert 'data-honeypot>' in html and 'class="govuk-visually-hidden" data-honeypot' not in html


def test_the_honeypot_is_hidden_visually_and_labelled_for_screen_readers(client):
    html = client.get("/notify-a-death").get_data(as_text=True)
    hidden = html.split('class="govuk-visually-hidden" data-honeypot>')[1].split("</form>")[0]
    assert "Leave this box empty" in hidden
    [field] = re.findall(r'<input[^>]*name="website"[^>]*>', hidden)
    assert 'tabindex="-1"' in field and 'autocomplete="off"' in field


@pytest.mark.parametrize("field, limit, message", [
    ("forename", 100, "First name must be 100 characters or fewer"),
    ("surname", 100, "Last name must be 100 characters or fewer"),
    ("address", 500, "Address (optional) must be 500 characters or fewer"),
    ("school", 200, "School or nursery (optional) must be 200 characters or fewer"),
    ("circumstances", 10000, "Circumstances of the death (optional) must be 10000 characters "
                             "or fewer"),
    ("notifier_name", 200, "Your full name must be 200 characters or fewer"),
    ("notifier_role", 200, "Your role must be 200 characters or fewer"),
    ("notifier_agency", 200, "Your organisation must be 200 characters or fewer"),
    ("notifier_contact", 500, "How can we contact you? must be 500 characters or fewer"),
])
def test_overlong_answers_get_a_gov_uk_error_and_store_nothing(app, db, field, limit, message):
    _, at_limit = submit(app, public_form_data(**{field: "a" * limit}), address="192.0.2.50")
    assert at_limit.status_code == 302, error_summary(at_limit)
    _, response = submit(app, public_form_data(**{field: "a" * (limit + 1)}),
                         address="192.0.2.51")
    assert response.status_code == 200
    assert message in error_summary(response)
    assert count(db) == 1


def test_every_text_field_on_the_public_form_has_a_size_limit(app):
    from wtforms.validators import Length

    from cdop_scr.public.forms import PublicNotificationForm

    with app.test_request_context():
        form = PublicNotificationForm(meta={"csrf": False})
        for field in form:
            if field.type in ("StringField", "TextAreaField"):
                assert any(isinstance(v, Length) and v.max for v in field.validators), field.name
        for entry in form.family:
            assert any(isinstance(v, Length) for v in entry.form.name.validators)
        assert form.family.max_entries == 4


def test_a_post_far_bigger_than_any_notification_is_refused_with_a_gov_uk_error_page(app, db):
    _, response = submit(app, public_form_data(circumstances="a" * 70_000))
    assert response.status_code == 413
    assert count(db) == 0 and count(db, PublicSubmission) == 0
    html = response.get_data(as_text=True)
    assert 'class="govuk-template' in html and "govuk-header" in html and "govuk-footer" in html
    assert re.search(r'<h1 class="govuk-heading-l">\s*The file or form is too large\s*</h1>',
                     html)
    [message] = re.findall(r"<p[^>]*data-error-message>([^<]+)</p>", html)
    assert message == ("Your notification was too large to send, so nothing has been sent. Go "
                       "back, shorten the longest answers (the circumstances can be up to "
                       "10,000 characters) and send it again, or telephone the child death "
                       "review team.")
    assert "a" * 100 not in html  # nothing the notifier sent is shown back


def test_more_family_entries_than_the_form_has_are_ignored(app, db):
    extra = {f"family-{n}-relation": "sibling" for n in range(30)}
    extra.update({f"family-{n}-name": f"Sibling {n}" for n in range(30)})
    _, response = submit(app, public_form_data(**extra))
    assert response.status_code == 302
    [notification] = db.session.scalars(select(PublicNotification)).all()
    assert len(notification.content["family"]) == 4


def test_the_public_form_asks_for_no_files(client):
    html = client.get("/notify-a-death").get_data(as_text=True)
    assert "multipart" not in html and 'type="file"' not in html
    assert "Tell us about the death" in text_of(client.get("/notify-a-death"))
