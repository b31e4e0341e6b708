"""/<ev>/register/: the registration form (with a honeypot and rate limits), the "check your mail" page,
and the e-mailed confirmation link — a page with a button, so that a mail scanner opening the link
confirms nothing."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from nec.core.actions import run, show_error
from nec.core.db import utcnow
from nec.core.tokens import InvalidLink
from nec.core.web import current_actor, reachable_by_link
from nec.extensions import limiter
from nec.registrations import services
from nec.registrations.me.identity import remember_registration
from nec.registrations.signup.forms import ButtonForm, RegistrationForm
from nec.registrations.signup.services import merge_agenda

bp = Blueprint("registrations_signup", __name__)

PER_IP_LIMIT = "10 per minute; 100 per hour"
PER_EMAIL_LIMIT = "5 per 15 minutes; 20 per day"


def _submitted_email() -> str:
    return "register:" + (request.form.get("email") or "").strip().lower()[:254]


def _data(form: RegistrationForm) -> services.RegistrationData:
    return services.RegistrationData(
        full_name=form.full_name.data or "",
        email=form.email.data or "",
        structure=form.structure.data or "",
        structure_type=form.structure_type.data or "other",
        commune=form.commune.data or "",
        postcode=form.postcode.data or "",
        attendance=form.attendance.data or "",
        consent_news=form.consent_news.data,
        consent_image=form.consent_image.data,
        consent_accessibility=form.consent_accessibility.data,
        accessibility_needs=form.accessibility_needs.data or "",
        language=session.get("locale", "fr"),
    )


def _register(form: RegistrationForm):
    user = current_actor() if current_user.is_authenticated else None
    registration = services.register(g.event, _data(form), utcnow(), user=user)
    merge_agenda(registration, form.agenda.data)
    return registration


@bp.route("/<ev>/register/", methods=["GET", "POST"])
@limiter.limit(PER_IP_LIMIT, methods=["POST"])
@limiter.limit(PER_EMAIL_LIMIT, key_func=_submitted_email, methods=["POST"])
def register():
    """The form; after it, the same page whatever the address (nobody learns who is registered)."""
    event = g.event
    window = services.registration_window(event, utcnow())
    form = RegistrationForm()
    if request.method == "GET" and current_user.is_authenticated:
        form.full_name.data = form.full_name.data or current_user.full_name
        form.email.data = form.email.data or current_user.email
    form.fill_choices(services.modes_offered(event))
    if window.is_open and form.validate_on_submit():
        if form.website.data:  # the hidden field: a robot; it is shown the usual page and nothing is kept
            return render_template("registrations/signup/check_mail.html", email=form.email.data)
        _registration, problem = run(lambda: _register(form))
        if problem is None:
            return render_template("registrations/signup/check_mail.html", email=form.email.data)
        show_error(form, problem)
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "registrations/signup/register.html", form=form, window=window, places=services.places_left(event)
    ), status


@bp.route("/<ev>/register/confirm/<token>", methods=["GET", "POST"])
@reachable_by_link
@limiter.limit(PER_IP_LIMIT, methods=["POST"])
def confirm(token: str):
    """GET shows a button; the POST confirms (idempotent) and opens the personal space."""
    form = ButtonForm()
    try:
        registration = services.registration_from_confirmation(g.event, token)
    except InvalidLink as exc:
        return render_template("registrations/signup/invalid_link.html", message=str(exc)), 404
    if form.validate_on_submit():
        confirmed, problem = run(lambda: services.confirm(g.event, token, utcnow()), refusals=(InvalidLink,))
        if problem is None:
            remember_registration(confirmed)
            flash(
                _("C'est fait : votre inscription est confirmée. Un e-mail de confirmation vous a été envoyé."),
                "success",
            )
            return redirect(url_for("registrations_me.registration"))
        form.form_errors.append(getattr(problem, "message", str(problem)))
    return render_template("registrations/signup/confirm.html", form=form, registration=registration), (
        400 if form.form_errors else 200
    )
