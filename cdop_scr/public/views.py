"""The public notification page (no account) and the coordinator's new notifications queue."""

import uuid

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from ..auth.services import client_address
from ..cases import services as case_services
from ..errors import ValidationError, render_error
from ..models.base import utcnow
from ..models.cases import Relationship
from ..permissions import Permission, public, requires
from . import bp, services
from .forms import HONEYPOT_ERROR, AcceptForm, LinkForm, PublicNotificationForm, RejectForm

COPY_TOKEN = "public_copy_token"  # noqa: S105 (a session key name)
REFERENCE = "public_reference"
RATE_LIMITED = ("You have sent too many notifications from this network in the last hour. "
                "Telephone the child death review team, or try again in an hour")
TOO_LARGE = ("Your notification was too large to send, so nothing has been sent. Go back, "
             "shorten the longest answers (the circumstances can be up to 10,000 characters) "
             "and send it again, or telephone the child death review team.")


@bp.app_context_processor
def _queue():
    def new_notifications_count():
        if current_user.is_authenticated and current_user.can(Permission.EDIT_CASES):
            return services.count_new()
        return None

    return {"new_notifications_count": new_notifications_count}


def _actor():
    return current_user._get_current_object()


@bp.route("/notify-a-death", methods=["GET", "POST"])
@public
def notify_death():
    # A notification is a few kilobytes of text: refuse anything far bigger before parsing it.
    request.max_content_length = current_app.config["PUBLIC_MAX_FORM_BYTES"]
    form = PublicNotificationForm()
    status = 200
    if form.is_submitted():
        if form.honeypot_filled():
            services.note_refusal("honeypot")
            form.website.errors = [HONEYPOT_ERROR]
            status = 400
        elif services.is_rate_limited(client_address()):
            services.note_refusal("rate limit")
            form.submit.errors = [RATE_LIMITED]
            status = 429
        elif form.validate():
            try:
                notification, token = services.submit_notification(
                    client_address(), form.details(), form.family_entries())
            except services.RateLimited:
                form.submit.errors = [RATE_LIMITED]
                status = 429
            else:
                session[COPY_TOKEN] = token
                session[REFERENCE] = notification.reference
                return redirect(url_for("public.notification_sent"))
    return render_template("public/notify-death.html", form=form), status


@bp.errorhandler(413)
def notification_too_large(error):
    """A post far bigger than any notification: the GOV.UK error page, saying what to do."""
    if request.endpoint == "public.notify_death":
        return render_error(413, TOO_LARGE)
    return render_error(413)


@bp.get("/notify-a-death/sent")
@public
def notification_sent():
    reference = session.get(REFERENCE)
    if not reference:
        return redirect(url_for("public.notify_death"))
    return render_template("public/notification-sent.html", reference=reference,
                           can_download=bool(session.get(COPY_TOKEN)))


@bp.post("/notify-a-death/sent/copy")
@public
def download_copy():
    """The notifier's copy, once, unlocked by the token kept in their own session."""
    notification = services.take_copy(session.pop(COPY_TOKEN, None))
    if notification is None:
        abort(404)
    text = services.copy_text(notification, utcnow())
    return Response(text, mimetype="text/plain", headers={
        "Content-Disposition": f'attachment; filename="notification-{notification.reference}.txt"'
    })


# --- the coordinator's queue ---------------------------------------------------------------

@bp.get("/notifications")
@requires(Permission.EDIT_CASES)
def list_notifications():
    new, decided = services.list_notifications(_actor())
    return render_template("public/list-notifications.html", new=new, decided=decided)


def _render_notification(notification, matches=None, reject_form=None, link_form=None,
                         status=200):
    accept_form = AcceptForm()
    if matches:
        accept_form.confirmed_new.data = "yes"
    link_form = link_form or LinkForm(formdata=None)
    return render_template(
        "public/view-notification.html", notification=notification,
        details=notification.content["details"], family=notification.content.get("family") or [],
        relation_label=lambda code: Relationship.label_of(code, code),
        matches=matches, accept_form=accept_form, link_form=link_form,
        form=link_form if link_form.errors else None,
        reject_form=reject_form or RejectForm()), status


@bp.get("/notifications/<uuid:notification_id>")
@requires(Permission.EDIT_CASES)
def view_notification(notification_id):
    return _render_notification(services.view_notification(_actor(), notification_id))


@bp.post("/notifications/<uuid:notification_id>/accept")
@requires(Permission.EDIT_CASES)
def accept_notification(notification_id):
    notification = services.get_notification(notification_id)
    form = AcceptForm()
    if not form.validate_on_submit():
        return redirect(url_for("public.view_notification", notification_id=notification.id))
    try:
        case = services.accept_notification(_actor(), notification,
                                            confirmed_new=form.confirmed_new.data == "yes")
    except case_services.PossibleDuplicate as duplicate:
        # The page shows the notification again: that is a view of it, audited as one.
        services.view_notification(_actor(), notification.id)
        return _render_notification(notification, matches=duplicate.matches)
    except ValidationError as error:
        flash(error.message, "error")
        return redirect(url_for("public.view_notification", notification_id=notification.id))
    flash(f"Notification accepted: case {case.case_ref} created.", "success")
    return redirect(url_for("cases.view_case", case_id=case.id))


@bp.post("/notifications/<uuid:notification_id>/link")
@requires(Permission.EDIT_CASES)
def link_notification(notification_id):
    notification = services.get_notification(notification_id)
    form = LinkForm()
    if form.by_reference():
        return _link_by_reference(notification, form)
    if not form.validate_on_submit():
        flash("Select the case to link this notification to.", "error")
        return redirect(url_for("public.view_notification", notification_id=notification.id))
    try:
        case = services.link_notification(_actor(), notification, _uuid(form.case_id.data))
    except ValidationError as error:
        flash(error.message, "error")
        return redirect(url_for("public.view_notification", notification_id=notification.id))
    flash(f"Notification linked to case {case.case_ref}.", "success")
    return redirect(url_for("cases.view_case", case_id=case.id))


def _link_by_reference(notification, form):
    """Link to any case the coordinator names; a bad reference gets the page again with a
    GOV.UK error (a view of the notification, audited as one) and changes nothing."""
    if form.validate_on_submit():
        try:
            case = services.link_notification(_actor(), notification,
                                              case_ref=form.case_ref.data)
        except ValidationError as error:
            form.case_ref.errors = [error.message]
        else:
            flash(f"Notification linked to case {case.case_ref}.", "success")
            return redirect(url_for("cases.view_case", case_id=case.id))
    return _render_notification(services.view_notification(_actor(), notification.id),
                                link_form=form, status=400)


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        abort(404)


@bp.route("/notifications/<uuid:notification_id>/reject", methods=["GET", "POST"])
@requires(Permission.EDIT_CASES)
def reject_notification(notification_id):
    notification = services.get_notification(notification_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            services.reject_notification(_actor(), notification, form.reason.data)
        except ValidationError as error:
            form.reason.errors = [error.message]
        else:
            flash(f"Notification {notification.reference} rejected.", "success")
            return redirect(url_for("public.list_notifications"))
    return render_template("public/reject-notification.html", notification=notification,
                           form=form)
