"""The participant's personal space (/<ev>/me/registration/ ...), reached by login or by the personal
link of every mail; the seat buttons of the programme and the session page; the offer page."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from nec.core.actions import act, run
from nec.core.db import utcnow
from nec.core.links import base_url
from nec.core.tokens import InvalidLink
from nec.core.web import reachable_by_link
from nec.extensions import limiter
from nec.proposals.models import Session
from nec.registrations import certificates, personal_data, seats, services
from nec.registrations.checkin.qr import readable_code
from nec.registrations.me import services as me
from nec.registrations.me.identity import (
    current_registration,
    event_settings,
    forget_registration,
    remember_registration,
)
from nec.registrations.models import RegistrationState
from nec.registrations.signup import services as signup_services
from nec.registrations.signup.forms import ButtonForm

bp = Blueprint("registrations_me", __name__)

LINK_LIMIT = "30 per minute; 300 per hour"


def _invalid(message: str):
    return render_template("registrations/signup/invalid_link.html", message=message), 404


def _mine():
    """The current registration, or a redirect to the registration form (with a word why)."""
    registration = current_registration(g.event)
    if registration is None:
        flash(_("Inscrivez-vous d'abord à l'événement, ou ouvrez le lien personnel reçu par e-mail."), "error")
    return registration


def _back(target: str | None, default: str) -> str:
    """Where to go after a button: the page it was on (same site only), else `default`."""
    target = target or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc:
        return target
    return default


@bp.route("/<ev>/me/access/<token>")
@reachable_by_link
@limiter.limit(LINK_LIMIT)
def access(token: str):
    """The personal link: this browser opens the registration's space from now on."""
    try:
        registration = services.registration_from_token(g.event, token)
    except InvalidLink as exc:
        return _invalid(str(exc))
    remember_registration(registration)
    return redirect(url_for("registrations_me.registration"))


@bp.route("/<ev>/me/registration/")
@reachable_by_link
def registration():
    registration = current_registration(g.event)
    if registration is None and not g.event.is_published:  # the page is reachable by link only
        abort(404)
    if registration is None:
        window = services.registration_window(g.event, utcnow())
        return render_template("registrations/me/none.html", window=window)
    return render_template(
        "registrations/me/registration.html",
        registration=registration,
        lines=me.seat_lines(registration),
        agenda=me.agenda_slots(registration),
        form=ButtonForm(),
        calendar_url=url_for("registrations_me.calendar", token=me.calendar_token(registration), _external=True)
        .replace("https://", "webcal://")
        .replace("http://", "webcal://"),
        calendar_download=url_for("registrations_me.calendar", token=me.calendar_token(registration)),
        is_confirmed=registration.state == RegistrationState.confirmed,
        checkin_code=readable_code(registration),
        certificate_ready=utcnow() >= certificates.available_from(g.event),
    )


@bp.post("/<ev>/me/registration/agenda/merge")
@reachable_by_link
def merge_agenda():
    """static/js/registration-agenda.js: the sessions this browser kept join the registration's programme."""
    registration = current_registration(g.event)
    if registration is None:
        abort(404)
    added, problem = run(lambda: signup_services.merge_agenda(registration, request.form.get("ids")))
    if problem is not None:
        return jsonify({"added": 0, "message": problem.message}), 409
    return jsonify({"added": added})


@bp.route("/<ev>/me/registration/cancel", methods=["GET", "POST"])
@reachable_by_link
def cancel():
    registration = current_registration(g.event)
    if registration is None or registration.state == RegistrationState.cancelled:
        return redirect(url_for("registrations_me.registration"))
    form = ButtonForm()
    if form.validate_on_submit():
        return act(
            lambda: services.cancel(registration, utcnow()),
            _("Votre inscription est annulée. Vos places dans les ateliers ont été libérées."),
            url_for("registrations_me.registration"),
        )
    return render_template("registrations/me/cancel.html", form=form, registration=registration)


@bp.route("/<ev>/me/registration/data.json")
@reachable_by_link
def download_data():
    registration = current_registration(g.event)
    if registration is None:
        abort(404)
    body = json.dumps(personal_data.registration_data(registration), ensure_ascii=False, indent=2, default=str)
    response = Response(body, content_type="application/json; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{g.event.slug}-mon-inscription.json"'
    response.cache_control.no_store = True
    return response


@bp.route("/<ev>/me/registration/delete", methods=["GET", "POST"])
@reachable_by_link
def delete_data():
    registration = current_registration(g.event)
    if registration is None:
        return redirect(url_for("registrations_me.registration"))
    form = ButtonForm()
    if form.validate_on_submit():
        _done, problem = run(lambda: personal_data.erase_registration(registration, utcnow()))
        if problem is None:
            forget_registration(g.event)
            flash(_("Vos données d'inscription sont effacées."), "success")
            return redirect(url_for("events.home"))
        flash(problem.message, "error")
    return render_template("registrations/me/delete.html", form=form, registration=registration)


@bp.get("/<ev>/me/calendar/<token>.ics")
@reachable_by_link
@limiter.limit(LINK_LIMIT)
def calendar(token: str):
    """Read by calendar apps: the personal token in the address is the permission."""
    body = me.calendar(g.event, token, base_url())
    if body is None:
        abort(404)
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="{g.event.slug}-mon-programme.ics"'
    response.headers["Referrer-Policy"] = "no-referrer"
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response.make_conditional(request)


@bp.app_template_global("registration_link")
def registration_link(event) -> dict | None:
    """For the event's pages: "Mon inscription" for a registered visitor, "S'inscrire" while registrations
    are open, else None. An error page must still render when the database failed: then no link."""
    try:
        if event_settings(event) is None:  # the event has never taken registrations
            return None
        registration = current_registration(event)
        if registration is not None and registration.state != RegistrationState.cancelled:
            url = url_for("registrations_me.registration", ev=event.slug)
            return {"url": url, "label": _("Mon inscription"), "registered": True}
        if services.registration_window(event, utcnow()).is_open:
            url = url_for("registrations_signup.register", ev=event.slug)
            return {"url": url, "label": _("S'inscrire"), "registered": False}
    except SQLAlchemyError:
        current_app.logger.warning("registration link left out: the database did not answer", exc_info=True)
    return None


# --- seats ---------------------------------------------------------------------------------------


def _session(session_id: int) -> tuple[Session, tuple]:
    """A session of this event's published programme, and its times; any other (a draft, another event's)
    is not found."""
    found = seats.published_session(g.event.id, session_id)
    if found is None:
        abort(404)
    return found


@bp.post("/<ev>/sessions/<int:session_id>/seat")
def take_seat(session_id: int):
    session, window = _session(session_id)
    registration = _mine()
    if registration is None:
        return redirect(url_for("registrations_signup.register"), 303)
    title, back = session.title, url_for("programme_public.session", session_id=session.id)

    def take() -> int:
        """The waiting position (0: a seat), read before the commit so that nothing is loaded again after."""
        seat = seats.take_seat(registration, session, utcnow(), window=window)
        return seats.waiting_position(seat)

    position, problem = run(take)
    if problem is not None:
        flash(problem.message, "error")
    elif position:
        flash(
            _(
                "L'atelier est complet : vous êtes en liste d'attente (position %(position)d). Si une place se "
                "libère, vous la recevrez par e-mail.",
                position=position,
            ),
            "success",
        )
    else:
        flash(_("Votre place à l'atelier « %(title)s » est réservée.", title=title), "success")
    return redirect(_back(request.form.get("next"), back), 303)


@bp.post("/<ev>/sessions/<int:session_id>/seat/leave")
def leave_seat(session_id: int):
    session, _window = _session(session_id)
    registration = _mine()
    if registration is None:
        return redirect(url_for("registrations_signup.register"), 303)
    _seat, problem = run(lambda: seats.leave(registration, session, utcnow()))
    if problem is not None:
        flash(problem.message, "error")
    else:
        flash(_("Votre place à l'atelier « %(title)s » est libérée.", title=session.title), "success")
    return redirect(_back(request.form.get("next"), url_for("programme_public.session", session_id=session.id)), 303)


@bp.route("/<ev>/me/offers/<token>", methods=["GET", "POST"])
@reachable_by_link
@limiter.limit(LINK_LIMIT)
def offer(token: str):
    """The offer mail's link: the seat held for the person, with accept and decline buttons."""
    try:
        seat = seats.seat_from_offer_token(g.event, token)
    except InvalidLink as exc:
        return _invalid(str(exc))
    remember_registration(seat.registration)  # the offer's link, like the personal link, opens the space
    form = ButtonForm()
    if form.validate_on_submit():
        if request.form.get("answer") == "decline":
            return act(
                lambda: seats.decline_offer(seat, utcnow()),
                _("C'est noté : la place est proposée à la personne suivante."),
                url_for("registrations_me.registration"),
            )
        return act(
            lambda: seats.accept_offer(seat, utcnow()),
            _("Votre place à l'atelier « %(title)s » est réservée.", title=seat.session.title),
            url_for("registrations_me.registration"),
        )
    window = seats.session_window(seat.session)
    return render_template("registrations/me/offer.html", seat=seat, form=form, window=window)
