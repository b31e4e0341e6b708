"""The organisers' registration pages /<ev>/manage/registrations...: settings, the participants (list,
add, cancel, move), the workshops' waiting lists, writing to participants, exports and figures."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from nec.accounts.permissions import organiser_required
from nec.core.actions import act, run, save, show_error
from nec.core.forms import NecForm
from nec.core.time import utcnow
from nec.core.web import current_actor, parse_id
from nec.proposals.call.forms import local_value
from nec.proposals.models import StructureType
from nec.registrations import seats, services, stats
from nec.registrations.manage import charts, exports
from nec.registrations.manage import services as manage
from nec.registrations.manage.forms import AttendanceForm, MessageForm, ParticipantForm, SeatForm, SettingsForm
from nec.registrations.models import Attendance, RegistrationState, SeatState

bp = Blueprint("registrations_manage", __name__)

MIME_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _registration_or_404(registration_id: int):
    registration = manage.get_registration(g.event, registration_id)
    if registration is None:
        abort(404)
    return registration


# --- settings ----------------------------------------------------------------------------------------


def _settings_form(event, current) -> SettingsForm:
    form = SettingsForm(obj=current) if current is not None else SettingsForm()
    if request.method == "GET" and current is None:
        form.offer_hours.data, form.pending_hours.data, form.reminder_days.data = 48, 48, "7,1"
        form.workshop_reminder_hours.data, form.retention_days.data = 24, 365
    elif request.method == "GET":
        tz = ZoneInfo(event.timezone)
        form.opens_at.data = local_value(current.opens_at, tz)
        form.closes_at.data = local_value(current.closes_at, tz)
    return form


@bp.route("/<ev>/manage/registrations/settings", methods=["GET", "POST"])
@organiser_required
def settings():
    event = g.event
    current = services.get_settings(event)
    form = _settings_form(event, current)
    if form.validate_on_submit():
        actor = current_actor()
        done = save(
            form,
            lambda: manage.update_settings(event, actor, form.values()),
            _("Les réglages des inscriptions sont enregistrés."),
            url_for("registrations_manage.settings"),
        )
        if done is not None:
            return done
    page = render_template(
        "registrations/manage/settings.html",
        event=event,
        form=form,
        window=services.registration_window(event, utcnow()),
        current=current,
        modes=services.modes_offered(event),
    )
    return page, (422 if form.is_submitted() else 200)


# --- participants ------------------------------------------------------------------------------------


@bp.get("/<ev>/manage/registrations")
@organiser_required
def participants():
    event = g.event
    query = manage.ParticipantQuery.from_args(request.args)
    page = manage.participants(event, query)
    return render_template(
        "registrations/manage/participants.html",
        event=event,
        query=query,
        page=page,
        states=list(RegistrationState),
        modes=services.modes_offered(event),
        structure_types=list(StructureType),
        departments=manage.departments(event),
        workshops=manage.workshops(event),
        totals=stats.totals(event),
        window=services.registration_window(event, utcnow()),
        SeatState=SeatState,
    )


@bp.get("/<ev>/manage/registrations.<fmt>")
@organiser_required
def export(fmt: str):
    if fmt not in MIME_TYPES:
        abort(404)
    event = g.event
    query = manage.ParticipantQuery.from_args(request.args)
    content = exports.participants_file(event, manage.all_participants(event, query), fmt)
    response = Response(content, mimetype=MIME_TYPES[fmt])
    filename = f"{event.slug}-participants-{date.today().isoformat()}.{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"  # personal data: never kept by a shared cache
    return response


@bp.route("/<ev>/manage/registrations/new", methods=["GET", "POST"])
@organiser_required
def add_participant():
    event = g.event
    form = ParticipantForm(services.modes_offered(event))
    if form.validate_on_submit():
        actor = current_actor()
        registration, error = run(lambda: services.add_by_organiser(event, form.data_for_service(), actor, utcnow()))
        if error is None:
            flash(
                _(
                    "%(name)s est inscrit·e ; un e-mail de confirmation lui est envoyé.",
                    name=registration.full_name,
                ),
                "success",
            )
            return redirect(url_for("registrations_manage.participant", registration_id=registration.id))
        show_error(form, error)
    return render_template("registrations/manage/add.html", event=event, form=form), (
        422 if form.is_submitted() else 200
    )


@bp.get("/<ev>/manage/registrations/<int:registration_id>")
@organiser_required
def participant(registration_id: int):
    event = g.event
    registration = _registration_or_404(registration_id)
    modes = services.modes_offered(event)
    attendance_form = AttendanceForm(modes, attendance=registration.attendance.value)
    return render_template(
        "registrations/manage/participant.html",
        event=event,
        registration=registration,
        attendance_form=attendance_form,
        seat_form=SeatForm(),
        seats=seats.active_seats(registration),
        position=seats.waiting_position,
        workshops=manage.workshops(event),
        modes=modes,
        SeatState=SeatState,
        RegistrationState=RegistrationState,
    )


@bp.post("/<ev>/manage/registrations/<int:registration_id>/attendance")
@organiser_required
def change_attendance(registration_id: int):
    registration = _registration_or_404(registration_id)
    form = AttendanceForm(services.modes_offered(g.event))
    target = url_for("registrations_manage.participant", registration_id=registration.id)
    if not form.validate_on_submit():
        flash(_("Choisissez sur place ou en ligne, puis enregistrez."), "error")
        return redirect(target)
    actor = current_actor()
    mode = Attendance(form.attendance.data)
    return act(
        lambda: services.change_attendance(registration, mode, utcnow(), actor),
        _("La participation est enregistrée : %(mode)s.", mode=mode.title.lower()),
        target,
    )


@bp.post("/<ev>/manage/registrations/<int:registration_id>/seat")
@organiser_required
def change_seat(registration_id: int):
    """Give a seat in a workshop (no current one chosen), or move it from one workshop to another."""
    registration = _registration_or_404(registration_id)
    form = SeatForm()
    target = url_for("registrations_manage.participant", registration_id=registration.id)
    to_session = manage.get_workshop(g.event, parse_id(form.to_session.data) or 0)
    from_id = parse_id(form.from_session.data)
    from_session = manage.get_workshop(g.event, from_id) if from_id else None
    if not form.validate_on_submit() or to_session is None or (from_id and from_session is None):
        flash(_("Choisissez un atelier de la liste, puis validez."), "error")
        return redirect(target)
    if registration.state != RegistrationState.confirmed:
        flash(_("Seule une inscription confirmée peut avoir une place dans un atelier."), "error")
        return redirect(target)
    actor, now = current_actor(), utcnow()
    if from_session is None:
        action = lambda: seats.take_seat(registration, to_session, now, actor)  # noqa: E731
    else:
        action = lambda: seats.move_seat(registration, from_session, to_session, actor, now)  # noqa: E731
    seat, error = run(action)
    if error is not None:
        flash(error.message, "error")
    elif seat.state == SeatState.waiting:
        flash(
            _("L'atelier « %(title)s » est complet : la personne est sur sa liste d'attente.", title=to_session.title),
            "success",
        )
    else:
        flash(_("La personne a une place dans l'atelier « %(title)s ».", title=to_session.title), "success")
    return redirect(target)


@bp.post("/<ev>/manage/registrations/<int:registration_id>/seat/<int:session_id>/remove")
@organiser_required
def remove_seat(registration_id: int, session_id: int):
    registration = _registration_or_404(registration_id)
    session = manage.get_workshop(g.event, session_id)
    if session is None:
        abort(404)
    actor = current_actor()
    seat, error = run(lambda: seats.leave(registration, session, utcnow(), actor))
    if error is not None:
        flash(error.message, "error")
    elif seat is None:
        flash(_("Cette personne n'a plus de place dans l'atelier « %(title)s ».", title=session.title), "error")
    else:
        flash(_("La place dans l'atelier « %(title)s » est libérée.", title=session.title), "success")
    return redirect(url_for("registrations_manage.participant", registration_id=registration.id))


@bp.post("/<ev>/manage/registrations/<int:registration_id>/link")
@organiser_required
def send_link(registration_id: int):
    """A person lost their personal link (or it leaked): a new one is mailed, every older one stops serving."""
    registration = _registration_or_404(registration_id)
    target = url_for("registrations_manage.participant", registration_id=registration.id)
    if registration.state != RegistrationState.confirmed:
        flash(_("Seule une inscription confirmée a un espace personnel."), "error")
        return redirect(target)
    actor = current_actor()
    return act(
        lambda: manage.renew_personal_link(registration, actor),
        _(
            "Un nouveau lien personnel part vers %(email)s ; les anciens liens ne servent plus.",
            email=registration.email,
        ),
        target,
    )


@bp.route("/<ev>/manage/registrations/<int:registration_id>/cancel", methods=["GET", "POST"])
@organiser_required
def cancel(registration_id: int):
    registration = _registration_or_404(registration_id)
    form = NecForm()
    if form.validate_on_submit():
        actor = current_actor()
        return act(
            lambda: services.cancel(registration, utcnow(), actor),
            _("L'inscription de %(name)s est annulée ; ses places sont libérées.", name=registration.full_name),
            url_for("registrations_manage.participant", registration_id=registration.id),
        )
    return render_template(
        "registrations/manage/cancel.html",
        event=g.event,
        registration=registration,
        form=form,
        seats=seats.active_seats(registration),
    )


# --- workshops and messages --------------------------------------------------------------------------


@bp.get("/<ev>/manage/registrations/workshops")
@organiser_required
def workshops():
    event = g.event
    return render_template(
        "registrations/manage/workshops.html",
        event=event,
        workshops=manage.workshop_seats(event),
        SeatState=SeatState,
    )


def _audiences(event, workshops):
    choices = [(manage.Audience.EVERYONE, _("Toutes les personnes inscrites"))]
    if len(services.modes_offered(event)) > 1:
        choices += [
            (manage.Audience.ON_SITE, _("Les personnes inscrites sur place")),
            (manage.Audience.ONLINE, _("Les personnes inscrites en ligne")),
        ]
    choices += [(f"session-{s.id}", _("Atelier « %(title)s »", title=s.title)) for s in workshops]
    return choices


@bp.route("/<ev>/manage/registrations/message", methods=["GET", "POST"])
@organiser_required
def message():
    event = g.event
    workshop_list = manage.workshops(event)
    form = MessageForm()
    form.audience.choices = _audiences(event, workshop_list)
    if request.method == "GET" and parse_id(request.args.get("session")):
        form.audience.data = f"session-{parse_id(request.args.get('session'))}"
    if form.validate_on_submit():
        audience = form.audience.data or ""
        session = None
        if audience.startswith("session-"):
            session = manage.get_workshop(event, parse_id(audience.removeprefix("session-")) or 0)
            if session is None:
                form.audience.errors = [_("Choisissez des destinataires dans la liste.")]
        elif audience not in {value for value, _label in form.audience.choices}:
            form.audience.errors = [_("Choisissez des destinataires dans la liste.")]
        if not form.audience.errors:
            actor = current_actor()
            count, error = run(
                lambda: manage.write_to_participants(
                    event, actor, subject=form.subject.data, body=form.body.data, audience=audience,
                    session=session, include_waiting=bool(form.include_waiting.data),
                )
            )  # fmt: skip
            if error is None:
                flash(_("Le message part vers %(n)d personne(s).", n=count), "success")
                return redirect(url_for("registrations_manage.participants"))
            show_error(form, error)
    return render_template("registrations/manage/message.html", event=event, form=form), (
        422 if form.is_submitted() else 200
    )


# --- figures -----------------------------------------------------------------------------------------


@bp.get("/<ev>/manage/registrations/figures")
@organiser_required
def figures():
    event = g.event
    return render_template(
        "registrations/manage/figures.html",
        event=event,
        totals=stats.totals(event),
        figures=stats.all_figures(event, utcnow()),
    )


@bp.get("/<ev>/manage/registrations/figures/<name>.svg")
@organiser_required
def chart(name: str):
    figure = stats.figure(g.event, name, utcnow())
    if figure is None:
        abort(404)
    response = Response(charts.chart_svg(figure), mimetype="image/svg+xml")
    # An image: its own styles, never a script (pygal's are left out).
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["Cache-Control"] = "no-store"
    return response
