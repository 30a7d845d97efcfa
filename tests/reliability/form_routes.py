"""Every POST route of the app, ready to post as a user would.

For each POST endpoint, ROUTES says who may use it, where, and on which record of the World
(world.py). The form itself is read from the page that shows it, as a browser would: its
fields, their kinds, choices and current values (an edit form arrives filled in). `baseline()`
turns that into a valid post; ROUTES adds only what the page does not already hold (dates,
required text, a file). A POST endpoint without an entry here fails the checks that use it,
by name, so a new form cannot slip by.
"""

import io
import re
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode, urljoin, urlsplit

import pyotp
from lxml import html as lxml_html

from cdop_scr.cases.clocks import today

from ..cases.conftest import form_data, nhs_number
from ..conftest import DEFAULT_PASSWORD
from ..public.conftest import public_form_data
from ..scr.documents import MINIMAL_PDF

ANONYMOUS = "anonymous"
CONTACT = "contact"            # the agency contact who opened a secure link
PENDING_VERIFY = "pending-verify"  # signed in with a password, two-factor code still to give
PENDING_ENROL = "pending-enrol"    # signed in with a password, two-factor to set up


def dmy(value):
    return [str(value.day), str(value.month), str(value.year)]


def past(days=1):
    return dmy(today() - timedelta(days=days))


def future(days=30):
    return dmy(today() + timedelta(days=days))


# --- reading a form from its page ------------------------------------------------------------

@dataclass
class Field:
    name: str
    kind: str                     # text, textarea, password, hidden, date, select, radio,
    value: object = ""            # checkbox, checkboxes, file, submit
    options: list = field(default_factory=list)
    required: bool = False


@dataclass
class PageForm:
    action: str                   # the path it posts to
    multipart: bool
    fields: dict                  # name -> Field, in page order

    def names(self, *kinds):
        return [f.name for f in self.fields.values() if not kinds or f.kind in kinds]


def page_forms(html, page_url):
    """Every POST form of a page, read as a browser would submit it."""
    doc = lxml_html.fromstring(html)
    forms = []
    for element in doc.iter("form"):
        if (element.get("method") or "get").lower() != "post":
            continue
        action = urlsplit(urljoin("http://localhost" + page_url,
                                  element.get("action") or page_url)).path
        fields = {}
        for el in element.iter("input", "select", "textarea", "button"):
            name = el.get("name")
            if not name:
                continue
            tag, kind = el.tag, (el.get("type") or "text").lower()
            known = fields.get(name)
            if tag == "textarea":
                fields[name] = Field(name, "textarea", el.text or "",
                                     required=el.get("required") is not None)
            elif tag == "select":
                options = [o.get("value", o.text_content()) for o in el.iter("option")]
                chosen = [o.get("value", o.text_content()) for o in el.iter("option")
                          if o.get("selected") is not None]
                fields[name] = Field(name, "select", chosen[0] if chosen else "", options)
            elif tag == "button" or kind == "submit":
                if known is None:
                    fields[name] = Field(name, "submit", el.get("value", ""))
            elif kind == "radio":
                known = known or fields.setdefault(name, Field(name, "radio", None))
                known.options.append(el.get("value", "on"))
                if el.get("checked") is not None:
                    known.value = el.get("value", "on")
            elif kind == "checkbox":
                known = known or fields.setdefault(name, Field(name, "checkboxes", []))
                known.options.append(el.get("value", "on"))
                if el.get("checked") is not None:
                    known.value.append(el.get("value", "on"))
            elif kind == "file":
                fields[name] = Field(name, "file", None)
            elif "govuk-date-input__input" in (el.get("class") or ""):
                known = known or fields.setdefault(name, Field(name, "date", []))
                known.value.append(el.get("value", ""))
            elif kind == "hidden":
                fields[name] = Field(name, "hidden", el.get("value", ""))
            else:
                fields[name] = Field(name, "password" if kind == "password" else "text",
                                     el.get("value", ""), required=el.get("required") is not None)
        for f in fields.values():
            if f.kind == "checkboxes" and len(f.options) == 1:
                f.kind = "checkbox"
        forms.append(PageForm(action, element.get("enctype") == "multipart/form-data", fields))
    return forms


def baseline(form, fill):
    """A valid post of this form: what the page holds, completed by the route's `fill`.

    Values are lists (one item per value sent); a file is (bytes, filename).
    """
    data = {}
    for f in form.fields.values():
        if f.kind in ("text", "textarea", "password", "hidden"):
            value = f.value or ("Example text" if f.required else "")
            data[f.name] = [value]
        elif f.kind == "date":
            data[f.name] = list(f.value) if len(f.value) == 3 else ["", "", ""]
        elif f.kind == "select":
            data[f.name] = [f.value]
        elif f.kind == "radio":
            data[f.name] = [f.value if f.value is not None else f.options[0]]
        elif f.kind in ("checkbox", "checkboxes"):
            data[f.name] = list(f.value)
        elif f.kind == "submit":
            if not any(g.kind == "submit" for g in form.fields.values()
                       if g.name in data):
                data[f.name] = [f.value]
    for name, value in fill.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value if isinstance(value, list) else [value]
    return data


# --- the routes ----------------------------------------------------------------------------

@dataclass
class Route:
    who: str
    url: object                   # world -> path posted to
    page: object = None           # world -> path of the page showing the form (default: url)
    fill: object = None           # world -> {name: value} the page does not hold
    fields: object = None         # {name: kind} when no page shows the form (see link)
    poisonable_hidden: tuple = ("version",)

    def form_page(self, w):
        return (self.page or self.url)(w)

    def values(self, w):
        return self.fill(w) if self.fill else {}


def _case(tail=""):
    return lambda w: f"/cases/{w.case_c.id}{tail}"


def _analysis(case="case_a", tail="/analysis"):
    return lambda w: f"/panel-meetings/{w.meeting.id}/cases/{getattr(w, case).id}{tail}"


def _plan_routes(blueprint, prefix, plan):
    """The shared action-plan pages, on a review or on a CDOP case's plan."""

    def base(w):
        return prefix(w)

    def act(state, tail=""):
        return lambda w: f"{base(w)}/actions/{getattr(plan(w), state).id}{tail}"

    action_fill = lambda w: {  # noqa: E731
        "description": "Audit twenty case files.", "agency_name": "Kent Police",
        "agency_type": "police", "owner_name": "Inspector Ada Lovelace", "due_on": future(),
        "expected_evidence": "The audit report."}
    return {
        f"{blueprint}.add_recommendation": Route(
            "manager", lambda w: f"{base(w)}/action-plan/recommendations/new",
            fill=lambda w: {"text": "Share information."}),
        f"{blueprint}.add_action": Route(
            "manager", lambda w: (f"{base(w)}/action-plan/recommendations/"
                                  f"{plan(w).recommendation.id}/actions/new"), fill=action_fill),
        f"{blueprint}.edit_action": Route("manager", act("not_started", "/edit")),
        f"{blueprint}.start_action": Route("manager", act("not_started", "/start"),
                                           page=act("not_started")),
        f"{blueprint}.submit_evidence": Route("manager", act("in_progress", "/evidence/new"),
                                              fill=lambda w: {"note": "Training log."}),
        f"{blueprint}.accept_evidence": Route("manager", act("submitted", "/accept-evidence"),
                                              page=act("submitted")),
        f"{blueprint}.reject_evidence": Route(
            "manager", act("submitted", "/evidence-not-accepted"),
            fill=lambda w: {"reason": "Send the audit itself."}),
        f"{blueprint}.add_challenge": Route(
            "manager", act("not_started", "/challenges/new"),
            fill=lambda w: {"challenged_on": past(), "asked": "Why the delay?"}),
        f"{blueprint}.record_challenge_response": Route(
            "manager", lambda w: (f"{base(w)}/actions/{plan(w).not_started.id}/challenges/"
                                  f"{plan(w).challenge.id}"),
            fill=lambda w: {"responded_on": past(), "response": "Staff were off sick."}),
    }


def _review(tail=""):
    return lambda w: f"/reviews/{w.review.id}{tail}"


def _summary(state, tail=""):
    return lambda w: f"/learning/summaries/{w.summaries[state].id}{tail}"


def _notification(tail=""):
    return lambda w: f"/notifications/{w.notification.id}{tail}"


def _user(tail=""):
    return lambda w: f"/users/{w.users['target'].id}{tail}"


def _case_details(**extra):
    def fill(w):
        data = form_data(nhs_number=nhs_number(909), surname="Unmatched-Surname",
                         date_of_birth=past(3000), date_of_death=past(20),
                         notified_on=past(19), **extra)
        return {k: v if isinstance(v, list) else [v] for k, v in data.items()}
    return fill


ROUTES = {
    # --- cases -------------------------------------------------------------------------------
    "cases.notify_death": Route("coordinator", lambda w: "/cases/new", fill=_case_details()),
    "cases.search_cases": Route("coordinator", lambda w: "/cases/search",
                                page=lambda w: "/cases",
                                fill=lambda w: {"surname": "Smith",
                                                "date_of_birth": past(3000)}),
    "cases.import_cases": Route("coordinator", lambda w: "/cases/import",
                                fill=lambda w: {"file": (b"forename,surname\n", "cases.csv")}),
    "cases.edit_case": Route("coordinator", _case("/edit")),
    "cases.edit_key_dates": Route("coordinator", _case("/key-dates")),
    "cases.change_status": Route("coordinator", _case("/status")),
    "cases.withdraw_case": Route("coordinator", _case("/withdraw"),
                                 fill=lambda w: {"reason": "entered_in_error"}),
    "cases.record_delay_reason": Route("coordinator", _case("/delay-reason"),
                                       fill=lambda w: {"reason": "awaiting_inquest"}),
    "cases.add_family_member": Route("coordinator", _case("/family-members/new"),
                                     fill=lambda w: {"relation": "father"}),
    "cases.remove_family_member": Route(
        "coordinator", lambda w: f"/cases/{w.case_c.id}/family-members/{w.family_c.id}/remove",
        page=_case()),
    "cases.request_agency_report": Route(
        "coordinator", _case("/agency-reports/new"),
        fill=lambda w: {"agency_type": "gp", "due_on": future(),
                        "contact_email": "gp@example.org"}),
    "cases.record_agency_report": Route(
        "coordinator", lambda w: f"/cases/{w.case_c.id}/agency-reports/{w.report_c.id}/receipt",
        fill=lambda w: {"received_on": past(0)}),
    "cases.waive_agency_report": Route(
        "coordinator", lambda w: f"/cases/{w.case_c.id}/agency-reports/{w.report_c.id}/waive"),
    "agency_links.send_link": Route(
        "coordinator",
        lambda w: f"/cases/{w.case_c.id}/agency-reports/{w.report_c.id}/secure-link",
        page=_case()),
    "agency_links.revoke_link": Route(
        "coordinator",
        lambda w: f"/cases/{w.case_c.id}/agency-reports/{w.report_c2.id}/secure-link/revoke",
        page=_case()),
    "agency_links.edit_report": Route(CONTACT, lambda w: "/agency-report",
                                      fill=lambda w: {"summary": "Known to the school."}),

    # --- panels ------------------------------------------------------------------------------
    "panels.create_meeting": Route(
        "coordinator", lambda w: "/panel-meetings/new",
        fill=lambda w: {"meets_on": future(14), "chair": str(w.users["chair"].id),
                        "cases": None}),
    "panels.edit_meeting": Route("chair", lambda w: f"/panel-meetings/{w.meeting.id}/edit"),
    "panels.record_attendance": Route(
        "chair", lambda w: f"/panel-meetings/{w.meeting.id}/attendance",
        page=lambda w: f"/panel-meetings/{w.meeting.id}",
        fill=lambda w: {"attended": [str(w.users["member"].id)]}),
    "panels.declare_conflicts": Route("member",
                                      lambda w: f"/panel-meetings/{w.meeting.id}/conflicts"),
    "panels.edit_analysis": Route("member", _analysis()),
    "panels.add_factor": Route(
        "member", _analysis(tail="/analysis/factors"), page=_analysis(),
        fill=lambda w: {"factor-domain": "social", "factor-theme": "co_sleeping",
                        "factor-grade": "1", "factor-description": "A sofa."}),
    "panels.remove_factor": Route(
        "member", lambda w: (f"/panel-meetings/{w.meeting.id}/cases/{w.case_a.id}/analysis/"
                             f"factors/{w.factor_a.id}/remove"), page=_analysis()),
    "panels.add_recommendation": Route(
        "member", _analysis(tail="/analysis/recommendations"), page=_analysis(),
        fill=lambda w: {"recommendation-text": "Repeat advice.",
                        "recommendation-owner_agency": "Health visiting",
                        "recommendation-due_on": future()}),
    "panels.remove_recommendation": Route(
        "member", lambda w: (f"/panel-meetings/{w.meeting.id}/cases/{w.case_a.id}/analysis/"
                             f"recommendations/{w.panel_rec_a.id}/remove"), page=_analysis()),
    "panels.override_outcome": Route(
        "chair", _analysis(tail="/analysis/outcome"), page=_analysis(),
        fill=lambda w: {"override-outcome": "not_modifiable",
                        "override-reason": "The panel agreed."}),
    "panels.sign_off_review": Route("chair", _analysis(tail="/sign-off"), page=_analysis()),
    "panels.reopen_review": Route("chair", _analysis("case_b", "/reopen"),
                                  page=_analysis("case_b"),
                                  fill=lambda w: {"reopen-reason": "New evidence."}),
    "panels.break_glass": Route("member", _analysis(tail="/break-glass"),
                                fill=lambda w: {"reason": "To contact the family."}),

    # --- serious case reviews ------------------------------------------------------------------
    "scr.create_review": Route(
        "manager", lambda w: "/reviews/new",
        fill=lambda w: {"child_name": "Quentin Example", "incident_type": "death",
                        "incident_on": past(30), "incident_summary": "Died.",
                        "referred_on": past(20)}),
    "scr.edit_review": Route("manager", _review("/edit")),
    "scr.record_decision": Route(
        "manager", lambda w: f"/reviews/{w.pending_review.id}/decision",
        fill=lambda w: {"outcome": "criteria_met", "decided_on": past(0),
                        "decided_by": "Chair Person", "rationale": "Criteria met."}),
    "scr.change_status": Route("manager", _review("/status"),
                               fill=lambda w: {"status": "report_received"}),
    "scr.add_agency": Route("manager", _review("/agencies/new"),
                            fill=lambda w: {"agency_name": "Kent Police",
                                            "agency_type": "police"}),
    "scr.edit_agency": Route("manager", lambda w: f"/reviews/{w.review.id}/agencies/"
                                                  f"{w.agency.id}"),
    "scr.add_meeting": Route("manager", _review("/meetings/new"),
                             fill=lambda w: {"held_on": past()}),
    "scr.upload_document": Route("manager", _review("/documents/new"),
                                 fill=lambda w: {"kind": "overview_report",
                                                 "document": (MINIMAL_PDF, "report.pdf")}),
    "scr.create_review_from_case": Route("manager", lambda w: f"/reviews/from-case/"
                                                              f"{w.case_c.id}"),
    "scr.break_glass_linked_case": Route(
        "manager", lambda w: f"/reviews/{w.linked_review.id}/linked-case/{w.case_d.id}"
                             "/break-glass",
        fill=lambda w: {"reason": "To check the family address."}),
    **_plan_routes("scr", lambda w: f"/reviews/{w.review.id}", lambda w: w.review_plan),
    **_plan_routes("panel_actions", lambda w: f"/panel-actions/{w.case_b.id}",
                   lambda w: w.case_plan),

    # --- learning summaries ----------------------------------------------------------------------
    "learning.draft_from_case": Route("coordinator",
                                      lambda w: f"/learning/new/case/{w.case_b.id}",
                                      fill=lambda w: {"pseudonym": "Ashley"}),
    "learning.draft_from_review": Route("manager",
                                        lambda w: f"/learning/new/review/"
                                                  f"{w.approved_review.id}",
                                        fill=lambda w: {"pseudonym": "Ashley"}),
    "learning.edit_summary": Route("coordinator", _summary("draft", "/edit")),
    "learning.submit_summary": Route("coordinator", _summary("draft", "/submit"),
                                     page=_summary("draft")),
    "learning.return_summary": Route("coordinator", _summary("submitted", "/return"),
                                     page=_summary("submitted")),
    "learning.approve_summary": Route("manager", _summary("submitted", "/approve"),
                                      page=_summary("submitted")),
    "learning.publish_summary": Route("manager2", _summary("approved", "/publish"),
                                      page=_summary("approved")),
    "learning.hold_summary": Route("manager", _summary("approved", "/hold"),
                                   fill=lambda w: {"reason": "inquest", "review_on": future()}),
    "learning.release_hold": Route("manager", _summary("held", "/release-hold"),
                                   page=_summary("held")),

    # --- outside contributors ------------------------------------------------------------------
    "public.notify_death": Route(
        ANONYMOUS, lambda w: "/notify-a-death",
        fill=lambda w: {k: v if isinstance(v, list) else [v] for k, v in public_form_data(
            nhs_number=nhs_number(808), surname="Unmatched-Public", date_of_birth=past(3000),
            date_of_death=past(3)).items()}),
    "public.download_copy": Route(ANONYMOUS, lambda w: "/notify-a-death/sent/copy",
                                  page=lambda w: "/notify-a-death/sent"),
    "public.accept_notification": Route("coordinator", _notification("/accept"),
                                        page=_notification()),
    "public.link_notification": Route(
        "coordinator", _notification("/link"), page=_notification(),
        fields={"case_id": "hidden"},
        fill=lambda w: {"case_id": str(w.case_c.id)}, poisonable_hidden=("case_id",)),
    "public.reject_notification": Route("coordinator", _notification("/reject"),
                                        fill=lambda w: {"reason": "A test message."}),

    # --- accounts --------------------------------------------------------------------------
    "users.create_user": Route("admin", lambda w: "/users/new",
                               fill=lambda w: {"full_name": "New Person",
                                               "email": "new.person@example.org",
                                               "roles": ["coordinator"]}),
    "users.edit_user": Route("admin", _user()),
    "users.disable_user": Route("admin", _user("/disable"), page=_user()),
    # Shown only for a disabled user: posted as the page would send it.
    "users.enable_user": Route("admin", _user("/enable"), page=_user(), fields={}),
    "users.reset_password": Route("admin", _user("/reset-password"), page=_user()),
    # Shown only for a user with two-factor set up: posted as the page would send it.
    "users.reset_two_factor": Route("admin", _user("/reset-two-factor"), page=_user(),
                                    fields={}),
    "auth.sign_in": Route(ANONYMOUS, lambda w: "/sign-in",
                          fill=lambda w: {"email": w.users["target"].email,
                                          "password": DEFAULT_PASSWORD}),
    "auth.two_factor_verify": Route(
        PENDING_VERIFY, lambda w: "/sign-in/two-factor",
        fill=lambda w: {"code": pyotp.TOTP(w.users["totp_user"].totp_secret).now()}),
    "auth.two_factor_enrol": Route(PENDING_ENROL, lambda w: "/sign-in/set-up-two-factor",
                                   fill=lambda w: {"code": "123456"}),
    "auth.change_password": Route("target", lambda w: "/account/password",
                                  fill=lambda w: {"current_password": DEFAULT_PASSWORD,
                                                  "new_password": "a brand new passphrase"}),
    "auth.sign_out": Route("target", lambda w: "/sign-out", page=lambda w: "/home"),
}


def post_routes(app):
    """Every endpoint that takes a POST, with one of its rules (each endpoint has one)."""
    rules = {}
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods:
            rules.setdefault(rule.endpoint, rule)
    return dict(sorted(rules.items()))


def unmapped_post_routes(app):
    return [f"POST route {endpoint} ({rule.rule}) has no entry in form_routes.ROUTES"
            for endpoint, rule in post_routes(app).items() if endpoint not in ROUTES]


# --- browsing as the route's user ---------------------------------------------------------

def send(client, url, data, multipart):
    """POST `data` ({name: [values]} or a file tuple), raw bytes sent undecoded."""
    if multipart:
        body = {}
        for name, values in data.items():
            if isinstance(values, tuple):
                body[name] = (io.BytesIO(values[0]), values[1])
            else:
                body[name] = [v.decode("utf-8", "replace") if isinstance(v, bytes) else v
                              for v in values]
        return client.post(url, data=body, content_type="multipart/form-data")
    pairs = [(name, v) for name, values in data.items() for v in values]
    return client.post(url, data=urlencode(pairs),
                       content_type="application/x-www-form-urlencoded")


def error_targets(response):
    """The field names the error summary links to."""
    doc = lxml_html.fromstring(response.get_data(as_text=True) or "<p></p>")
    return {a.get("href", "").lstrip("#")
            for a in doc.xpath("//div[contains(@class, 'govuk-error-summary')]//a")}


class Visitor:
    """A browser per person: staff signed in with login_as, outsiders by their own steps."""

    def __init__(self, app, client, login_as, world):
        self.app, self.client, self.login_as, self.world = app, client, login_as, world
        self.outsiders = {}

    def browser(self, who):
        if who not in (ANONYMOUS, CONTACT, PENDING_VERIFY, PENDING_ENROL):
            self.login_as(user=self.world.users[who])
            return self.client
        if who not in self.outsiders:
            self.outsiders[who] = self._outsider(who)
        return self.outsiders[who]

    def _outsider(self, who):
        browser = self.app.test_client()
        if who == CONTACT:
            assert browser.get(f"/agency-report/{self.world.token}").status_code == 302
        elif who in (PENDING_VERIFY, PENDING_ENROL):
            user = self.world.users["totp_user" if who == PENDING_VERIFY else "admin"]
            page = browser.get("/sign-in").get_data(as_text=True)
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
                re.search(r'name="csrf_token" value="([^"]+)"', page)
            response = browser.post("/sign-in", data={
                "csrf_token": token.group(1), "email": user.email,
                "password": DEFAULT_PASSWORD})
            assert response.status_code == 302, response.status_code
            if who == PENDING_ENROL:
                # Press "Set up two-factor sign-in" so the page shows the code box to attack.
                page = browser.get("/sign-in/set-up-two-factor").get_data(as_text=True)
                token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
                started = browser.post("/sign-in/set-up-two-factor", data={
                    "csrf_token": token.group(1), "start": "Set up two-factor sign-in"})
                assert started.status_code == 302, started.status_code
        return browser


def find_form(visitor, endpoint, route, world):
    """(browser, form) for a route: the form as its page shows it to the route's user."""
    browser = visitor.browser(route.who)
    url, page = route.url(world), route.form_page(world)
    if endpoint == "public.download_copy":
        # The copy is offered only in the browser that has just sent a notification.
        _send_public_notification(browser, world)
    response = browser.get(page)
    assert response.status_code == 200, f"{endpoint}: {page} answered {response.status_code}"
    forms = [f for f in page_forms(response.get_data(as_text=True), page) if f.action == url]
    if route.fields is not None and not forms:
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                          response.get_data(as_text=True))
        fields = {"csrf_token": Field("csrf_token", "hidden", token.group(1))}
        fields.update({name: Field(name, kind) for name, kind in route.fields.items()})
        forms = [PageForm(url, False, fields)]
    assert forms, f"{endpoint}: no form posting to {url} on {page}"
    return browser, forms[0]


def _send_public_notification(browser, world):
    route = ROUTES["public.notify_death"]
    response = browser.get("/notify-a-death")
    form = page_forms(response.get_data(as_text=True), "/notify-a-death")[0]
    sent = send(browser, "/notify-a-death", baseline(form, route.values(world)), False)
    assert sent.status_code == 302, sent.status_code
