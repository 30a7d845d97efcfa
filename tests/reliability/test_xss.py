"""XSS: a payload corpus in every free-text field, then every page that may show it, parsed.

The payloads go in two ways. Every narrative the World (world.py) gives the services is a
payload (child and family names, circumstances, agency report summaries, the analysis, factors
and recommendations, review summaries and decisions, action plans and evidence, hold details,
user names). Then every POST form of the app (form_routes.ROUTES, taken from the url_map) is
sent with a payload in each of its free-text fields, as its user would; a field that refuses
the text (an email address, an NHS number, a postcode) keeps its valid value, and the form is
sent again. The answer to each post is checked (a form shown again with its errors is where
reflected XSS lives), and afterwards every GET page is fetched as each role that may see it.

Each payload carries a marker naming the field it went into. A page fails when its parsed HTML
holds a <script> with a marker, any on* event handler attribute, a link, frame or form aimed at
`javascript:`, `vbscript:` or `data:text/html`, an element that only an injected tag would make
(<svg>, <iframe>, <object>, <embed>, <base>, <style>, <meta>, <img>) carrying a marker, or a
template expression evaluated (`{{7*7}}` shown as 49). The learning summary's sections are the
one rich-text field: bleach keeps paragraphs, lists, emphasis and http(s) links and must have
stripped everything else from what is stored. Every HTML page must also send a
Content-Security-Policy whose script-src allows no inline script (and declares object-src and
base-uri); every download (CSV, XLSX, DOCX, PDF, text) must come with nosniff, so no browser
reads it as HTML. And the payloads of the fields in MUST_SHOW must be found, escaped, on some
page: a crawl that reached none of them would prove nothing.
"""

import re
from urllib.parse import quote, urlsplit

from lxml import html as lxml_html

from cdop_scr.extensions import db
from cdop_scr.models.learning import SECTIONS, LearningSummary
from cdop_scr.permissions import POLICY, PUBLIC, Role, access_of

from .form_routes import (
    ANONYMOUS,
    CONTACT,
    ROUTES,
    Visitor,
    baseline,
    error_targets,
    find_form,
    post_routes,
    send,
)
from .world import World

# {m} is the marker: it names the field (and payload) a finding came from.
PAYLOADS = [
    "<script>alert('{m}')</script>",
    "<img src=x onerror=alert('{m}')>",
    "<svg onload=alert('{m}')>",
    "javascript:alert('{m}')",
    "\"><script>alert('{m}')</script>",
    "' onmouseover='alert(\"{m}\")' x='",
    "\" autofocus onfocus=\"alert('{m}')",
    "{{{{7*7}}}}{m}",
    "[click](javascript:alert('{m}'))",
    "<a href=\"javascript:alert('{m}')\">{m}</a>",
    "<iframe src=\"javascript:alert('{m}')\"></iframe>",
    "<details open ontoggle=alert('{m}')>",
    "</textarea><script>alert('{m}')</script>",
    "</title><style>*{{background:url(//x/{m})}}</style>",
    "<object data=\"data:text/html,<script>alert('{m}')</script>\"></object>",
    "<base href=\"//evil.example/{m}/\">",
    # Allowed tags with what must not come with them (for the rich-text field).
    "<p onclick=\"alert('{m}')\">{m}</p>",
    "<a href=\"https://www.gov.uk/\" onclick=\"alert('{m}')\" style=\"x\">gov {m}</a>",
]
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "xlink:href", "srcdoc",
                  "background", "poster")
INJECTED_ONLY = {"svg", "iframe", "object", "embed", "base", "style", "meta", "img", "details"}
MARKER = re.compile(r"xss\d{4}")


class PayloadBook:
    """Hands out payloads, each with a new marker, and remembers where each marker went."""

    def __init__(self):
        self.where = {}
        self.count = 0

    def mark(self, source, payload):
        self.count += 1
        marker = f"xss{self.count:04d}"
        self.where[marker] = (source, payload)
        return marker

    def one(self, source):
        """One payload, the next in turn, so short fields share out the corpus."""
        payload = PAYLOADS[self.count % len(PAYLOADS)]
        return payload.format(m=self.mark(source, payload))

    def all(self, source):
        return " ".join(p.format(m=self.mark(source, p)) for p in PAYLOADS)

    def say(self, key, default):
        """world.py's text hook: narratives get every payload, names and labels one."""
        long = len(default) > 25 or key.split(".")[-1] in {
            "circumstances", "report_summary", "key_fact", "learning_points", "factor",
            "incident_summary", "rationale", "meeting_notes", "evidence", "challenge",
            "hold_details", "expected", "description", "address"}
        return self.all(key) if long else self.one(key)


# --- reading a page -----------------------------------------------------------------------------

def unescaped(html):
    """What in this page a payload made executable (empty when every payload is inert text)."""
    found = []
    doc = lxml_html.fromstring(html)
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        attributes = " ".join(f"{k}={v}" for k, v in element.attrib.items())
        if tag == "script" and MARKER.search((element.text or "") + attributes):
            found.append(f"<script> with {MARKER.search((element.text or '') + attributes)[0]}")
        if tag in INJECTED_ONLY and MARKER.search(attributes + (element.text or "")):
            found.append(f"injected <{tag} {attributes[:80]}>")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"event handler {name}={value[:60]!r} on <{tag}>")
            squeezed = re.sub(r"[\s\x00-\x1f]", "", value).lower()
            if name.lower() in URL_ATTRIBUTES and squeezed.startswith(DANGEROUS_SCHEMES):
                found.append(f"{name}={value[:60]!r} on <{tag}>")
    text = doc.text_content()
    for marker in re.findall(r"49(xss\d{4})", text):
        found.append(f"template expression evaluated before {marker}")
    return found


def csp_problems(response):
    policy = response.headers.get("Content-Security-Policy", "")
    directives = dict((part.split() + [""])[:2] if " " in part.strip() else (part.strip(), "")
                      for part in policy.split(";") if part.strip())
    script = next((p.strip() for p in policy.split(";") if p.strip().startswith("script-src")),
                  "")
    problems = []
    if not script:
        problems.append("no script-src")
    if "'unsafe-inline'" in script or "'unsafe-eval'" in script or "*" in script.split():
        problems.append(f"script-src allows inline or any script: {script}")
    if "object-src" not in directives or "base-uri" not in directives:
        problems.append(f"object-src/base-uri missing: {policy}")
    return problems


# The rich-text policy of learning summaries, written out here rather than read from the app.
RICH_TAGS = {"p", "br", "ul", "ol", "li", "em", "strong", "i", "b", "a"}
RICH_ATTRIBUTES = {"a": {"href", "rel"}}
RICH_SCHEMES = ("http://", "https://", "mailto:")


def rich_text_problems(fragment):
    """What a stored rich-text fragment holds beyond paragraphs, lists, emphasis and links."""
    if not fragment.strip():
        return []
    found = []
    wrapper = lxml_html.fragment_fromstring(fragment, create_parent="div")
    for element in wrapper.iter():
        if element is wrapper or not isinstance(element.tag, str):
            continue
        if element.tag not in RICH_TAGS:
            found.append(f"<{element.tag}>")
        for name, value in element.attrib.items():
            if name not in RICH_ATTRIBUTES.get(element.tag, ()):
                found.append(f"{name}= on <{element.tag}>")
            elif name == "href" and not value.strip().lower().startswith(RICH_SCHEMES):
                found.append(f"href={value[:40]!r}")
    return found


def markers_in(html):
    return set(MARKER.findall(lxml_html.fromstring(html).text_content()))


# --- the pages ----------------------------------------------------------------------------------

def _review_action(w, tail=""):
    return f"/reviews/{w.review.id}/actions/{w.review_plan.submitted.id}{tail}"


def _case_action(w, tail=""):
    return f"/panel-actions/{w.case_b.id}/actions/{w.case_plan.submitted.id}{tail}"


def every(model):
    return db.session.scalars(db.select(model)).all()


def plan_actions(source_type):
    """(source id, action) for every action on a plan of this kind of source."""
    from cdop_scr.models.actions import Action

    return [(a.recommendation.plan.source_id, a) for a in every(Action)
            if a.recommendation.plan.source_type == source_type]


def _models():
    from cdop_scr.models import Case, PublicNotification
    from cdop_scr.models.scr import Review

    return Case, PublicNotification, Review


# GET pages with an id in their URL that are not the page of a form in ROUTES: every record
# of the kind, so what the form posts made is read back too.
ID_PAGES = {
    "agency_links.open_link": lambda w: [f"/agency-report/{w.token}"],
    "audit.record_access": lambda w: [f"/audit/records/child_death_case/{w.case_a.id}",
                                      f"/audit/records/scr_review/{w.review.id}"],
    "cases.view_case": lambda w: [f"/cases/{c.id}" for c in every(_models()[0])],
    "cases.view_agency_report": lambda w: [
        f"/cases/{c.id}/agency-reports/{r.id}" for c in every(_models()[0])
        for r in c.agency_reports],
    "learning.print_summary": lambda w: [f"/learning/summaries/{s.id}/print"
                                         for s in every(LearningSummary)],
    "learning.view_summary": lambda w: [f"/learning/summaries/{s.id}"
                                        for s in every(LearningSummary)],
    "panel_actions.view_action_plan": lambda w: [f"/panel-actions/{w.case_b.id}/action-plan"],
    "panel_actions.view_action": lambda w: [
        f"/panel-actions/{case_id}/actions/{a.id}" for case_id, a in plan_actions("cdop_case")],
    "panel_actions.download_evidence": lambda w: [
        _case_action(w, f"/evidence/{w.case_plan.evidence.id}")],
    "panels.view_meeting": lambda w: [f"/panel-meetings/{w.meeting.id}"],
    "panels.download_pack": lambda w: [f"/panel-meetings/{w.meeting.id}/pack"],
    "panels.view_case": lambda w: [f"/panel-meetings/{w.meeting.id}/cases/{c.id}"
                                   for c in (w.case_a, w.case_b)],
    "public.view_notification": lambda w: [f"/notifications/{n.id}"
                                           for n in every(_models()[1])],
    "scr.view_review": lambda w: [f"/reviews/{r.id}" for r in every(_models()[2])],
    "scr.view_linked_case": lambda w: [f"/reviews/{r.id}/linked-case/{r.cdop_case_id}"
                                       for r in every(_models()[2]) if r.cdop_case_id],
    "scr.view_action_plan": lambda w: [f"/reviews/{r.id}/action-plan"
                                       for r in every(_models()[2])],
    "scr.view_action": lambda w: [f"/reviews/{review_id}/actions/{a.id}"
                                  for review_id, a in plan_actions("scr_review")],
    "scr.download_document": lambda w: [f"/reviews/{w.review.id}/documents/{w.document.id}"],
    "scr.download_evidence": lambda w: [_review_action(w, f"/evidence/"
                                                         f"{w.review_plan.evidence.id}")],
}
# What must be found, escaped, on some page: proof that the payloads reach the pages that
# show them (a crawl that saw none of them would prove nothing).
MUST_SHOW = {
    "child.a.forename", "child.a.circumstances", "child.a.report_summary", "child.a.key_fact",
    "case.family", "notification.notifier_name", "report.school.contact",
    "analysis.learning_points", "analysis.factor", "analysis.recommendation",
    "review.child_name", "review.incident_summary", "review.rationale", "review.meeting_notes",
    "review.agency", "action.one.description", "action.evidence", "action.challenge",
    "summary.hold_details", "user.coordinator",
    "cases.notify_death:circumstances", "cases.record_agency_report:summary",
    "panels.add_factor:factor-description", "panels.break_glass:reason",
    "scr.break_glass_linked_case:reason",
    "scr.record_decision:rationale", "scr.add_action:expected_evidence",
    "learning.edit_summary:introduction", "public.notify_death:notifier_name",
    "public.reject_notification:reason", "users.create_user:full_name",
}
# ({fy} is the financial year of today, {y} the calendar year.)
QUERIES = {
    "reporting.cross_table": ["year={fy}&measure=deaths&rows=sex&cols=category",
                              "year={fy}&measure=deaths_notified&rows=ethnicity_group"],
    "reporting.cross_table_csv": ["year={fy}&measure=deaths&rows=sex"],
    "reporting.data_quality": ["year={fy}"], "reporting.download_return": ["year={fy}"],
    "reporting.child_extract": ["year={fy}"], "reporting.index": ["year={fy}"],
    "learning.library": ["year={y}"],
    "learning.export_year": ["year={y}&format=html", "year={y}&format=docx"],
}
NOT_PAGES = {"static": "built assets, no record text"}


def who_may_see(view, w):
    """The world's people whose role may open this view (anonymous for a public one)."""
    access = access_of(view)
    if access == PUBLIC:
        return [ANONYMOUS]
    stand_in = {Role.COORDINATOR: "coordinator", Role.PANEL_CHAIR: "chair",
                Role.PANEL_MEMBER: "member", Role.BOARD_MANAGER: "manager",
                Role.ADMIN: "admin"}
    return [stand_in[role] for role in POLICY[access] if role in stand_in]


def pages(app, w):
    """(endpoint, url) for every GET page, with the world's records in it; and what is missing."""
    from cdop_scr.cases.clocks import today
    from cdop_scr.reporting.dimensions import financial_year_of

    years = {"fy": financial_year_of(today()), "y": today().year}
    found, missing = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
            continue
        if rule.arguments:
            if rule.endpoint in ID_PAGES:
                urls = ID_PAGES[rule.endpoint](w)
            elif rule.endpoint in ROUTES:
                urls = [ROUTES[rule.endpoint].form_page(w)]
            else:
                missing.append(f"GET {rule.rule} ({rule.endpoint}) has no page in ID_PAGES")
                continue
        else:
            path = rule.build({})[1]
            urls = [f"{path}?{q.format(**years)}" for q in QUERIES.get(rule.endpoint, [])] \
                or [path]
            # The same page with payloads in its query string: reflected XSS.
            urls.append(f"{path}?{HOSTILE_QUERY}")
        found += [(rule.endpoint, url) for url in urls]
    return found, missing


HOSTILE_QUERY = "&".join(f"{name}={quote(PAYLOADS[4].format(m='xss9999'))}" for name in (
    "year", "status", "measure", "rows", "cols", "event", "user", "theme", "page", "next",
    "format", "financial_year", "date_from", "q"))


# --- the check ----------------------------------------------------------------------------------

class Findings:
    def __init__(self, book):
        self.book, self.problems, self.pages, self.fields = book, [], set(), set()
        self.refused, self.shown, self.skipped = set(), set(), set()
        self.unescaped = 0

    def check(self, where, response):
        kind = response.headers.get("Content-Type", "")
        if "text/html" not in kind:
            if "nosniff" not in response.headers.get("X-Content-Type-Options", ""):
                self.problems.append(f"{where}: {kind} sent without nosniff")
            return
        html = response.get_data(as_text=True)
        if not html.strip():
            return
        self.pages.add(where)
        for problem in csp_problems(response):
            self.problems.append(f"{where}: {problem}")
        for problem in unescaped(html):
            self.unescaped += 1
            marker = MARKER.search(problem)
            source = self.book.where.get(marker[0], ("?",))[0] if marker else "?"
            self.problems.append(f"{where}: {problem} (payload from {source})")
        self.shown |= markers_in(html)


def post_payloads(app, client, login_as, w, book, findings):
    """Send every form with a payload in each free-text field; keep what it refuses valid."""
    visitor = Visitor(app, client, login_as, w)
    # Which forms take free text, read from the fresh world before anything is posted: a form
    # whose record an earlier post moves on (the agency link used, the summary put on hold)
    # may be gone by its turn, and that is allowed only for a form with no free-text field.
    free_text = {}
    for endpoint in post_routes(app):
        if endpoint in ROUTES and endpoint != "public.download_copy":
            _, form = find_form(visitor, endpoint, ROUTES[endpoint], w)
            free_text[endpoint] = [f.name for f in form.fields.values()
                                   if f.kind in ("text", "textarea")]
    for endpoint in post_routes(app):
        route = ROUTES.get(endpoint)
        if route is None:
            findings.problems.append(f"POST {endpoint}: no entry in form_routes.ROUTES")
            continue
        try:
            browser, form = find_form(visitor, endpoint, route, w)
        except AssertionError:
            findings.skipped.add(endpoint)
            if free_text.get(endpoint):
                findings.problems.append(
                    f"POST {endpoint}: its form (free text {free_text[endpoint]}) was gone by "
                    "its turn, so its payloads were never sent")
            continue
        findings.check(f"GET {route.form_page(w)} as {route.who}", browser.get(
            route.form_page(w)))
        valid = baseline(form, route.values(w))
        texts = [f for f in form.fields.values() if f.kind in ("text", "textarea")]
        if not texts:
            continue
        post = dict(valid)
        for f in texts:
            key = f"{endpoint}:{f.name}"
            post[f.name] = [book.all(key) if f.kind == "textarea" else book.one(key)]
        # Signing in or setting up two-factor with a valid value left would sign the outsider
        # in: those forms are sent once, with their payloads.
        tries = 1 if endpoint.startswith("auth.") else 4
        for attempt in range(tries):
            response = send(browser, route.url(w), post, form.multipart)
            findings.check(f"POST {route.url(w)} as {route.who} (try {attempt + 1})", response)
            if response.status_code in (301, 302, 303):
                # The record just made or changed, where the post leads.
                location = urlsplit(response.headers["Location"])
                landing = location.path + (f"?{location.query}" if location.query else "")
                findings.check(f"GET {landing} as {route.who} after the post",
                               browser.get(landing))
            refused = {name for name in error_targets(response)
                       for f in texts if f.name == name or same_row(f.name, name)}
            if not refused:
                break
            for name in refused & {f.name for f in texts}:
                # Too long for every payload: one. Still refused: the valid value.
                key = f"{endpoint}:{name}"
                short = attempt == 0 and form.fields[name].kind == "textarea"
                post[name] = [book.one(key)] if short else valid.get(name, [""])
                if not short:
                    findings.refused.add(key)
            for name in refused - {f.name for f in texts}:  # a field its row needs
                for f in texts:
                    if same_row(f.name, name):
                        post[f.name] = valid.get(f.name, [""])
                        findings.refused.add(f"{endpoint}:{f.name}")
        if response.status_code < 400:
            findings.fields |= {f"{endpoint}:{f.name}" for f in texts} - findings.refused
    return visitor


def same_row(a, b):
    """Two fields of one row of a repeated group (family-0-name and family-0-relation)."""
    row = re.match(r"^(.*-\d+)-[^-]+$", a)
    return bool(row) and b.startswith(row.group(1) + "-") and a != b


def test_no_payload_is_ever_shown_unescaped_on_any_page(app, client, login_as, reliability):
    app.config["WTF_CSRF_ENABLED"] = True
    book = PayloadBook()
    w = World(say=book.say)
    findings = Findings(book)
    visitor = post_payloads(app, client, login_as, w, book, findings)
    found, missing = pages(app, w)
    findings.problems += missing
    for endpoint, url in found:
        for who in who_may_see(app.view_functions[endpoint], w):
            if who == ANONYMOUS and endpoint.startswith("agency_links."):
                who = CONTACT
            response = visitor.browser(who).get(url)
            if response.status_code >= 500:
                findings.problems.append(f"GET {url} as {who}: {response.status_code}")
            findings.check(f"GET {url} as {who}", response)

    for summary in db.session.scalars(db.select(LearningSummary)):
        for name, _ in SECTIONS:
            for problem in rich_text_problems(getattr(summary, name) or ""):
                findings.problems.append(f"learning summary {summary.title!r}, {name}: stored "
                                         f"after bleach with {problem}")
    shown = {book.where[m][0] for m in findings.shown if m in book.where}
    findings.problems += [f"{source}: its payload was on no page" for source in
                          sorted(MUST_SHOW - shown)]
    line = reliability("xss", payloads=len(PAYLOADS), fields=len(findings.fields),
                       pages=len(findings.pages), unescaped=findings.unescaped,
                       fields_refusing_every_payload=len(findings.refused),
                       forms_without_free_text_skipped=len(findings.skipped))
    print(line)
    assert not findings.problems, f"{len(findings.problems)} problems:\n" + "\n".join(
        findings.problems[:80])
