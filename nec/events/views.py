"""Public event pages (list, home) and the organiser's pages under /<ev>/manage/."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from nec.accounts.models import EventRoleKind
from nec.accounts.permissions import can_manage, has_event_role, organiser_required
from nec.core import hooks
from nec.core.actions import act, save
from nec.core.time import utcnow
from nec.core.web import current_actor
from nec.events import services
from nec.events.forms import DayForm, EventForm, FormatForm, RoomForm, ThemeForm
from nec.extensions import login

bp = Blueprint("events", __name__)


@bp.get("/")
def index():
    upcoming, past = services.list_public_events(date.today())
    managed = services.list_managed_events(current_user)
    return render_template(
        "events/index.html",
        upcoming=upcoming,
        past=past,
        notices=hooks.event_notices(upcoming, utcnow()),
        managed=managed,
        can_create=bool(managed) or services.can_create_events(current_user),
    )


@bp.get("/<ev>/")
def home():
    return render_template(
        "events/home.html",
        event=g.event,
        can_manage=can_manage(current_user, g.event),
        can_review=has_event_role(current_user, g.event, EventRoleKind.reviewer, EventRoleKind.organiser),
        is_speaker=hooks.is_speaker_of(current_user, g.event),
        notices=hooks.event_notices([g.event], utcnow()).get(g.event.id, []),
    )


# --- helpers of the organiser's pages ---------------------------------------------------------------


def _owned_or_404(getter, obj_id: int):
    obj = getter(g.event, obj_id)
    if obj is None:
        abort(404)
    return obj


def _render_manage(template: str, status: int = 200, **context):
    return render_template(template, event=g.event, **context), status


# --- creating an event --------------------------------------------------------------------------------


@bp.route("/manage/events/new", methods=["GET", "POST"])
def create_event():
    if not current_user.is_authenticated:
        return login.unauthorized()
    if not services.can_create_events(current_user):
        abort(403)
    form = EventForm()
    if form.validate_on_submit():
        created = {}

        def action():
            created["event"] = services.create_event(current_actor(), **form.event_details())

        response = save(
            form,
            action,
            _("L'événement est créé. Vérifiez ses jours, ajoutez ses salles et ses thèmes."),
            lambda: url_for("events.manage_dashboard", ev=created["event"].slug),
        )
        if response is not None:
            return response
    return render_template("events/manage/event_new.html", form=form, event=None)


# --- dashboard and event ------------------------------------------------------------------------------


@bp.get("/<ev>/manage/")
@organiser_required
def manage_dashboard():
    panels = hooks.dashboard_panels(g.event, utcnow())
    return _render_manage(
        "events/manage/dashboard.html",
        counts=services.dashboard_counts(g.event),
        urgent=[panel for panel in panels if panel.needs_attention],
        others=[panel for panel in panels if not panel.needs_attention],
    )


@bp.route("/<ev>/manage/event", methods=["GET", "POST"])
@organiser_required
def manage_event():
    form = EventForm(obj=g.event)
    if request.method == "GET":
        form.slug.data = g.event.slug
    if form.validate_on_submit():
        details = form.event_details()
        details["slug"] = details["slug"] or g.event.slug
        response = save(
            form,
            lambda: services.update_event(g.event, current_actor(), **details),
            _("Les informations de l'événement sont enregistrées."),
            lambda: url_for("events.manage_event", ev=g.event.slug),
        )
        if response is not None:
            return response
    return _render_manage("events/manage/event_edit.html", form=form)


# --- days ------------------------------------------------------------------------------------------------


@bp.get("/<ev>/manage/days")
@organiser_required
def manage_days():
    return _render_manage("events/manage/days.html", days=services.list_days(g.event))


@bp.route("/<ev>/manage/days/<int:day_id>", methods=["GET", "POST"])
@organiser_required
def edit_day(day_id: int):
    day = _owned_or_404(services.get_day, day_id)
    form = DayForm(obj=day)
    if form.validate_on_submit():
        response = save(
            form,
            lambda: services.update_day(day, current_actor(), **form.hours()),
            _("Les horaires du jour sont enregistrés."),
            lambda: url_for("events.manage_days"),
        )
        if response is not None:
            return response
    return _render_manage("events/manage/day_form.html", form=form, day=day)


# --- rooms ----------------------------------------------------------------------------------------------


@bp.route("/<ev>/manage/rooms", methods=["GET", "POST"])
@organiser_required
def manage_rooms():
    form = RoomForm()
    if form.validate_on_submit():
        response = save(
            form,
            lambda: services.add_room(g.event, current_actor(), **form.room_fields()),
            _("La salle « %(name)s » est ajoutée.", name=form.name.data.strip()),
            lambda: url_for("events.manage_rooms"),
        )
        if response is not None:
            return response
    return _render_manage("events/manage/rooms.html", form=form, rooms=services.list_rooms(g.event))


@bp.route("/<ev>/manage/rooms/<int:room_id>", methods=["GET", "POST"])
@organiser_required
def edit_room(room_id: int):
    room = _owned_or_404(services.get_room, room_id)
    form = RoomForm(obj=room)
    if form.validate_on_submit():
        response = save(
            form,
            lambda: services.update_room(room, current_actor(), **form.room_fields()),
            _("La salle « %(name)s » est enregistrée.", name=form.name.data.strip()),
            lambda: url_for("events.manage_rooms"),
        )
        if response is not None:
            return response
    return _render_manage("events/manage/room_form.html", form=form, room=room)


@bp.route("/<ev>/manage/rooms/<int:room_id>/delete", methods=["GET", "POST"])
@organiser_required
def delete_room(room_id: int):
    room = _owned_or_404(services.get_room, room_id)
    if request.method == "GET":
        return _render_manage(
            "events/manage/confirm_delete.html",
            question=_("Supprimer la salle « %(name)s » ?", name=room.name),
            cancel_url=url_for("events.manage_rooms"),
            section="rooms",
        )
    name = room.name
    return act(
        lambda: services.delete_room(room, current_actor()),
        _("La salle « %(name)s » est supprimée.", name=name),
        url_for("events.manage_rooms"),
    )


@bp.post("/<ev>/manage/rooms/<int:room_id>/move")
@organiser_required
def move_room(room_id: int):
    room = _owned_or_404(services.get_room, room_id)
    direction = request.form.get("direction", "")
    return act(lambda: services.move_room(room, current_actor(), direction), "", url_for("events.manage_rooms"))


# --- themes ---------------------------------------------------------------------------------------------


@bp.route("/<ev>/manage/themes", methods=["GET", "POST"])
@organiser_required
def manage_themes():
    form = ThemeForm()
    if form.validate_on_submit():
        response = save(
            form,
            lambda: services.add_theme(g.event, current_actor(), **form.theme_fields()),
            _("Le thème « %(name)s » est ajouté.", name=form.name.data.strip()),
            lambda: url_for("events.manage_themes"),
        )
        if response is not None:
            return response
    return _render_manage("events/manage/themes.html", form=form, themes=services.list_themes(g.event))


@bp.route("/<ev>/manage/themes/<int:theme_id>", methods=["GET", "POST"])
@organiser_required
def edit_theme(theme_id: int):
    theme = _owned_or_404(services.get_theme, theme_id)
    form = ThemeForm(obj=theme)
    if form.validate_on_submit():
        response = save(
            form,
            lambda: services.update_theme(theme, current_actor(), **form.theme_fields()),
            _("Le thème « %(name)s » est enregistré.", name=form.name.data.strip()),
            lambda: url_for("events.manage_themes"),
        )
        if response is not None:
            return response
    return _render_manage("events/manage/theme_form.html", form=form, theme=theme)


@bp.route("/<ev>/manage/themes/<int:theme_id>/delete", methods=["GET", "POST"])
@organiser_required
def delete_theme(theme_id: int):
    theme = _owned_or_404(services.get_theme, theme_id)
    if request.method == "GET":
        return _render_manage(
            "events/manage/confirm_delete.html",
            question=_("Supprimer le thème « %(name)s » ?", name=theme.name),
            warning=_("Les sessions de ce thème resteront au programme, sans thème."),
            cancel_url=url_for("events.manage_themes"),
            section="themes",
        )
    name = theme.name
    return act(
        lambda: services.delete_theme(theme, current_actor()),
        _("Le thème « %(name)s » est supprimé.", name=name),
        url_for("events.manage_themes"),
    )


@bp.post("/<ev>/manage/themes/<int:theme_id>/move")
@organiser_required
def move_theme(theme_id: int):
    theme = _owned_or_404(services.get_theme, theme_id)
    direction = request.form.get("direction", "")
    return act(lambda: services.move_theme(theme, current_actor(), direction), "", url_for("events.manage_themes"))


# --- session formats ------------------------------------------------------------------------------------


@bp.route("/<ev>/manage/formats", methods=["GET", "POST"])
@organiser_required
def manage_formats():
    form = FormatForm()
    if form.validate_on_submit():
        response = save(
            form,
            lambda: services.add_format(g.event, current_actor(), **form.format_fields()),
            _("Le format « %(name)s » est ajouté.", name=form.name.data.strip()),
            lambda: url_for("events.manage_formats"),
        )
        if response is not None:
            return response
    return _render_manage("events/manage/formats.html", form=form, formats=services.list_formats(g.event))


@bp.route("/<ev>/manage/formats/<int:format_id>", methods=["GET", "POST"])
@organiser_required
def edit_format(format_id: int):
    fmt = _owned_or_404(services.get_format, format_id)
    form = FormatForm(obj=fmt)
    if form.validate_on_submit():
        response = save(
            form,
            lambda: services.update_format(fmt, current_actor(), **form.format_fields()),
            _("Le format « %(name)s » est enregistré.", name=form.name.data.strip()),
            lambda: url_for("events.manage_formats"),
        )
        if response is not None:
            return response
    return _render_manage("events/manage/format_form.html", form=form, fmt=fmt)


@bp.route("/<ev>/manage/formats/<int:format_id>/delete", methods=["GET", "POST"])
@organiser_required
def delete_format(format_id: int):
    fmt = _owned_or_404(services.get_format, format_id)
    if request.method == "GET":
        return _render_manage(
            "events/manage/confirm_delete.html",
            question=_("Supprimer le format « %(name)s » ?", name=fmt.name),
            cancel_url=url_for("events.manage_formats"),
            section="formats",
        )
    name = fmt.name
    return act(
        lambda: services.delete_format(fmt, current_actor()),
        _("Le format « %(name)s » est supprimé.", name=name),
        url_for("events.manage_formats"),
    )
