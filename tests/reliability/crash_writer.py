"""Notify deaths in a loop through the app's own service; print each case once it is committed.

Run by test_crash_safety.py as `python -m tests.reliability.crash_writer`, which kills it with
SIGKILL at random moments. Configured as production is: CDOP_ENV=production, DATABASE_URL and the
keys in CDOP_DATA_KEYS, CDOP_INDEX_KEY and CDOP_AUDIT_KEY; CRASH_ACTOR_ID names the coordinator.
Each line `ack CASE_REF CASE_ID TOKEN` is printed only after notify_death returned (committed);
the case's identifiers are made from TOKEN, so the parent knows what each case must hold.
"""

import os
import secrets
import uuid
from datetime import date, timedelta


def nhs_number(seed):
    """A valid (modulus-11) NHS number made from a seed."""
    n = seed
    while True:
        body = f"{n % 10**9:09d}"
        total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
        check = (11 - total % 11) % 11
        if check != 10:
            return body + str(check)
        n += 1


def details_for(token):
    seed = int(token, 16)
    born = date(2008, 1, 1) + timedelta(days=seed % 4000)
    died = born + timedelta(days=30 + seed % 2000)
    return {
        "forename": f"Crashforename-{token}",
        "surname": f"Crashsurname-{token}",
        "other_names": [f"Crashalias-{token}"],
        "date_of_birth": born,
        "sex": "female" if seed % 2 else "male",
        "ethnicity": "A",
        "nhs_number": nhs_number(seed),
        "nhs_number_unavailable_reason": None,
        "address": f"{seed % 200} Crash Lane, Exampleton",
        "postcode": "SW1A 1AA",
        "local_authority": "Exampleshire",
        "resident": True,
        "gp_practice": "Imaginary Lane Surgery",
        "school": "Pretend Primary School",
        "date_of_death": died,
        "time_of_death": "14:30",
        "place_type": "hospital",
        "place_of_death_name": "St Example's Hospital",
        "death_expectation": "unexpected",
        "circumstances": f"Crash-safety case {token}.",
        "notifier_name": "Dr Notifier Example",
        "notifier_role": "Paediatrician",
        "notifier_agency": "St Example's Hospital",
        "notifier_contact": "01632 960000",
        "notified_on": died + timedelta(days=1),
    }


def main():
    from cdop_scr import create_app
    from cdop_scr.cases import services
    from cdop_scr.extensions import db
    from cdop_scr.models import User

    app = create_app()
    with app.app_context():
        actor = db.session.get(User, uuid.UUID(os.environ["CRASH_ACTOR_ID"]))
        db.session.commit()
        print("ready", flush=True)
        while True:
            token = secrets.token_hex(5)
            case = services.notify_death(actor, details_for(token),
                                         [("mother", f"Crashmother-{token}")],
                                         confirmed_new=True)
            print(f"ack {case.case_ref} {case.id} {token}", flush=True)


if __name__ == "__main__":
    main()
