"""Errors answer with GOV.UK-styled pages and the right status."""

import pytest

from cdop_scr.errors import Conflict, Forbidden, NotFound, ValidationError
from cdop_scr.permissions import public

from .helpers import text_of


@pytest.fixture
def failing_app(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    raising = {
        "boom": RuntimeError("unexpected"),
        "conflict": Conflict(),
        "forbidden": Forbidden(),
        "missing": NotFound(),
        "invalid": ValidationError("The file has no header row"),
    }
    for name, error in raising.items():
        def view(error=error):
            raise error
        app.add_url_rule(f"/raise/{name}", name, public(view))
    return app


@pytest.mark.parametrize("name, status, heading", [
    ("boom", 500, "Sorry, there is a problem with the service"),
    ("conflict", 409, "This record has changed"),
    ("forbidden", 403, "You do not have permission to see this page"),
    ("missing", 404, "Page not found"),
    ("invalid", 400, "There is a problem with your request"),
])
def test_each_error_has_its_own_govuk_page(failing_app, name, status, heading):
    with failing_app.app_context():
        response = failing_app.test_client().get(f"/raise/{name}")
    assert response.status_code == status
    page = text_of(response)
    assert heading in page
    assert "unexpected" not in page  # no internals shown
    assert 'class="govuk-heading-l"' in response.get_data(as_text=True)


def test_a_validation_error_shows_its_message(failing_app):
    with failing_app.app_context():
        response = failing_app.test_client().get("/raise/invalid")
    assert "The file has no header row" in text_of(response)
