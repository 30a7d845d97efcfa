"""Public notification fixtures: a valid public form post and the loopback SMTP server."""

from ..cases.conftest import coordinator, form_data, make_case  # noqa: F401 (fixtures)
from .smtp import smtp_server  # noqa: F401 (fixture)

NOTIFIER = {
    "notifier_name": "Nurse Typed-Notifier",
    "notifier_role": "Ward sister",
    "notifier_agency": "Typed Example Trust",
    "notifier_contact": "typed.notifier@example.org",
}


def public_form_data(**overrides):
    """What a notifier types into the public page (no date received: the service sets it)."""
    data = form_data(**NOTIFIER)
    data.pop("notified_on")
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
