"""Malformed input: every form, every page's query string, the CSV case import and every CLI
command get generated hostile input (hypothesis): never a 5xx, always a clear message, and the
database unchanged.

Forms are found from the app's url_map: every POST endpoint must have an entry in
form_routes.ROUTES (who may use it, on which record), or the run fails naming it. Each form is
read from the page that shows it, with CSRF switched on and the page's own token, and a valid
post is built from it. Then, for each form:
- three sweeps spoil every visible field at once (a NUL byte, text longer than any limit,
  hidden control characters; a value that is none of the choices, blank-looking ones too; an
  impossible date; a file that is not what it claims): the GOV.UK error summary must name each
  spoiled field (one it does not name is then spoiled alone, and must be named then);
- a garbled version (or record id) must be refused as stale, with a message;
- hypothesis spoils one or two fields with generated values and adds hostile noise to others
  (odd Unicode, bytes that are not UTF-8, duplicated and missing fields).
The answer must not be a server error, must carry a message (the error summary, an error
banner or an error page saying what is wrong), and nothing may be stored.

Every page without an id in its URL also gets hostile query strings (its GET form's fields and
page, year, format...). The CSV import gets generated files (odd Unicode, quoting, embedded line
breaks) with one fault each, through `flask cases import` and the upload page: the valid file
is accepted (dry run), the faulty one refused with its line and column named. Every command
the app adds to `flask` (not Flask-Migrate's `db`) gets unknown options, missing options and
bad values for each parameter: it must exit non-zero naming the problem, without a traceback.
NUL is not among the command-line values: a command line cannot carry one (argv is C strings).

"Nothing stored" compares a digest of every table before and after, leaving out only what the
app writes by design when it refuses, shows a form again or hands over a page or an export:
audit rows of the events in REFUSAL_AND_VIEW_EVENTS (a form shown again is a view of the record,
audited as one; a refused sign-in or document is audited as refused), the session's last-seen
time, and on the sign-in pages the throttle's failure rows.
"""

import hashlib
import io
import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from sqlalchemy import bindparam, text

from cdop_scr.audit import AuditEvent
from cdop_scr.extensions import db

from ..cases.conftest import nhs_number
from ..helpers import error_summary
from ..scr.documents import EXECUTABLE
from .form_routes import (
    ROUTES,
    Visitor,
    baseline,
    error_targets,
    find_form,
    post_routes,
    send,
    unmapped_post_routes,
)
from .world import World

# What the app writes, by design, when it refuses a post, shows a form again or hands over a
# page or an export: the audit trail of reading and of refusals.
REFUSAL_AND_VIEW_EVENTS = frozenset(
    e.value for e in AuditEvent
    if e.value.endswith(("_viewed", "_listed", "_searched", "_exported", "_downloaded",
                         "_previewed", "_refused", "_failed", "_throttled"))
    and e is not AuditEvent.DECRYPTION_FAILED)
BOOKKEEPING_COLUMNS = {"user_session": {"last_seen_at"}}
THROTTLE_TABLES = {"sign_in_attempt"}

# No form takes more than this many characters in any one field (the learning summary's
# sections are the longest, at 20000): anything longer must be refused.
LONGEST_FIELD = 20000

# Reproducible in CI: the same examples every run (derandomize), none saved between runs.
# The deterministic sweeps below do most of the work; these add mixed, noisy posts.
SETTINGS = settings(max_examples=3, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


# --- hostile values ---------------------------------------------------------------------------

ODD_UNICODE = [
    "\u202eevil\u202c",                     # right-to-left override
    "\u200f\u200e\u061c\u2066x\u2069",      # direction marks and isolates
    "e\u0301\u0301\u0301\u0308",            # stacked combining accents
    "Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358" * 4,  # "zalgo"
    "\U0001F468\u200D\U0001F469\u200D\U0001F467\U0001F3F3\uFE0F\u200D\U0001F308",  # ZWJ emoji
    "\u200b\ufeff\u2060\u00ad",             # zero-width and soft hyphen
    "\u0130\u0131\u00df\u1e9e\ufb03",       # case-mapping traps
    "\uff11\uff12\u0663\u096a",             # fullwidth and other-script digits
    "\ufdfd\u0bf5\u2e3b",                   # very wide glyphs
    "\U0010fffd\ue000",                     # private use, last plane
    "\u2028\u2029\r\n\t\x0b\x0c",           # line separators and control whitespace
    "'\"<>&;--/*",
    "{{7*7}}${7*7}<%= 7*7 %>",
    "Robert'); DROP TABLE child_death_case;--",
    "%00%0d%0a\\x00\\u0000",
]
# Byte sequences that are not UTF-8 (a lone surrogate, an overlong NUL, stray bytes): sent raw.
NOT_UTF8 = [b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xc0\x80", b"\xff\xfe\xfd", b"\xf4\x90\x80\x80"]

odd_text = st.lists(
    st.one_of(st.sampled_from(ODD_UNICODE),
              st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)),
    min_size=1, max_size=3).map("".join)
hostile_value = st.one_of(odd_text, odd_text, st.sampled_from(NOT_UTF8))

IMPOSSIBLE_DATES = [
    ["30", "2", "2024"], ["0", "0", "0000"], ["00", "00", "0000"], ["1", "1", "99999"],
    ["31", "4", "2023"], ["29", "2", "2023"], ["-1", "1", "2020"], ["1", "-6", "2020"],
    ["aa", "bb", "cccc"], ["1", "13", "2020"], ["1", "1", "1e3"], ["", "2", "2024"],
    ["1", "", "2024"], ["1", "1", ""], ["1.5", "1", "2020"], ["1", "1", "20\x0024"],
]
impossible_date = st.one_of(
    st.sampled_from(IMPOSSIBLE_DATES),
    st.tuples(st.sampled_from(["32", "99", "0"]), st.integers(1, 12).map(str),
              st.integers(1000, 9999).map(str)).map(list),
    st.tuples(st.integers(1, 28).map(str), st.integers(1, 12).map(str),
              st.sampled_from(["1", "99", "10000", "-2024", "２０２４x"])).map(list),
    # Too many values for one date (a duplicated date field).
    st.just(["1", "1", "2020", "2", "2", "2021"]),
)
not_a_choice = st.one_of(
    st.sampled_from(["-1", "0", "999", "null", "None", "true", "[]", "{}", "\x00", " ",
                     "\t", "yes ", " 1", "\u00a0"]),
    odd_text)
bad_version = st.one_of(st.sampled_from(["abc", "-1", "1.5", "99999999999999999999999",
                                         "", "NaN", "0x1", "1e0", "\x00"]), odd_text)
bad_id = st.sampled_from(["not-a-uuid", "", str(uuid.UUID(int=0)), "1; DROP TABLE case",
                          str(uuid.uuid5(uuid.NAMESPACE_DNS, "no-such-case"))])
bad_upload = st.sampled_from([
    (b"", "empty.pdf"), (b"not a pdf at all", "report.pdf"), (EXECUTABLE, "report.pdf"),
    (b"%PDF-1.4 no end", "report.pdf"), (b"\xff\xfe\x00b\x00a\x00d", "cases.csv"),
    (b"forename,surname\n", "cases.txt"), (b"PK\x03\x04broken", "report.docx"),
])


def nul_text():
    return st.tuples(odd_text, odd_text).map(lambda t: f"{t[0]}\x00{t[1]}")


def huge_text():
    return st.tuples(st.sampled_from(["A", "\u00e9", "\U0001F600", "<"]),
                     st.sampled_from([LONGEST_FIELD + 1, 70000]), odd_text) \
        .map(lambda t: t[0] * t[1] + t[2])


def poisons_for(f, route):
    """(kind, strategy) pairs, each giving a value this field must refuse."""
    if f.kind in ("text", "textarea"):
        return [("nul", nul_text()), ("huge", huge_text())]
    if f.kind == "password":
        return [("nul", nul_text()), ("huge", st.integers(1025, 5000).map(lambda n: "p" * n))]
    if f.kind == "date":
        return [("impossible date", impossible_date)]
    if f.kind in ("select", "radio"):
        return [("not a choice", not_a_choice.filter(lambda v: v not in f.options).map(
            lambda v: [v]))]
    if f.kind == "checkboxes":
        return [("not a choice", not_a_choice.filter(lambda v: v not in f.options).map(
            lambda v: list(f.value) + [v]))]
    if f.kind == "file":
        return [("bad file", bad_upload)]
    # A version spoils only an edit form (a new record's form carries an empty one it ignores).
    if f.kind == "hidden" and f.name.rsplit("-", 1)[-1] in route.poisonable_hidden and (
            f.value or route.fields is not None):
        return [("bad id", bad_id)] if f.name.endswith("case_id") else [
            ("stale version", bad_version)]
    return []


def noise_for(f):
    """A hostile value this field may accept or refuse: either is fine."""
    if f.kind in ("text", "textarea", "password"):
        return hostile_value
    if f.kind == "date":
        return st.lists(st.sampled_from(["1", "01", "\uff11", " 2 ", ""]), min_size=3,
                        max_size=3)
    return None


# --- sending and judging ----------------------------------------------------------------------

def fingerprint(allow_throttle=False):
    """A digest of every row of every table, less what a refusal writes by design.

    Raw SQL (no type processing): stored bytes are compared, and nothing is decrypted.
    """
    quote = db.engine.dialect.identifier_preparer.quote
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        if allow_throttle and table.name in THROTTLE_TABLES:
            continue
        skip = BOOKKEEPING_COLUMNS.get(table.name, set())
        columns = ", ".join(quote(c.name) for c in table.columns if c.name not in skip)
        order = ", ".join(quote(c.name) for c in (list(table.primary_key.columns)
                                                   or list(table.columns)))
        where, params = "", {}
        if table.name == "audit_log":
            where = f" WHERE {quote('event')} NOT IN :events"
            params = {"events": sorted(REFUSAL_AND_VIEW_EVENTS)}
        statement = text(f"SELECT {columns} FROM {quote(table.name)}{where} ORDER BY {order}")
        if params:
            statement = statement.bindparams(bindparam("events", expanding=True))
        digest.update(table.name.encode())
        for row in db.session.execute(statement, params):
            digest.update(repr(tuple(row)).encode())
    db.session.commit()
    return digest.hexdigest()


def messages(response):
    """What the page tells the user went wrong: error summary, error banners, error text."""
    html = response.get_data(as_text=True)
    found = error_summary(response)
    if not html.strip():
        return found
    doc = lxml_html.fromstring(html)
    for banner in doc.find_class("govuk-notification-banner"):
        if "govuk-notification-banner--success" not in banner.get("class", ""):
            found.append(" ".join(banner.text_content().split()))
    for element in doc.xpath("//*[@data-error-message]"):
        found.append(" ".join(element.text_content().split()))
    if response.status_code >= 400:
        found += [" ".join(h.text_content().split()) for h in doc.xpath("//h1")]
    return [m for m in found if m]


@pytest.fixture
def csrf_app(app):
    """The test app with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


class Tally:
    def __init__(self):
        self.forms, self.examples, self.server_errors, self.db_changed = set(), 0, 0, 0
        self.csv, self.cli, self.queries = 0, set(), set()
        self.failures = []

    def fail(self, where, problem):
        self.failures.append(f"{where}: {problem}")


@dataclass
class Spoiled:
    """A post with some values the form must refuse, and what was done to it."""

    post: dict
    notes: list = field(default_factory=list)
    fields: set = field(default_factory=set)    # visible fields given a value to refuse
    hidden: set = field(default_factory=set)    # version, record id or CSRF token spoiled
    noise: set = field(default_factory=set)     # hostile but maybe valid, dropped, duplicated
    name_each: bool = False                     # every spoiled field must be named

    def spoil(self, name, value, kind, hidden=False):
        self.post[name] = value if isinstance(value, (list, tuple)) else [value]
        (self.hidden if hidden else self.fields).add(name)
        self.notes.append(f"{name}={kind}")

    def explains(self, target):
        """An error on this field follows from what was done to the post."""
        touched = self.fields | self.noise | self.hidden
        entry = re.match(r"^(.*-\d+)-[^-]+$", target)  # one row of a repeated group
        return target in touched or bool(entry) and any(
            n.startswith(entry.group(1) + "-") for n in touched)


def post(tally, where, browser, url, form, spoiled, allow_throttle):
    """Send a spoiled post and judge the answer; returns the spoiled fields it did not name."""
    before = fingerprint(allow_throttle)
    tally.examples += 1
    try:
        response = send(browser, url, spoiled.post, form.multipart)
    except Exception as error:  # the test client re-raises what would be a 500
        db.session.rollback()
        tally.server_errors += 1
        tally.fail(where, f"server error: {error!r}"[:300])
        return set()
    status, landing = response.status_code, response
    if status in (301, 302, 303, 307, 308):
        location = urlsplit(response.headers["Location"])
        landing = browser.get(location.path + (f"?{location.query}" if location.query else ""))
    if landing.status_code >= 500 or status >= 500:
        tally.server_errors += 1
        tally.fail(where, f"server error {status} / {landing.status_code}")
        return set()
    if fingerprint(allow_throttle) != before:
        tally.db_changed += 1
        tally.fail(where, f"the database changed (answer {status})")
    said = messages(landing)
    if not said:
        tally.fail(where, f"no message (answer {status}, then {landing.status_code})")
        return set()
    if status == 413:
        return set()  # too large to read: the page says so, no field can be named
    targets = error_targets(landing)
    stray = {t for t in targets if not spoiled.explains(t)}
    # A stale version or a bad hidden id has no field of its own: the page puts the message
    # on a field the user can see.
    if stray and not spoiled.hidden:
        tally.fail(where, f"errors on fields that were not spoiled {sorted(stray)}: is the "
                          f"valid post not valid? {said}")
    if spoiled.name_each:
        return spoiled.fields - targets
    if spoiled.fields and targets and not any(spoiled.explains(t) for t in targets):
        tally.fail(where, f"the error summary names {sorted(targets)}, not the spoiled "
                          f"field(s) {sorted(spoiled.fields)}: {said}")
    return set()


# One sweep per row: every visible field of a form spoiled at once, each must be named.
SWEEP = [
    # (text, choice, date, upload)
    ("Ab\x00cd", " ", ["30", "2", "2024"], 0),
    ("A" * (LONGEST_FIELD + 1) + "\u00e9", "zz-not-a-choice", ["0", "0", "0000"], 1),
    ("line\x0bbreak\x1f", "\u00a0", ["1", "1", "99999"], 2),
]
UPLOADS = [(b"not a pdf at all", "report.pdf"), (EXECUTABLE, "cases.csv"),
           (b"\xff\xfe\x00b\x00a\x00d", "cases.txt")]


def sweep_value(f, row):
    words, choice, date, upload = row
    if f.kind in ("text", "textarea", "password"):
        return words
    if f.kind in ("select", "radio"):
        return [choice]
    if f.kind == "checkboxes":
        return list(f.value) + [choice]
    if f.kind == "date":
        return date
    if f.kind == "file":
        return UPLOADS[upload]
    return None


def sweeps(form, route, valid):
    """Deterministic spoils: every field at once (one row of SWEEP each), then the version."""
    for number, row in enumerate(SWEEP):
        spoiled = Spoiled({k: v for k, v in valid.items()}, name_each=True)
        for f in form.fields.values():
            value = sweep_value(f, row)
            if value is not None:
                spoiled.spoil(f.name, value, f"sweep {number + 1}")
        if spoiled.fields:
            yield spoiled, row
    for f in form.fields.values():
        if f.kind == "hidden" and poisons_for(f, route):
            spoiled = Spoiled(dict(valid))
            spoiled.spoil(f.name, "abc" if "version" in f.name else "not-a-uuid", "garbled",
                          hidden=True)
            yield spoiled, None


def only_token(form, valid, token):
    spoiled = Spoiled(dict(valid))
    name = next(n for n in form.fields if n.endswith("csrf_token"))
    if token is None:
        spoiled.post.pop(name)
        spoiled.hidden.add(name)
        spoiled.notes.append("no CSRF token")
    else:
        spoiled.spoil(name, token, f"CSRF token {token!r}", hidden=True)
    return spoiled


def spoil_randomly(form, route, valid, draw):
    """1-2 fields the form must refuse, plus hostile noise in the others."""
    spoiled = Spoiled({k: list(v) if isinstance(v, list) else v for k, v in valid.items()})
    candidates = [(f, kind, strategy) for f in form.fields.values()
                  for kind, strategy in poisons_for(f, route)]
    if not candidates:  # nothing but the CSRF token to spoil
        return only_token(form, valid, draw(st.sampled_from(["", "garbage", "None", None])))
    chosen = draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=2,
                           unique_by=lambda c: c[0].name), label="poisons")
    for f, kind, strategy in chosen:
        spoiled.spoil(f.name, draw(strategy, label=f"{f.name} ({kind})"), kind,
                      hidden=f.kind == "hidden")
    for f in form.fields.values():
        if f.name in spoiled.post and (f.name in spoiled.fields | spoiled.hidden
                                       or f.name.endswith("csrf_token") or f.kind == "submit"):
            continue
        action = draw(st.sampled_from(["keep"] * 6 + ["noise", "drop", "duplicate"]),
                      label=f"noise {f.name}")
        if action == "noise" and noise_for(f) is not None:
            value = draw(noise_for(f), label=f.name)
            spoiled.post[f.name] = value if isinstance(value, list) else [value]
        elif action == "drop" and f.name in spoiled.post:
            spoiled.post.pop(f.name)
        elif action == "duplicate" and isinstance(spoiled.post.get(f.name), list):
            spoiled.post[f.name] = spoiled.post[f.name] + [draw(hostile_value)]
        else:
            continue
        spoiled.noise.add(f.name)
        spoiled.notes.append(f"{f.name}~{action}")
    return spoiled


def test_every_post_route_has_a_form_to_attack(app):
    assert not unmapped_post_routes(app), "\n".join(unmapped_post_routes(app))


def test_a_new_post_route_without_an_entry_is_reported(make_app):
    app = make_app()

    @app.post("/widgets/new")
    def create_widget():
        return "made"

    assert unmapped_post_routes(app) == [
        "POST route create_widget (/widgets/new) has no entry in form_routes.ROUTES"]


def attack_forms(app, client, login_as, world, tally):
    visitor = Visitor(app, client, login_as, world)
    for endpoint in post_routes(app):
        if endpoint not in ROUTES:
            tally.fail(endpoint, "no entry in form_routes.ROUTES")
            continue
        route = ROUTES[endpoint]
        try:
            browser, form = find_form(visitor, endpoint, route, world)
        except AssertionError as error:
            tally.fail(endpoint, str(error))
            continue
        valid = baseline(form, route.values(world))
        url, allow_throttle = route.url(world), endpoint.startswith("auth.")
        tally.forms.add(endpoint)
        for spoiled, row in sweeps(form, route, valid):
            where = f"{endpoint} [{', '.join(sorted(set(spoiled.notes)))}]"
            for name in sorted(post(tally, where, browser, url, form, spoiled, allow_throttle)):
                # Not named while other fields were wrong too: spoil it alone.
                alone = Spoiled(dict(valid))
                alone.spoil(name, sweep_value(form.fields[name], row), "alone")
                unnamed = post(tally, f"{endpoint} [{name} alone, sweep value]", browser, url,
                               form, alone, allow_throttle)
                if unnamed:
                    tally.fail(f"{endpoint} [{name}]", "a bad value is refused without the "
                                                       "error summary naming the field")
        if not any(poisons_for(f, route) for f in form.fields.values()):
            for token in ("", None):
                post(tally, f"{endpoint} [CSRF token {token!r}]", browser, url, form,
                     only_token(form, valid, token), allow_throttle)

        @SETTINGS
        @given(st.data())
        def attack(data):
            spoiled = spoil_randomly(form, route, valid, data.draw)
            post(tally, f"{endpoint} [{', '.join(spoiled.notes)}]", browser, url, form,
                 spoiled, allow_throttle)

        attack()


QUERY_NAMES = ("page", "year", "format", "theme", "next", "measure", "rows", "cols",
               "unsuppressed", "status", "sort")
odd_number = st.sampled_from(["99999999999999999999", "-1", "0", "9" * 400, "1e9", "0x10",
                              "2024-02-30", "0000-00-00", "99999-01-01", "\x00", "", " "])


def stand_in(view):
    """A person of the world who may open this view (None for a public one)."""
    from cdop_scr.permissions import POLICY, PUBLIC, access_of

    access = access_of(view)
    if access == PUBLIC:
        return None
    people = {"coordinator": "coordinator", "panel_chair": "chair", "panel_member": "member",
              "board_manager": "manager", "admin": "admin"}
    return next(people[role.value] for role in POLICY[access] if role.value in people)


def attack_queries(app, client, login_as, world, tally):
    """Every page without an id in its URL, with hostile query strings (its GET form's fields
    and the usual page, year and format): a list may ignore what it cannot use or say why,
    but never fail."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.arguments or rule.endpoint == "static":
            continue
        who = stand_in(app.view_functions[rule.endpoint])
        browser = app.test_client() if who is None else client
        if who is not None:
            login_as(user=world.users[who])
        path = rule.build({})[1]
        page = browser.get(path)
        names = set(QUERY_NAMES)
        if "text/html" in page.headers.get("Content-Type", "") and page.data.strip():
            names |= set(lxml_html.fromstring(page.get_data(as_text=True)).xpath(
                "//form[not(@method) or @method='get']//*[@name]/@name"))
        tally.queries.add(rule.endpoint)

        @SETTINGS
        @given(st.dictionaries(st.sampled_from(sorted(names)),
                               st.one_of(odd_number, odd_text, st.sampled_from(NOT_UTF8)),
                               min_size=1, max_size=6))
        def attack(query):
            where = f"GET {path}?{urlencode(query)[:120]}"
            before = fingerprint()
            tally.examples += 1
            try:
                response = browser.get(f"{path}?{urlencode(query)}")
            except Exception as error:  # the test client re-raises what would be a 500
                db.session.rollback()
                tally.server_errors += 1
                tally.fail(where, f"server error: {error!r}"[:300])
                return
            if response.status_code >= 500:
                tally.server_errors += 1
                tally.fail(where, f"server error {response.status_code}")
            if fingerprint() != before:
                tally.db_changed += 1
                tally.fail(where, "the database changed")

        attack()


def test_forms_csv_import_and_cli_refuse_hostile_input_with_a_message_storing_nothing(
        csrf_app, client, login_as, tmp_path, monkeypatch, reliability):
    world = World()
    tally = Tally()
    attack_forms(csrf_app, client, login_as, world, tally)
    attack_queries(csrf_app, client, login_as, world, tally)
    attack_csv_import(csrf_app, client, login_as, world.users["coordinator"], tmp_path, tally)
    commands = attack_cli(csrf_app, world, tmp_path, monkeypatch, tally)
    line = reliability("malformed-input", forms=len(tally.forms), cli=len(tally.cli),
                       csv=tally.csv, examples=tally.examples,
                       server_errors=tally.server_errors, db_changed=tally.db_changed)
    print(line)
    assert not tally.failures, f"{len(tally.failures)} problems:\n" + "\n".join(
        sorted(set(tally.failures))[:150])
    assert tally.forms == set(post_routes(csrf_app)) and tally.cli == set(commands)


# --- CSRF -------------------------------------------------------------------------------------

def test_every_post_route_refuses_a_post_without_a_valid_csrf_token(
        csrf_app, client, login_as, reliability):
    """With CSRF on, a post with no token or a forged one is refused before the form is read."""
    world = World()
    visitor = Visitor(csrf_app, client, login_as, world)
    tally = Tally()
    for endpoint in post_routes(csrf_app):
        route = ROUTES.get(endpoint)
        if route is None:
            tally.fail(endpoint, "no entry in form_routes.ROUTES")
            continue
        try:
            browser, form = find_form(visitor, endpoint, route, world)
        except AssertionError as error:
            tally.fail(endpoint, str(error))
            continue
        tally.forms.add(endpoint)
        valid = baseline(form, route.values(world))
        for token in (None, "", "forged." + "A" * 40):
            spoiled = only_token(form, valid, token)
            before = fingerprint(endpoint.startswith("auth."))
            response = send(browser, route.url(world), spoiled.post, form.multipart)
            tally.examples += 1
            where = f"{endpoint} [{spoiled.notes[0]}]"
            if response.status_code != 400 or "form expired" not in response.get_data(
                    as_text=True):
                tally.fail(where, f"answered {response.status_code}, not the 400 page that "
                                  f"explains the form expired")
            if fingerprint(endpoint.startswith("auth.")) != before:
                tally.db_changed += 1
                tally.fail(where, "the database changed")
    print(reliability("malformed-input-csrf", forms=len(tally.forms), examples=tally.examples,
                      db_changed=tally.db_changed))
    assert not tally.failures, "\n".join(tally.failures)
    assert len(tally.forms) == len(post_routes(csrf_app))


# --- the CSV case import ------------------------------------------------------------------------

NAME_PARTS = ["Zo\u00eb", "O'Brien", "Nguy\u1ec5n", "\u674e", "\u202eevil\u202c", "e\u0301",
              "\U0001F468\u200D\U0001F469\u200D\U0001F467", "\u200bzero", "Anne-Marie",
              "\u0130\u0131", "Sm\u00efth, Jr", "\"Quoted\""]
NARRATIVE_PARTS = ["Found, at home", "said \"help\"", "line one\nline two", "\u202eRTL",
                   "=HYPERLINK(\"x\")", "a;b;c", "emoji \U0001F600", "\n\n"]


@st.composite
def valid_rows(draw, count):
    """Rows the import accepts: odd Unicode, quoting and embedded newlines included."""
    from cdop_scr.cases.clocks import today
    from cdop_scr.cases.importer import CODES

    rows = []
    for i in range(count):
        died = today() - timedelta(days=draw(st.integers(1, 3000), label="died"))
        born = died - timedelta(days=draw(st.integers(0, 17 * 365), label="age"))
        notified = died + timedelta(days=draw(st.integers(0, (today() - died).days)))
        row = {
            "forename": draw(st.sampled_from(NAME_PARTS)) + draw(st.sampled_from(["", " Jo"])),
            "surname": f"{draw(st.sampled_from(NAME_PARTS))}{i}x{uuid.uuid4().hex[:6]}",
            "date_of_birth": born.isoformat(), "date_of_death": died.isoformat(),
            "notified_on": notified.isoformat(),
            "sex": draw(st.sampled_from([c.value for c in CODES["sex"]])),
            "death_expectation": draw(st.sampled_from(
                [c.value for c in CODES["death_expectation"]])),
        }
        extras = draw(st.sets(st.sampled_from(
            ["ethnicity", "nhs_number", "postcode", "other_names", "school", "place_of_death",
             "circumstances", "review", "delay_reason", "case_ref"])), label="extras")
        if "ethnicity" in extras:
            row["ethnicity"] = draw(st.sampled_from(["A", "b", "Z", "s"]))
        if "nhs_number" in extras:
            row["nhs_number"] = nhs_number(700000 + draw(st.integers(0, 10 ** 6)) * 7 + i)
        if "postcode" in extras:
            row["postcode"] = draw(st.sampled_from(["SW1A 1AA", "ex1 4qz", "M1 1AE"]))
        if "other_names" in extras:
            row["other_names"] = ";".join(draw(st.lists(st.sampled_from(NAME_PARTS),
                                                        max_size=3)))
        if "school" in extras:
            row["school"] = draw(st.sampled_from(NAME_PARTS)) + " School"
        if "place_of_death" in extras:
            row["place_of_death"] = draw(st.sampled_from([c.value for c in
                                                          CODES["place_of_death"]]))
        if "circumstances" in extras:
            row["circumstances"] = "".join(draw(st.lists(st.sampled_from(NARRATIVE_PARTS),
                                                         min_size=1, max_size=4)))
        if "review" in extras:
            row["review_completed_on"] = max(notified, died).isoformat()
            row["category"] = str(draw(st.integers(1, 10)))
            row["modifiable"] = draw(st.sampled_from([c.value for c in CODES["modifiable"]]))
            row["event"] = draw(st.sampled_from([c.value for c in CODES["event"]]))
        if "delay_reason" in extras:
            row["delay_reason"] = draw(st.sampled_from([c.value for c in
                                                        CODES["delay_reason"]]))
        if "case_ref" in extras:
            # Seven digits: never eight in a row, a date or a run of the row's name letters.
            row["case_ref"] = f"imp-{uuid.uuid4().int % 10 ** 7:07d}"
        rows.append(row)
    return rows


def write_csv(header, rows, terminator, quoting, bom):
    """The file's text, and the line each row starts on (the header is line 1)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator=terminator, quoting=quoting)
    writer.writerow(header)
    starts = []
    for row in rows:
        starts.append(out.getvalue().count("\n") + 1)
        writer.writerow(row if isinstance(row, list) else [row.get(h, "") for h in header])
    return ("\ufeff" if bom else "") + out.getvalue(), starts


CELL_POISONS = {
    # column kind: values the import must refuse in a column of that kind
    "date": ["2024-02-30", "0000-00-00", "99999-01-01", "2024-13-01", "01/02/2024",
             "2024-2-3", "2023-02-29", "\u0968\u0966\u0968\u0966-\u0966\u0967-\u0966\u0967",
             "2024-01-01T00:00", "tomorrow", "9999-12-31"],
    "code": ["m", "MALE", "zz", "1", "\u202eexpected", "yes"],
    "ethnicity": ["AA", "1", "?", "\u00c5"],
    "nhs_number": ["123", "abcdefghij", "9434765918", "94347659190"],
    "postcode": ["12345", "SW1A", "NOT A POSTCODE"],
    "category": ["0", "11", "3.5", "-1", "ten"],
    "text": ["\x00", "\x0b", "\x1b[31m"],
}
TEXT_LIMITS = {"forename": 100, "surname": 100, "school": 200, "circumstances": 10000,
               "other_names": 1000, "case_ref": 20}
COLUMN_KINDS = {"date_of_birth": "date", "date_of_death": "date", "notified_on": "date",
                "review_completed_on": "date", "sex": "code", "death_expectation": "code",
                "place_of_death": "code", "modifiable": "code", "delay_reason": "code",
                "event": "code", "ethnicity": "ethnicity", "nhs_number": "nhs_number",
                "postcode": "postcode", "category": "category", "forename": "text",
                "surname": "text", "school": "text", "circumstances": "text",
                "other_names": "text"}


@st.composite
def hostile_csv(draw):
    """(file bytes, clean file bytes or None, what the import must say, and where)."""
    from cdop_scr.cases.importer import COLUMNS, REQUIRED

    rows = draw(valid_rows(draw(st.integers(1, 4), label="rows")))
    optional = [c for c in COLUMNS if c not in REQUIRED and any(c in r for r in rows)]
    header = draw(st.permutations(list(REQUIRED) + optional), label="header order")
    style = (draw(st.sampled_from(["\n", "\r\n"]), label="line ends"),
             draw(st.sampled_from([0, 1]), label="quoting"), draw(st.booleans(), label="bom"))
    clean, _ = write_csv(header, rows, *style)
    kind = draw(st.sampled_from(["cell", "cell", "cell", "too long", "missing", "duplicate",
                                 "shape", "header", "encoding", "empty"]), label="poison")
    index = draw(st.integers(0, len(rows) - 1), label="row")
    if kind in ("cell", "too long", "missing"):
        if kind == "cell":
            column = draw(st.sampled_from(sorted(COLUMN_KINDS)), label="column")
            value = draw(st.sampled_from(CELL_POISONS[COLUMN_KINDS[column]]), label="value")
            if COLUMN_KINDS[column] == "text":  # a control character inside a real value
                value = f"{rows[index].get(column) or 'Text'}{value}tail"
        elif kind == "too long":
            column = draw(st.sampled_from(sorted(TEXT_LIMITS)), label="column")
            value = draw(st.sampled_from(["x", "\u00e9", "\U0001F600"])) * (TEXT_LIMITS[column] + 1)
        else:
            column = draw(st.sampled_from(REQUIRED), label="column")
            value = draw(st.sampled_from(["", "   "]))
        if column not in header:
            header = header + [column]
        rows[index][column] = value
        text, starts = write_csv(header, rows, *style)
        return text.encode(), clean.encode(), (starts[index], column), f"{column}={value[:20]!r}"
    if kind == "duplicate" and len(rows) > 1:
        rows[-1]["surname"], rows[-1]["date_of_birth"] = rows[0]["surname"], \
            rows[0]["date_of_birth"]
        text, starts = write_csv(header, rows, *style)
        return text.encode(), clean.encode(), (starts[-1], "surname"), "duplicate child"
    if kind == "shape":
        text, starts = write_csv(header, [
            [r.get(h, "") for h in header] + (["extra"] if i == index else [])
            for i, r in enumerate(rows)], *style)
        return text.encode(), clean.encode(), (starts[index], None), "a cell too many"
    if kind == "header":
        change = draw(st.sampled_from(["unknown", "twice", "required"]), label="header")
        if change == "unknown":
            header = header + ["shoe_size"]
            where = (1, "shoe_size")
        elif change == "twice":
            header = header + [header[0]]
            where = (1, header[0])
        else:
            gone = draw(st.sampled_from(REQUIRED), label="dropped")
            header = [h for h in header if h != gone]
            where = (1, gone)
        text, _ = write_csv(header, rows, *style)
        return text.encode(), clean.encode(), where, f"header {change}"
    if kind == "encoding":
        return clean.encode("utf-16"), clean.encode(), "UTF-8", "UTF-16 file"
    choice = draw(st.sampled_from([b"", ",".join(header).encode() + b"\n"]), label="empty")
    return choice, None, "File", "empty file" if not choice else "header only"


def import_problems_from_page(response):
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    return [(int(li.get("data-line")), li.get("data-column") or None,
             " ".join(li.text_content().split()))
            for li in doc.xpath("//*[@data-import-problems]//li")]


def import_problems_from_cli(output):
    found = []
    for line in output.splitlines():
        match = re.match(r"\s+(?:Line (\d+)|File)(?:, column (.+?))?: (.*)", line)
        if match:
            found.append((int(match.group(1) or 0), match.group(2), match.group(3)))
    return found


def names_the_problem(problems, expected, text):
    if isinstance(expected, tuple):
        return any((line, column) == expected for line, column, _ in problems)
    return expected in text


def attack_csv_import(app, client, login_as, coordinator, tmp_path, tally):
    runner = app.test_cli_runner()
    login_as(user=coordinator)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/cases/import").get_data(as_text=True))

    @settings(SETTINGS, max_examples=20)
    @given(hostile_csv())
    def attack(case):
        content, clean, expected, note = case
        where = f"CSV import [{note}, expected {expected}]"
        tally.csv += 1
        path = tmp_path / "cases.csv"
        if clean is not None:  # the file without its fault is accepted: the fault is refused
            path.write_bytes(clean)
            control = runner.invoke(args=["cases", "import", str(path), "--dry-run"])
            if control.exit_code != 0:
                tally.fail(where, f"the valid file is refused: {control.output[-300:]}")
                return
        path.write_bytes(content)
        before = fingerprint()
        result = runner.invoke(args=["cases", "import", str(path)])
        tally.examples += 1
        if not isinstance(result.exception, (SystemExit, type(None))):
            tally.server_errors += 1
            tally.fail(where, f"the command failed: {result.exception!r}")
        elif result.exit_code == 0:
            tally.fail(where, f"the command accepted it: {result.output[-200:]}")
        elif not names_the_problem(import_problems_from_cli(result.output), expected,
                                   result.output):
            tally.fail(where, f"the command does not name {expected}: {result.output[-400:]}")
        response = client.post("/cases/import", data={
            "file": (io.BytesIO(content), "cases.csv"),
            "csrf_token": token.group(1) if token else ""}, content_type="multipart/form-data")
        tally.examples += 1
        if response.status_code >= 500:
            tally.server_errors += 1
            tally.fail(where, f"the upload answered {response.status_code}")
        elif not names_the_problem(import_problems_from_page(response), expected, " ".join(
                [p for *_, p in import_problems_from_page(response)] + error_summary(response))):
            tally.fail(where, f"the upload page does not name {expected}: "
                              f"{import_problems_from_page(response) or error_summary(response)}")
        if fingerprint() != before:
            tally.db_changed += 1
            tally.fail(where, "the database changed")

    attack()


# --- every CLI command ----------------------------------------------------------------------------

@dataclass
class CliSpec:
    """A command's valid arguments, and for each of its parameters (an option's flag, or a
    positional argument's index), values it must refuse and words its message must use."""

    args: object                  # world -> [valid arguments]
    poisons: dict = field(default_factory=dict)


BAD_YEARS = ["2011", "2011-13", "99999-00", "0000-01", "abc", "", "2011-12-13",
             "\u0662\u0660\u0661\u0661-\u0661\u0662", "2011\u201312", "12-2011", "-2011-12"]
BAD_CHECKPOINTS = ["abc", ":", "5:", "-1:ab", "1:zz", "99999999999999999999:ab", "1:" + "a" * 5000,
                   "\u202e1:ab"]
BAD_PATHS = ["missing/folder/file", ".", "x" * 300]
YEAR = ("--year", (BAD_YEARS, ("year",)))
# Text a person could type that can never name what these options want.
NOT_A_YEAR = odd_text.filter(lambda t: not re.fullmatch(r"\s*\d{4}-\d{2}\s*", t))


def cli_specs(world):
    coordinator, member = world.users["coordinator"].email, world.users["member"].email
    case_ref = world.case_b.case_ref
    return {
        "audit checkpoint": CliSpec([]),
        "audit verify": CliSpec([], {"--checkpoint": (BAD_CHECKPOINTS, ("checkpoint",))}),
        "backup create": CliSpec(["backup.db"], {0: (
            BAD_PATHS + ["existing.txt"], ("path", "backup", "folder", "exist", "long"))}),
        "backup restore": CliSpec(["garbage.db"], {
            0: (BAD_PATHS + ["existing.txt", "nope.db"], ("path", "backup", "file")),
            "--checkpoint": (BAD_CHECKPOINTS, ("checkpoint",))}),
        "cases import": CliSpec(["valid.csv"], {0: (
            BAD_PATHS + ["nope.csv", "utf16.csv", "empty.csv"],
            ("path", "utf-8", "exist", "directory", "empty"))}),
        "crypto rotate": CliSpec([], {"--batch-size": (
            ["0", "-1", "abc", "1.5", "99999999999999999999999", ""], ("batch-size",))}),
        "crypto reindex": CliSpec([], {"--batch-size": (
            ["0", "-3", "abc", "1e3", "99999999999999999999999", ""], ("batch-size",))}),
        "crypto retire-key": CliSpec(["k1"], {0: (["", "k1", "zz", "\u202ek1", "x" * 300],
                                                  ("key", "rotate first"))}),
        "learning redact": CliSpec(["--case", case_ref], {
            "--case": (["CDR-0000-0000", "", "x" * 5000, "\u202e" + case_ref], ("case",)),
            "--pseudonym": (["1234", "", "x" * 500, "<b>x</b>", "Ann\u202e", "Ann\x01"],
                            ("pseudonym",))}),
        "reports child-extract": CliSpec(["--year", "2024-25", "--user", coordinator], {
            **dict([YEAR]),
            "--user": (["nobody@example.org", "", member, "x" * 300],
                       ("account", "user", "only coordinators and board managers"))}),
        "reports data-quality": CliSpec(["--year", "2024-25"], dict([YEAR])),
        "reports dfe-return": CliSpec(["--year", "2024-25", "--out", "out"], {
            **dict([YEAR]), "--out": (["existing.txt", "x" * 300], ("out", "folder", "file",
                                                                    "directory", "long"))}),
        "reports table": CliSpec(
            ["--measure", "deaths", "--year", "2024-25", "--rows", "sex"], {
                **dict([YEAR]), "--measure": (["zz", ""], ("measure",)),
                "--rows": (["zz", "SEX"], ("rows",)), "--cols": (["zz"], ("cols",))}),
        "users create": CliSpec(
            ["--email", "new.cli@example.org", "--name", "New Person", "--role", "coordinator"],
            {"--email": (["not-an-email", "x" * 300 + "@example.org", coordinator, "",
                          "a b@example.org", "\u202e@example.org"], ("email",)),
             "--name": (["", "  ", "N" * 201, "N\x0bame", "\x1b[2J"], ("name",)),
             "--role": (["zz", "Admin", ""], ("role",)),
             "--password": (["short", "12345678901"], ("password",))}),
        "crypto add-key": CliSpec([]), "crypto check": CliSpec([]),
        "crypto generate-key": CliSpec([]), "crypto init": CliSpec([]),
        "crypto status": CliSpec([]), "demo load": CliSpec([]),
    }


def app_commands(app):
    """Every command the app itself adds ("db" is Flask-Migrate's, around Alembic)."""
    import click

    def walk(command, path):
        if isinstance(command, click.Group):
            for name, sub in sorted(command.commands.items()):
                yield from walk(sub, [*path, name])
        elif command.callback.__module__.startswith("cdop_scr"):
            yield " ".join(path), command

    return dict(walk(app.cli, []))


def invocations(command, spec):
    """(note, arguments, words the message must use) for each hostile call of a command."""
    import click

    base = list(spec.args)
    yield "unknown option", base + ["--zz-hostile", "1"], ("no such option",)
    yield "extra argument", base + ["zz-extra"], ("unexpected extra argument",)
    for param in command.params:
        if isinstance(param, click.Option) and param.required:
            flag = param.opts[0]
            i = base.index(flag)
            yield f"{flag} missing", base[:i] + base[i + 2:], ("missing option", flag)
    for target, (values, words) in spec.poisons.items():
        for value in values:
            args = list(base)
            if isinstance(target, int):
                args[target] = value
            elif target in args:
                args[args.index(target) + 1] = value
            else:
                args += [target, value]
            yield f"{target}={value[:30]!r}", args, words


def attack_cli(app, world, tmp_path, monkeypatch, tally):
    monkeypatch.chdir(tmp_path)
    app.config["KEYS_FILE"] = str(tmp_path / "keys.json")  # never the development keys
    (tmp_path / "garbage.db").write_bytes(b"not a backup")
    (tmp_path / "existing.txt").write_text("already here")
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "utf16.csv").write_bytes("forename,surname\n".encode("utf-16"))
    (tmp_path / "valid.csv").write_text("forename,surname\n")
    runner = app.test_cli_runner()
    specs = cli_specs(world)
    commands = app_commands(app)

    def run(name, note, args, words):
        where = f"flask {name} [{note}]"
        before = fingerprint()
        result = runner.invoke(args=name.split() + args)
        db.session.rollback()
        tally.examples += 1
        output = result.output.lower()
        if not isinstance(result.exception, (SystemExit, type(None))):
            tally.server_errors += 1
            tally.fail(where, f"the command crashed: {result.exception!r}"[:300])
        elif result.exit_code == 0:
            tally.fail(where, f"the command accepted it: {result.output[-200:]!r}")
        elif not any(word.lower() in output for word in words):
            tally.fail(where, f"the message does not name the problem ({'/'.join(words)}): "
                              f"{result.output[-300:]!r}")
        if fingerprint() != before:
            tally.db_changed += 1
            tally.fail(where, "the database changed")

    for name, command in commands.items():
        spec = specs.get(name)
        if spec is None:
            tally.fail(f"flask {name}", "no CliSpec for this command in cli_specs()")
            continue
        tally.cli.add(name)
        for note, args, words in invocations(command, spec):
            run(name, note, args, words)

    @settings(SETTINGS, max_examples=15)
    @given(st.sampled_from(["reports data-quality", "reports child-extract",
                            "reports dfe-return", "reports table", "learning redact",
                            "audit verify"]), NOT_A_YEAR)
    def generated(name, text):
        spec = specs[name]
        flag = {"learning redact": "--case", "audit verify": "--checkpoint"}.get(name, "--year")
        args = list(spec.args)
        if flag in args:
            args[args.index(flag) + 1] = text
        else:
            args += [flag, text]
        run(name, f"{flag}={text!r}", args, (flag.strip("-"),))

    generated()
    return commands
