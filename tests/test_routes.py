"""Every route declares who may use it, and the running app enforces the policy table.

The expected status of every (endpoint, method, role) is derived from POLICY, so a new route
is covered the moment it is registered.
"""

import uuid

import pytest
from werkzeug.routing import UUIDConverter

from cdop_scr.permissions import POLICY, PUBLIC, Permission, Role, access_of, public, requires

from .reliability import test_malformed_input as malformed
from .reliability.test_authz_matrix import (
    ANONYMOUS,
    NOT_OBJECTS,
    STAND_IN,
    TARGETS,
    Prober,
    expected_and_ok,
    id_routes,
)
from .reliability.test_authz_matrix import World as AuthzWorld

PROBE_METHODS = ("GET", "POST")


def routes(app):
    """(rule, method, access) for every rule and method of the running app."""
    for rule in app.url_map.iter_rules():
        access = access_of(app.view_functions[rule.endpoint])
        for method in sorted(rule.methods & set(PROBE_METHODS)):
            yield rule, method, access


def url_for_rule(rule):
    values = {}
    for name, converter in rule._converters.items():
        values[name] = uuid.uuid4() if isinstance(converter, UUIDConverter) else "x"
    return rule.build(values)[1]


def endpoints_without_access(app):
    return sorted(
        rule.endpoint for rule in app.url_map.iter_rules()
        if access_of(app.view_functions[rule.endpoint]) is None
    )


def test_every_endpoint_declares_its_access(app):
    assert endpoints_without_access(app) == []


def test_every_endpoint_has_exactly_one_rule(app):
    counts = {}
    for rule in app.url_map.iter_rules():
        counts[rule.endpoint] = counts.get(rule.endpoint, 0) + 1
    assert {e: n for e, n in counts.items() if n != 1} == {}


def test_a_route_added_without_a_rule_is_found_by_the_walk_and_refused(make_app, client):
    app = make_app()

    @app.get("/forgotten")
    def forgotten():
        return "case data"

    assert endpoints_without_access(app) == ["forgotten"]
    with app.app_context():
        response = app.test_client().get("/forgotten")
    assert response.status_code == 403
    assert b"case data" not in response.data


def test_the_public_endpoints_are_only_the_sign_in_steps_and_static_pages(app):
    public = sorted({rule.endpoint for rule, _, access in routes(app) if access == PUBLIC})
    assert public == [
        "agency_links.edit_report",
        "agency_links.open_link",
        "agency_links.report_sent",
        "auth.sign_in",
        "auth.two_factor_enrol",
        "auth.two_factor_verify",
        "main.accessibility",
        "main.health",
        "main.index",
        "public.download_copy",
        "public.notification_sent",
        "public.notify_death",
        "static",
    ]


def get_requests(app, world):
    """(endpoint, access, who, url) for every GET rule: its record's owner for an id route,
    otherwise each role the policy lets in (everyone, signed in or not, for a public page)."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        access = access_of(app.view_functions[rule.endpoint])
        if "GET" not in rule.methods or access is None:
            continue  # undeclared endpoints fail test_every_endpoint_declares_its_access
        if rule.endpoint in TARGETS:
            target = TARGETS[rule.endpoint](world)
            yield rule.endpoint, access, target.owner, target.url
            continue
        url = url_for_rule(rule)
        if access == PUBLIC:
            people = [ANONYMOUS, *STAND_IN.values()]
        else:
            people = [STAND_IN[role.value] for role in Role if role in POLICY[access]]
        for who in people:
            yield rule.endpoint, access, who, url


def test_no_get_request_changes_what_is_stored(app, monkeypatch):
    """Every GET of the running app, on real records, as someone allowed to use it: the
    database is the same afterwards, apart from the audit trail of viewing and the session's
    last-seen time (what malformed.fingerprint leaves out), and one more piece of session
    bookkeeping: opening an agency report link starts its contact's short session and notes
    when (the link's last_opened_at and updated_at, audited as agency_link_opened)."""
    monkeypatch.setitem(malformed.BOOKKEEPING_COLUMNS, "agency_report_link",
                        {"last_opened_at", "updated_at"})
    monkeypatch.setattr(malformed, "REFUSAL_AND_VIEW_EVENTS",
                        malformed.REFUSAL_AND_VIEW_EVENTS | {"agency_link_opened"})
    fingerprint = malformed.fingerprint
    world = AuthzWorld()
    prober = Prober(app, world)
    problems = [f"GET {rule.rule} ({rule.endpoint}) has no record to request in TARGETS"
                for rule in id_routes(app) if "GET" in rule.methods
                and rule.endpoint not in TARGETS and rule.endpoint not in NOT_OBJECTS]
    checked = 0
    for endpoint, access, who, url in get_requests(app, world):
        browser = prober.browser(who)  # signs in first: the new session is not the GET's doing
        before = fingerprint()
        response = browser.get(url)
        user = world.users.get(who)
        principal = user.roles[0].value if user is not None else ANONYMOUS
        expected, ok = expected_and_ok(access, principal, response)
        if not ok:
            problems.append(f"GET {url} ({endpoint}) as {who}: expected {expected}, "
                            f"got {response.status_code}")
        if fingerprint() != before:
            problems.append(f"GET {url} ({endpoint}) as {who} changed the database")
        checked += 1
    assert checked >= len([r for r in app.url_map.iter_rules() if "GET" in r.methods])
    assert not problems, "\n".join(problems)


def test_anonymous_visitors_are_sent_to_sign_in_from_every_protected_route(app, client):
    checked = 0
    for rule, method, access in routes(app):
        if access == PUBLIC:
            continue
        response = client.open(url_for_rule(rule), method=method)
        assert response.status_code == 302, (rule.endpoint, method, response.status_code)
        assert "/sign-in" in response.headers["Location"], rule.endpoint
        checked += 1
    assert checked > 10


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_exactly_what_the_policy_table_allows(app, client, login_as, role):
    allowed = {perm for perm, roles in POLICY.items() if role in roles}
    checked = failures = 0
    for rule, method, access in routes(app):
        if access == PUBLIC:
            continue
        login_as(role)  # fresh user each time: a POST such as sign-out must not leak across
        response = client.open(url_for_rule(rule), method=method)
        # An allowed role is never sent to sign in nor refused: the matrix's own rule.
        ok = expected_and_ok(access, role.value, response)[1]
        if access in allowed:
            ok = ok and response.status_code in (200, 302, 400, 404)
        if not ok:
            failures += 1
            print("MISMATCH", role, rule.endpoint, method, response.status_code)
        checked += 1
    print(f"RELIABILITY authz-matrix role={role.value} checked={checked} failed={failures}")
    assert failures == 0


def test_the_policy_gives_admin_no_case_content(app):
    case_content = {
        Permission.EDIT_CASES, Permission.VIEW_IDENTIFIERS, Permission.BREAK_GLASS,
        Permission.VIEW_PANEL_CASES, Permission.RECORD_ANALYSIS, Permission.SIGN_OFF_REVIEW,
        Permission.MANAGE_SCR, Permission.VIEW_REPORTS, Permission.VIEW_UNSUPPRESSED,
        Permission.DRAFT_LEARNING, Permission.PUBLISH_LEARNING,
    }
    assert not any(Role.ADMIN in POLICY[p] for p in case_content)
    # With that, the matrix test above answers 403 to admin on every case page.


def test_requires_refuses_anything_but_a_permission():
    with pytest.raises(TypeError):
        requires("manage_users")


def test_a_view_cannot_carry_two_access_rules():
    def view():
        return "page"

    with pytest.raises(TypeError, match="exactly one"):
        requires(Permission.MANAGE_USERS)(public(view))
    with pytest.raises(TypeError, match="exactly one"):
        public(requires(Permission.MANAGE_USERS)(view))
    with pytest.raises(TypeError, match="exactly one"):
        requires(Permission.EDIT_CASES)(requires(Permission.VIEW_AUDIT)(view))


def test_stacked_decorators_fail_when_the_module_is_imported():
    source = (
        "from cdop_scr.permissions import Permission, public, requires\n"
        "@requires(Permission.MANAGE_USERS)\n"
        "@public\n"
        "def both():\n"
        "    return 'page'\n"
    )
    with pytest.raises(TypeError, match="both already declares public"):
        exec(compile(source, "stacked_views.py", "exec"), {})
