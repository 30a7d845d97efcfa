"""Authorisation, all of it: every endpoint x every role (and anonymous) x every method against
the policy table, then every route with an object id in its URL against real objects held by
someone else.

The expected answer of each (endpoint, role, method) is derived from POLICY and the view's
declared access, so the policy and the check cannot drift. The object probes are mapped by
endpoint: an id route that has no probe here fails the run, so a new route cannot slip by.
"""

import hashlib
import io
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.routing import UUIDConverter

from cdop_scr import uploads
from cdop_scr.actions import services as actions
from cdop_scr.agency_links.services import token_hash
from cdop_scr.auth import services as auth_services
from cdop_scr.cases import services as case_services
from cdop_scr.cases.clocks import today
from cdop_scr.extensions import db
from cdop_scr.learning import services as learning_services
from cdop_scr.models.actions import SourceType
from cdop_scr.models.base import utcnow
from cdop_scr.models.learning import SourceKind
from cdop_scr.models.outside import AgencyReportLink
from cdop_scr.models.panels import Analysis
from cdop_scr.panels import services as panel_services
from cdop_scr.permissions import POLICY, PUBLIC, Role, access_of
from cdop_scr.public import services as public_services
from cdop_scr.scr import services as scr_services

from ..cases.conftest import details, nhs_number
from ..factories import UserFactory
from ..scr.builders import add_action, decide, make_review
from ..scr.documents import MINIMAL_PDF

ANONYMOUS = "anonymous"
# Tables a refused request may legitimately write to: the audit trail of the refusal itself,
# the session's last-seen time and sign-in throttling. Everything else must stay as it was.
BOOKKEEPING = {"audit_log", "user_session", "sign_in_attempt"}


# --- the matrix: endpoint x role x method ------------------------------------------------------

def principals():
    """Every role in the policy, plus someone who has not signed in."""
    return [ANONYMOUS] + [role.value for role in Role]


def placeholder_url(rule):
    """The rule's URL with a random UUID for every UUID argument and "x" for the rest."""
    values = {name: uuid.uuid4() if isinstance(conv, UUIDConverter) else "x"
              for name, conv in rule._converters.items()}
    return rule.build(values)[1]


def to_sign_in(response):
    """The sign-in redirect of the access check (it carries `next`), not a flow's own step."""
    location = response.headers.get("Location", "")
    return response.status_code == 302 and "/sign-in" in location and "next=" in location


def expected_and_ok(access, principal, response):
    """(what the policy says, whether the response honours it) for one request."""
    status = response.status_code
    if access is None:
        return "403 (declares no access)", status == 403
    if access == PUBLIC:
        return "open to all", status not in (401, 403) and status < 500 and not to_sign_in(
            response)
    if principal == ANONYMOUS:
        return "sign-in redirect", to_sign_in(response)
    if Role(principal) in POLICY[access]:
        return "allowed", status not in (401, 403) and status < 500 and not to_sign_in(
            response)
    return "403", status == 403


def walk(app, users, sign_in, rules):
    """Ask every rule with every method as every principal; (endpoints, checked, mismatches)."""
    endpoints, checked, mismatches = set(), 0, []
    for rule in rules:
        access = access_of(app.view_functions[rule.endpoint])
        endpoints.add(rule.endpoint)
        url = placeholder_url(rule)
        for method in sorted(rule.methods):
            for principal in principals():
                if principal == ANONYMOUS:
                    response = app.test_client().open(url, method=method)  # no cookies
                else:
                    # A fresh session each time: sign-out (or anything that ends sessions)
                    # must not turn the next request into an anonymous one.
                    response = sign_in(users[principal]).open(url, method=method)
                expected, ok = expected_and_ok(access, principal, response)
                checked += 1
                if not ok:
                    mismatches.append(f"{method} {rule.rule} ({rule.endpoint}) as {principal}: "
                                      f"expected {expected}, got {response.status_code} "
                                      f"{response.headers.get('Location', '')}".rstrip())
    return endpoints, checked, mismatches


def role_users():
    return {role.value: UserFactory(roles=[role.value]) for role in Role}


def test_every_endpoint_role_and_method_gets_what_the_policy_table_says(
        app, client, login_as, reliability):
    def sign_in(user):
        login_as(user=user)
        return client

    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))
    endpoints, checked, mismatches = walk(app, role_users(), sign_in, rules)
    line = reliability("authz-matrix", endpoints=len(endpoints), roles=len(principals()),
                       checked=checked, failed=len(mismatches))
    print(line)
    assert checked >= len(endpoints) * len(principals())
    assert not mismatches, "policy mismatches:\n" + "\n".join(mismatches)


def test_the_matrix_reports_an_app_that_stops_enforcing_the_policy(app, client, login_as):
    """Guard against a walk that cannot fail: without the access check, it must object."""
    from cdop_scr.security import enforce_access

    def sign_in(user):
        login_as(user=user)
        return client

    rules = [r for r in app.url_map.iter_rules()
             if r.endpoint in ("users.list_users", "cases.view_case")]
    app.before_request_funcs[None].remove(enforce_access)
    _, checked, mismatches = walk(app, role_users(), sign_in, rules)
    # Every refused role and anonymous, with every method of each rule, now gets in.
    let_in = sum(len(r.methods) * (1 + len(set(Role) - POLICY[access_of(
        app.view_functions[r.endpoint])])) for r in rules)
    assert len(mismatches) == let_in, "\n".join(mismatches)
    assert any("users.list_users) as coordinator: expected 403" in m for m in mismatches)
    assert any("cases.view_case) as anonymous: expected sign-in redirect" in m
               for m in mismatches)
    assert checked == sum(len(r.methods) for r in rules) * len(principals())


# --- the object world ----------------------------------------------------------------------------

PEOPLE = {
    # key: (role, full name). "_a" people are at meeting A, "_b" people at meeting B.
    "coordinator": ("coordinator", "Casey Coordinator"),
    "chair_a": ("panel_chair", "Ada Chair"),
    "chair_b": ("panel_chair", "Ben Chair"),
    "member_a": ("panel_member", "Ama Member"),
    "member_b": ("panel_member", "Bob Member"),
    "manager": ("board_manager", "Bola Board"),
    "admin": ("admin", "Alex Admin"),
}
# Who stands for each role when a role without the permission asks for a real object: the
# people closest to the object (member A is on the agenda of meeting A, and so on).
STAND_IN = {"coordinator": "coordinator", "panel_chair": "chair_a",
            "panel_member": "member_a", "board_manager": "manager", "admin": "admin"}

CHILDREN = {
    # tag: (forename, surname, postcode, street)
    "a": ("Araminta", "Pellingham", "EX1 4QZ", "14 Larkspur Close"),
    "b": ("Bartholomew", "Quistclose", "EX2 5RA", "3 Foxglove Row"),
    "c": ("Cordelia", "Rookwood", "EX3 6SB", "9 Teasel Lane"),
    "n": ("Delphine", "Notifyworth", "EX4 7TD", "22 Yarrow Court"),
}


def child_values(tag, seed):
    forename, surname, postcode, street = CHILDREN[tag]
    return details(
        forename=forename, surname=surname, other_names=[], postcode=postcode,
        address=f"{street}, Exampleton", nhs_number=nhs_number(seed),
        circumstances=f"{forename} {surname} was found unresponsive at {street}.")


class World:
    """Real records, each held by someone, built through the services as users would."""

    def __init__(self):
        self.users = {key: UserFactory(roles=[role], full_name=name)
                      for key, (role, name) in PEOPLE.items()}
        self.users["target"] = UserFactory(roles=["panel_member"], full_name="Tobias Target",
                                           email="tobias.target@example.org")
        u = self.users
        coordinator = u["coordinator"]
        self.values = {}

        # Two cases at two meetings, each with an analysis, a factor and a recommendation.
        self.case_a = self._ready_case("a", 101)
        self.case_b = self._ready_case("b", 202)
        self.meeting_a = panel_services.create_meeting(
            coordinator, today() + timedelta(days=7), u["chair_a"].id, [u["member_a"].id],
            [self.case_a.id])
        self.meeting_b = panel_services.create_meeting(
            coordinator, today() + timedelta(days=8), u["chair_b"].id, [u["member_b"].id],
            [self.case_b.id])
        self.factor_a, self.panel_rec_a = self._analyse(self.meeting_a, self.case_a,
                                                        u["member_a"])
        self.factor_b, self.panel_rec_b = self._analyse(self.meeting_b, self.case_b,
                                                        u["member_b"])
        # Case B is signed off, so a learning summary can be drafted from it.
        analysis_b = self.analysis(self.case_b)
        panel_services.sign_off_review(u["chair_b"], self.meeting_b.id, self.case_b.id,
                                       analysis_b.version, today())

        # Case C: notified, on no meeting, referred for SCR consideration, with family, two
        # outstanding agency reports and a live secure link for the first.
        values = child_values("c", 303)
        self.values["c"] = values
        self.case_c = case_services.notify_death(coordinator, values,
                                                 [("mother", "Cressida Rookwood")],
                                                 confirmed_new=True)
        case_services.update_key_dates(coordinator, self.case_c, self.case_c.version,
                                       {"scr_referred_on": today()})
        self.family_c = self.case_c.family_members[0]
        self.report_c = case_services.request_agency_report(
            coordinator, self.case_c, "school", "Ms Ivy Contact", "ivy@school.example.org",
            today() + timedelta(days=20))
        self.report_c2 = case_services.request_agency_report(
            coordinator, self.case_c, "police", "Pc Oak Contact", "oak@police.example.org",
            today() + timedelta(days=20))
        self.token_c = self._link(self.report_c, coordinator)
        # Tokens that once opened case A's report and do not any more.
        report_a2 = case_services.request_agency_report(
            coordinator, self.case_a, "police", "Pc Elm Contact", "elm@police.example.org",
            today() + timedelta(days=20))
        self.revoked_token_a = self._link(report_a2, coordinator, revoked=True)
        self.expired_token_a = self._link(report_a2, coordinator, expired=True)
        self.used_token_a = self._link(report_a2, coordinator, used=True)

        # Two serious case reviews, each with an agency, a document, an action with evidence
        # (and its document) and a challenge.
        self.review_a = self._review("Zebedee Quillfeather", "9434765919")
        self.review_b = self._review("Yolanda Marchbank", nhs_number(404))
        # Case C's review, started from the case: the case opens from it, pseudonymised.
        self.review_c = scr_services.create_review_from_case(u["manager"], self.case_c)

        # The action plan the panel's sign-off gave case B; case A has none.
        self.plan_b = self._panel_plan("b", self.case_b)
        self.plan_a = self._panel_plan("a", self.case_a)

        # A learning summary drafted from case B; a public notification.
        self.summary = learning_services.draft_summary(
            coordinator, SourceKind.CDOP_CASE, self.case_b.id, "Ashley")
        notification_values = child_values("n", 505)
        self.values["n"] = notification_values
        self.notification, _ = public_services.submit_notification(
            "192.0.2.10", {**notification_values, "notifier_name": "Nurse Nadia Notifier"}, [])
        db.session.commit()

    # builders -----------------------------------------------------------------------------

    def _ready_case(self, tag, seed):
        coordinator = self.users["coordinator"]
        values = child_values(tag, seed)
        self.values[tag] = values
        forename, surname = values["forename"], values["surname"]
        case = case_services.notify_death(coordinator, values,
                                          [("mother", f"Marigold {surname}")],
                                          confirmed_new=True)
        report = case_services.request_agency_report(
            coordinator, case, "health_visitor", "Hana Wexford", "hv@example.org", today())
        case_services.record_agency_report(
            coordinator, case, report, today(),
            f"Health visitor saw {forename} {surname} at home.", {})
        case_services.change_status(coordinator, case, case.version, "ready_for_panel")
        return case

    def _analyse(self, meeting, case, member):
        analysis = panel_services.save_analysis(
            member, meeting.id, case.id, 0, category=10, event="sudden_unexpected",
            refer_for_scr=False, learning_points="Safer sleep advice was not repeated.")
        factor = panel_services.add_factor(
            member, meeting.id, case.id, analysis.version, "social", "co_sleeping", 2, True,
            "The baby slept on a sofa with a parent.")
        recommendation = panel_services.add_recommendation(
            member, meeting.id, case.id, self.analysis(case).version,
            "Repeat safer sleep advice at every contact.", "Health visiting",
            today() + timedelta(days=60))
        return factor, recommendation

    def _link(self, report, actor, revoked=False, expired=False, used=False):
        token = uuid.uuid4().hex + uuid.uuid4().hex
        now = utcnow()
        link = AgencyReportLink(
            request_id=report.id, token_hash=token_hash(token), created_by_id=actor.id,
            expires_at=now - timedelta(days=1) if expired else now + timedelta(days=14))
        link.revoked_at = now if revoked else None
        link.used_at = now if used else None
        db.session.add(link)
        db.session.commit()
        return token

    def _review(self, child_name, nhs):
        """A review with one of each part; returned as a namespace of its records."""
        manager = self.users["manager"]
        review = make_review(manager, child_name=child_name, child_nhs_number=nhs,
                             incident_summary=f"{child_name} was admitted with fractures.")
        decide(manager, review)
        agency = scr_services.add_agency(manager, review, f"{child_name} Agency", "police")
        document = scr_services.upload_document(
            manager, review, "overview_report",
            FileStorage(io.BytesIO(MINIMAL_PDF), filename=f"{child_name}.pdf"))
        action = add_action(manager, review)
        actions.start_action(manager, action, action.version)
        upload = uploads.read_upload(FileStorage(io.BytesIO(MINIMAL_PDF),
                                                 filename="evidence.pdf"))
        evidence = actions.submit_evidence(manager, action, action.version,
                                           f"Training log for {child_name}'s area.", upload)
        challenge = actions.record_challenge(manager, action,
                                             f"Why was {child_name} not referred?")
        return SimpleNamespace(
            id=review.id, reference=review.reference, child_name=child_name,
            child_nhs_number=nhs, agency=agency, document=document, action=action,
            recommendation=action.recommendation, evidence=evidence, challenge=challenge,
            name=f"review {review.reference}", prefix=f"/reviews/{review.id}",
            secrets=(child_name, nhs, review.reference))

    def _panel_plan(self, tag, case):
        """A signed-off case's plan: each panel recommendation became an action the board
        follows; a case not signed off has none (only its URL prefix is returned)."""
        manager = self.users["manager"]
        plan = actions.plan_for(SourceType.CDOP_CASE.value, case.id)
        parts = SimpleNamespace(id=case.id, name=f"case {case.case_ref}",
                                prefix=f"/panel-actions/{case.id}",
                                secrets=self.case_secrets(tag, case))
        if plan is None:
            return parts
        action = plan.actions[0]
        actions.start_action(manager, action, action.version)
        upload = uploads.read_upload(FileStorage(io.BytesIO(MINIMAL_PDF),
                                                 filename="evidence.pdf"))
        parts.evidence = actions.submit_evidence(manager, action, action.version,
                                                 "Health visiting audit of contacts.", upload)
        parts.challenge = actions.record_challenge(manager, action, "Why so slow?")
        parts.action, parts.recommendation = action, action.recommendation
        return parts

    # reading --------------------------------------------------------------------------------

    def analysis(self, case):
        db.session.expire_all()
        return db.session.scalar(select(Analysis).where(Analysis.case_id == case.id))

    def case_secrets(self, tag, case, with_ref=True):
        v = self.values[tag]
        found = [v["forename"], v["surname"], v["nhs_number"], v["postcode"],
                 v["address"].split(",")[0]]
        return tuple(found + ([case.case_ref] if with_ref else []))


# --- probes ---------------------------------------------------------------------------------------

@dataclass
class Probe:
    """One request by someone who must not reach this object through this URL."""

    who: str
    method: str
    url: str
    secrets: tuple
    why: str
    data: dict | None = None
    expect: tuple = (403, 404)


@dataclass
class Target:
    """An id route pointed at a real object: who may use it, and who must not."""

    owner: str                      # someone in scope: the positive control
    url: str                        # the URL of the in-scope object
    secrets: tuple                  # text that identifies the object
    probes: list = field(default_factory=list)
    data: dict | None = None        # a valid post, sent by every probe of a POST route


def _date(value):
    return [str(value.day), str(value.month), str(value.year)]


def meeting_url(meeting, tail=""):
    return f"/panel-meetings/{meeting.id}{tail}"


def panel_case_url(meeting, case, tail=""):
    return f"/panel-meetings/{meeting.id}/cases/{case.id}{tail}"


def panel_target(w, tail, data=None, owner="member_a", chair_level=False):
    """A case at meeting A, probed by the people of meeting B, from both meetings' URLs."""
    secrets = w.case_secrets("a", w.case_a)
    outsider = "chair_b" if chair_level else "member_b"
    url = panel_case_url(w.meeting_a, w.case_a, tail)
    probes = [
        Probe(outsider, "*", url, secrets, "not at meeting A"),
        Probe(outsider, "*", panel_case_url(w.meeting_b, w.case_a, tail), secrets,
              "case A through their own meeting B, where it is not on the agenda"),
        Probe(owner, "*", panel_case_url(w.meeting_a, w.case_b, tail),
              w.case_secrets("b", w.case_b), "case B through meeting A, where it is not"),
        Probe(owner, "*", panel_case_url(w.meeting_a, w.case_c, tail),
              w.case_secrets("c", w.case_c), "case C, on no meeting's agenda"),
    ]
    return Target(owner, url, secrets, probes, data)


def analysis_version(w, case):
    analysis = w.analysis(case)
    return str(analysis.version if analysis else 0)


def panel_routes():
    def edit_analysis(w):
        return panel_target(w, "/analysis", {
            "analysis-version": analysis_version(w, w.case_a), "analysis-category": "3",
            "analysis-event": "sudden_unexpected", "analysis-refer_for_scr": "no",
            "analysis-learning_points": "Written by someone outside the meeting."})

    def add_factor(w):
        return panel_target(w, "/analysis/factors", {
            "factor-version": analysis_version(w, w.case_a), "factor-domain": "social",
            "factor-grade": "1", "factor-theme": "co_sleeping",
            "factor-description": "Added by someone outside the meeting."})

    def remove_factor(w):
        target = panel_target(w, f"/analysis/factors/{w.factor_a.id}/remove",
                              {"version": analysis_version(w, w.case_a)})
        target.probes.append(Probe(
            "member_a", "POST",
            panel_case_url(w.meeting_a, w.case_a, f"/analysis/factors/{w.factor_b.id}/remove"),
            (w.factor_b.description,), "a factor of case B through case A",
            {"version": analysis_version(w, w.case_a)}))
        return target

    def add_recommendation(w):
        return panel_target(w, "/analysis/recommendations", {
            "recommendation-version": analysis_version(w, w.case_a),
            "recommendation-text": "Added by someone outside the meeting.",
            "recommendation-owner_agency": "Outsiders",
            "recommendation-due_on": _date(today() + timedelta(days=30))})

    def remove_recommendation(w):
        target = panel_target(
            w, f"/analysis/recommendations/{w.panel_rec_a.id}/remove",
            {"version": analysis_version(w, w.case_a)})
        target.probes.append(Probe(
            "member_a", "POST", panel_case_url(
                w.meeting_a, w.case_a, f"/analysis/recommendations/{w.panel_rec_b.id}/remove"),
            (), "a recommendation of case B through case A",
            {"version": analysis_version(w, w.case_a)}))
        return target

    def override_outcome(w):
        return panel_target(w, "/analysis/outcome", {
            "override-version": analysis_version(w, w.case_a),
            "override-outcome": "not_modifiable",
            "override-reason": "Decided by a chair of another meeting."},
            owner="chair_a", chair_level=True)

    def sign_off(w):
        return panel_target(w, "/sign-off", {
            "sign_off-version": analysis_version(w, w.case_a),
            "sign_off-completed_on": _date(today())}, owner="chair_a", chair_level=True)

    def reopen(w):
        return panel_target(w, "/reopen", {
            "reopen-version": analysis_version(w, w.case_a),
            "reopen-reason": "Re-opened by a chair of another meeting."},
            owner="chair_a", chair_level=True)

    def break_glass(w):
        target = panel_target(w, "/break-glass",
                              {"reason": "Need to contact the family urgently."})
        secrets = w.case_secrets("a", w.case_a)
        # The board manager holds break-glass but is at no meeting: still not found.
        target.probes.append(Probe("manager", "*", target.url, secrets,
                                   "board manager at no meeting"))
        target.probes.append(Probe("chair_b", "*", target.url, secrets,
                                   "chair of another meeting"))
        return target

    def view_case(w):
        return panel_target(w, "")

    def meeting_target(tail, data=None, owner="member_a", outsider="member_b"):
        def build(w):
            secrets = w.case_secrets("a", w.case_a)
            url = meeting_url(w.meeting_a, tail)
            return Target(owner, url, secrets,
                          [Probe(outsider, "*", url, secrets, "not at meeting A")],
                          data(w) if data else None)
        return build

    return {
        "panels.view_meeting": meeting_target(""),
        "panels.download_pack": meeting_target("/pack"),
        "panels.declare_conflicts": meeting_target(
            "/conflicts", lambda w: {"cases": [str(w.case_a.id)], "details": "My neighbour"}),
        "panels.edit_meeting": meeting_target("/edit", lambda w: {
            "meets_on": _date(today() + timedelta(days=9)), "chair": str(w.users["chair_b"].id),
            "members": [str(w.users["member_b"].id)], "cases": [str(w.case_a.id)],
            "version": str(w.meeting_a.version)}, owner="chair_a", outsider="chair_b"),
        "panels.record_attendance": meeting_target("/attendance", lambda w: {
            "attended": [str(w.users["member_a"].id)]}, owner="chair_a", outsider="chair_b"),
        "panels.view_case": view_case,
        "panels.edit_analysis": edit_analysis,
        "panels.add_factor": add_factor,
        "panels.remove_factor": remove_factor,
        "panels.add_recommendation": add_recommendation,
        "panels.remove_recommendation": remove_recommendation,
        "panels.override_outcome": override_outcome,
        "panels.sign_off_review": sign_off,
        "panels.reopen_review": reopen,
        "panels.break_glass": break_glass,
    }


def case_routes():
    """The coordinator holds every case; a child record of one case is not found through
    another case's URL, and nobody else reaches a case page (not even with it on their agenda).
    """

    def case_target(tail):
        def build(w):
            url = f"/cases/{w.case_a.id}{tail}"
            return Target("coordinator", url, w.case_secrets("a", w.case_a))
        return build

    def report_target(tail, report="report_c"):
        def build(w):
            own = getattr(w, report)
            secrets = w.case_secrets("c", w.case_c)
            return Target("coordinator", f"/cases/{w.case_c.id}/agency-reports/{own.id}{tail}",
                          secrets, [Probe(
                              "coordinator", "*",
                              f"/cases/{w.case_a.id}/agency-reports/{w.report_c.id}{tail}",
                              ("Ms Ivy Contact", "ivy@school.example.org"),
                              "a report of case C through case A")])
        return build

    def remove_family_member(w):
        return Target("coordinator",
                      f"/cases/{w.case_c.id}/family-members/{w.family_c.id}/remove",
                      w.case_secrets("c", w.case_c), [Probe(
                          "coordinator", "POST",
                          f"/cases/{w.case_a.id}/family-members/{w.family_c.id}/remove",
                          ("Cressida",), "a family member of case C through case A")])

    return {
        "cases.view_case": case_target(""),
        "cases.edit_case": case_target("/edit"),
        "cases.edit_key_dates": case_target("/key-dates"),
        "cases.change_status": case_target("/status"),
        "cases.withdraw_case": case_target("/withdraw"),
        "cases.record_delay_reason": case_target("/delay-reason"),
        "cases.add_family_member": case_target("/family-members/new"),
        "cases.request_agency_report": case_target("/agency-reports/new"),
        "cases.remove_family_member": remove_family_member,
        "cases.view_agency_report": report_target(""),
        "cases.record_agency_report": report_target("/receipt"),
        "cases.waive_agency_report": report_target("/waive"),
        "agency_links.send_link": report_target("/secure-link"),
        # Revoking for real would close case C's link: the in-scope post uses the report
        # that has none; the probe through case A aims at the live one.
        "agency_links.revoke_link": report_target("/secure-link/revoke", report="report_c2"),
    }


# The action-plan pages, served for each source of recommendations under its own prefix.
PLAN_PAGES = {
    "view_action_plan": lambda p: "/action-plan",
    "add_recommendation": lambda p: "/action-plan/recommendations/new",
    "add_action": lambda p: f"/action-plan/recommendations/{p.recommendation.id}/actions/new",
    "view_action": lambda p: f"/actions/{p.action.id}",
    "edit_action": lambda p: f"/actions/{p.action.id}/edit",
    "start_action": lambda p: f"/actions/{p.action.id}/start",
    "accept_evidence": lambda p: f"/actions/{p.action.id}/accept-evidence",
    "reject_evidence": lambda p: f"/actions/{p.action.id}/evidence-not-accepted",
    "submit_evidence": lambda p: f"/actions/{p.action.id}/evidence/new",
    "add_challenge": lambda p: f"/actions/{p.action.id}/challenges/new",
    "download_evidence": lambda p: f"/actions/{p.action.id}/evidence/{p.evidence.id}",
    "record_challenge_response": lambda p: f"/actions/{p.action.id}/challenges/{p.challenge.id}",
}
PLAN_LEVEL = {"view_action_plan", "add_recommendation"}


def plan_routes(blueprint, own, other, no_plan=None):
    """Board managers hold every plan; a part of another plan (of either kind of source) is not
    found through this one's URL, nor an evidence or challenge of another action."""

    def page(name):
        tail_of = PLAN_PAGES[name]

        def build(w):
            mine, theirs = own(w), other(w)
            target = Target("manager", mine.prefix + tail_of(mine), mine.secrets)
            if name not in PLAN_LEVEL:
                target.probes.append(Probe(
                    "manager", "*", mine.prefix + tail_of(theirs), theirs.secrets,
                    f"a part of {theirs.name}'s plan through {mine.name}'s"))
            if name == "download_evidence":
                target.probes.append(Probe(
                    "manager", "GET",
                    f"{mine.prefix}/actions/{mine.action.id}/evidence/{theirs.evidence.id}",
                    theirs.secrets, "evidence of another action through this action"))
            if name == "record_challenge_response":
                target.probes.append(Probe(
                    "manager", "*",
                    f"{mine.prefix}/actions/{mine.action.id}/challenges/{theirs.challenge.id}",
                    theirs.secrets, "a challenge on another action through this action"))
            if no_plan is not None and name in PLAN_LEVEL:
                bare = no_plan(w)
                target.probes.append(Probe("manager", "*", bare.prefix + tail_of(bare),
                                           bare.secrets, f"{bare.name}, which has no plan"))
            return target

        return build

    return {f"{blueprint}.{name}": page(name) for name in PLAN_PAGES}


def review_routes():
    """Board managers hold every review; a part of one review is not found through another."""

    def review_target(tail):
        def build(w):
            return Target("manager", f"/reviews/{w.review_a.id}{tail}", w.review_a.secrets)
        return build

    def part_target(tail_of):
        def build(w):
            a, b = w.review_a, w.review_b
            return Target("manager", f"{a.prefix}{tail_of(a)}", a.secrets, [
                Probe("manager", "*", f"{a.prefix}{tail_of(b)}", b.secrets,
                      "a part of review B through review A")])
        return build

    def from_case(w):
        secrets = w.case_secrets("a", w.case_a)
        return Target("manager", f"/reviews/from-case/{w.case_c.id}",
                      w.case_secrets("c", w.case_c), [
                          Probe("manager", "*", f"/reviews/from-case/{w.case_a.id}", secrets,
                                "a case never referred for review")],
                      {"la_learned_on": _date(today()), "looked_after": "no"})

    def linked_case(w):
        secrets_c = w.case_secrets("c", w.case_c)
        return Target("manager", f"/reviews/{w.review_c.id}/linked-case/{w.case_c.id}",
                      secrets_c, [
                          Probe("manager", "*",
                                f"/reviews/{w.review_a.id}/linked-case/{w.case_c.id}",
                                secrets_c, "case C through a review not started from it",
                                expect=(404,)),
                          Probe("manager", "*",
                                f"/reviews/{w.review_c.id}/linked-case/{w.case_a.id}",
                                w.case_secrets("a", w.case_a),
                                "case A through the review of case C", expect=(404,))])

    def break_glass_linked_case(w):
        secrets_c = w.case_secrets("c", w.case_c)
        url = f"/reviews/{w.review_c.id}/linked-case/{w.case_c.id}/break-glass"
        return Target("manager", url, secrets_c, [
            Probe("manager", "*", f"/reviews/{w.review_a.id}/linked-case/{w.case_c.id}"
                  "/break-glass", secrets_c, "case C through a review not started from it",
                  expect=(404,)),
            Probe("manager", "*", f"/reviews/{w.review_c.id}/linked-case/{w.case_a.id}"
                  "/break-glass", w.case_secrets("a", w.case_a),
                  "case A through the review of case C", expect=(404,)),
            # Panel people hold break-glass, for their own meetings' cases: not from a review.
            Probe("member_a", "*", url, secrets_c, "a panel member manages no review",
                  expect=(404,)),
            Probe("chair_a", "*", url, secrets_c, "a panel chair manages no review",
                  expect=(404,))],
            {"reason": "Need to check the family's address."})

    return {
        "scr.view_linked_case": linked_case,
        "scr.break_glass_linked_case": break_glass_linked_case,
        "scr.view_review": review_target(""),
        "scr.edit_review": review_target("/edit"),
        "scr.record_decision": review_target("/decision"),
        "scr.change_status": review_target("/status"),
        "scr.add_agency": review_target("/agencies/new"),
        "scr.add_meeting": review_target("/meetings/new"),
        "scr.upload_document": review_target("/documents/new"),
        "scr.edit_agency": part_target(lambda r: f"/agencies/{r.agency.id}"),
        "scr.download_document": part_target(lambda r: f"/documents/{r.document.id}"),
        "scr.create_review_from_case": from_case,
        **plan_routes("scr", lambda w: w.review_a, lambda w: w.review_b),
        **plan_routes("panel_actions", lambda w: w.plan_b, lambda w: w.review_a,
                      no_plan=lambda w: w.plan_a),
    }


def learning_routes():
    """Summaries are shared by everyone who drafts learning; drafting never shows a child's
    identifiers to anyone who may not see them, and an ineligible source gives no draft."""

    def summary_target(tail):
        def build(w):
            return Target("coordinator", f"/learning/summaries/{w.summary.id}{tail}",
                          (w.summary.title, w.case_b.case_ref))
        return build

    def hold_target(tail):
        def build(w):
            return Target("manager", f"/learning/summaries/{w.summary.id}{tail}",
                          (w.summary.title, w.case_b.case_ref))
        return build

    def draft_from_case(w):
        return Target("chair_b", f"/learning/new/case/{w.case_b.id}",
                      w.case_secrets("b", w.case_b), [
                          Probe("chair_b", "GET", f"/learning/new/case/{w.case_b.id}",
                                w.case_secrets("b", w.case_b, with_ref=False),
                                "a drafter without the identifiers sees the reference only",
                                expect=(200,)),
                          Probe("chair_a", "*", f"/learning/new/case/{w.case_b.id}",
                                w.case_secrets("b", w.case_b),
                                "a chair drafts only from cases on their own meetings",
                                expect=(404,)),
                          Probe("manager", "POST", f"/learning/new/case/{w.case_a.id}",
                                w.case_secrets("a", w.case_a, with_ref=False),
                                "a case not yet signed off", {"pseudonym": "Ashley"},
                                expect=(400,))],
                      {"pseudonym": "Ashley"})

    def draft_from_review(w):
        a = w.review_a
        return Target("manager", f"/learning/new/review/{a.id}", a.secrets, [
            Probe("chair_a", "GET", f"/learning/new/review/{a.id}",
                  (a.child_name, a.child_nhs_number),
                  "a drafter who does not manage reviews sees the reference only",
                  expect=(200,)),
            Probe("coordinator", "POST", f"/learning/new/review/{a.id}",
                  (a.child_name, a.child_nhs_number), "a review the board has not approved",
                  {"pseudonym": "Ashley"}, expect=(400,))],
            {"pseudonym": "Ashley"})

    return {
        "learning.view_summary": summary_target(""),
        "learning.edit_summary": summary_target("/edit"),
        "learning.print_summary": summary_target("/print"),
        "learning.submit_summary": summary_target("/submit"),
        "learning.return_summary": summary_target("/return"),
        "learning.approve_summary": hold_target("/approve"),
        "learning.publish_summary": hold_target("/publish"),
        "learning.hold_summary": hold_target("/hold"),
        "learning.release_hold": hold_target("/release-hold"),
        "learning.draft_from_case": draft_from_case,
        "learning.draft_from_review": draft_from_review,
    }


def other_routes():
    def notification_target(tail):
        def build(w):
            v = w.values["n"]
            return Target("coordinator", f"/notifications/{w.notification.id}{tail}",
                          (v["forename"], v["surname"], v["nhs_number"], "Nadia Notifier"))
        return build

    def user_target(tail):
        def build(w):
            return Target("admin", f"/users/{w.users['target'].id}{tail}",
                          ("Tobias Target", "tobias.target@example.org"))
        return build

    def record_access(w):
        url = f"/audit/records/child_death_case/{w.case_a.id}"
        return Target("admin", url, w.case_secrets("a", w.case_a), [
            # The access report names who looked, never what the record says: admin holds
            # no case content.
            Probe("admin", "GET", url, w.case_secrets("a", w.case_a, with_ref=False),
                  "admin reads who accessed a case, not the case", expect=(200,)),
            Probe("admin", "GET", f"/audit/records/audit_log/{w.case_a.id}", (),
                  "the audit log itself is not a record to report on", expect=(404,))])

    def open_link(w):
        secrets_a = w.case_secrets("a", w.case_a)
        secrets_c = w.case_secrets("c", w.case_c)
        tampered = w.token_c[:-1] + ("A" if w.token_c[-1] != "A" else "B")
        return Target("contact", f"/agency-report/{w.token_c}", secrets_c, [
            Probe("contact", "GET", f"/agency-report/{w.revoked_token_a}", secrets_a,
                  "a revoked link to case A", expect=(404,)),
            Probe("contact", "GET", f"/agency-report/{w.expired_token_a}", secrets_a,
                  "an expired link to case A", expect=(404,)),
            Probe("contact", "GET", f"/agency-report/{w.used_token_a}", secrets_a,
                  "a link to case A already used", expect=(404,)),
            Probe("contact", "GET", f"/agency-report/{tampered}", secrets_c,
                  "case C's link with one character changed", expect=(404,))])

    return {
        "public.view_notification": notification_target(""),
        "public.accept_notification": notification_target("/accept"),
        "public.link_notification": notification_target("/link"),
        "public.reject_notification": notification_target("/reject"),
        "users.edit_user": user_target(""),
        "users.disable_user": user_target("/disable"),
        "users.enable_user": user_target("/enable"),
        "users.reset_password": user_target("/reset-password"),
        "users.reset_two_factor": user_target("/reset-two-factor"),
        "audit.record_access": record_access,
        "agency_links.open_link": open_link,
    }


TARGETS = {**panel_routes(), **case_routes(), **review_routes(), **learning_routes(),
           **other_routes()}
# Rules with an argument that names no record.
NOT_OBJECTS = {"static": "a built asset under static/, not a record"}


def id_routes(app):
    """Every rule with an argument in its URL (uuid, int, string, path ...)."""
    return sorted((r for r in app.url_map.iter_rules() if r.arguments),
                  key=lambda r: r.endpoint)


def unmapped_id_routes(app):
    return [f"route {r.endpoint} ({r.rule}) has an id but no IDOR probe"
            for r in id_routes(app) if r.endpoint not in TARGETS and r.endpoint not in NOT_OBJECTS]


def fingerprint():
    """A digest of every row outside the refusal bookkeeping: any write shows.

    Read through the driver (no type processing) and sorted here: this runs around every
    probe that posts, so it has to be cheap.
    """
    digest = hashlib.sha256()
    connection = db.session.connection()
    for table in db.metadata.sorted_tables:
        if table.name in BOOKKEEPING:
            continue
        rows = connection.exec_driver_sql(f'SELECT * FROM "{table.name}"').fetchall()
        digest.update(table.name.encode() + repr(sorted(map(repr, rows))).encode())
    db.session.commit()
    return digest.hexdigest()


class Prober:
    """Sends each request from the named person's own browser and judges the answer."""

    def __init__(self, app, world):
        self.app, self.world = app, world
        self.browsers = {}
        self.failures = []

    def browser(self, who):
        """Each person has their own cookies (a flash for one never shows to another)."""
        if who == ANONYMOUS:
            return self.app.test_client()
        if who not in self.browsers:
            self.browsers[who] = self.app.test_client()
        client = self.browsers[who]
        if who in self.world.users:
            # Signed in afresh each time: nothing a probe does may end the next one's session.
            user = self.world.users[who]
            token = auth_services.open_session(user)
            db.session.commit()
            with client.session_transaction() as session:
                session.update({"_user_id": str(user.id), "_fresh": True, "sid": token})
        return client

    def send(self, who, method, url, data=None):
        return self.browser(who).open(url, method=method, data=data)

    def refuse(self, endpoint, probe, method, data):
        before = fingerprint() if method != "GET" else None
        response = self.send(probe.who, method, probe.url, data)
        where = f"{endpoint}: {method} {probe.url} as {probe.who} ({probe.why})"
        if probe.expect == "sign-in":
            if not to_sign_in(response):
                self.failures.append(f"{where}: expected the sign-in redirect, "
                                     f"got {response.status_code}")
        elif response.status_code not in probe.expect:
            self.failures.append(f"{where}: expected {'/'.join(map(str, probe.expect))}, "
                                 f"got {response.status_code}")
        shown = response.get_data(as_text=True) + response.headers.get("Location", "")
        leaked = [s for s in probe.secrets if s and s in shown]
        if leaked:
            self.failures.append(f"{where}: the response shows {leaked}")
        if before is not None and fingerprint() != before:
            self.failures.append(f"{where}: the database changed")

    def control(self, endpoint, target, methods):
        """The owner reaches the object through the same URL: the refusals mean something."""
        method = "GET" if "GET" in methods else "POST"
        response = self.send(target.owner, method, target.url, None if method == "GET" else {})
        status = response.status_code
        if status in (401, 403, 404, 405) or status >= 500 or to_sign_in(response):
            self.failures.append(f"{endpoint}: {method} {target.url} as its owner "
                                 f"{target.owner} got {status}: the probes prove nothing")


def refused_roles(access):
    """Stand-ins for every role that lacks the route's permission (none for public routes)."""
    if access == PUBLIC:
        return []
    return [STAND_IN[role.value] for role in Role if role not in POLICY[access]]


def test_every_id_route_refuses_objects_outside_the_users_scope(app, reliability):
    world = World()
    prober = Prober(app, world)
    prober.failures.extend(unmapped_id_routes(app))
    routes = probes = 0
    for rule in id_routes(app):
        if rule.endpoint not in TARGETS:
            continue
        routes += 1
        access = access_of(app.view_functions[rule.endpoint])
        methods = sorted(rule.methods & {"GET", "POST", "PUT", "PATCH", "DELETE"})
        target = TARGETS[rule.endpoint](world)
        derived = [Probe(who, "*", target.url, target.secrets,
                         f"a {world.users[who].roles[0].label.lower()} lacks {access}",
                         expect=(403,)) for who in refused_roles(access)]
        if access != PUBLIC:
            derived.append(Probe(ANONYMOUS, "*", target.url, target.secrets, "not signed in",
                                 expect="sign-in"))
        before = fingerprint()
        for probe in target.probes + derived:
            for method in (methods if probe.method == "*" else [probe.method]):
                data = (probe.data if probe.data is not None else target.data) \
                    if method != "GET" else None
                prober.refuse(rule.endpoint, probe, method, data)
                probes += 1
        if fingerprint() != before:  # a GET that wrote (each post is checked on its own)
            prober.failures.append(f"{rule.endpoint}: the database changed during the probes")
        prober.control(rule.endpoint, target, methods)
    line = reliability("idor", routes=routes, probes=probes, failed=len(prober.failures))
    print(line)
    assert routes >= len(TARGETS) - 1
    assert not prober.failures, "objects reachable out of scope:\n" + "\n".join(prober.failures)


def test_a_new_id_route_without_a_probe_is_reported(make_app):
    app = make_app()

    @app.get("/widgets/<uuid:widget_id>")
    def view_widget(widget_id):
        return "widget"

    assert unmapped_id_routes(app) == [
        "route view_widget (/widgets/<uuid:widget_id>) has an id but no IDOR probe"]
