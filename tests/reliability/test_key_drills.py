"""Key drills on live data: a wrong key refuses service, a lost index key is rebuilt, and a
data key is rotated and retired while the app keeps serving.

One story on one database, so the figures come out on one line: cases are written under the
first key ring; apps started with a wrong data, index or audit key refuse every page (503,
nothing read, nothing written); the index key is lost and replaced, and `flask crypto reindex`
makes search find the cases again; then a new data key is added, `flask crypto rotate`
re-encrypts everything while pages and search keep being served, and the old key is retired.
(tests/crypto/test_rotation.py covers the commands' own details on a test model.)
"""

import base64
import os
from dataclasses import replace
from datetime import date

from sqlalchemy import func, select

from cdop_scr.auth import services as auth_services
from cdop_scr.cases import services as cases
from cdop_scr.crypto import keys
from cdop_scr.crypto import services as crypto
from cdop_scr.extensions import db as _db
from cdop_scr.models.audit import AuditRecord
from cdop_scr.models.cases import Case

from ..cases.conftest import details, form_data, nhs_number
from ..factories import UserFactory
from ..helpers import text_of

CASES = 7
REFUSAL = "cannot read its records with the keys it was started with"


def run(app, *args):
    """`flask ARGS` against `app`, in its own app context."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
        _db.session.remove()
    return result.exit_code, result.output


def signed_in_client(app, user_id):
    """A client of `app` signed in as the user (a server-side session, as login_as makes)."""
    from cdop_scr.models import User

    with app.app_context():
        token = auth_services.open_session(_db.session.get(User, user_id))
        _db.session.commit()
        _db.session.remove()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"], session["sid"] = str(user_id), True, token
    return client


def search(client, nhs):
    """The case references a search by NHS number shows (None when the page is refused)."""
    response = client.post("/cases/search", data={"nhs_number": nhs})
    if response.status_code != 200:
        return response.status_code
    html = response.get_data(as_text=True)
    return [part.split('"')[0] for part in html.split('data-case-ref="')[1:]]


def audit_rows(app):
    with app.app_context():
        count = _db.session.scalar(select(func.count()).select_from(AuditRecord))
        _db.session.remove()
    return count


def case_count(app):
    with app.app_context():
        count = _db.session.scalar(select(func.count()).select_from(Case))
        _db.session.remove()
    return count


def refuses(app, coordinator_id, made, good_app, wrong):
    """Every page of an app started with a wrong key is a 503 that shows nothing and writes
    nothing; `flask crypto check` names the key."""
    wrong_client = signed_in_client(app, coordinator_id)
    before_cases, before_audit = case_count(good_app), audit_rows(good_app)
    ref, case_id, forename, nhs = made[0]

    pages = [wrong_client.get("/healthz"), wrong_client.get("/cases"),
             wrong_client.get(f"/cases/{case_id}"),
             wrong_client.post("/cases/search", data={"nhs_number": nhs}),
             wrong_client.post("/cases/new", data=form_data(
                 nhs_number=nhs_number(123_456), surname="Wrongkey-Written"))]
    for page in pages:
        assert page.status_code == 503, (wrong, page.request.path, page.status_code)
        body = page.get_data(as_text=True)
        assert REFUSAL in text_of(page), (wrong, page.request.path)
        assert forename not in body and ref not in body and nhs not in body
    assert case_count(good_app) == before_cases  # nothing written under the wrong key
    if wrong == "audit key":
        assert audit_rows(good_app) == before_audit  # and no row that would break the chain
    code, output = run(app, "crypto", "check")
    assert code == 1 and f"Key check FAILED: {wrong}" in output, output
    return all(page.status_code == 503 for page in pages)


def test_key_drills_wrong_keys_refuse_a_lost_index_key_is_rebuilt_and_rotation_serves_on(
    app, db, make_app, keyring, tmp_path, reliability
):
    coordinator = UserFactory(roles=["coordinator"])
    made = []
    for n in range(CASES):
        case = cases.notify_death(
            coordinator, details(forename=f"Drillforename-{n}", surname=f"Drillsurname-{n}",
                                 nhs_number=nhs_number(810_000_000 + 17 * n),
                                 date_of_birth=date(2013, 3, 1 + n)),
            [("father", f"Drillfather-{n}")], confirmed_new=True)
        made.append((case.case_ref, case.id, f"Drillforename-{n}", case.nhs_number))
    coordinator_id = coordinator.id
    db.session.commit()
    assert run(app, "crypto", "check")[0] == 0

    # 1. Wrong keys: the app fails closed before it reads or writes anything.
    wrong_rings = {
        "data key 'k1'": replace(keyring, data_keys={"k1": os.urandom(32)}),
        "index key": replace(keyring, index_key=os.urandom(32)),
        "audit key": replace(keyring, audit_key=os.urandom(32)),
    }
    refused = [refuses(make_app(KEYRING=ring), coordinator_id, made, app, wrong)
               for wrong, ring in wrong_rings.items()]
    assert run(app, "audit", "verify")[0] == 0
    right = signed_in_client(app, coordinator_id)
    assert right.get("/cases").status_code == 200 and search(right, made[0][3]) == [made[0][0]]

    # 2. The index key is lost: a new one finds nothing until `flask crypto reindex`.
    new_index = replace(keyring, index_key=os.urandom(32))
    rebuilt = make_app(KEYRING=new_index)
    with rebuilt.app_context():
        assert cases.find_duplicates(nhs_number=made[0][3]) == []
        _db.session.remove()
    client = signed_in_client(rebuilt, coordinator_id)
    assert search(client, made[0][3]) == 503
    code, output = run(rebuilt, "crypto", "reindex")
    assert code == 0 and f"{CASES} rows changed" in output, output
    reindexed = int(output.split("Rebuilt blind indexes: ")[1].split()[0])
    assert run(rebuilt, "crypto", "check")[0] == 0
    for ref, _case_id, _forename, nhs in made:
        assert search(client, nhs) == [ref]

    # 3. Rotation with live data: the keys file holds k1 (and the new index key); add k2,
    # re-encrypt while the app serves, retire k1.
    path = tmp_path / "keys.json"
    keys.write_file(path, {
        "secret_key": keyring.secret_key, "primary": "k1",
        "data_keys": [{"id": "k1", "key": base64.urlsafe_b64encode(
            keyring.data_keys["k1"]).decode()}],
        "index_key": base64.urlsafe_b64encode(new_index.index_key).decode(),
        "audit_key": base64.urlsafe_b64encode(keyring.audit_key).decode(),
    })
    code, output = run(make_app(KEYRING=None, KEYS_FILE=str(path)), "crypto", "add-key")
    assert code == 0 and "Added data key k2" in output
    rotating = make_app(KEYRING=None, KEYS_FILE=str(path))
    assert rotating.extensions["cdop_keyring"].primary_id == "k2"
    client = signed_in_client(rotating, coordinator_id)
    served = []

    def serve(_count):
        """Between batches: the list, a case page and a search, as users would."""
        ref, case_id, forename, nhs = made[len(served) % CASES]
        listing, page = client.get("/cases"), client.get(f"/cases/{case_id}")
        assert listing.status_code == 200 and page.status_code == 200
        assert forename in text_of(page)
        assert search(client, nhs) == [ref]
        served.append(ref)

    with rotating.app_context():
        rotated, remaining = crypto.rotate(batch_size=5, progress=serve)
        assert remaining == 0 and rotated > CASES
        _db.session.remove()
    assert len(served) >= 3, "the rotation ran in too few batches to serve between them"
    code, output = run(rotating, "crypto", "status")
    assert "Values under old keys: 0" in output and "\nk1:" not in output
    assert run(rotating, "crypto", "retire-key", "k1")[0] == 0

    retired = make_app(KEYRING=None, KEYS_FILE=str(path))
    assert set(retired.extensions["cdop_keyring"].data_keys) == {"k2"}
    client = signed_in_client(retired, coordinator_id)
    for ref, case_id, forename, nhs in made:
        assert forename in text_of(client.get(f"/cases/{case_id}"))
        assert search(client, nhs) == [ref]
    assert run(retired, "crypto", "check")[0] == 0
    assert run(retired, "audit", "verify")[0] == 0

    reliability("key-drills", rotated=rotated, served_during_rotation=len(served),
                reindexed=reindexed, wrong_key_refused="yes" if all(refused) else "no",
                wrong_keys_tried=len(refused))
