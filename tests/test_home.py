import pytest

from cdop_scr.permissions import Role

from .helpers import text_of


@pytest.mark.parametrize("role", list(Role))
def test_every_role_has_a_home_page_with_its_own_navigation(client, login_as, role):
    login_as(role)
    response = client.get("/home")
    assert response.status_code == 200
    page = text_of(response)
    assert role.label in page
    html = response.get_data(as_text=True)
    assert ('href="/users"' in html) == (role == Role.ADMIN)


def test_the_root_sends_visitors_to_sign_in_and_users_home(client, login_as):
    assert client.get("/").headers["Location"].endswith("/sign-in")
    login_as("coordinator")
    assert client.get("/").headers["Location"].endswith("/home")


def test_the_health_check_answers_without_signing_in(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
