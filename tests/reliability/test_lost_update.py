"""Lost update: two people (or two tabs) edit the same record; the second save never overwrites.

Each editable, versioned record is opened twice through its real edit page. The first save
wins; the second, from the stale form, gets 409 with the page saying what happened and what to
do, the typed text kept and the form moved on to the current version; what the first person
saved is still stored. Saving again from that page is then a deliberate choice, and works.

Then the same at the service level with real concurrency: two threads, each with its own
database connection, save the same row at once. On SQLite every writing transaction begins
IMMEDIATE, so the two saves queue and the second is refused by the version check; on
PostgreSQL both read the same version first (the threads meet at a barrier just before their
first write), so the second's `UPDATE ... WHERE version = v` matches no row. Either way exactly
one save wins and the other is a Conflict.
"""

import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import lxml.html
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from cdop_scr.actions import services as action_services
from cdop_scr.auth import services as auth_services
from cdop_scr.cases import services as case_services
from cdop_scr.cases.clocks import today
from cdop_scr.errors import Conflict
from cdop_scr.extensions import db
from cdop_scr.learning import services as learning_services
from cdop_scr.models import User
from cdop_scr.models.actions import Action
from cdop_scr.models.cases import Case
from cdop_scr.models.learning import LearningSummary, SourceKind
from cdop_scr.models.panels import Analysis
from cdop_scr.models.scr import Review
from cdop_scr.panels import services as panel_services
from cdop_scr.scr import services as scr_services
from cdop_scr.users import services as user_services

from ..cases.conftest import details, nhs_number
from ..factories import UserFactory
from ..scr.builders import add_action, decide, make_review

RACE_ROUNDS = 3


# --- the records and how each is edited ---------------------------------------------------------

@dataclass
class Editable:
    """One versioned record, its edit page, two fields to change, and its save service."""

    name: str
    url: str
    editors: tuple                   # two users who may both edit it
    version_field: str               # the hidden version input of the right form on the page
    field: str                       # a field both editors change
    other: str                       # a field the second tab changes instead
    stored: Callable[[str], str]     # the stored value of a field, read afresh
    save: Callable                   # save(actor, version, marker): the service, as a view calls it
    version: Callable[[], int]       # the stored version


def reload(model, object_id):
    db.session.expire_all()
    return db.session.get(model, object_id)


def coordinators():
    return (UserFactory(roles=["coordinator"], full_name="Cara First"),
            UserFactory(roles=["coordinator"], full_name="Cole Second"))


def a_case():
    first, second = coordinators()
    values = details(nhs_number=nhs_number(7001))
    case = case_services.notify_death(first, values, confirmed_new=True)
    case_id = case.id

    def save(actor, version, marker):
        case = db.session.get(Case, case_id)
        case_services.update_case(actor, case, version, details(
            nhs_number=values["nhs_number"], circumstances=marker))

    return Editable(
        "case", f"/cases/{case_id}/edit", (first, second), "version", "circumstances", "school",
        stored=lambda f: getattr(reload(Case, case_id), f), save=save,
        version=lambda: reload(Case, case_id).version)


def an_analysis():
    coordinator = UserFactory(roles=["coordinator"])
    member = UserFactory(roles=["panel_member"], full_name="Mia Member")
    chair = UserFactory(roles=["panel_chair"], full_name="Chi Chair")
    case = _ready_case(coordinator, 7101)
    meeting = panel_services.create_meeting(coordinator, today() + timedelta(days=7), chair.id,
                                            [member.id], [case.id])
    panel_services.save_analysis(member, meeting.id, case.id, 0, category=10,
                                 event="sudden_unexpected", refer_for_scr=False,
                                 learning_points="Nothing recorded yet.")
    meeting_id, case_id = meeting.id, case.id

    def analysis():
        db.session.expire_all()
        return db.session.scalar(select(Analysis).where(Analysis.case_id == case_id))

    def save(actor, version, marker):
        panel_services.save_analysis(actor, meeting_id, case_id, version, category=10,
                                     event="sudden_unexpected", refer_for_scr=False,
                                     learning_points=marker)

    return Editable(
        "panel analysis", f"/panel-meetings/{meeting_id}/cases/{case_id}/analysis",
        (member, chair), "analysis-version", "analysis-learning_points", "analysis-category",
        stored=lambda f: _analysis_value(analysis(), f), save=save,
        version=lambda: analysis().version)


def _analysis_value(analysis, field):
    value = getattr(analysis, field.removeprefix("analysis-"))
    return str(value) if field == "analysis-category" else value


def _ready_case(coordinator, seed):
    case = case_services.notify_death(coordinator, details(nhs_number=nhs_number(seed)),
                                      confirmed_new=True)
    report = case_services.request_agency_report(
        coordinator, case, "health_visitor", "Hana Wexford", "hv@example.org", today())
    case_services.record_agency_report(coordinator, case, report, today(), "Seen at home.", {})
    case_services.change_status(coordinator, case, case.version, "ready_for_panel")
    return case


def managers():
    return (UserFactory(roles=["board_manager"], full_name="Bea First"),
            UserFactory(roles=["board_manager"], full_name="Bo Second"))


def an_action():
    first, second = managers()
    review = make_review(first)
    decide(first, review)
    action = add_action(first, review)
    review_id, action_id = review.id, action.id

    def save(actor, version, marker):
        action = db.session.get(Action, action_id)
        action_services.update_action(actor, action, version, marker, action.agency_name,
                                      action.agency_type, action.owner_name, action.due_on,
                                      action.expected_evidence)

    return Editable(
        "action", f"/reviews/{review_id}/actions/{action_id}/edit", (first, second), "version",
        "description", "owner_name", stored=lambda f: getattr(reload(Action, action_id), f),
        save=save, version=lambda: reload(Action, action_id).version)


def a_review():
    first, second = managers()
    review_id = make_review(first).id

    def save(actor, version, marker):
        review = db.session.get(Review, review_id)
        scr_services.update_review(actor, review, version, incident_summary=marker)

    return Editable(
        "serious case review", f"/reviews/{review_id}/edit", (first, second), "version",
        "incident_summary", "reviewer_name",
        stored=lambda f: getattr(reload(Review, review_id), f), save=save,
        version=lambda: reload(Review, review_id).version)


def a_learning_summary():
    coordinator = UserFactory(roles=["coordinator"], full_name="Cy Drafter")
    chair = UserFactory(roles=["panel_chair"], full_name="Cleo Drafter")
    member = UserFactory(roles=["panel_member"])
    case = _ready_case(coordinator, 7201)
    meeting = panel_services.create_meeting(coordinator, today() + timedelta(days=7), chair.id,
                                            [member.id], [case.id])
    analysis = panel_services.save_analysis(
        member, meeting.id, case.id, 0, category=10, event="sudden_unexpected",
        refer_for_scr=False, learning_points="Safer sleep advice was not repeated.")
    analysis = panel_services.add_factor(member, meeting.id, case.id, analysis.version,
                                         "social", "co_sleeping", 2, True, "Shared a sofa.")
    version = db.session.scalar(select(Analysis.version).where(Analysis.case_id == case.id))
    panel_services.sign_off_review(chair, meeting.id, case.id, version, today())
    summary_id = learning_services.draft_summary(coordinator, SourceKind.CDOP_CASE, case.id,
                                                 "Ashley").id

    def save(actor, version, marker):
        summary = db.session.get(LearningSummary, summary_id)
        sections = {name: getattr(summary, name) for name in (
            "introduction", "what_happened", "what_agencies_knew", "key_learning",
            "recommendations")}
        sections["what_happened"] = f"<p>{marker}</p>"
        learning_services.save_summary(actor, summary_id, version, summary.title, sections,
                                       list(summary.theme_codes or []))

    return Editable(
        "learning summary", f"/learning/summaries/{summary_id}/edit", (coordinator, chair),
        "version", "what_happened", "key_learning",
        stored=lambda f: getattr(reload(LearningSummary, summary_id), f) or "", save=save,
        version=lambda: reload(LearningSummary, summary_id).version)


def an_account():
    """A user account two administrators edit (service level only: its 409 is the plain
    error page, which keeps nothing typed)."""
    first = UserFactory(roles=["admin"], full_name="Ada Admin")
    second = UserFactory(roles=["admin"], full_name="Abe Admin")
    account = UserFactory(roles=["panel_member"], full_name="Pat Person",
                          email="pat.person@example.org")
    account_id = account.id

    def save(actor, version, marker):
        user = db.session.get(User, account_id)
        user_services.update_user(actor, user, version, user.email, marker,
                                  [r.value for r in user.roles])

    return Editable(
        "user account", f"/users/{account_id}", (first, second), "version", "full_name",
        "email", stored=lambda f: getattr(reload(User, account_id), f), save=save,
        version=lambda: reload(User, account_id).version)


EDITABLES = (a_case, an_analysis, an_action, a_review, a_learning_summary)
RACED = EDITABLES + (an_account,)


# --- two browsers on one edit page ----------------------------------------------------------------

def form_on(response, version_field):
    """The form on the page that carries this version field, as a browser would post it."""
    page = lxml.html.fromstring(response.get_data(as_text=True))
    for form in page.forms:
        if version_field in form.inputs.keys():
            return browser_values(form)
    raise AssertionError(f"no form with {version_field} on the page")


def browser_values(form):
    """What a browser sends for a form (lxml's own form_values sends "on" for value="")."""
    posted = {}
    for element in form.inputs:
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        if element.tag == "select":
            chosen = [o.get("value", o.text or "") for o in element.iter("option")
                      if o.get("selected") is not None]
            posted.setdefault(name, []).extend(chosen)
        elif element.tag == "textarea":
            posted.setdefault(name, []).append(element.text or "")
        elif element.get("type", "text") in ("checkbox", "radio"):
            if element.get("checked") is not None:
                posted.setdefault(name, []).append(element.get("value", "on"))
        elif element.get("type", "text") not in ("submit", "button", "file", "image", "reset"):
            posted.setdefault(name, []).append(element.get("value", ""))
    return posted


def browser_of(app, user):
    """A browser of its own, signed in as this user."""
    client = app.test_client()
    token = auth_services.open_session(user)
    db.session.commit()
    with client.session_transaction() as session:
        session.update({"_user_id": str(user.id), "_fresh": True, "sid": token})
    return client


def change(form, field, value):
    """The form with one field as the user changed it (a radio or select takes one value)."""
    return {**form, field: [value]}


class Tally:
    """The figures of the RELIABILITY line, and every problem found, for one readable failure."""

    def __init__(self):
        self.objects, self.attempts, self.silent_overwrites = set(), 0, 0
        self.problems = []

    def check(self, ok, message):
        if not ok:
            self.problems.append(message)


def stale_save(app, record, first_user, second_user, first_field, first_value, second_field,
               second_value, tally, how):
    """Both open the form; the first saves; the second saves the stale form."""
    first = browser_of(app, first_user)
    second = first if second_user is first_user else browser_of(app, second_user)
    first_form = form_on(first.get(record.url), record.version_field)
    second_form = form_on(second.get(record.url), record.version_field)  # the other tab
    untouched = record.stored(second_field)

    saved = first.post(record.url, data=change(first_form, first_field, first_value))
    assert saved.status_code == 302, f"{record.name} ({how}): the first save got " \
        f"{saved.status_code}: the check cannot go on"
    version = record.version()

    tally.attempts += 1
    stale = second.post(record.url, data=change(second_form, second_field, second_value))
    where = f"{record.name} ({how})"
    refused = stale.status_code == 409
    tally.check(refused, f"{where}: the stale save got {stale.status_code}")
    kept = record.stored(first_field)
    other = record.stored(second_field)
    overwritten = first_value not in str(kept or "") or (
        second_field != first_field and other != untouched)
    if overwritten:
        tally.silent_overwrites += 1
        tally.problems.append(f"{where}: the stale save overwrote the first: stored "
                              f"{first_field}={kept!r}, {second_field}={other!r}")
    tally.check(record.version() == version, f"{where}: the stale save moved the version on")
    return stale if refused else None


def says_what_to_do(tally, record, how, page, typed):
    """The 409 page: what happened, what to do, the typed text kept, the current version."""
    html = page.get_data(as_text=True)
    text = " ".join(lxml.html.fromstring(html).text_content().split())
    where = f"{record.name} ({how}) 409 page"
    tally.check("changed" in text and "while you were" in text,
                f"{where} does not say someone else changed the record")
    tally.check("save again" in text or "reload" in text,
                f"{where} does not say what to do next")
    tally.check(typed in html, f"{where} lost what the user typed")
    current = form_on(page, record.version_field)[record.version_field]
    tally.check(current == [str(record.version())],
                f"{where} carries version {current}, not the current {record.version()}")
    return current


def test_a_stale_form_never_overwrites_a_newer_save(app, reliability):
    tally = Tally()
    for build in EDITABLES:
        record = build()
        tally.objects.add(record.name)
        first_user, second_user = record.editors
        original_category = record.stored(record.other)

        # Two people, the same field.
        page = stale_save(app, record, first_user, second_user,
                          record.field, "First editor wrote this.",
                          record.field, "Second editor wrote this.", tally, "two people")
        if page is not None:
            says_what_to_do(tally, record, "two people", page, "Second editor wrote this.")
            # Saving again from the 409 page is a deliberate overwrite, and it works.
            again = browser_of(app, second_user).post(
                record.url, data=form_on(page, record.version_field))
            tally.check(again.status_code == 302, f"{record.name}: saving again from the 409 "
                                                  f"page got {again.status_code}")
            tally.check("Second editor wrote this." in (record.stored(record.field) or ""),
                        f"{record.name}: saving again from the 409 page did not save")

        # One person, two tabs, a different field in each: no silent revert of the first.
        other_value = "3" if record.other == "analysis-category" else "Other tab's change"
        assert original_category != other_value
        stale_save(app, record, first_user, first_user, record.field,
                   "Tab one wrote this.", record.other, other_value, tally, "two tabs")

    line = reliability("lost-update", objects=len(tally.objects), attempts=tally.attempts,
                       silent_overwrites=tally.silent_overwrites)
    print(line)
    assert tally.silent_overwrites == 0 and not tally.problems, "\n".join(tally.problems)


# --- two threads, one row ----------------------------------------------------------------------

class FirstWriteBarrier:
    """Holds each racing thread at its first flush until both have read what they will write.

    Only for PostgreSQL: there reads take no locks, so both threads read the same version. On
    SQLite the first thread's BEGIN IMMEDIATE makes the second wait before it reads anything,
    so a barrier after the first read would never be reached by both.
    """

    def __init__(self):
        self.barrier = threading.Barrier(2, timeout=15)
        self.local = threading.local()

    def __enter__(self):
        event.listen(Session, "before_flush", self._hold, insert=True)
        return self

    def __exit__(self, *exc):
        event.remove(Session, "before_flush", self._hold)

    def racing(self):
        self.local.waiting = True

    def _hold(self, session, flush_context, instances):
        if getattr(self.local, "waiting", False):
            self.local.waiting = False
            self.barrier.wait()


def race(app, record, version, markers, actor_ids, barrier):
    """Two threads save `markers` over `version` at once; returns what each got."""
    start = threading.Barrier(2, timeout=15)
    outcomes = [None, None]

    def run(i):
        with app.app_context():
            try:
                start.wait()
                # The first read begins the transaction (IMMEDIATE on SQLite): after the start.
                actor = db.session.get(User, actor_ids[i])
                if barrier is not None:
                    barrier.racing()
                record.save(actor, version, markers[i])
                outcomes[i] = "saved"
            except Conflict:
                outcomes[i] = "conflict"
            except Exception as exc:  # anything else is a finding: reported, not raised here
                outcomes[i] = f"{type(exc).__name__}: {exc}"
            finally:
                db.session.rollback()
                db.session.remove()

    db.session.commit()  # the test's own session holds no lock while the threads run
    threads = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_saves_of_one_row_at_once_one_wins_the_other_conflicts(app, reliability):
    postgres = db.engine.dialect.name == "postgresql"
    tally = Tally()
    for build in RACED:
        record = build()
        tally.objects.add(record.name)
        actor_ids = [u.id for u in record.editors]
        for n in range(RACE_ROUNDS):
            version = record.version()
            markers = (f"Thread one, round {n}.", f"Thread two, round {n}.")
            barrier = FirstWriteBarrier() if postgres else None
            if barrier is not None:
                with barrier:
                    outcomes = race(app, record, version, markers, actor_ids, barrier)
            else:
                outcomes = race(app, record, version, markers, actor_ids, None)
            tally.attempts += 1
            where = f"{record.name}, round {n}"
            if sorted(outcomes) != ["conflict", "saved"]:
                tally.problems.append(f"{where}: expected one save and one conflict, got "
                                      f"{outcomes}")
            stored = record.stored(record.field) or ""
            winners = [m for m, o in zip(markers, outcomes, strict=True) if o == "saved"]
            losers = [m for m, o in zip(markers, outcomes, strict=True) if o != "saved"]
            if len(winners) > 1 or any(m in stored for m in losers):
                # Both "saved": the later one replaced the other's save without being told.
                tally.silent_overwrites += 1
                tally.problems.append(f"{where}: a save was silently overwritten: {outcomes}, "
                                      f"stored {stored!r}")
            tally.check(len(winners) != 1 or winners[0] in stored,
                        f"{where}: the winner's save is not stored: {stored!r}")
            tally.check(record.version() == version + 1,
                        f"{where}: version {record.version()} after one save over {version}")
    line = reliability("lost-update-race", database=db.engine.dialect.name,
                       objects=len(tally.objects), attempts=tally.attempts,
                       silent_overwrites=tally.silent_overwrites)
    print(line)
    assert tally.silent_overwrites == 0 and not tally.problems, "\n".join(tally.problems)
