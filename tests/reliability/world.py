"""A small world of real records in every state a form needs, built through the services.

Shared by the hostile-input checks (test_malformed_input.py, test_xss.py). Every free text the
services are given goes through `say(key, default)`, so a check can put its own text (an XSS
payload, say) into every stored narrative; by default the text is ordinary.
"""

import io
import uuid
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from cdop_scr import uploads
from cdop_scr.actions import services as actions
from cdop_scr.agency_links.services import token_hash
from cdop_scr.cases import services as case_services
from cdop_scr.cases.clocks import today
from cdop_scr.extensions import db
from cdop_scr.learning import services as learning_services
from cdop_scr.models.actions import ActionPlan, SourceType
from cdop_scr.models.base import utcnow
from cdop_scr.models.learning import SourceKind
from cdop_scr.models.outside import AgencyReportLink
from cdop_scr.models.panels import Analysis
from cdop_scr.panels import services as panel_services
from cdop_scr.public import services as public_services
from cdop_scr.scr import services as scr_services

from ..cases.conftest import details, nhs_number
from ..factories import UserFactory
from ..scr.documents import MINIMAL_PDF

PEOPLE = {
    # key: (roles, full name). A user whose name is in `say` gets that text instead.
    "coordinator": (["coordinator"], "Casey Coordinator"),
    "chair": (["panel_chair"], "Ada Chair"),
    "member": (["panel_member"], "Ama Member"),
    "member2": (["panel_member"], "Bob Member"),
    "manager": (["board_manager"], "Bola Board"),
    "manager2": (["board_manager"], "Bev Board"),
    "admin": (["admin"], "Alex Admin"),
    "target": (["panel_member"], "Tobias Target"),
    "totp_user": (["coordinator"], "Tess Totp"),
}


def plain(key, default):
    return default


def _pdf(name):
    return FileStorage(io.BytesIO(MINIMAL_PDF), filename=name)


class World:
    """Cases, a panel meeting, reviews, action plans, learning summaries, a public notification
    and a live agency link: each form of the app has a record in the state it acts on."""

    def __init__(self, say=plain):
        self.say = say
        self.users = {}
        for key, (roles, name) in PEOPLE.items():
            self.users[key] = UserFactory(roles=roles, full_name=say(f"user.{key}", name),
                                          totp=key == "totp_user")
        u = self.users
        coordinator, chair = u["coordinator"], u["chair"]

        # Cases A and B are ready for panel and on meeting M; B is then signed off.
        self.case_a = self._ready_case("a", 101)
        self.case_b = self._ready_case("b", 202)
        self.meeting = panel_services.create_meeting(
            coordinator, today() - timedelta(days=1), chair.id,
            [u["member"].id, u["member2"].id], [self.case_a.id, self.case_b.id])
        self.factor_a, self.panel_rec_a = self._analyse(self.case_a)
        self._analyse(self.case_b)
        panel_services.sign_off_review(chair, self.meeting.id, self.case_b.id,
                                       self.analysis(self.case_b).version, today())

        # Case C: notified, with family, two outstanding agency reports (the second with a live
        # secure link), referred for serious case review consideration, no review yet.
        self.case_c = case_services.notify_death(
            coordinator, self._child("c", 303),
            [("mother", say("case.family", "Cressida Rookwood"))], confirmed_new=True)
        case_services.update_key_dates(coordinator, self.case_c, self.case_c.version,
                                       {"scr_referred_on": today()})
        self.family_c = self.case_c.family_members[0]
        self.report_c = self._request_report(self.case_c, "school")
        self.report_c2 = self._request_report(self.case_c, "police")
        self.token = self._link(self.report_c2)

        # Case D: referred for serious case review consideration and the review started from
        # it, so the review links to the case (read pseudonymised from the review).
        self.case_d = case_services.notify_death(
            coordinator, self._child("d", 606),
            [("father", say("case_d.family", "Dorian Father"))], confirmed_new=True)
        case_services.update_key_dates(coordinator, self.case_d, self.case_d.version,
                                       {"scr_referred_on": today()})
        self.linked_review = scr_services.create_review_from_case(u["manager"], self.case_d)

        # A review with one of each part, one waiting for its decision, one approved.
        self.review = self._review()
        self.pending_review = self._pending_review()
        self.approved_review = self._approved_review()

        # The panel's signed-off recommendation on case B became an action on its plan.
        self.case_plan = SimpleNamespace(**self._plan_parts(self._case_b_recommendation()))

        # Learning summaries in each status a move starts from.
        self.summaries = self._summaries()

        # A public notification waiting in the coordinator's queue.
        self.notification, _ = public_services.submit_notification(
            "192.0.2.10", {**self._child("n", 505),
                           "notifier_name": say("notification.notifier_name", "Nadia Notifier")},
            [("father", say("notification.family", "Norbert Notifyworth"))])
        db.session.commit()

    # --- builders -----------------------------------------------------------------------------

    def _child(self, tag, seed):
        say = self.say
        forename = say(f"child.{tag}.forename", f"Child{tag.upper()}")
        surname = say(f"child.{tag}.surname", f"Surname{tag.upper()}")
        values = details(
            forename=forename, surname=surname, nhs_number=nhs_number(seed),
            other_names=[say(f"child.{tag}.other_name", "Alias")],
            address=say(f"child.{tag}.address", "1 Fictional Row, Exampleton"),
            local_authority=say(f"child.{tag}.local_authority", "Exampleshire"),
            gp_practice=say(f"child.{tag}.gp_practice", "Imaginary Lane Surgery"),
            school=say(f"child.{tag}.school", "Pretend Primary School"),
            place_of_death_name=say(f"child.{tag}.place", "St Example's Hospital"),
            circumstances=say(f"child.{tag}.circumstances", "Found unresponsive at home."),
            notifier_name=say(f"child.{tag}.notifier_name", "Dr Notifier Example"),
            notifier_role=say(f"child.{tag}.notifier_role", "Paediatrician"),
            notifier_agency=say(f"child.{tag}.notifier_agency", "St Example's Hospital"),
            notifier_contact=say(f"child.{tag}.notifier_contact", "01632 960000"),
            date_of_birth=today() - timedelta(days=800 + seed),
            date_of_death=today() - timedelta(days=30),
            notified_on=today() - timedelta(days=29))
        return values

    def _request_report(self, case, agency):
        return case_services.request_agency_report(
            self.users["coordinator"], case, agency,
            self.say(f"report.{agency}.contact", "Ms Ivy Contact"), "ivy@agency.example.org",
            today() + timedelta(days=20))

    def _ready_case(self, tag, seed):
        coordinator = self.users["coordinator"]
        case = case_services.notify_death(
            coordinator, self._child(tag, seed),
            [("mother", self.say(f"child.{tag}.mother", "Marigold Mother"))],
            confirmed_new=True)
        report = self._request_report(case, "health_visitor")
        case_services.record_agency_report(
            coordinator, case, report, today(),
            self.say(f"child.{tag}.report_summary", "Health visitor saw the child at home."),
            {"known_to_agency": {"answer": "yes", "details": self.say(
                f"child.{tag}.key_fact", "Seen at the new birth visit.")}})
        case_services.change_status(coordinator, case, case.version, "ready_for_panel")
        return case

    def _analyse(self, case):
        member = self.users["member"]
        say = self.say
        analysis = panel_services.save_analysis(
            member, self.meeting.id, case.id, 0, category=10, event="sudden_unexpected",
            refer_for_scr=False,
            learning_points=say("analysis.learning_points", "Safer sleep advice was not "
                                                            "repeated."))
        factor = panel_services.add_factor(
            member, self.meeting.id, case.id, analysis.version, "social", "co_sleeping", 2,
            True, say("analysis.factor", "The baby slept on a sofa with a parent."))
        recommendation = panel_services.add_recommendation(
            member, self.meeting.id, case.id, self.analysis(case).version,
            say("analysis.recommendation", "Repeat safer sleep advice at every contact."),
            say("analysis.owner_agency", "Health visiting"), today() + timedelta(days=60))
        return factor, recommendation

    def _link(self, report):
        token = uuid.uuid4().hex + uuid.uuid4().hex
        link = AgencyReportLink(request_id=report.id, token_hash=token_hash(token),
                                created_by_id=self.users["coordinator"].id,
                                expires_at=utcnow() + timedelta(days=14))
        db.session.add(link)
        db.session.commit()
        return token

    def _plan_parts(self, recommendation):
        """Actions in each state a button acts on: not started, in progress, evidence
        submitted; and a challenge waiting for its answer."""
        manager, say = self.users["manager"], self.say

        def action(label):
            return actions.add_action(
                manager, recommendation, say(f"action.{label}.description", "Train staff."),
                say(f"action.{label}.agency", "Kent Police"), "police",
                say(f"action.{label}.owner", "Inspector Ada Lovelace"),
                today() + timedelta(days=30),
                say(f"action.{label}.expected", "Training records for 90% of officers."))

        not_started, in_progress, submitted = action("one"), action("two"), action("three")
        for started in (in_progress, submitted):
            actions.start_action(manager, started, started.version)
        evidence = actions.submit_evidence(
            manager, submitted, submitted.version, say("action.evidence", "Training log."),
            uploads.read_upload(_pdf("evidence.pdf")))
        challenge = actions.record_challenge(manager, not_started,
                                             say("action.challenge", "Why the delay?"))
        return {"recommendation": recommendation, "not_started": not_started,
                "in_progress": in_progress, "submitted": submitted, "evidence": evidence,
                "challenge": challenge}

    def _case_b_recommendation(self):
        plan = db.session.scalar(select(ActionPlan).filter_by(
            source_type=SourceType.CDOP_CASE.value, source_id=self.case_b.id))
        return plan.recommendations[0]

    def _review(self):
        manager, say = self.users["manager"], self.say
        review = scr_services.create_review(
            manager, child_name=say("review.child_name", "Zebedee Quillfeather"),
            child_date_of_birth=today() - timedelta(days=3000),
            child_nhs_number=nhs_number(404), incident_type="serious_harm",
            incident_on=today() - timedelta(days=60),
            incident_summary=say("review.incident_summary", "Admitted with fractures."),
            la_learned_on=today() - timedelta(days=59), referred_on=today() - timedelta(days=58),
            reviewer_name=say("review.reviewer_name", "Rhiannon Reviewer"))
        scr_services.change_status(manager, review, review.version, "decision_pending",
                                   on=today() - timedelta(days=50))
        scr_services.record_decision(
            manager, review, review.version, "criteria_met", today() - timedelta(days=45),
            say("review.decided_by", "Chair Person"),
            say("review.rationale", "Agencies did not share information."))
        self.agency = scr_services.add_agency(manager, review,
                                              say("review.agency", "Kent Police"), "police")
        scr_services.add_meeting(manager, review, today() - timedelta(days=40),
                                 say("review.meeting_notes", "Scoping meeting."))
        self.document = scr_services.upload_document(manager, review, "overview_report",
                                                     _pdf("overview.pdf"))
        recommendation = scr_services.add_recommendation(
            manager, review, say("review.recommendation", "Share information about missed "
                                                          "appointments."))
        self.review_plan = SimpleNamespace(**self._plan_parts(recommendation))
        return review

    def _pending_review(self):
        manager = self.users["manager"]
        review = scr_services.create_review(
            manager, child_name=self.say("review3.child_name", "Xavier Pending"),
            child_date_of_birth=None, child_nhs_number=None, incident_type="serious_harm",
            incident_on=today() - timedelta(days=10),
            incident_summary=self.say("review3.incident_summary", "Burns."),
            referred_on=today() - timedelta(days=9))
        scr_services.change_status(manager, review, review.version, "decision_pending",
                                   on=today() - timedelta(days=8))
        return review

    def _approved_review(self):
        manager = self.users["manager"]
        review = scr_services.create_review(
            manager, child_name=self.say("review2.child_name", "Yolanda Marchbank"),
            child_date_of_birth=today() - timedelta(days=2000), child_nhs_number=None,
            incident_type="death", incident_on=today() - timedelta(days=200),
            incident_summary=self.say("review2.incident_summary", "Died after a fall."),
            referred_on=today() - timedelta(days=198))
        on = today() - timedelta(days=150)
        scr_services.change_status(manager, review, review.version, "decision_pending", on=on)
        scr_services.record_decision(manager, review, review.version, "criteria_met", on,
                                     "Chair Person", "Criteria met.")
        for status in ("report_received", "approved_by_board"):
            scr_services.change_status(manager, review, review.version, status, on=today())
        return review

    def _summaries(self):
        coordinator, manager2 = self.users["coordinator"], self.users["manager2"]

        def draft(pseudonym):
            return learning_services.draft_summary(coordinator, SourceKind.CDOP_CASE,
                                                   self.case_b.id, pseudonym)

        def move(summary, name, actor=coordinator, **fields):
            return learning_services.change_status(actor, summary.id, summary.version, name,
                                                   **fields)

        summaries = {"draft": draft("Ashley"), "submitted": draft("Bailey"),
                     "approved": draft("Cameron"), "held": draft("Dakota")}
        move(summaries["submitted"], "submit")
        move(summaries["approved"], "submit")
        move(summaries["approved"], "approve", manager2)
        move(summaries["held"], "hold", manager2, hold_reason="criminal_proceedings",
             hold_details=self.say("summary.hold_details", "Trial listed."),
             hold_review_on=today() + timedelta(days=30))
        return summaries

    # --- reading ------------------------------------------------------------------------------

    def analysis(self, case):
        db.session.expire_all()
        return db.session.scalar(select(Analysis).where(Analysis.case_id == case.id))
