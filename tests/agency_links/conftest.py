"""Agency link fixtures: an app that sends e-mail to a loopback SMTP server, a case with an
outstanding agency report, and helpers to send and open a link."""

import re
from datetime import timedelta

import pytest

from cdop_scr.cases import services as case_services
from cdop_scr.cases.clocks import today

from ..cases.conftest import details
from ..factories import UserFactory
from ..public.smtp import mail_settings, smtp_server  # noqa: F401 (fixture)

LINK = re.compile(r"http://localhost/agency-report/([A-Za-z0-9_\-]+)")
FAMILY = [("mother", "Canary Mother-Familyname"), ("sibling", "Canary Sibling-Familyname")]


@pytest.fixture
def app(make_app, smtp_server):  # noqa: F811
    app = make_app(**mail_settings(smtp_server))
    with app.app_context():
        yield app
        from cdop_scr.extensions import db

        db.session.remove()


@pytest.fixture
def coordinator(db):
    return UserFactory(roles=["coordinator"])


@pytest.fixture
def case(db, coordinator):
    return case_services.notify_death(
        coordinator,
        details(address="7 Canary Address Road", postcode="CT1 2AB",
                school="Canary Hill Academy", gp_practice="Canary Practice",
                circumstances="Canary circumstances: found unresponsive.",
                other_names=["Canary-Alias"], notifier_name="Canary Notifier-Name",
                place_of_death_name="Canary General Hospital"),
        FAMILY, confirmed_new=True)


@pytest.fixture
def report(db, coordinator, case):
    return case_services.request_agency_report(
        coordinator, case, "school", "Ms Contact Example", "contact@school.example.org",
        today() + timedelta(days=20))


@pytest.fixture
def send_link(client, login_as, coordinator, smtp_server):  # noqa: F811
    """Send a link as the coordinator; returns the token from the e-mail that arrived."""

    def sender(case, report):
        login_as(user=coordinator)
        before = len(smtp_server.messages)
        response = client.post(
            f"/cases/{case.id}/agency-reports/{report.id}/secure-link")
        assert response.status_code == 302
        assert len(smtp_server.messages) == before + 1, "no e-mail arrived"
        return LINK.search(smtp_server.messages[-1]["body"]).group(1)

    return sender


@pytest.fixture
def contact(app):
    """The agency contact's own browser."""
    return app.test_client()
