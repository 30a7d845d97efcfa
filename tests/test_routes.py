"""Every route declares who may use it, and the running app enforces the policy table.

The expected status of every (endpoint, method, role) is derived from POLICY, so a new route
is covered the moment it is registered.
"""

import uuid

import pytest
from werkzeug.routing import UUIDConverter

from cdop_scr.permissions import POLICY, PUBLIC, Permission, Role, access_of, requires

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


def test_no_get_route_is_declared_to_change_state(app):
    # State-changing endpoints are POST-only; these names would betray a GET that changes state.
    verbs = ("disable", "enable", "delete", "reset", "sign_out", "approve", "publish", "sign_off")
    offenders = [
        rule.endpoint for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and any(v in rule.endpoint for v in verbs)
    ]
    assert offenders == []


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
        if access in allowed:
            ok = response.status_code in (200, 302, 400, 404) and response.status_code != 403
        else:
            ok = response.status_code == 403
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
