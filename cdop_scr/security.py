"""Deny by default, security headers and the CSP nonce."""

import secrets

from flask import abort, current_app, g, request
from flask_login import current_user

from .extensions import login_manager
from .permissions import PUBLIC, access_of, public


def init_app(app):
    # Flask's own static view is the one endpoint we did not write: declare it public.
    if "static" in app.view_functions:
        app.view_functions["static"] = public(app.view_functions["static"])
    app.before_request(_make_nonce)
    app.before_request(enforce_access)
    app.after_request(set_security_headers)
    app.jinja_env.globals["csp_nonce"] = lambda: g.get("csp_nonce", "")


def _make_nonce():
    g.csp_nonce = secrets.token_urlsafe(18)


def enforce_access():
    """Refuse any endpoint that declares no access; check the declared permission."""
    if request.endpoint is None:
        return None  # no route matched: Flask answers 404/405
    view = current_app.view_functions.get(request.endpoint)
    access = access_of(view)
    if access is None:
        current_app.logger.error("endpoint %s declares no access: refused", request.endpoint)
        abort(403)
    if access == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.can(access):
        abort(403)
    return None


def content_security_policy():
    nonce = g.get("csp_nonce", "")
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


def set_security_headers(response):
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy()
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.endpoint != "static":
        # Pages may show case data: never store them in any cache.
        headers["Cache-Control"] = "no-store, max-age=0"
        headers["Pragma"] = "no-cache"
    if current_app.config.get("HSTS"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response
